"""Every python block of README.md and of each docs page runs: the blocks of one page, in order,
in one fresh Python process started in an empty folder, as a reader pasting them would.

What is not run: fences of another language (``bash``, ``text``), blocks that only quote the
library's source (``--8<--`` lines, which the docs build fills in from files other tests run),
and a block right after a ``<!-- not run -->`` line (for the rare one that cannot run here).
Data comes from ``$GLASSNET_DATA`` (else the project's shared data folder, laid out as
``mnist/``, ``fashion-mnist/``, ...); a page that loads MNIST is skipped without it.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SHARED_DATA = ROOT.parent / "shared" / "data"
NOT_RUN = "<!-- not run -->"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, code) of each runnable python block, in order."""
    blocks = []
    for match in FENCE.finditer(text):
        language, code = match.group(1), match.group(2)
        before = text[: match.start()].rstrip().splitlines()
        if language != "python" or code.lstrip().startswith("--8<--"):
            continue
        if before and before[-1].strip() == NOT_RUN:
            continue
        blocks.append((text[: match.start()].count("\n") + 1, code))
    return blocks


def data_folder() -> Path | None:
    folder = Path(os.environ.get("GLASSNET_DATA") or SHARED_DATA)
    return folder if (folder / "mnist" / "train-images-idx3-ubyte.gz").exists() else None


RUNNABLE = [page for page in PAGES if python_blocks(page.read_text(encoding="utf-8"))]


def test_the_extractor_finds_blocks_in_order_and_honours_the_markers():
    text = (
        "```python\na = 1\n```\n\n```bash\nls\n```\n"
        f"{NOT_RUN}\n```python\nraise SystemExit\n```\n"
        '```python\n--8<-- "glassnet/tensor.py:x"\n```\n```python\nb = a + 1\n```\n'
    )
    assert python_blocks(text) == [(1, "a = 1\n"), (15, "b = a + 1\n")]


def test_readme_and_every_guide_have_snippets():
    names = {page.relative_to(ROOT).as_posix() for page in RUNNABLE}
    assert {
        "README.md",
        "docs/getting-started.md",
        "docs/index.md",
        "docs/data.md",
        "docs/coming-from-pytorch.md",
        "docs/coming-from-keras.md",
    } <= names


@pytest.mark.slow
@pytest.mark.parametrize("page", RUNNABLE, ids=[p.relative_to(ROOT).as_posix() for p in RUNNABLE])
def test_every_python_block_of_the_page_runs_in_order(page, tmp_path):
    text = page.read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLASSNET_")}
    env["MPLBACKEND"] = "Agg"  # pictures are drawn to memory, no window
    folder = data_folder()
    if folder is not None:
        env["GLASSNET_DATA"] = str(folder)
    elif re.search(r"load_(fashion_)?mnist\(", text):
        pytest.skip("the page loads MNIST: set GLASSNET_DATA to a folder holding mnist/")
    else:
        env["GLASSNET_DATA"] = str(tmp_path / "no-data")  # nothing to download by accident
    parts = []
    for line, code in python_blocks(text):
        parts.append(f"import sys; print('--- block at line {line}', file=sys.stderr)\n{code}")
    script = tmp_path / "snippets.py"
    script.write_text("\n".join(parts), encoding="utf-8")
    work = tmp_path / "empty"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    where = done.stderr.strip().splitlines()
    failed_at = next((w for w in reversed(where) if w.startswith("--- block")), "?")
    assert done.returncode == 0, f"{page.name}, {failed_at}:\n{done.stderr[-3000:]}"
