"""Neural-network ops fused into one Function each, for stability and speed."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import as_float
from glassnet.tensor import Tensor

# Reductions below use the array methods (x.max(...)), which skip NumPy's Python-level
# dispatch of np.max(x, ...): half the cost on the small arrays of a per-batch loss.


def stable_log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _axis_error(op: str, axis: Any, shape: tuple[int, ...]) -> ShapeError:
    return ShapeError(f"{op}: axis {axis} is out of range for a Tensor of shape {shape}")


class SoftmaxOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int = -1) -> np.ndarray:
        try:
            shifted = np.exp(as_float(x) - x.max(axis=axis, keepdims=True))
        except ValueError:  # NumPy's AxisError
            raise _axis_error("softmax", axis, x.shape) from None
        out = shifted / shifted.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        # Jacobian-vector product of softmax: s * (g - sum(g * s)), no N x N Jacobian built.
        (s,) = ctx.saved_tensors
        return s * (grad - (grad * s).sum(axis=ctx.axis, keepdims=True))


class LogSoftmaxOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int = -1) -> np.ndarray:
        try:
            out = stable_log_softmax(as_float(x), axis)
        except ValueError:  # NumPy's AxisError
            raise _axis_error("log_softmax", axis, x.shape) from None
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad - np.exp(out) * grad.sum(axis=ctx.axis, keepdims=True)


# --8<-- [start:linear-op]
class LinearOp(Function):
    """``x @ weight + bias`` as one node, for inputs of shape (..., in_features).

    With ``G`` the gradient of the output: ``dx = G @ W^T``, ``dW = x^T @ G`` (leading axes
    folded into one batch axis), ``db = G`` summed over the batch. dx is computed only when
    someone needs it, which saves a third of the first layer's backward.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None):
        ctx.save_for_backward(x, weight)
        out = x @ weight
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_x = grad @ weight.T if needs[0] else None
        if x.ndim != 2:  # fold any leading axes (or none, for one sample) into one batch axis
            x, grad = x.reshape(-1, x.shape[-1]), grad.reshape(-1, grad.shape[-1])
        grad_w = x.T @ grad if needs[1] else None
        if len(needs) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, (grad.sum(axis=0) if needs[2] else None)


# --8<-- [end:linear-op]
class DropoutOp(Function):
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p),
    so evaluation needs no rescaling. The mask is drawn from the given generator."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, p: float = 0.5, rng: Any = None) -> np.ndarray:
        keep = rng.random(x.shape) >= p
        scale = np.asarray(1.0 / (1.0 - p), dtype=x.dtype)
        mask = keep * scale
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (mask,) = ctx.saved_tensors
        return grad * mask


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """``x @ weight + bias`` in one op; ``weight`` has shape (in_features, out_features).

    Examples:
        >>> import glassnet as gn
        >>> gn.linear(gn.ones(4, 3), gn.ones(3, 2), gn.zeros(2)).shape
        (4, 2)
    """
    w_shape, x_shape = np.shape(weight), np.shape(x)
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[0]:
        raise ShapeError(
            f"linear: input of shape {x_shape} does not fit a weight of shape {w_shape}: "
            f"the input's last axis must be {w_shape[0] if w_shape else '?'}"
        )
    if bias is None:
        return LinearOp.apply(x, weight)
    b_shape = np.shape(bias)
    if b_shape != (w_shape[1],) and b_shape != ():  # the in-place += would fail or broadcast
        raise ShapeError(
            f"linear: bias of shape {b_shape} does not fit a weight of shape {w_shape}: it "
            f"must have shape ({w_shape[1]},)"
        )
    return LinearOp.apply(x, weight, bias)


def dropout(x: Any, p: float = 0.5, training: bool = True, rng: Any = None) -> Tensor:
    """Inverted dropout (identity when not training or p == 0).

    Examples:
        >>> import glassnet as gn
        >>> y = gn.dropout(gn.ones(1000), p=0.5, rng=0)
        >>> sorted(set(y.numpy().tolist()))
        [0.0, 2.0]
    """
    from glassnet.rng import get_rng

    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout: p must be in [0, 1), got {p}")
    x = x if isinstance(x, Tensor) else Tensor(x)
    if not training or p == 0.0:
        return x
    return DropoutOp.apply(x, p=p, rng=get_rng(rng))


def softmax(x: Any, axis: int = -1) -> Tensor:
    """e^x / sum(e^x) along ``axis``, computed after subtracting the max (no overflow).

    Examples:
        >>> import glassnet as gn
        >>> gn.softmax(gn.tensor([1e4, 1e4]))
        Tensor([0.5, 0.5], dtype=float32)
    """
    return SoftmaxOp.apply(x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log(softmax(x)) along ``axis``, computed stably as x - logsumexp(x)."""
    return LogSoftmaxOp.apply(x, axis=axis)
