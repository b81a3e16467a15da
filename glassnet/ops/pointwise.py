"""More elementwise math, with PyTorch's names: ``exp2 expm1 log2 log10 log1p tan asin acos
atan sinh cosh erf rsqrt reciprocal square sign floor ceil round trunc frac atan2 lerp fmod
remainder floor_divide float_power``.

Each one-input op is a small class naming its NumPy ``function`` and its ``derivative`` (from
the input ``x`` and the output ``out``); the shared forward and backward live in
``PointwiseOp``. Rounding ops have gradient 0 almost everywhere, as in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.ops.arithmetic import broadcast_error, promote
from glassnet.ops.elementwise import as_float, erf
from glassnet.tensor import Tensor, as_tensor

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class PointwiseOp(Function):
    """Shared forward/backward of the one-input ops below: ``ctx.function`` is the subclass."""

    floats_only = True  # integer inputs become float32 first (exp2, log2, ...)
    function: Any = None  # x -> out, set by each subclass
    derivative: Any = None  # (x, out) -> d out / dx

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        op: Any = ctx.function
        if op.floats_only:
            x = as_float(x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = op.function(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, out = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            op: Any = ctx.function
            return grad * op.derivative(x, out)


def _zero(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.zeros((), dtype=out.dtype)


class Exp2Op(PointwiseOp):
    function, derivative = staticmethod(np.exp2), staticmethod(lambda x, out: out * _LN2)


class Expm1Op(PointwiseOp):
    function, derivative = staticmethod(np.expm1), staticmethod(lambda x, out: out + 1.0)


class Log2Op(PointwiseOp):
    function, derivative = staticmethod(np.log2), staticmethod(lambda x, out: 1.0 / (x * _LN2))


class Log10Op(PointwiseOp):
    function = staticmethod(np.log10)
    derivative = staticmethod(lambda x, out: 1.0 / (x * _LN10))


class Log1pOp(PointwiseOp):
    function, derivative = staticmethod(np.log1p), staticmethod(lambda x, out: 1.0 / (1.0 + x))


class TanOp(PointwiseOp):
    function, derivative = staticmethod(np.tan), staticmethod(lambda x, out: 1.0 + out * out)


class AsinOp(PointwiseOp):
    function = staticmethod(np.arcsin)
    derivative = staticmethod(lambda x, out: 1.0 / np.sqrt(1.0 - x * x))


class AcosOp(PointwiseOp):
    function = staticmethod(np.arccos)
    derivative = staticmethod(lambda x, out: -1.0 / np.sqrt(1.0 - x * x))


class AtanOp(PointwiseOp):
    function, derivative = staticmethod(np.arctan), staticmethod(lambda x, out: 1.0 / (1.0 + x * x))


class SinhOp(PointwiseOp):
    function, derivative = staticmethod(np.sinh), staticmethod(lambda x, out: np.cosh(x))


class CoshOp(PointwiseOp):
    function, derivative = staticmethod(np.cosh), staticmethod(lambda x, out: np.sinh(x))


class ErfOp(PointwiseOp):
    function = staticmethod(erf)
    derivative = staticmethod(lambda x, out: _TWO_OVER_SQRT_PI * np.exp(-x * x))


class RsqrtOp(PointwiseOp):
    function = staticmethod(lambda x: 1.0 / np.sqrt(x))
    derivative = staticmethod(lambda x, out: -0.5 * out * out * out)


class ReciprocalOp(PointwiseOp):
    function, derivative = staticmethod(lambda x: 1.0 / x), staticmethod(lambda x, out: -out * out)


class SquareOp(PointwiseOp):
    floats_only = False  # square of an int Tensor stays int, as in PyTorch
    function, derivative = staticmethod(np.square), staticmethod(lambda x, out: 2.0 * x)


class SignOp(PointwiseOp):
    floats_only = False
    function, derivative = staticmethod(np.sign), staticmethod(_zero)


class FloorOp(PointwiseOp):
    floats_only = False
    function, derivative = staticmethod(np.floor), staticmethod(_zero)


class CeilOp(PointwiseOp):
    floats_only = False
    function, derivative = staticmethod(np.ceil), staticmethod(_zero)


class TruncOp(PointwiseOp):
    floats_only = False
    function, derivative = staticmethod(np.trunc), staticmethod(_zero)


class FracOp(PointwiseOp):
    function = staticmethod(lambda x: x - np.trunc(x))
    derivative = staticmethod(lambda x, out: np.ones((), dtype=out.dtype))


class RoundOp(Function):
    """Round half to even (as PyTorch and NumPy) to ``decimals`` places; gradient 0."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, decimals: int = 0) -> np.ndarray:
        return np.round(x, decimals)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.zeros_like(grad)


class Atan2Op(Function):
    """atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)."""

    @staticmethod
    def forward(ctx: Context, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        y, x = promote(as_float(y), as_float(x))
        ctx.save_for_backward(y, x)
        try:
            return np.arctan2(y, x)
        except ValueError:
            raise broadcast_error("atan2", y, x) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        y, x = ctx.saved_tensors
        scale = grad / (x * x + y * y)
        return scale * x, -scale * y


class LerpOp(Function):
    """start + weight * (end - start), differentiable in all three."""

    @staticmethod
    def forward(ctx: Context, start: np.ndarray, end: np.ndarray, weight: np.ndarray):
        start, end = promote(start, end)
        start, weight = promote(start, weight)
        ctx.save_for_backward(start, end, weight)
        try:
            return start + weight * (end - start)
        except ValueError:
            raise broadcast_error("lerp", start, end) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        start, end, weight = ctx.saved_tensors
        return grad * (1.0 - weight), grad * weight, grad * (end - start)


class FmodOp(Function):
    """a - trunc(a / b) * b (the sign of ``a``, C's fmod); d/da = 1, d/db = -trunc(a / b)."""

    floor = False

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        ctx.floor = getattr(ctx.function, "floor", False)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                return (np.mod if ctx.floor else np.fmod)(a, b)
        except ValueError:
            raise broadcast_error("fmod", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        a, b = ctx.saved_tensors
        quotient = (np.floor if ctx.floor else np.trunc)(a / b)
        return grad, -grad * quotient


class RemainderOp(FmodOp):
    """a - floor(a / b) * b (the sign of ``b``, Python's %), as ``torch.remainder``."""

    floor = True


def _unary(op: type[PointwiseOp], doc: str, example: str = "") -> Any:
    def apply(input: Any) -> Tensor:
        return op.apply(input)

    apply.__name__ = apply.__qualname__ = op.__name__.removesuffix("Op").lower()
    apply.__doc__ = doc + example
    return apply


exp2 = _unary(Exp2Op, "2 ** x elementwise.")
expm1 = _unary(Expm1Op, "e^x - 1, exact for small x.")
log2 = _unary(Log2Op, "Base-2 logarithm.")
log10 = _unary(Log10Op, "Base-10 logarithm.")
log1p = _unary(Log1pOp, "log(1 + x), exact for small x.")
tan = _unary(TanOp, "Tangent.")
asin = _unary(AsinOp, "Inverse sine (``arcsin``).")
acos = _unary(AcosOp, "Inverse cosine (``arccos``).")
atan = _unary(AtanOp, "Inverse tangent (``arctan``).")
sinh = _unary(SinhOp, "Hyperbolic sine.")
cosh = _unary(CoshOp, "Hyperbolic cosine.")
erf_ = _unary(ErfOp, "The error function; d/dx = 2/sqrt(pi) e^(-x^2).")
rsqrt = _unary(
    RsqrtOp,
    "1 / sqrt(x).",
    """

    Examples:
        >>> import glassnet as gn
        >>> gn.rsqrt(gn.tensor([4.0]))
        Tensor([0.5], dtype=float32)
    """,
)
reciprocal = _unary(ReciprocalOp, "1 / x (integers give float32).")
square = _unary(SquareOp, "x * x (integers stay integers).")
sign = _unary(SignOp, "-1, 0 or 1 by the sign of x; gradient 0.")
floor = _unary(FloorOp, "Round down; gradient 0.")
ceil = _unary(CeilOp, "Round up; gradient 0.")
trunc = _unary(TruncOp, "Round toward zero; gradient 0.")
frac = _unary(FracOp, "x - trunc(x), the fractional part (sign of x); gradient 1.")
arcsin, arccos, arctan, fix = asin, acos, atan, trunc  # NumPy and PyTorch aliases
erf_.__name__ = erf_.__qualname__ = "erf"


def round(input: Any, decimals: int = 0) -> Tensor:
    """Round half to even to ``decimals`` places, as ``torch.round``; gradient 0.

    Examples:
        >>> import glassnet as gn
        >>> gn.round(gn.tensor([0.5, 1.5, 1.26]), decimals=0)
        Tensor([0., 2., 1.], dtype=float32)
    """
    return RoundOp.apply(input, decimals=decimals)


def atan2(input: Any, other: Any) -> Tensor:
    """The angle of the point (other, input), in (-pi, pi], broadcasting."""
    return Atan2Op.apply(input, other)


arctan2 = atan2


def lerp(start: Any, end: Any, weight: Any) -> Tensor:
    """``start + weight * (end - start)``, weight a number or a Tensor.

    Examples:
        >>> import glassnet as gn
        >>> gn.lerp(gn.tensor([0.0, 10.0]), gn.tensor([10.0, 20.0]), 0.5)
        Tensor([ 5., 15.], dtype=float32)
    """
    start = as_tensor(start, op="lerp")
    return LerpOp.apply(start, end, as_tensor(weight, like=start.dtype, op="lerp"))


def fmod(input: Any, other: Any) -> Tensor:
    """Remainder with the sign of ``input`` (C's fmod), as ``torch.fmod``."""
    return FmodOp.apply(input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """Remainder with the sign of ``other`` (Python's ``%``), as ``torch.remainder``.

    Examples:
        >>> import glassnet as gn
        >>> gn.remainder(gn.tensor([-3, 3]), 2), gn.fmod(gn.tensor([-3, 3]), 2)
        (Tensor([1, 1], dtype=int64), Tensor([-1,  1], dtype=int64))
    """
    return RemainderOp.apply(input, other)


def floor_divide(input: Any, other: Any) -> Tensor:
    """floor(input / other) (Python's ``//``), as ``torch.floor_divide``; not differentiable."""
    a = as_tensor(input, op="floor_divide")
    b = as_tensor(other, like=a.dtype, op="floor_divide")
    x, y = promote(a.data, b.data)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            return Tensor(np.floor_divide(x, y))
    except ValueError:
        raise broadcast_error("floor_divide", x, y) from None


def float_power(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` in float64, as ``torch.float_power``."""
    from glassnet.ops.arithmetic import pow

    return pow(as_tensor(input, op="float_power").astype(np.float64), exponent)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2`` (the update step of many optimizers)."""
    return as_tensor(input, op="addcmul") + value * as_tensor(tensor1, op="addcmul") * tensor2


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``."""
    return as_tensor(input, op="addcdiv") + value * as_tensor(tensor1, op="addcdiv") / tensor2


class NanToNumOp(Function):
    """NaN and infinities replaced by numbers; the gradient passes where x was finite."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, nan: float = 0.0, posinf=None, neginf=None):
        ctx.save_for_backward(np.isfinite(x))
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (finite,) = ctx.saved_tensors
        return np.where(finite, grad, 0)


def nan_to_num(input: Any, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
    """NaN -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (default: the dtype's largest
    and smallest finite values), as ``torch.nan_to_num``.

    Examples:
        >>> import glassnet as gn
        >>> gn.nan_to_num(gn.tensor([float("nan"), 1.0]), nan=-1.0)
        Tensor([-1.,  1.], dtype=float32)
    """
    return NanToNumOp.apply(input, nan=nan, posinf=posinf, neginf=neginf)
