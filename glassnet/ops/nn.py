"""Neural-network ops fused into one Function each, for stability and speed."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.ops.elementwise import as_float
from glassnet.tensor import Tensor


def stable_log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


class Softmax(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int = -1) -> np.ndarray:
        shifted = np.exp(as_float(x) - np.max(x, axis=axis, keepdims=True))
        out = shifted / np.sum(shifted, axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        # Jacobian-vector product of softmax: s * (g - sum(g * s)), no N x N Jacobian built.
        (s,) = ctx.saved_tensors
        return s * (grad - np.sum(grad * s, axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int = -1) -> np.ndarray:
        out = stable_log_softmax(as_float(x), axis)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad - np.exp(out) * np.sum(grad, axis=ctx.axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """e^x / sum(e^x) along ``axis``, computed after subtracting the max (no overflow).

    Example:
        >>> import glassnet as gn
        >>> gn.softmax(gn.tensor([1e4, 1e4]))
        Tensor([0.5, 0.5], dtype=float32)
    """
    return Softmax.apply(x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log(softmax(x)) along ``axis``, computed stably as x - logsumexp(x)."""
    return LogSoftmax.apply(x, axis=axis)
