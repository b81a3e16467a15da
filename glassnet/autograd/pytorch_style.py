"""The autograd API as PyTorch spells it: ``glassnet.autograd.Function`` (forward and backward
written with Tensor methods), ``glassnet.autograd.grad`` and ``glassnet.autograd.backward``.

Two kinds of Function live side by side:

- ``glassnet.Function`` (``glassnet.autograd.function.Function``), the one every op of glassnet is
  made of: its forward and backward receive and return NumPy arrays. That is the lesson: each
  gradient is NumPy you can read.
- ``glassnet.autograd.Function`` (this file), for PyTorch programs: forward and backward receive
  Tensors (``ctx.saved_tensors`` gives back the Tensors saved) and return Tensors, and they run
  without recording a graph (as in PyTorch). It is built on the first kind: the node's backward
  wraps the incoming gradient array in a Tensor and unwraps what the user returns.

Examples:
    >>> import glassnet as gn
    >>> class Cube(gn.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (x,) = ctx.saved_tensors
    ...         return grad_output * 3 * x ** 2
    >>> x = gn.tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad.data
    array([ 3., 12.], dtype=float32)
    >>> gn.autograd.grad(Cube.apply(x).sum(), x)
    (Tensor([ 3., 12.], dtype=float32),)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from glassnet.autograd import engine, graph
from glassnet.autograd.function import Context
from glassnet.autograd.function import Function as ArrayFunction
from glassnet.tensor import Tensor


class FunctionCtx(Context):
    """The ``ctx`` of a PyTorch-style Function: a graph node whose inputs are the Tensor
    arguments of ``apply``, while ``needs_input_grad`` and the gradients ``backward`` returns
    count every argument (None for the non-Tensor ones), as in PyTorch."""

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """The outputs listed here get no gradient (they come out not requiring grad)."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted: glassnet's nodes have one output, whose gradient is always an array."""

    def mark_dirty(self, *tensors: Tensor) -> None:
        raise NotImplementedError(
            "ctx.mark_dirty: a glassnet.autograd.Function cannot change its inputs in place; "
            "return a new Tensor instead"
        )

    def run_backward(self, grad: np.ndarray) -> Any:
        positions, count = self.positions, self.argument_count
        by_argument = [False] * count
        for position, need in zip(positions, self.needs_input_grad):
            by_argument[position] = need
        self.needs_input_grad = tuple(by_argument)
        with graph.no_grad():
            grads = self.function.backward(self, Tensor(grad))  # type: ignore[arg-type]
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        if len(grads) != count:
            raise TypeError(
                f"{self.name()}.backward returned {len(grads)} gradient(s) for {count} "
                "argument(s) of forward: return one per argument (None for non-Tensors)"
            )
        return [None if grads[p] is None else np.asarray(grads[p]) for p in positions]


class Function(ArrayFunction):
    """Base class of a differentiable operation written the PyTorch way, with Tensors.

    Subclasses write static ``forward(ctx, *args)`` and ``backward(ctx, grad_output)`` with
    Tensor methods; ``ctx.save_for_backward``, ``ctx.saved_tensors``, ``ctx.needs_input_grad``,
    ``ctx.mark_non_differentiable`` and ``ctx.set_materialize_grads`` work as in PyTorch, and so
    does the ``forward(*args)`` + ``setup_context(ctx, inputs, output)`` form. Arguments that are
    not Tensors reach ``forward`` as they are, and their gradient is None. ``forward`` returns
    one Tensor (several outputs raise NotImplementedError). Call it with ``MyFunction.apply``.

    glassnet's own ops are ``glassnet.Function`` subclasses, which work on NumPy arrays instead
    (see the module doc).
    """

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[Any, ...], output: Any) -> None:
        raise NotImplementedError  # only when forward takes no ctx (see apply)

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` without recording; its result joins the graph with this Function as
        the node when an argument requires grad."""
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        tensors = tuple(args[i] for i in positions)
        ctx = FunctionCtx(cls, tensors)
        ctx.positions, ctx.argument_count, ctx.non_differentiable = positions, len(args), ()
        with graph.no_grad():
            if cls.setup_context is not Function.setup_context:
                result = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, result)
            else:
                result = cls.forward(ctx, *args, **kwargs)
        if isinstance(result, (tuple, list)):
            raise NotImplementedError(
                f"{cls.__name__}.forward returned {len(result)} outputs: a glassnet graph node "
                "has one output; return one Tensor (or write one Function per output)"
            )
        data = np.asarray(result.data if isinstance(result, Tensor) else result)
        marked: tuple[Any, ...] = ctx.non_differentiable
        if any(result is t for t in marked):
            return Tensor(data)
        output = graph.attach(Tensor(data), ctx, tensors)
        if output._ctx is ctx and ctx._saved:
            ctx.saved_versions = graph.versions_of_saved(ctx, tensors, output)
        return output


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Iterable[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """``torch.autograd.grad``: the gradients of ``outputs`` with respect to ``inputs``, as a
    tuple of Tensors, touching no ``.grad``.

    Raises:
        RuntimeError: an input the outputs do not depend on, unless ``allow_unused=True`` (then
            its gradient is None, or zeros with ``materialize_grads=True``).
        NotImplementedError: ``create_graph=True`` or ``is_grads_batched=True`` (glassnet's
            backwards are NumPy and are not recorded, so there are no gradients of gradients).
    """
    _refuse_create_graph(create_graph, "grad")
    if is_grads_batched:
        raise NotImplementedError("autograd.grad: is_grads_batched is not supported by glassnet")
    targets = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    found = engine.grad(outputs, targets, grad_outputs, retain_graph=bool(retain_graph))
    result: list[Tensor | None] = []
    for target, g in zip(targets, found):
        if g is None and materialize_grads:
            g = np.zeros_like(target.data)
        elif g is None and not allow_unused:
            raise RuntimeError(
                "One of the differentiated Tensors appears to not have been used in the graph. "
                "Set allow_unused=True if this is the desired behavior."
            )
        result.append(None if g is None else Tensor(g))
    return tuple(result)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """``torch.autograd.backward``: ``backward()`` from several Tensors at once (their gradients
    add up in ``.grad``)."""
    _refuse_create_graph(create_graph, "backward")
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors] * len(roots)
    for i, (root, g) in enumerate(zip(roots, grad_tensors)):
        keep = bool(retain_graph) or i < len(roots) - 1
        engine.backward_api(root, g, keep, False, inputs)


def _refuse_create_graph(create_graph: bool, where: str) -> None:
    if create_graph:
        raise NotImplementedError(
            f"{where}(create_graph=True): glassnet's backwards are written in NumPy and are not "
            "recorded, so gradients of gradients (double backward) are not supported"
        )
