"""The docs site renders docstrings with mkdocstrings: a Sphinx role such as ``:class:`Tensor```
would show up literally there. Cross references use mkdocs' syntax instead,
``[Tensor][glassnet.tensor.Tensor]``, which ``mkdocs build --strict`` checks resolve."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPHINX_ROLE = re.compile(r":(class|func|meth|mod|attr|obj|exc|data|const|ref|doc):`")


def test_no_sphinx_cross_references_in_the_code_or_the_docs():
    files = [
        *ROOT.joinpath("glassnet").rglob("*.py"),
        *ROOT.joinpath("docs").rglob("*.md"),
        *ROOT.joinpath("docs").rglob("*.ipynb"),
        ROOT / "README.md",
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SPHINX_ROLE.search(line)
    ]
    assert not found, "write [name][glassnet.module.name] instead of:\n" + "\n".join(found)
