"""Elementwise math and activations, each with its derivative written out.

Every forward is numerically stable for inputs of magnitude 1e4 (no overflow in sigmoid,
softplus, elu) and keeps float32 in float32: constants are Python floats, which NumPy treats
as "weak" and casts to the array's dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.arithmetic import broadcast_error, promote
from glassnet.tensor import Tensor, as_array

_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def as_float(x: np.ndarray) -> np.ndarray:
    """Integer and bool inputs of float functions become float32 (NumPy would pick float64)."""
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, vectorised: SciPy's when installed, else
    [erf_series][glassnet.ops.elementwise.erf_series]."""
    try:
        from scipy.special import erf as scipy_erf
    except ImportError:
        return erf_series(x)
    return scipy_erf(x)


def erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), accurate to ~1e-14.

    Every term of this series is positive, so there is no cancellation; for |x| >= 6, erf is 1
    to double precision. The loop runs over the series' terms, never over array elements.
    """
    x64 = np.asarray(x, dtype=np.float64)
    a = np.minimum(np.abs(x64), 6.0)
    a2 = a * a
    term = a.copy()
    total = a.copy()
    for n in range(1, 130):
        term *= 2.0 * a2 / (2 * n + 1)
        total += term
    result = np.minimum(2.0 / math.sqrt(math.pi) * np.exp(-a2) * total, 1.0)
    return (np.sign(x64) * result).astype(np.asarray(x).dtype)


class ExpOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        out = np.exp(as_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad * out


class LogOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return grad / x


class SqrtOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        out = np.sqrt(as_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad / (2.0 * out)


class AbsOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return grad * np.sign(x)  # 0 at 0, the subgradient PyTorch picks too


class SinOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


class CosOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return -grad * np.sin(x)


class TanhOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        out = np.tanh(as_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad * (1.0 - out * out)


class SigmoidOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        out = stable_sigmoid(as_float(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad * out * (1.0 - out)


class ReluOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad * (out > 0)


class LeakyReluOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, slope: float = 0.01) -> np.ndarray:
        x = as_float(x)  # integers: float32 (x * slope would make float64)
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return np.where(x > 0, grad, grad * ctx.slope)


class EluOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
        x = as_float(x)
        # expm1 of min(x, 0): exact near 0 and never overflows for large positive x.
        out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
        ctx.save_for_backward(x, out)
        ctx.alpha = alpha
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, out = ctx.saved_tensors
        return np.where(x > 0, grad, grad * (out + ctx.alpha))


class GeluOp(Function):
    """GELU, exact (``x * Phi(x)``) or PyTorch's tanh form
    ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))``.

    The tanh form keeps its tanh for the backward, which needs it again, and computes in the
    input's dtype, in place where it can: a transformer's widest activation, where each
    pass over the array shows.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, approximate: str = "none") -> np.ndarray:
        x = as_float(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            inner = np.asarray(x * x * x)  # not x**3: float32 power is many times slower
            inner *= 0.044715
            inner += x
            inner *= _SQRT_2_OVER_PI
            t = np.tanh(inner, out=inner)
            ctx.save_for_backward(x, t)
            out = 1.0 + t
            out *= x
            out *= 0.5  # exact: the same value as 0.5 * x * (1 + t)
            return out
        ctx.save_for_backward(x, None)
        return 0.5 * x * (1.0 + erf(x / _SQRT_2))

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, t = ctx.saved_tensors
        if ctx.approximate == "tanh":
            # d/dx = 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * sqrt(2/pi) * (1 + 3 * 0.044715 * x**2)
            slope = np.asarray(x * (3 * 0.044715))  # an array even for 0-d x: out= below
            slope *= x
            slope += 1.0
            slope *= _SQRT_2_OVER_PI
            dt = np.asarray(t * t)
            np.subtract(1.0, dt, out=dt)
            dt *= slope  # the derivative of t
            dt *= x
            dt *= 0.5
            np.add(t, 1.0, out=slope)
            slope *= 0.5
            dt += slope
            dt *= grad
            return dt
        cdf = 0.5 * (1.0 + erf(x / _SQRT_2))
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return grad * (cdf + x * pdf)


class SoftplusOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward(x)
        return np.logaddexp(0, x)  # log(1 + e^x) without overflow

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return grad * stable_sigmoid(x)


class ClipOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, low: Any = None, high: Any = None) -> np.ndarray:
        if x.dtype.kind != "f" and any(np.asarray(b).dtype.kind == "f" for b in (low, high)):
            x = x.astype(np.float32)  # float bounds on integers: a float result, as in PyTorch
        low = None if low is None else np.asarray(low, dtype=x.dtype)
        high = None if high is None else np.asarray(high, dtype=x.dtype)
        ctx.save_for_backward(x, low, high)
        return np.clip(x, low, high)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, low, high = ctx.saved_tensors
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        return grad * inside


class MaximumOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        try:
            return np.maximum(a, b)
        except ValueError:
            raise broadcast_error("maximum", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        a, b = ctx.saved_tensors
        share_a = ((a > b) + 0.5 * (a == b)).astype(grad.dtype)  # a tie splits it evenly
        return grad * share_a, grad * (1.0 - share_a)


class MinimumOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        try:
            return np.minimum(a, b)
        except ValueError:
            raise broadcast_error("minimum", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        a, b = ctx.saved_tensors
        share_a = ((a < b) + 0.5 * (a == b)).astype(grad.dtype)
        return grad * share_a, grad * (1.0 - share_a)


class WhereOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray, condition: Any = None) -> np.ndarray:
        a, b = promote(a, b)
        ctx.save_for_backward(condition)
        try:
            return np.where(condition, a, b)
        except ValueError:
            raise ShapeError(
                f"where: condition {condition.shape}, a {a.shape} and b {b.shape} cannot be "
                "broadcast together"
            ) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (condition,) = ctx.saved_tensors
        zero = np.zeros((), dtype=grad.dtype)
        return np.where(condition, grad, zero), np.where(condition, zero, grad)


def exp(x: Any) -> Tensor:
    """e^x elementwise.

    Examples:
        >>> import glassnet as gn
        >>> gn.exp(gn.tensor([0.0]))
        Tensor([1.], dtype=float32)
    """
    return ExpOp.apply(x)


def log(x: Any) -> Tensor:
    """Natural logarithm."""
    return LogOp.apply(x)


def sqrt(x: Any) -> Tensor:
    """Square root."""
    return SqrtOp.apply(x)


def abs(x: Any) -> Tensor:
    """Absolute value (gradient 0 at 0)."""
    return AbsOp.apply(x)


def sin(x: Any) -> Tensor:
    """Sine."""
    return SinOp.apply(x)


def cos(x: Any) -> Tensor:
    """Cosine."""
    return CosOp.apply(x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent; d/dx = 1 - tanh(x)^2."""
    return TanhOp.apply(x)


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^-x), stable for large |x|; d/dx = s (1 - s)."""
    return SigmoidOp.apply(x)


def relu(x: Any) -> Tensor:
    """max(x, 0); gradient 0 at 0.

    Examples:
        >>> import glassnet as gn
        >>> gn.relu(gn.tensor([-1.0, 2.0]))
        Tensor([0., 2.], dtype=float32)
    """
    return ReluOp.apply(x)


def leaky_relu(x: Any, slope: float = 0.01) -> Tensor:
    """x for x > 0, slope * x otherwise."""
    return LeakyReluOp.apply(x, slope=slope)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise."""
    return EluOp.apply(x, alpha=alpha)


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """x Phi(x), Phi the standard normal CDF; ``approximate="tanh"`` for the tanh form (as PyTorch).

    Examples:
        >>> import glassnet as gn
        >>> gn.gelu(gn.tensor([1.0])).item() - 0.8413 < 1e-4
        True
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GeluOp.apply(x, approximate=approximate)


def softplus(x: Any) -> Tensor:
    """log(1 + e^x), stable for large |x|; d/dx = sigmoid(x)."""
    return SoftplusOp.apply(x)


def clip(x: Any, min: Any = None, max: Any = None) -> Tensor:
    """Limit values to [min, max] (numbers or Tensors, broadcasting); the gradient passes to
    ``x`` where min <= x <= max and to a Tensor bound where it is the result, as
    ``torch.clamp``.

    Examples:
        >>> import glassnet as gn
        >>> gn.clamp(gn.tensor([-2.0, 0.5, 3.0]), min=-1.0, max=1.0)
        Tensor([-1. ,  0.5,  1. ], dtype=float32)
        >>> gn.clamp(gn.tensor([1.0, 5.0]), max=gn.tensor([2.0, 4.0]))
        Tensor([1., 4.], dtype=float32)
    """
    if min is None and max is None:
        raise ValueError("clip: give min, max or both")
    if not isinstance(min, (Tensor, np.ndarray)) and not isinstance(max, (Tensor, np.ndarray)):
        return ClipOp.apply(x, low=min, high=max)
    out = x if isinstance(x, Tensor) else Tensor(x)
    if min is not None:  # strict comparisons: at a bound the gradient goes to x (PyTorch)
        out = WhereOp.apply(min, out, condition=as_array(out < min))
    if max is not None:
        out = WhereOp.apply(max, out, condition=as_array(out > max))
    return out


clamp = clip


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum with broadcasting; a tie splits the gradient evenly."""
    return MaximumOp.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum with broadcasting; a tie splits the gradient evenly."""
    return MinimumOp.apply(a, b)


def where(condition: Any, a: Any = None, b: Any = None) -> Any:
    """``a`` where ``condition`` holds, else ``b`` (all three broadcast together); with the
    condition alone, the indices where it holds (``nonzero(condition, as_tuple=True)``), as
    ``torch.where``.

    Args:
        condition: a bool array or bool Tensor (carries no gradient).

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([-1.0, 2.0])
        >>> gn.where(x > 0, x, 0.0)
        Tensor([0., 2.], dtype=float32)
        >>> gn.where(x > 0)
        (Tensor([1], dtype=int64),)
    """
    if a is None and b is None:
        from glassnet.ops.indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if a is None or b is None:
        raise TypeError("where: give where(condition) or where(condition, input, other)")
    condition = as_array(condition)
    if condition.dtype != np.bool_:
        raise TypeError(f"where: condition must be bool, got dtype {condition.dtype}")
    return WhereOp.apply(a, b, condition=condition)
