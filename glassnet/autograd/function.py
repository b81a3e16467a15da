"""``Function``: one differentiable operation, a forward and a backward written by hand in NumPy.

Every gradient in glassnet comes from a ``Function.backward``. ``Function.apply`` runs the
forward on plain arrays and, when a gradient may be wanted later, records a graph node: the
output Tensor keeps a :class:`Context` holding the Function, its input Tensors and whatever the
forward saved for the backward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd import engine
from glassnet.errors import GraphFreedError
from glassnet.tensor import Tensor, as_tensor


class Context:
    """What one call of a Function remembers for its backward.

    Attributes:
        function: the Function subclass that made the output.
        parents: the input Tensors, in call order (a tuple, so the graph is deterministic).
        needs_input_grad: set by the engine just before ``backward``: one bool per input telling
            whether its gradient is wanted, so a backward can skip work nobody reads.

    A forward may also store plain attributes (``ctx.axis = axis``) for its backward.
    """

    __slots__ = ("__dict__", "_released", "_saved", "function", "needs_input_grad", "parents")

    def __init__(self, function: type[Function], parents: tuple[Tensor, ...]) -> None:
        self.function = function
        self.parents = parents
        self.needs_input_grad: tuple[bool, ...] = ()
        self._saved: tuple[Any, ...] = ()
        self._released = False

    if TYPE_CHECKING:  # forwards store their own settings on ctx (ctx.axis = ...)

        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays (or anything) for the backward; they are released after it runs."""
        self._saved = values

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        if self._released:
            raise GraphFreedError(
                f"{self.function.__name__}: the arrays saved for backward were already released "
                "by an earlier backward(); pass retain_graph=True to that call to backward twice"
            )
        return self._saved

    def release(self) -> None:
        """Drop what the forward saved (parents and the op name stay, so the graph can be drawn)."""
        self._saved = ()
        self.__dict__.clear()
        self._released = True

    @property
    def released(self) -> bool:
        return self._released

    def name(self) -> str:
        """The op's name: its Function's class name, e.g. ``"MulOp"``."""
        return self.function.__name__

    def __repr__(self) -> str:
        return f"<{self.function.__name__}>"


class Function:
    """Base class of every differentiable operation.

    Subclasses write two static methods on NumPy arrays:

    - ``forward(ctx, *arrays, **kwargs) -> np.ndarray``: positional arguments are the inputs
      (Tensors arrive as their arrays); keyword arguments are settings such as ``axis``.
    - ``backward(ctx, grad) -> grad per input``: ``grad`` has the output's shape; return one
      gradient per positional input (a tuple when there are several; None for an input that
      is not differentiable or not needed). A gradient may have the broadcast shape of the
      output: the engine sums it back to the input's shape, so no backward has to.

    Examples:
        >>> import numpy as np, glassnet as gn
        >>> class Sin(gn.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return np.sin(x)
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * np.cos(x)
        >>> x = gn.tensor([0.0, 1.0], requires_grad=True)
        >>> Sin.apply(x).sum().backward()
        >>> x.grad.round(4)
        array([1.    , 0.5403], dtype=float32)
    """

    @staticmethod
    def forward(ctx: Context, *arrays: Any, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError("a Function subclass must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray) -> Any:
        raise NotImplementedError("a Function subclass must define a static backward(ctx, grad)")

    @classmethod
    def apply(cls, *inputs: Any, **kwargs: Any) -> Tensor:
        """Run the forward and, if any input is part of a graph, record the output's node."""
        tensors = _as_tensors(inputs, cls.__name__)
        ctx = Context(cls, tensors)
        data = cls.forward(ctx, *[t.data for t in tensors], **kwargs)
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        if not engine.is_grad_enabled() or data.dtype.kind != "f":
            return Tensor._from_op(data, None, False)
        tracked = False
        for t in tensors:
            if t.requires_grad:
                return Tensor._from_op(data, ctx, True)
            if t._ctx is not None or t._watched:
                tracked = True  # in a graph that reaches a watched input: record, no grad
        return Tensor._from_op(data, ctx if tracked else None, False)


def _as_tensors(inputs: tuple[Any, ...], op: str) -> tuple[Tensor, ...]:
    """Inputs as Tensors; Python and NumPy scalars take the dtype of the first float Tensor."""
    for x in inputs:
        if not isinstance(x, Tensor):
            break
    else:
        return inputs  # the common case: nothing to convert
    like = None
    for x in inputs:
        if isinstance(x, Tensor) and (like is None or x.data.dtype.kind == "f"):
            like = x.data.dtype
            if like.kind == "f":
                break
    return tuple(x if isinstance(x, Tensor) else as_tensor(x, like=like, op=op) for x in inputs)
