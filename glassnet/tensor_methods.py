"""The math of a Tensor as methods: operators, elementwise functions, reductions, reshaping.

Each method is a door to one op of ``glassnet.ops``, so ``x.exp()`` and ``gn.exp(x)`` are the
same thing. ``Tensor`` (in ``tensor.py``) inherits them; ``tensor.py`` itself holds the data,
the gradient and the graph bookkeeping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glassnet import ops
    from glassnet.tensor import Tensor
else:
    ops = None  # set by tensor.py once the ops package exists (ops is built on Tensor)

Number = float  # inside the class, the name ``float`` may be a method


class TensorMath:
    """The op methods of [glassnet.Tensor][glassnet.tensor.Tensor] (a mixin: it holds no data
    of its own)."""

    __slots__ = ()

    # ----------------------------------------------------------------- operators
    def __add__(self, other: Any) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __pos__(self) -> Tensor:
        return self  # type: ignore[return-value]  # self is always a Tensor

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    def __lt__(self, other: Any) -> Tensor:
        return ops.less(self, other)

    def __le__(self, other: Any) -> Tensor:
        return ops.less_equal(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return ops.greater(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return ops.greater_equal(self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.equal(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.not_equal(self, other)

    # ----------------------------------------------------------------- elementwise
    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def sin(self) -> Tensor:
        return ops.sin(self)

    def cos(self) -> Tensor:
        return ops.cos(self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)

    def leaky_relu(self, slope: Number = 0.01) -> Tensor:
        return ops.leaky_relu(self, slope)

    def elu(self, alpha: Number = 1.0) -> Tensor:
        return ops.elu(self, alpha)

    def gelu(self, approximate: str = "none") -> Tensor:
        return ops.gelu(self, approximate)

    def softplus(self) -> Tensor:
        return ops.softplus(self)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        return ops.clip(self, min, max)

    def maximum(self, other: Any) -> Tensor:
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return ops.minimum(self, other)

    # ----------------------------------------------------------------- reductions
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.sum(self, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.mean(self, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.max(self, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.min(self, axis, keepdims)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        return ops.var(self, axis, keepdims, ddof)

    def std(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        return ops.std(self, axis, keepdims, ddof)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.logsumexp(self, axis, keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return ops.argmax(self, axis, keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return ops.argmin(self, axis, keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        return ops.softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return ops.log_softmax(self, axis)

    # ----------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, *shape)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, *axes: Any) -> Tensor:
        return ops.transpose(self, *axes)

    @property
    def T(self) -> Tensor:
        return ops.transpose(self)

    def permute(self, *dims: Any) -> Tensor:
        return ops.permute(self, *dims)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        return ops.movedim(self, source, destination)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        return ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis: Any = None) -> Tensor:
        return ops.squeeze(self, axis)

    def unsqueeze(self, dim: int) -> Tensor:
        return ops.unsqueeze(self, dim)

    def expand(self, *sizes: Any) -> Tensor:
        return ops.expand(self, *sizes)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return ops.broadcast_to(self, shape)
