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


def _unary(name: str) -> Callable[[Any], Tensor]:
    """A method ``x.name()`` that calls ``ops.name(x)`` (the one-input elementwise ops)."""

    def method(self: Any) -> Tensor:
        return getattr(ops, name)(self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``glassnet.{name}(self)``."
    return method


def _forward(name: str) -> Callable[..., Any]:
    """A method ``x.name(*args, **kw)`` that calls ``ops.name(x, *args, **kw)``."""

    def method(self: Any, *args: Any, **kw: Any) -> Any:
        return getattr(ops, name)(self, *args, **kw)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``glassnet.{name}(self, ...)``: see that function."
    return method


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
    # Each line is ``x.name(...) == glassnet.name(x, ...)``; the functions hold the docs.
    exp, log, sqrt, abs = _unary("exp"), _unary("log"), _unary("sqrt"), _unary("abs")
    sin, cos, tan, tanh = _unary("sin"), _unary("cos"), _unary("tan"), _unary("tanh")
    asin, acos, atan = _unary("asin"), _unary("acos"), _unary("atan")
    arcsin, arccos, arctan = _unary("arcsin"), _unary("arccos"), _unary("arctan")
    sinh, cosh, erf = _unary("sinh"), _unary("cosh"), _unary("erf")
    exp2, expm1, log2, log10 = _unary("exp2"), _unary("expm1"), _unary("log2"), _unary("log10")
    log1p, rsqrt, reciprocal = _unary("log1p"), _unary("rsqrt"), _unary("reciprocal")
    square, sign, frac = _unary("square"), _unary("sign"), _unary("frac")
    floor, ceil, trunc, fix = _unary("floor"), _unary("ceil"), _unary("trunc"), _unary("fix")
    sigmoid, relu, softplus = _unary("sigmoid"), _unary("relu"), _unary("softplus")
    leaky_relu, elu, gelu = _forward("leaky_relu"), _forward("elu"), _forward("gelu")
    isnan, isinf, isfinite = _unary("isnan"), _unary("isinf"), _unary("isfinite")
    logical_not, bitwise_not = _unary("logical_not"), _unary("bitwise_not")
    neg = negative = _unary("neg")

    # two operands (the other a Tensor or a number)
    add, sub, mul, div = _forward("add"), _forward("sub"), _forward("mul"), _forward("div")
    subtract, multiply, divide, true_divide = sub, mul, div, div
    eq, ne, lt, le, gt, ge = (_forward(n) for n in ("eq", "ne", "lt", "le", "gt", "ge"))
    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
    pow, float_power, atan2 = _forward("pow"), _forward("float_power"), _forward("atan2")
    fmod = _forward("fmod")
    remainder, floor_divide = _forward("remainder"), _forward("floor_divide")
    maximum, minimum, lerp = _forward("maximum"), _forward("minimum"), _forward("lerp")
    logical_and, logical_or = _forward("logical_and"), _forward("logical_or")
    logical_xor, round = _forward("logical_xor"), _forward("round")
    clip = clamp = _forward("clip")
    isclose, allclose, equal = _forward("isclose"), _forward("allclose"), _forward("equal")
    addcmul, addcdiv = _forward("addcmul"), _forward("addcdiv")

    # ----------------------------------------------------------------- indexing
    gather, take_along_dim, take = _forward("gather"), _forward("take_along_dim"), _forward("take")
    scatter, scatter_add = _forward("scatter"), _forward("scatter_add")
    index_select, narrow, select = _forward("index_select"), _forward("narrow"), _forward("select")
    index_add, index_copy = _forward("index_add"), _forward("index_copy")
    index_fill, nan_to_num = _forward("index_fill"), _forward("nan_to_num")
    masked_fill, masked_select = _forward("masked_fill"), _forward("masked_select")
    nonzero, argwhere = _forward("nonzero"), _forward("argwhere")

    def where(self, condition: Any, other: Any) -> Tensor:
        """``glassnet.where(condition, self, other)``."""
        return ops.where(condition, self, other)

    # ----------------------------------------------------------------- products and norms
    matmul, mm, mv, dot = _forward("matmul"), _forward("mm"), _forward("mv"), _forward("dot")
    bmm, outer = _forward("bmm"), _forward("outer")
    addmm, baddbmm = _forward("addmm"), _forward("baddbmm")
    norm, dist = _forward("norm"), _forward("dist")

    # ----------------------------------------------------------------- reductions
    # dim=/keepdim= (PyTorch) or axis=/keepdims= (NumPy); see glassnet.ops.dims for the rule.
    sum, mean, prod = _forward("sum"), _forward("mean"), _forward("prod")
    max, min, amax, amin = _forward("max"), _forward("min"), _forward("amax"), _forward("amin")
    var, std, logsumexp = _forward("var"), _forward("std"), _forward("logsumexp")
    argmax = _forward("argmax")
    argmin, count_nonzero = _forward("argmin"), _forward("count_nonzero")
    cumsum, cumprod, diff = _forward("cumsum"), _forward("cumprod"), _forward("diff")
    cummax, cummin = _forward("cummax"), _forward("cummin")
    sort, argsort = _forward("sort"), _forward("argsort")
    msort, topk = _forward("msort"), _forward("topk")
    kthvalue, median, mode = _forward("kthvalue"), _forward("median"), _forward("mode")
    unique, bincount = _forward("unique"), _forward("bincount")

    def softmax(self, dim: Any = -1, **kw: Any) -> Tensor:
        return ops.softmax(self, kw.pop("axis", dim), **kw)

    def log_softmax(self, dim: Any = -1, **kw: Any) -> Tensor:
        return ops.log_softmax(self, kw.pop("axis", dim), **kw)

    # ----------------------------------------------------------------- shape
    reshape = view = _forward("reshape")
    flatten, unflatten = _forward("flatten"), _forward("unflatten")
    squeeze, unsqueeze = _forward("squeeze"), _forward("unsqueeze")
    expand, broadcast_to = _forward("expand"), _forward("broadcast_to")
    transpose, permute, movedim = _forward("transpose"), _forward("permute"), _forward("movedim")
    swapaxes = swapdims = _forward("swapaxes")
    chunk, unbind = _forward("chunk"), _forward("unbind")
    roll, rot90, repeat_interleave = (
        _forward("roll"),
        _forward("rot90"),
        _forward("repeat_interleave"),
    )
    triu, tril = _forward("triu"), _forward("tril")

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        from glassnet.ops.joining import tensor_split

        return tensor_split(self, indices_or_sections, dim)

    diag, diagonal = _forward("diag"), _forward("diagonal")
    trace = _unary("trace")

    def view_as(self, other: Any) -> Tensor:
        return ops.reshape(self, other.shape)

    reshape_as = view_as

    def expand_as(self, other: Any) -> Tensor:
        return ops.expand(self, *other.shape)

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
        shape = self.shape  # type: ignore[attr-defined]  # Tensor's
        if len(shape) > 2:
            raise ValueError(f"t() needs at most 2 dims, got shape {shape}")
        return ops.transpose(self)

    def split(self, split_size: Any, dim: Any = 0, **kw: Any) -> Any:
        """``glassnet.split``: PyTorch's piece sizes, NumPy's sections with ``axis=``."""
        return ops.split(self, split_size, **kw) if kw else ops.split(self, split_size, dim)

    def flip(self, *dims: Any) -> Tensor:
        return ops.flip(self, dims[0] if len(dims) == 1 else dims)

    def tile(self, *dims: Any) -> Tensor:
        return ops.tile(self, dims[0] if len(dims) == 1 else dims)

    def repeat(self, *sizes: Any) -> Tensor:
        """PyTorch's ``repeat``: whole copies along each dim (NumPy's ``tile``)."""
        return ops.rearrange.repeat(self, *sizes)

    def clone(self, *, memory_format: Any = None) -> Tensor:
        """A differentiable copy with its own memory."""
        return ops.clone(self)
