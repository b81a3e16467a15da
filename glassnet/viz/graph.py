"""Pictures of computation graphs with graphviz (the ``viz`` extra; rendering needs the system's
``dot`` program, e.g. ``apt-get install graphviz``).

One record node per value (its label, data or shape, and gradient when known) and one oval per
operation, with edges in the direction data flows: inputs -> operation -> result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise ImportError("graph pictures need graphviz: pip install 'glassnet[viz]'") from None
    return graphviz


def _walk(root: Any, parents_of: Any, max_nodes: int) -> list[Any]:
    """Every node reachable from ``root``, found iteratively, in a stable order."""
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        if len(seen) > max_nodes:
            raise ValueError(
                f"draw_graph: the graph has more than max_nodes={max_nodes} values; draw a smaller "
                "piece or raise max_nodes"
            )
        stack.extend(reversed(parents_of(node)))
    return list(seen.values())


def _tensor_label(tensor: Any, names: dict[int, str], show_grad: bool) -> str:
    parts = [names.get(id(tensor)) or tensor.name or ""]
    if tensor.size == 1:
        parts.append(f"data {tensor.item():.4g}")
    else:
        parts.append(f"{tuple(tensor.shape)} {tensor.dtype}")
    if show_grad and tensor.grad is not None:
        grad = np.asarray(tensor.grad)
        parts.append(
            f"grad {grad.item():.4g}" if grad.size == 1 else f"grad norm {np.linalg.norm(grad):.4g}"
        )
    return "{ " + " | ".join(p.replace("{", "(").replace("}", ")") for p in parts if p) + " }"


def draw_graph(
    root: Any,
    format: str = "svg",
    rankdir: str = "LR",
    show_grad: bool = True,
    names: Any = None,
    max_nodes: int = 500,
) -> Any:
    """Draw the graph that computed ``root``, a scalar ``Value`` or a ``Tensor``.

    Args:
        root: the output; its inputs are found by walking back through the recorded graph.
        format: the image format used by ``.render()`` / ``.pipe()`` ("svg", "png", ...).
        rankdir: "LR" (left to right) or "TB" (top to bottom).
        show_grad: show gradients where they have been computed.
        names: a Module (its parameters are labelled "0.weight", ...) or a dict name -> Tensor.
        max_nodes: refuse graphs larger than this, which no picture would make readable.

    Returns:
        a ``graphviz.Digraph``: shown inline in Jupyter, ``.render(path)`` writes a file.

    Raises:
        TypeError: a root that is neither a Value nor a Tensor, or ``names`` of another kind.
        ValueError: a graph larger than ``max_nodes``, or an unknown ``rankdir``.

    Examples:
        >>> from glassnet.scalar import Value
        >>> from glassnet.viz import draw_graph
        >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
        >>> dot = draw_graph(a * b + 1)
        >>> dot.source.count("->")  # a, b -> *; * -> value; value, 1 -> +; + -> output
        6
    """
    from glassnet.scalar import Value
    from glassnet.tensor import Tensor

    if not isinstance(root, (Value, Tensor)):
        raise TypeError(
            f"draw_graph: root must be a scalar Value or a Tensor, got {type(root).__name__}"
        )
    check_int("draw_graph", "max_nodes", max_nodes, minimum=1)
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if names is not None and hasattr(names, "named_parameters"):
        names = dict(names.named_parameters())
    if names is not None and not (
        isinstance(names, dict) and all(isinstance(t, Tensor) for t in names.values())
    ):
        raise TypeError(
            "draw_graph: names must be a Module or a dict of name -> Tensor, got "
            f"{type(names).__name__}"
        )
    graphviz = _graphviz()
    dot = graphviz.Digraph(format=format, graph_attr={"rankdir": rankdir})
    dot.attr("node", fontname="Helvetica", fontsize="11")
    if isinstance(root, Value):
        nodes = _walk(root, lambda v: list(v._prev), max_nodes)
        for v in nodes:
            fields = [v.label, f"data {v.data:.4f}"] + ([f"grad {v.grad:.4f}"] if show_grad else [])
            dot.node(str(id(v)), "{ " + " | ".join(f for f in fields if f) + " }", shape="record")
            if v._op:
                dot.node(f"{id(v)}op", v._op, shape="oval")
                dot.edge(f"{id(v)}op", str(id(v)))
                for child in v._prev:
                    dot.edge(str(id(child)), f"{id(v)}op")
        return dot

    labels = {id(t): name for name, t in (names or {}).items()}

    def parents(t: Any) -> list[Any]:
        return [] if t._ctx is None else list(t._ctx.parents)

    for t in _walk(root, parents, max_nodes):
        dot.node(str(id(t)), _tensor_label(t, labels, show_grad), shape="record")
        if t._ctx is not None:
            dot.node(f"{id(t)}op", t._ctx.function.__name__, shape="oval")
            dot.edge(f"{id(t)}op", str(id(t)))
            for parent in t._ctx.parents:
                dot.edge(str(id(parent)), f"{id(t)}op")
    return dot
