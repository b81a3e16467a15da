"""PyTorch's elementwise activations beyond the classic ones of ``elementwise.py``, each a
Function with its derivative written out.

Piecewise ones (hardtanh, the shrinks, threshold) take the derivative of the piece the input
lies in; at a kink the right-hand piece wins for the lower bound and the left-hand piece for the
upper one, as PyTorch (``x > low`` and ``x < high`` strictly: 0 at the kink itself). Smooth ones
reuse their forward's intermediates.

Examples:
    >>> import glassnet as gn
    >>> from glassnet.ops.activations import hardtanh, silu
    >>> hardtanh(gn.tensor([-2.0, 0.5, 2.0]))
    Tensor([-1. ,  0.5,  1. ], dtype=float32)
    >>> round(silu(gn.tensor([1.0])).item(), 4)  # 1 * sigmoid(1)
    0.7311
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import as_float, stable_sigmoid
from glassnet.tensor import Tensor

#: SELU's constants (Klambauer et al. 2017), as PyTorch.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class HardtanhOp(Function):
    """clip(x, low, high); derivative 1 strictly inside, 0 outside. ReLU6 is (0, 6)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, low: float = -1.0, high: float = 1.0):
        x = as_float(x)
        ctx.save_for_backward((x > low) & (x < high))
        return np.clip(x, low, high)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (inside,) = ctx.saved_tensors
        return grad * inside


class ExpLinearOp(Function):
    """The ELU family: ``scale * (x if x > 0 else alpha * (e^(x / beta) - 1))``.

    ELU is (scale 1, beta 1), SELU (SELU_SCALE, SELU_ALPHA, beta 1), CELU (1, alpha,
    beta = alpha). For x <= 0 the derivative is ``scale * alpha / beta * e^(x / beta)``.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, scale: float = 1.0, alpha: float = 1.0, beta=1.0):
        x = as_float(x)
        exp_part = np.exp(np.minimum(x, 0) / beta)  # min: no overflow for large positive x
        ctx.save_for_backward(x, exp_part)
        ctx.scale, ctx.slope = scale, scale * alpha / beta
        return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / beta))

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, exp_part = ctx.saved_tensors
        return grad * np.where(x > 0, ctx.scale, ctx.slope * exp_part)


class SiluOp(Function):
    """x * sigmoid(x) (swish); derivative s + x s (1 - s)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        s = stable_sigmoid(x)
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, s = ctx.saved_tensors
        return grad * (s * (1.0 + x * (1.0 - s)))


class MishOp(Function):
    """x * tanh(softplus(x)); derivative t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x))."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        t = np.tanh(np.logaddexp(0, x))
        ctx.save_for_backward(x, t)
        return x * t

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, t = ctx.saved_tensors
        return grad * (t + x * (1.0 - t * t) * stable_sigmoid(x))


class HardswishOp(Function):
    """x * relu6(x + 3) / 6; derivative 0 below -3, 1 above 3, (2x + 3) / 6 between."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward(x)
        return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        slope = np.where(x < -3.0, 0.0, np.where(x > 3.0, 1.0, (2.0 * x + 3.0) / 6.0))
        return grad * slope.astype(grad.dtype, copy=False)


class HardsigmoidOp(Function):
    """relu6(x + 3) / 6; derivative 1/6 strictly between -3 and 3."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward((x > -3.0) & (x < 3.0))
        return np.clip(x + 3.0, 0.0, 6.0) / 6.0

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (inside,) = ctx.saved_tensors
        return grad * inside / 6.0


class SoftplusBetaOp(Function):
    """PyTorch's softplus: ``log(1 + e^(beta x)) / beta``, and x itself where
    ``beta x > threshold`` (there the two agree to float precision); derivative
    sigmoid(beta x), or 1 past the threshold."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, beta: float = 1.0, threshold: float = 20.0):
        x = as_float(x)
        scaled = x * beta
        linear = scaled > threshold
        ctx.save_for_backward(scaled, linear)
        return np.where(linear, x, np.logaddexp(0, scaled) / beta)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        scaled, linear = ctx.saved_tensors
        return grad * np.where(linear, 1.0, stable_sigmoid(scaled)).astype(grad.dtype)


class SoftsignOp(Function):
    """x / (1 + |x|); derivative 1 / (1 + |x|)^2."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        denominator = 1.0 + np.abs(x)
        ctx.save_for_backward(denominator)
        return x / denominator

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (denominator,) = ctx.saved_tensors
        return grad / (denominator * denominator)


class TanhshrinkOp(Function):
    """x - tanh(x); derivative tanh(x)^2."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        t = np.tanh(x)
        ctx.save_for_backward(t)
        return x - t

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (t,) = ctx.saved_tensors
        return grad * t * t


class LogSigmoidOp(Function):
    """log(sigmoid(x)) = -log(1 + e^-x), stable for any x; derivative sigmoid(-x)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        x = as_float(x)
        ctx.save_for_backward(x)
        return -np.logaddexp(0, -x)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        return grad * stable_sigmoid(-x)


class ShrinkOp(Function):
    """Softshrink (``soft=True``: x - lambd sign(x)) or hardshrink (x) where |x| > lambd, 0
    elsewhere; derivative 1 where |x| > lambd."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, lambd: float = 0.5, soft: bool = False):
        x = as_float(x)
        outside = np.abs(x) > lambd
        ctx.save_for_backward(outside)
        kept = x - lambd * np.sign(x) if soft else x
        return np.where(outside, kept, 0.0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (outside,) = ctx.saved_tensors
        return grad * outside


class ThresholdOp(Function):
    """x where x > threshold, else value; derivative 1 where x > threshold."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, threshold: float = 0.0, value: float = 0.0):
        x = as_float(x)
        above = x > threshold
        ctx.save_for_backward(above)
        return np.where(above, x, value).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (above,) = ctx.saved_tensors
        return grad * above


class PReluOp(Function):
    """x where x > 0, else a x, with a learned ``a`` of one value or one per channel (axis 1).

    dx = g where x > 0 else a g; da = the sum of g x where x <= 0 over every axis but the
    channel's.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, weight: np.ndarray) -> np.ndarray:
        x = as_float(x)
        a = weight.reshape((1, -1) + (1,) * (x.ndim - 2)) if weight.size > 1 else weight
        ctx.save_for_backward(x, a)
        ctx.weight_shape = weight.shape
        return np.where(x > 0, x, a * x)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, a = ctx.saved_tensors
        positive = x > 0
        grad_x = np.where(positive, grad, a * grad) if ctx.needs_input_grad[0] else None
        grad_a = None
        if ctx.needs_input_grad[1]:
            contribution = np.where(positive, 0.0, grad * x)
            if np.prod(ctx.weight_shape) > 1:
                axes = tuple(i for i in range(x.ndim) if i != 1)
                grad_a = contribution.sum(axis=axes).reshape(ctx.weight_shape)
            else:
                grad_a = np.asarray(contribution.sum()).reshape(ctx.weight_shape)
        return grad_x, grad_a


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """clip(x, min_val, max_val), PyTorch's ``F.hardtanh``."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    return HardtanhOp.apply(input, low=float(min_val), high=float(max_val))


def relu6(input: Any) -> Tensor:
    """min(max(x, 0), 6)."""
    return HardtanhOp.apply(input, low=0.0, high=6.0)


def selu(input: Any) -> Tensor:
    """SELU_SCALE * (x if x > 0 else SELU_ALPHA (e^x - 1))."""
    return ExpLinearOp.apply(input, scale=SELU_SCALE, alpha=SELU_ALPHA, beta=1.0)


def celu(input: Any, alpha: float = 1.0) -> Tensor:
    """x if x > 0 else alpha (e^(x / alpha) - 1)."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")
    return ExpLinearOp.apply(input, scale=1.0, alpha=float(alpha), beta=float(alpha))


def silu(input: Any) -> Tensor:
    """x * sigmoid(x)."""
    return SiluOp.apply(input)


def mish(input: Any) -> Tensor:
    """x * tanh(softplus(x))."""
    return MishOp.apply(input)


def hardswish(input: Any) -> Tensor:
    """x * relu6(x + 3) / 6."""
    return HardswishOp.apply(input)


def hardsigmoid(input: Any) -> Tensor:
    """relu6(x + 3) / 6."""
    return HardsigmoidOp.apply(input)


def softplus_beta(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """PyTorch's ``F.softplus(input, beta, threshold)``."""
    if beta == 0:
        raise ValueError("softplus: beta must not be 0 (it divides the result)")
    return SoftplusBetaOp.apply(input, beta=float(beta), threshold=float(threshold))


def softsign(input: Any) -> Tensor:
    """x / (1 + |x|)."""
    return SoftsignOp.apply(input)


def tanhshrink(input: Any) -> Tensor:
    """x - tanh(x)."""
    return TanhshrinkOp.apply(input)


def logsigmoid(input: Any) -> Tensor:
    """log(sigmoid(x)), stable."""
    return LogSigmoidOp.apply(input)


def softshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x - lambd sign(x) where |x| > lambd, else 0."""
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be >= 0, got {lambd}")
    return ShrinkOp.apply(input, lambd=float(lambd), soft=True)


def hardshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return ShrinkOp.apply(input, lambd=float(lambd), soft=False)


def threshold(input: Any, threshold: float, value: float) -> Tensor:
    """x where x > threshold, else value."""
    return ThresholdOp.apply(input, threshold=float(threshold), value=float(value))


def prelu(input: Any, weight: Any) -> Tensor:
    """x where x > 0, else weight * x; ``weight`` has one value or one per channel (axis 1)."""
    x_shape, w_shape = np.shape(input), np.shape(weight)
    count = int(np.prod(w_shape))
    if len(w_shape) > 1 or (count > 1 and (len(x_shape) < 2 or x_shape[1] != count)):
        raise ShapeError(
            f"prelu: weight of shape {w_shape} does not fit input of shape {x_shape}: it must "
            "hold one value or one per channel (axis 1)"
        )
    return PReluOp.apply(input, weight)
