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


def _code_cells(stem):
    path = next(p for p in TUTORIALS if p.stem == stem)
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_tutorial_1_draws_the_graph_after_backward_so_gradients_show():
    cells = _code_cells("01_scalar_autograd")
    backward = next(i for i, c in enumerate(cells) if "L.backward()" in c)
    drawn = [i for i, c in enumerate(cells) if "draw_graph(L)" in c]
    assert drawn and all(i > backward for i in drawn)


def test_tutorial_3_has_the_reader_write_a_backward_and_see_a_wrong_one_fail():
    cells = _code_cells("03_layers_by_hand")
    written = next(c for c in cells if "class AffineOp(gn.Function)" in c)
    assert "def backward(ctx, grad)" in written and "gn.gradcheck(AffineOp.apply" in written
    wrong = next(c for c in cells if "class WrongAffineOp" in c)
    assert "gn.GradientCheckError" in wrong
