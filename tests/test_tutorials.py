"""The tutorials run top to bottom without an error. Their outputs are never committed: the docs
build runs them (mkdocs.yml), so the site shows what the library prints today."""

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / "docs" / "tutorials").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs(path, mnist_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("GLASSNET_DATA", str(mnist_dir.parent))  # the data folder holds mnist/
    monkeypatch.setenv("GLASSNET_MNIST_DIR", str(mnist_dir))  # wherever the files are
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "commit without outputs"
    )
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    print(f"{path.name}: {time.perf_counter() - started:.1f}s")
    assert not any(
        output.get("output_type") == "error"
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
