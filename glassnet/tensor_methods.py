"""The math of a Tensor as methods: operators, elementwise functions, reductions, reshaping.

Each method is a door to one op of ``glassnet.ops``, so ``x.exp()`` and ``gn.exp(x)`` are the
same thing. ``Tensor`` (in ``tensor.py``) inherits them; ``tensor.py`` itself holds the data,
the gradient and the graph bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glassnet import ops
    from glassnet.tensor import Tensor
else:
    ops = None  # set by tensor.py once the ops package exists (ops is built on Tensor)

Number = float  # inside the class, the name ``float`` may be a method


def _unary(name: str) -> Callable[[Any], Tensor]:
    """A method ``x.name()`` that calls ``ops.name(x)`` (the one-input elementwise ops)."""

    def method(self: Any) -> Tensor:
        return getattr(ops, name)(self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``glassnet.{name}(self)``."
    return method


class TensorMath:
    """The op methods of :class:`glassnet.Tensor` (a mixin: it holds no data of its own)."""

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
        return ops.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.ne(self, other)

    def __floordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return ops.remainder(other, self)

    def __and__(self, other: Any) -> Tensor:
        return ops.bitwise_and(self, other)

    def __rand__(self, other: Any) -> Tensor:
        return ops.bitwise_and(other, self)

    def __or__(self, other: Any) -> Tensor:
        return ops.bitwise_or(self, other)

    def __ror__(self, other: Any) -> Tensor:
        return ops.bitwise_or(other, self)

    def __xor__(self, other: Any) -> Tensor:
        return ops.bitwise_xor(self, other)

    def __rxor__(self, other: Any) -> Tensor:
        return ops.bitwise_xor(other, self)

    def __invert__(self) -> Tensor:
        return ops.bitwise_not(self)

    # ----------------------------------------------------------------- elementwise
    exp = _unary("exp")
    log = _unary("log")
    sqrt = _unary("sqrt")
    abs = _unary("abs")
    sin = _unary("sin")
    cos = _unary("cos")
    tanh = _unary("tanh")
    sigmoid = _unary("sigmoid")
    relu = _unary("relu")

    def leaky_relu(self, slope: Number = 0.01) -> Tensor:
        return ops.leaky_relu(self, slope)

    def elu(self, alpha: Number = 1.0) -> Tensor:
        return ops.elu(self, alpha)

    def gelu(self, approximate: str = "none") -> Tensor:
        return ops.gelu(self, approximate)

    softplus = _unary("softplus")

    exp2 = _unary("exp2")
    expm1 = _unary("expm1")
    log2 = _unary("log2")
    log10 = _unary("log10")
    log1p = _unary("log1p")
    tan = _unary("tan")
    asin = _unary("asin")
    acos = _unary("acos")
    atan = _unary("atan")
    arcsin = _unary("arcsin")
    arccos = _unary("arccos")
    arctan = _unary("arctan")
    sinh = _unary("sinh")
    cosh = _unary("cosh")
    erf = _unary("erf")
    rsqrt = _unary("rsqrt")
    reciprocal = _unary("reciprocal")
    square = _unary("square")
    sign = _unary("sign")
    floor = _unary("floor")
    ceil = _unary("ceil")
    trunc = _unary("trunc")
    frac = _unary("frac")
    fix = _unary("fix")
    isnan = _unary("isnan")
    isinf = _unary("isinf")
    isfinite = _unary("isfinite")
    logical_not = _unary("logical_not")
    bitwise_not = _unary("bitwise_not")

    def logical_and(self, other: Any) -> Tensor:
        return ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Tensor:
        return ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        return ops.logical_xor(self, other)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        return ops.clip(self, min, max)

    clamp = clip

    def maximum(self, other: Any) -> Tensor:
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return ops.minimum(self, other)

    def round(self, decimals: int = 0) -> Tensor:
        return ops.round(self, decimals)

    def pow(self, exponent: Any) -> Tensor:
        return ops.pow(self, exponent)

    def atan2(self, other: Any) -> Tensor:
        return ops.atan2(self, other)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        return ops.lerp(self, end, weight)

    def fmod(self, other: Any) -> Tensor:
        return ops.fmod(self, other)

    def remainder(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def floor_divide(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def float_power(self, exponent: Any) -> Tensor:
        return ops.float_power(self, exponent)

    def isclose(self, other: Any, rtol: Number = 1e-5, atol: Number = 1e-8, equal_nan=False):
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: Number = 1e-5, atol: Number = 1e-8, equal_nan=False):
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: Any) -> bool:
        return ops.equal(self, other)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return ops.masked_fill(self, mask, value)

    def masked_select(self, mask: Any) -> Tensor:
        return ops.masked_select(self, mask)

    def gather(self, dim: int, index: Any) -> Tensor:
        return ops.gather(self, dim, index)

    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None) -> Tensor:
        return ops.scatter(self, dim, index, src, value)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Tensor:
        return ops.scatter_add(self, dim, index, src)

    def index_select(self, dim: int, index: Any) -> Tensor:
        return ops.index_select(self, dim, index)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        return ops.take_along_dim(self, indices, dim)

    def nonzero(self, as_tuple: bool = False) -> Any:
        return ops.nonzero(self, as_tuple)

    def where(self, condition: Any, other: Any) -> Tensor:
        return ops.where(condition, self, other)

    def matmul(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def mm(self, mat2: Any) -> Tensor:
        return ops.mm(self, mat2)

    def mv(self, vec: Any) -> Tensor:
        return ops.mv(self, vec)

    def bmm(self, mat2: Any) -> Tensor:
        return ops.bmm(self, mat2)

    def dot(self, other: Any) -> Tensor:
        return ops.dot(self, other)

    def outer(self, vec2: Any) -> Tensor:
        return ops.outer(self, vec2)

    def addmm(self, mat1: Any, mat2: Any, *, beta: Number = 1, alpha: Number = 1) -> Tensor:
        return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1: Any, batch2: Any, *, beta: Number = 1, alpha: Number = 1):
        return ops.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.norm(self, p, dim, keepdim, **kw)

    def dist(self, other: Any, p: Any = 2) -> Tensor:
        return ops.dist(self, other, p)

    def clone(self, *, memory_format: Any = None) -> Tensor:
        return ops.clone(self)

    # ----------------------------------------------------------------- reductions
    # dim=/keepdim= (PyTorch) or axis=/keepdims= (NumPy); see glassnet.ops.dims for the rule.
    def sum(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.sum(self, dim, keepdim, **kw)

    def mean(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.mean(self, dim, keepdim, **kw)

    def prod(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.prod(self, dim, keepdim, **kw)

    def max(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return ops.max(self, dim, keepdim, **kw)

    def min(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return ops.min(self, dim, keepdim, **kw)

    def amax(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        return ops.amax(self, dim, keepdim)

    def amin(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        return ops.amin(self, dim, keepdim)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, **kw: Any):
        return ops.var(self, dim, unbiased, keepdim, **kw)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, **kw: Any):
        return ops.std(self, dim, unbiased, keepdim, **kw)

    def logsumexp(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.logsumexp(self, dim, keepdim, **kw)

    def argmax(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.argmax(self, dim, keepdim, **kw)

    def argmin(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        return ops.argmin(self, dim, keepdim, **kw)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        return ops.count_nonzero(self, dim)

    def cumsum(self, dim: Any = None, **kw: Any) -> Tensor:
        return ops.cumsum(self, dim, **kw) if dim is not None else ops.cumsum(self, **kw)

    def cumprod(self, dim: Any = None, **kw: Any) -> Tensor:
        return ops.cumprod(self, dim, **kw) if dim is not None else ops.cumprod(self, **kw)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return ops.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return ops.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.kthvalue(self, k, dim, keepdim)

    def median(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.median(self, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.mode(self, dim, keepdim)

    def softmax(self, dim: Any = -1, **kw: Any) -> Tensor:
        return ops.softmax(self, kw.pop("axis", dim), **kw)

    def log_softmax(self, dim: Any = -1, **kw: Any) -> Tensor:
        return ops.log_softmax(self, kw.pop("axis", dim), **kw)

    # ----------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, *shape)

    view = reshape

    def view_as(self, other: Any) -> Tensor:
        return ops.reshape(self, other.shape)

    reshape_as = view_as

    def expand_as(self, other: Any) -> Tensor:
        return ops.expand(self, *other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim: int, sizes: Any) -> Tensor:
        return ops.unflatten(self, dim, sizes)

    def transpose(self, *axes: Any, **dims: Any) -> Tensor:
        return ops.transpose(self, *axes, **dims)

    @property
    def T(self) -> Tensor:
        """All dims reversed (NumPy's ``.T``; PyTorch's for the 2-D Tensors it allows)."""
        return ops.transpose(self)

    @property
    def mT(self) -> Tensor:
        """The last two dims swapped (a batch of matrices transposed)."""
        return ops.swapaxes(self, -2, -1)

    def t(self) -> Tensor:
        """The transpose of a Tensor of at most 2 dims, as ``torch.Tensor.t``."""
        if self.ndim > 2:  # type: ignore[attr-defined]
            raise ValueError(f"t() needs at most 2 dims, got shape {self.shape}")  # type: ignore[attr-defined]
        return ops.transpose(self)

    def permute(self, *dims: Any) -> Tensor:
        return ops.permute(self, *dims)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        return ops.movedim(self, source, destination)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        return ops.swapaxes(self, axis1, axis2)

    swapdims = swapaxes

    def squeeze(self, dim: Any = None, **kw: Any) -> Tensor:
        return ops.squeeze(self, dim, **kw)

    def unsqueeze(self, dim: int) -> Tensor:
        return ops.unsqueeze(self, dim)

    def expand(self, *sizes: Any) -> Tensor:
        return ops.expand(self, *sizes)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return ops.broadcast_to(self, shape)

    def split(self, split_size: Any, dim: Any = 0, **kw: Any) -> Any:
        return ops.split(self, split_size, **kw) if kw else ops.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        return ops.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        return ops.unbind(self, dim)

    def flip(self, *dims: Any) -> Tensor:
        return ops.flip(self, dims[0] if len(dims) == 1 else dims)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return ops.roll(self, shifts, dims)

    def repeat(self, *sizes: Any) -> Tensor:
        return ops.rearrange.repeat(self, *sizes)  # PyTorch's repeat: NumPy's tile

    def repeat_interleave(self, repeats: Any, dim: int | None = None) -> Tensor:
        return ops.repeat_interleave(self, repeats, dim)

    def tile(self, *dims: Any) -> Tensor:
        return ops.tile(self, dims[0] if len(dims) == 1 else dims)

    def triu(self, diagonal: int = 0) -> Tensor:
        return ops.triu(self, diagonal)

    def tril(self, diagonal: int = 0) -> Tensor:
        return ops.tril(self, diagonal)

    def diag(self, diagonal: int = 0) -> Tensor:
        return ops.diag(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return ops.diagonal(self, offset, dim1, dim2)

    def trace(self) -> Tensor:
        return ops.trace(self)
