"""The backward pass: one plain walk over the graph, and the three ways to start it.

A graph is made of Tensors: a Tensor made by a recorded op holds its node (``tensor._ctx``, also
``tensor.grad_fn``) naming the Function and the input Tensors. ``backward_pass`` visits the
Tensors in reverse topological order (outputs before the inputs they were made from, found
iteratively, so a 10,000-op chain needs no recursion). When it reaches a Tensor, every gradient
flowing into it has been summed, so it hands that gradient over and calls the op's hand-written
backward once, passing the results on to the inputs. Compare micrograd's ``Value.backward``:
the same walk, with arrays instead of numbers.

Three callers start it:

- ``backward`` (``loss.backward()``): adds the gradient into ``.grad`` of every leaf that
  requires grad;
- ``grad`` (``gn.grad``, ``GradientTape.gradient``): returns the gradients of chosen Tensors
  and touches no ``.grad``;
- ``Module.backward(dy)`` (a layer driven by hand) is ``backward`` from the layer's output, then
  reading the gradient of the layer's input.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import ShapeError

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

Follow = Callable[["Tensor"], bool]
Deliver = Callable[["Tensor", np.ndarray], None]


# --8<-- [start:walk]
def topological_order(
    roots: Sequence[Tensor], follow: Follow, stop_at: Container[Tensor] = frozenset()
) -> list[Tensor]:
    """Every Tensor reachable from ``roots`` through inputs that ``follow`` accepts (and not
    through those in ``stop_at``), each listed before the inputs it was made from."""
    order: list[Tensor] = []
    visited: set[Tensor] = set()  # Tensors hash by identity
    stack = [(root, False) for root in roots]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)  # after all of its inputs: post-order
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            if node._ctx is not None and node not in stop_at:
                # Inputs pushed last-first, so the walk reaches a node's own leaves (say, the
                # last layer's weights) right after it: their gradients are ready early.
                parents = reversed(node._ctx.parents)
                stack += [(p, False) for p in parents if follow(p) and p not in visited]
    order.reverse()
    return order


def backward_pass(
    roots: Sequence[Tensor],
    root_grads: Sequence[np.ndarray],
    follow: Follow,
    deliver: Deliver,
    retain_graph: bool = False,
    stop_at: Container[Tensor] = frozenset(),
) -> None:
    """Backpropagate ``root_grads`` from ``roots``.

    Args:
        follow: whether a gradient for this Tensor is wanted (the walk goes no further).
        deliver: called once per Tensor reached, with its complete gradient.
        retain_graph: keep the saved arrays, so the graph can be walked again.
        stop_at: Tensors that get their gradient but whose own inputs the walk leaves alone
            (``Module.backward`` stops at the input of the layer's last forward).
    """
    grads: dict[Tensor, np.ndarray] = {}
    for root, g in zip(roots, root_grads):
        grads[root] = grads[root] + g if root in grads else g
    for tensor in topological_order(roots, follow, stop_at):
        if tensor not in grads:
            continue  # no path from a root carries a gradient here
        g = grads.pop(tensor)
        if tensor._hooks:
            g = graph.run_hooks(tensor, g)
        deliver(tensor, g)
        node = tensor._ctx
        if node is None or tensor in stop_at:
            continue  # a leaf, or the edge of the part of the graph being walked
        needs = tuple([follow(p) for p in node.parents])
        if True in needs:
            for parent, pg in zip(node.parents, node.backward(g, needs)):
                if pg is not None:
                    grads[parent] = grads[parent] + pg if parent in grads else pg
        if not retain_graph:
            node.release()


# --8<-- [end:walk]
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


# --------------------------------------------------------------------------- loss.backward()
# --8<-- [start:backward]
def backward(
    tensor: Tensor, grad: Any = None, retain_graph: bool = False, stop_at: Tensor | None = None
) -> np.ndarray | None:
    """``tensor.backward()``: add d tensor / d leaf into ``.grad`` of every leaf requiring grad
    (and of non-leaves that asked for it with ``retain_grad()``).

    With ``stop_at`` (``Module.backward``), the walk ends at that Tensor, and its gradient is
    returned instead of being stored.
    """
    if not tensor.requires_grad:
        raise RuntimeError(
            "backward() on a Tensor that does not require grad: no parameter or input with "
            "requires_grad=True was used to compute it (or it was computed under no_grad)"
        )
    root_grad = root_gradient(tensor, grad)
    handed_out = {id(root_grad)}  # the caller's array is never adopted as someone's .grad
    edge = set() if stop_at is None else {stop_at}  # a set: Tensors compare by identity there
    reached: list[np.ndarray] = []

    def deliver(t: Tensor, g: np.ndarray) -> None:
        if t is stop_at:
            reached.append(g.copy() if id(g) in handed_out else g)
            handed_out.add(id(reached[0]))  # dx is never also some parameter's .grad
        elif t._ctx is None or t._retain_grad:
            accumulate(t, g, handed_out)

    backward_pass([tensor], [root_grad], _requires_grad, deliver, retain_graph, edge)
    return reached[0] if reached else None


# --8<-- [end:backward]
def backward_api(
    tensor: Tensor,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """``tensor.backward(gradient, retain_graph, create_graph, inputs)`` with PyTorch's
    arguments: with ``inputs``, only those Tensors' ``.grad`` receive the gradient."""
    if create_graph:
        raise NotImplementedError(
            "backward(create_graph=True): glassnet's backwards are written in NumPy and are not "
            "recorded, so gradients of gradients (double backward) are not supported"
        )
    if inputs is None:
        backward(tensor, gradient, retain_graph=bool(retain_graph))
        return
    from glassnet.tensor import Tensor

    targets = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for target, g in zip(targets, grad(tensor, targets, gradient, bool(retain_graph))):
        if g is not None:
            accumulate(target, g, set())


_requires_grad: Follow = attrgetter("requires_grad")


def accumulate(tensor: Tensor, g: np.ndarray, handed_out: set[int]) -> None:
    """Add ``g`` into ``tensor.grad``, then run its post-accumulate hooks.

    ``.grad`` is a Tensor that stays the same object across backward passes; its array
    (``.grad.data``) is what the engine adds into. A fresh array that owns its memory becomes
    that array as it is, without a copy; one that is a view, read-only, or already handed to
    another Tensor (``a + b`` gives both the same array) is copied, so no two ``.grad`` arrays
    are ever one object.
    """
    held = tensor._grad  # .grad: a Tensor whose array the engine owns
    if held is None:
        adoptable = g.base is None and g.flags.writeable and id(g) not in handed_out
        array = g if adoptable else g.copy()
        tensor._grad = _tensor_type()(array)
        handed_out.add(id(array))
    else:
        # Not in place: the existing array may still be waiting as another node's gradient.
        held.data = np.asarray(held.data + g)  # asarray: 0-d sums are NumPy scalars
    if tensor._post_accumulate_hooks:
        graph.run_post_accumulate_hooks(tensor)


def _tensor_type() -> type[Tensor]:
    from glassnet.tensor import Tensor  # here: tensor.py imports this module

    return Tensor


# --------------------------------------------------------------------------- gn.grad
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
    targets: list[Tensor] = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    # Only Tensors from which a target can be reached need a gradient ("leads" to a target).
    leads = set(targets)
    for t in reversed(topological_order(outs, graph.is_tracked)):  # inputs before outputs
        if t._ctx is not None and any(p in leads for p in t._ctx.parents):
            leads.add(t)
    wanted, found = set(targets), {}

    def deliver(t: Tensor, g: np.ndarray) -> None:
        if t in wanted:
            found[t] = g

    root_grads = [root_gradient(o, g) for o, g in zip(outs, grad_outputs)]
    backward_pass(outs, root_grads, leads.__contains__, deliver, retain_graph)
    result = [None if t not in found else found[t].copy() for t in targets]
    return result[0] if isinstance(inputs, Tensor) else result


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
        self._grad_mode = graph.enable_grad()

    def __enter__(self) -> GradientTape:
        self._grad_mode.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._grad_mode.__exit__(*exc)
        for t in self._watched:
            graph.unwatch(t)

    def watch(self, *tensors: Tensor) -> None:
        """Record ops on these Tensors too, although they do not require grad."""
        for t in tensors:
            graph.watch(t)
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
