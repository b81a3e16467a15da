"""``Function``: one differentiable operation, a forward and a backward written by hand in NumPy.

Every gradient in glassnet comes from a ``Function.backward``. ``Function.apply`` runs the
forward on plain arrays and wraps the result in a Tensor; if that result joins the graph (which
``glassnet.autograd.graph`` decides), it keeps a ``Context``, the graph node: the
Function, its input Tensors and whatever the forward saved for the backward.

Naming rule: every Function's class name ends in ``Op`` (``MulOp``, ``ReluOp``, ``LinearOp``), so
a graph node never shares a name with a layer (``nn.ReLU``) and ``grad_fn`` reads ``<ReluOp>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import GraphFreedError, ShapeError
from glassnet.tensor import Tensor, as_tensor


class Context:
    """A graph node: what one call of a Function remembers for its backward.

    Attributes:
        function: the Function subclass that made the output.
        parents: the input Tensors, in call order (a tuple, so the graph is deterministic).
        needs_input_grad: one bool per input telling whether its gradient is wanted, set just
            before ``backward`` runs, so a backward can skip work nobody reads.
        saved_versions: the Tensors whose arrays the forward saved, with their versions then.

    A forward may also store plain attributes (``ctx.axis = axis``) for its backward.
    """

    __slots__ = (
        "__dict__",
        "_released",
        "_saved",
        "function",
        "needs_input_grad",
        "parents",
        "saved_versions",
    )

    def __init__(self, function: type[Function], parents: tuple[Tensor, ...]) -> None:
        self.function = function
        self.parents = parents
        self.needs_input_grad: tuple[bool, ...] = ()
        self.saved_versions: tuple[tuple[Any, int], ...] = ()
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
                f"{self.name()}: the arrays saved for backward were already released "
                "by an earlier backward(); pass retain_graph=True to that call to backward twice"
            )
        return self._saved

    def release(self) -> None:
        """Drop what the forward saved (parents and the op name stay, so the graph can be drawn)."""
        self._saved = ()
        self.saved_versions = ()
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

    def run_backward(self, grad: np.ndarray) -> Any:
        """Call the Function's own backward (a PyTorch-style Function's node wraps this)."""
        return self.function.backward(self, grad)

    # --8<-- [start:node-backward]
    def backward(self, grad: np.ndarray, needs: tuple[bool, ...]) -> list[np.ndarray | None]:
        """Run the Function's backward for the output gradient ``grad``: one gradient per parent,
        each of that parent's shape and dtype (None where ``needs`` says nobody wants it)."""
        if self._released:
            raise GraphFreedError(
                f"backward through {self.name()} a second time: its saved arrays were released "
                "by the first backward(). Pass retain_graph=True to the first call to walk the "
                "graph again."
            )
        graph.check_versions(self)
        self.needs_input_grad = needs
        grads = self.run_backward(grad)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        if len(grads) != len(self.parents):
            raise TypeError(
                f"{self.name()}.backward returned {len(grads)} gradient(s) "
                f"for {len(self.parents)} input(s)"
            )
        fitted: list[np.ndarray | None] = []
        for position, (parent, need, g) in enumerate(zip(self.parents, needs, grads)):
            if need and g is not None:  # in its input's shape (summing away broadcasting) and dtype
                g, data = np.asarray(g), parent.data
                if g.shape != data.shape:
                    g = unbroadcast(g, data.shape, self.function.__name__, position)
                if g.dtype != data.dtype:
                    g = g.astype(data.dtype)
            fitted.append(g if need else None)
        return fitted

    # --8<-- [end:node-backward]


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...], op: str = "", position: int = 0):
    """Sum ``grad`` back to ``shape``: the backward of NumPy broadcasting, done here once so no
    op's backward has to think about it.

    A gradient of any other shape breaks the rule that each input's gradient has that input's
    shape, and is reported as a ShapeError naming the Function and the input position.

    Examples:
        >>> from glassnet.autograd.function import unbroadcast
        >>> unbroadcast(np.ones((4, 2, 3)), (2, 1))
        array([[12.],
               [12.]])
    """
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
        >>> class SinOp(gn.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return np.sin(x)
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * np.cos(x)
        >>> x = gn.tensor([0.0, 1.0], requires_grad=True)
        >>> SinOp.apply(x).sum().backward()
        >>> x.grad.data.round(4)
        array([1.    , 0.5403], dtype=float32)
    """

    @staticmethod
    def forward(ctx: Context, *arrays: Any, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError("a Function subclass must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray) -> Any:
        raise NotImplementedError("a Function subclass must define a static backward(ctx, grad)")

    # --8<-- [start:apply]
    @classmethod
    def apply(cls, *inputs: Any, **kwargs: Any) -> Tensor:
        """Run the forward on the inputs' arrays; the result joins the graph if any input is
        tracked (see ``glassnet.autograd.graph``)."""
        tensors = _as_tensors(inputs, cls.__name__)
        node = Context(cls, tensors)
        data = cls.forward(node, *[t.data for t in tensors], **kwargs)
        output = graph.attach(Tensor(np.asarray(data)), node, tensors)
        if output._ctx is node and node._saved:
            node.saved_versions = graph.versions_of_saved(node, tensors, output)
        return output

    # --8<-- [end:apply]


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
