"""Reductions over an ``axis`` (an int, a tuple of ints, or None for all) with ``keepdims``.

A reduction's backward spreads the output gradient back over the reduced axes: it puts the
reduced axes back as size 1 and lets broadcasting copy the gradient along them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import as_float, sqrt
from glassnet.tensor import Tensor, as_array

Axis = int | tuple[int, ...] | None


def _axes(axis: Any, shape: tuple[int, ...], op: str) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(len(shape)))
    try:
        return normalize_axis_tuple(axis, len(shape))
    except ValueError as e:  # NumPy's AxisError (out of range) or a repeated axis
        raise ShapeError(
            f"{op}: axis {axis} does not fit a Tensor of shape {shape} ({e})"
        ) from None


def _with_kept_dims(grad: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """The output gradient with the reduced axes present as size 1, ready to broadcast."""
    return grad if keepdims else np.expand_dims(grad, axes)


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


class SumOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        ctx.axes = _axes(axis, x.shape, "sum")
        ctx.keepdims = keepdims
        ctx.shape = x.shape
        return np.sum(x, axis=ctx.axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.broadcast_to(_with_kept_dims(grad, ctx.axes, ctx.keepdims), ctx.shape)


class MeanOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        x = as_float(x)
        ctx.axes = _axes(axis, x.shape, "mean")
        ctx.keepdims = keepdims
        ctx.shape = x.shape
        return np.mean(x, axis=ctx.axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        grad = _with_kept_dims(grad, ctx.axes, ctx.keepdims) / _count(ctx.shape, ctx.axes)
        return np.broadcast_to(grad, ctx.shape)


class _ExtremumOp(Function):
    """Max or min: the gradient goes to the extreme elements, split evenly between ties."""

    reduce: Any = None

    @classmethod
    def _forward(cls, ctx: Context, x: np.ndarray, axis: Axis, keepdims: bool) -> np.ndarray:
        name = cls.__name__.removesuffix("Op").lower()
        axes = _axes(axis, x.shape, name)
        if x.size == 0:
            raise ValueError(f"{name} of an empty Tensor of shape {x.shape}")
        kept = cls.reduce(x, axis=axes, keepdims=True)
        ctx.save_for_backward(x, kept)
        ctx.axes = axes
        ctx.keepdims = keepdims
        return kept if keepdims else np.squeeze(kept, axis=axes)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, kept = ctx.saved_tensors
        hits = x == kept
        share = hits / hits.sum(axis=ctx.axes, keepdims=True)
        return _with_kept_dims(grad, ctx.axes, ctx.keepdims) * share.astype(grad.dtype)


class MaxOp(_ExtremumOp):
    reduce = np.max

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        return MaxOp._forward(ctx, x, axis, keepdims)


class MinOp(_ExtremumOp):
    reduce = np.min

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        return MinOp._forward(ctx, x, axis, keepdims)


class VarOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False, ddof=0):
        x = as_float(x)
        axes = _axes(axis, x.shape, "var")
        centered = x - np.mean(x, axis=axes, keepdims=True)
        ctx.save_for_backward(centered)
        ctx.axes, ctx.keepdims = axes, keepdims
        ctx.denominator = _count(x.shape, axes) - ddof
        if ctx.denominator <= 0:
            raise ValueError(f"var: ddof={ddof} leaves no degrees of freedom for shape {x.shape}")
        return np.sum(centered * centered, axis=axes, keepdims=keepdims) / ctx.denominator

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (centered,) = ctx.saved_tensors
        grad = _with_kept_dims(grad, ctx.axes, ctx.keepdims)
        return grad * centered * (2.0 / ctx.denominator)


class LogSumExpOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        x = as_float(x)
        axes = _axes(axis, x.shape, "logsumexp")
        peak = np.max(x, axis=axes, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0)  # all -inf along an axis stays -inf
        kept = peak + np.log(np.sum(np.exp(x - peak), axis=axes, keepdims=True))
        ctx.save_for_backward(x, kept)
        ctx.axes, ctx.keepdims = axes, keepdims
        return kept if keepdims else np.squeeze(kept, axis=axes)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, kept = ctx.saved_tensors
        return _with_kept_dims(grad, ctx.axes, ctx.keepdims) * np.exp(x - kept)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (int, tuple or None for all).

    Examples:
        >>> import glassnet as gn
        >>> gn.sum(gn.ones(2, 3), axis=0)
        Tensor([2., 2., 2.], dtype=float32)
    """
    return SumOp.apply(x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``."""
    return MeanOp.apply(x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Largest value over ``axis``; ties share the gradient evenly."""
    return MaxOp.apply(x, axis=axis, keepdims=keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Smallest value over ``axis``; ties share the gradient evenly."""
    return MinOp.apply(x, axis=axis, keepdims=keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance, NumPy's definition: ``ddof=0`` by default (PyTorch's default is 1).

    Examples:
        >>> import glassnet as gn
        >>> gn.var(gn.tensor([1.0, 3.0])).item()
        1.0
    """
    return VarOp.apply(x, axis=axis, keepdims=keepdims, ddof=ddof)


def std(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Standard deviation, sqrt(var), with NumPy's ``ddof=0`` default."""
    return sqrt(var(x, axis, keepdims, ddof))


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))) over ``axis``, without overflow for large inputs.

    Examples:
        >>> import glassnet as gn
        >>> gn.logsumexp(gn.tensor([1e4, 1e4])).item() - 1e4 - 0.6931 < 1e-3
        True
    """
    return LogSumExpOp.apply(x, axis=axis, keepdims=keepdims)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the largest value (an int64 Tensor, no gradient)."""
    array = as_array(x)
    _axes(axis, array.shape, "argmax")
    return Tensor(np.argmax(array, axis=axis, keepdims=keepdims))


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest value (an int64 Tensor, no gradient)."""
    array = as_array(x)
    _axes(axis, array.shape, "argmin")
    return Tensor(np.argmin(array, axis=axis, keepdims=keepdims))
