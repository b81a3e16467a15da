"""The one graph walker. Every backward in glassnet goes through :func:`run_backward`.

A graph is made of Tensors: a Tensor made by an op holds a Context (``tensor._ctx``) that
names the Function and the input Tensors. Backward visits nodes in reverse topological order
(found iteratively, so a 10,000-op chain needs no recursion), calls each Function's hand-written
backward once all gradients flowing into its output have been summed, and passes the results
on to the inputs. Summing a gradient back to an input's shape after broadcasting happens here,
once, so no op's backward has to think about broadcasting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Container, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.errors import GraphFreedError, ShapeError

if TYPE_CHECKING:
    from glassnet.tensor import Tensor


class _GradMode:
    enabled = True


def is_grad_enabled() -> bool:
    """True unless inside :class:`no_grad`."""
    return _GradMode.enabled


class _SetGradMode(contextlib.ContextDecorator):
    mode = True

    def __enter__(self) -> None:
        self._previous = _GradMode.enabled
        _GradMode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _GradMode.enabled = self._previous

    def _recreate_cm(self) -> _SetGradMode:
        return type(self)()  # a fresh instance per decorated call, so recursion nests correctly


class no_grad(_SetGradMode):
    """Record no graph: for evaluation and for in-place parameter updates.

    Works as a context manager and as a decorator.

    Examples:
        >>> import glassnet as gn
        >>> w = gn.ones(3, requires_grad=True)
        >>> with gn.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    mode = False


class enable_grad(_SetGradMode):
    """Record the graph again inside a :class:`no_grad` block."""

    mode = True


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...], op: str = "", position: int = 0):
    """Sum ``grad`` back to ``shape``: the backward of NumPy broadcasting.

    A gradient of any other shape breaks the rule that each input's gradient has that input's
    shape, and is reported as a ShapeError naming the Function and the input position.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != g for s, g in zip(shape, grad.shape[lead:])):
        raise ShapeError(
            f"{op}.backward returned a gradient of shape {grad.shape} for input {position}, "
            f"which has shape {shape}"
        )
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and grad.shape[lead + i] != 1
    )
    return grad.sum(axis=axes).reshape(shape)


def _topological_order(
    roots: Sequence[Tensor], stops: Container[Tensor], targets: Container[Tensor]
):
    """Nodes reachable from ``roots`` (not past ``stops``), each after every node that uses it."""
    order: list[Tensor] = []
    visited: set[Tensor] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False) for root in roots]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        ctx = node._ctx
        if ctx is None or node in stops:
            continue
        for parent in ctx.parents:
            if parent not in visited and (
                parent.requires_grad
                or parent._ctx is not None
                or parent._watched
                or parent in targets
            ):
                stack.append((parent, False))
    order.reverse()  # post-order puts inputs first; backward wants outputs first
    return order


def _leading_to(
    order: list[Tensor], targets: Container[Tensor], stops: Container[Tensor]
) -> set[Tensor]:
    """The nodes from which some target can be reached: only they need a gradient."""
    leads: set[Tensor] = set()
    for node in reversed(order):  # inputs before the nodes that use them
        if node in targets:
            leads.add(node)
        elif node._ctx is not None and node not in stops:
            if any(p in leads for p in node._ctx.parents):
                leads.add(node)
    return leads


def run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[np.ndarray],
    inputs: Sequence[Tensor] = (),
    *,
    accumulate: bool = True,
    stop_at_inputs: bool = False,
    retain_graph: bool = False,
) -> list[np.ndarray | None]:
    """Backpropagate ``root_grads`` from ``roots`` through the recorded graph.

    Args:
        roots: where the walk starts.
        root_grads: the gradient of each root.
        inputs: Tensors whose gradients are returned (None where none flows).
        accumulate: add gradients into ``.grad`` of leaves that require grad (``loss.backward()``);
            when False nothing's ``.grad`` is touched (``GradientTape``, :func:`grad`).
        stop_at_inputs: treat ``inputs`` as the edge of the graph (``Module.backward``).
        retain_graph: keep saved arrays so the graph can be walked again.
    """
    # Tensors are dict keys by identity (their __eq__ is elementwise, but equal hashes only
    # ever meet for the very same object), which is cheaper than keying by id().
    targets = set(inputs)
    stops = targets if stop_at_inputs else set()
    order = _topological_order(roots, stops, targets)
    leads = _leading_to(order, targets, stops) if targets else None

    grads: dict[Tensor, Any] = {}
    for root, g in zip(roots, root_grads):
        grads[root] = g if root not in grads else grads[root] + g
    results: list[np.ndarray | None] = [None] * len(inputs)
    # Arrays already handed to a leaf or a caller (or given by the caller): a second taker
    # gets a copy, so no two .grad arrays are ever the same object.
    claimed = {id(g) for g in root_grads}

    for node in order:
        g = grads.pop(node, None)
        if g is None:
            continue
        if node in targets:
            for i, t in enumerate(inputs):
                if t is node:
                    results[i] = _claim(g, claimed)
        ctx = node._ctx
        if ctx is None or node in stops:
            if accumulate and ctx is None and node.requires_grad:
                _accumulate(node, g, claimed)
            continue
        if accumulate and node._retain_grad:
            _accumulate(node, g, claimed)
        if ctx.released:
            raise GraphFreedError(
                f"backward through {ctx.function.__name__} a second time: its saved arrays were "
                "released by the first backward(). Pass retain_graph=True to the first call to "
                "walk the graph again."
            )
        # Which inputs want a gradient: those that require one, and (for explicit targets)
        # those on a path to a target. A backward may skip the rest (Linear skips dx).
        if leads is None:
            needs = tuple([p.requires_grad for p in ctx.parents])
        elif accumulate:
            needs = tuple([p.requires_grad or p in leads for p in ctx.parents])
        else:
            needs = tuple([p in leads for p in ctx.parents])
        if True in needs:
            ctx.needs_input_grad = needs
            _propagate(ctx, g, grads)
        if not retain_graph:
            ctx.release()
    return results


def _propagate(ctx, g: np.ndarray, grads: dict[Tensor, np.ndarray]) -> None:
    """Call one Function's backward and hand each input its gradient (summed if already there)."""
    input_grads = ctx.function.backward(ctx, g)
    parents = ctx.parents
    if not isinstance(input_grads, (tuple, list)):
        input_grads = (input_grads,)
    if len(input_grads) != len(parents):
        raise TypeError(
            f"{ctx.function.__name__}.backward returned {len(input_grads)} gradient(s) "
            f"for {len(parents)} input(s)"
        )
    needs = ctx.needs_input_grad
    for position, (parent, need, pg) in enumerate(zip(parents, needs, input_grads)):
        if not need or pg is None:
            continue
        data = parent.data
        if type(pg) is not np.ndarray:
            pg = np.asarray(pg)
        if pg.shape != data.shape:
            pg = unbroadcast(pg, data.shape, ctx.function.__name__, position)
        if pg.dtype != data.dtype:
            pg = pg.astype(data.dtype)
        previous = grads.get(parent)
        grads[parent] = pg if previous is None else previous + pg


def _claim(g: np.ndarray, claimed: set[int]) -> np.ndarray:
    """``g`` itself if nobody else can hold it, else a copy.

    A fresh array that owns its memory and was not handed out before is taken as it is (no
    copy on the hot path); a view, a read-only array, or one already given to another tensor
    (``a + b`` gives both the same gradient object) is copied.
    """
    if g.base is None and id(g) not in claimed and g.flags.writeable:
        claimed.add(id(g))
        return g
    return g.copy()


def _accumulate(tensor: Tensor, g: np.ndarray, claimed: set[int]) -> None:
    if tensor.grad is None:
        tensor.grad = _claim(g, claimed)
    else:
        # Not in place: the existing array may still be waiting as another node's gradient.
        tensor.grad = tensor.grad + g


def root_gradient(root: Tensor, grad: Any) -> np.ndarray:
    """The starting gradient of a backward: 1 for a one-element root, else given, of its shape."""
    if grad is None:
        if root.data.size != 1:
            raise ValueError(
                f"backward() of a non-scalar Tensor of shape {root.shape} needs a gradient of "
                "that shape: call backward(grad) or reduce it first, e.g. loss.sum().backward()"
            )
        return np.ones(root.data.shape, root.data.dtype)
    from glassnet.tensor import as_array  # here: tensor.py imports this module

    grad = as_array(grad, dtype=root.data.dtype)
    if grad.shape != root.data.shape:
        raise ShapeError(
            f"backward(grad): grad has shape {grad.shape} but the Tensor has shape {root.shape}"
        )
    return grad


def backward(tensor: Tensor, grad: Any = None, retain_graph: bool = False) -> None:
    """``tensor.backward()``: accumulate d tensor / d leaf into every leaf's ``.grad``."""
    if not tensor.requires_grad:
        raise RuntimeError(
            "backward() on a Tensor that does not require grad: no parameter or input with "
            "requires_grad=True was used to compute it (or it was computed under no_grad)"
        )
    run_backward([tensor], [root_gradient(tensor, grad)], retain_graph=retain_graph)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Iterable[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool = False,
):
    """Gradients of ``outputs`` with respect to ``inputs``, returned, touching no ``.grad``.

    Returns one array per input (None where the output does not depend on it); a single array
    when ``inputs`` is a single Tensor.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> gn.grad((x * x).sum(), x)
        array([2., 4., 6.], dtype=float32)
    """
    from glassnet.tensor import Tensor

    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    if not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(outs)
    single = isinstance(inputs, Tensor)
    ins: list[Tensor] = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    root_grads = [root_gradient(o, g) for o, g in zip(outs, grad_outputs)]
    result = run_backward(outs, root_grads, ins, accumulate=False, retain_graph=retain_graph)
    return result[0] if single else result


class GradientTape:
    """TensorFlow-style recording: compute gradients of a target with respect to sources.

    Ops on Tensors that require grad are always recorded; ``tape.watch(x)`` also records ops on
    a Tensor that does not. ``gradient`` returns arrays and leaves every ``.grad`` alone.

    Args:
        persistent: allow several ``gradient`` calls (keeps the graph's saved arrays).

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([3.0])
        >>> with gn.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x ** 2
        >>> tape.gradient(y.sum(), x)
        array([6.], dtype=float32)
    """

    def __init__(self, persistent: bool = False) -> None:
        self.persistent = persistent
        self._used = False
        self._watched: list[Tensor] = []
        self._grad_mode = enable_grad()

    def __enter__(self) -> GradientTape:
        self._grad_mode.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._grad_mode.__exit__(*exc)
        for t in self._watched:
            t._watched = False

    def watch(self, *tensors: Tensor) -> None:
        """Record ops on these Tensors too, although they do not require grad."""
        for t in tensors:
            if t.data.dtype.kind != "f":
                raise TypeError(
                    f"GradientTape.watch: only float Tensors have gradients, not {t.dtype}"
                )
            t._watched = True
            self._watched.append(t)

    def gradient(self, target: Tensor, sources: Tensor | Iterable[Tensor], output_gradients=None):
        """d target / d source for each source: a list of arrays, or one array for one source."""
        if self._used and not self.persistent:
            raise RuntimeError(
                "GradientTape.gradient can be called once on a non-persistent tape; "
                "use GradientTape(persistent=True) to call it several times"
            )
        self._used = True
        return grad(target, sources, output_gradients, retain_graph=self.persistent)
