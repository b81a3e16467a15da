"""The package's shape: imports point down the layers, files stay small, the formatter rules.

Reads the source only (nothing is imported), so a reader can trust the layer picture in the
docs: tensor/autograd/ops at the bottom, nn on them, optim, data, train and io above.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "glassnet"
# Built together: Tensor methods call ops, ops make Tensors.
CORE = {"tensor", "tensor_methods", "tensor_inplace", "tensor_convert", "autograd", "ops"}


class ImportsAtImportTime(ast.NodeVisitor):
    """The modules a file imports when it is itself imported: imports inside functions (which
    run only when called) and under ``if TYPE_CHECKING`` are not counted."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_FunctionDef(self, node: ast.AST) -> None:
        pass

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" not in ast.unparse(node.test):
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.names += [alias.name for alias in node.names]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.level == 0:
            self.names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]


def module_level_imports() -> dict[str, set[str]]:
    """unit -> the other units of glassnet it imports at import time."""
    units = {p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or p.is_dir()}
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        here = parts[0] if len(parts) > 1 or parts[0] != "__init__" else "glassnet"
        visitor = ImportsAtImportTime()
        visitor.visit(ast.parse(path.read_text()))
        for name in visitor.names:
            pieces = name.split(".")
            if pieces[0] == "glassnet" and len(pieces) > 1 and pieces[1] in units:
                if pieces[1] != here:
                    edges.setdefault(here, set()).add(pieces[1])
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, stack = [], []

    def visit(node: str) -> None:
        if node in stack:
            found.append([*stack[stack.index(node) :], node])
            return
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            visit(other)
        stack.pop()

    for start in sorted(edges):
        visit(start)
    return found


def test_imports_have_no_cycles_outside_the_core():
    edges = module_level_imports()
    outside = [c for c in cycles(edges) if not set(c) <= CORE]
    assert not outside, outside


def test_nn_knows_nothing_of_the_layers_above_it():
    edges = module_level_imports()
    assert not edges.get("nn", set()) & {"train", "io", "data", "viz", "cli", "onnx_export"}
    for low in ("tensor", "autograd", "ops"):
        bottom = {
            "errors",
            "rng",
            "registry",
            "arguments",
            "dtypes",
            "device",
        }  # import nothing of glassnet
        assert edges.get(low, set()) <= CORE | bottom, (low, edges[low])


def test_no_file_is_over_500_lines():
    tests = Path(__file__).resolve().parent
    files = [*PACKAGE.rglob("*.py"), *tests.rglob("*.py")]
    lengths = {str(p): len(p.read_text().splitlines()) for p in files}
    assert not {name: n for name, n in lengths.items() if n > 500}


def test_at_most_three_formatter_exemptions_each_with_its_reason():
    exemptions = [
        (str(p.relative_to(PACKAGE)), line.strip())
        for p in PACKAGE.rglob("*.py")
        for line in p.read_text().splitlines()
        if "fmt: skip" in line or "fmt: off" in line
    ]
    assert len(exemptions) <= 3, exemptions
