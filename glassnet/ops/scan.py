"""Running sums, products and extremes along a dim: ``cumsum``, ``cumprod``, ``cummax``,
``cummin``.

``cumprod``'s backward is exact where elements are zero (no division by them); see
``CumprodOp``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.ops import return_types
from glassnet.ops.dims import UNSET, one_dim, pick
from glassnet.ops.indexing import gather
from glassnet.tensor import Tensor, as_tensor


def _reverse_cumsum(array: np.ndarray, axis: int) -> np.ndarray:
    """sum over j >= i along ``axis``."""
    return np.flip(np.cumsum(np.flip(array, axis), axis=axis), axis)


class CumsumOp(Function):
    """y_j = sum_{i<=j} x_i, so dL/dx_i = sum_{j>=i} g_j: a cumulative sum from the end."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int = 0) -> np.ndarray:
        ctx.dim = dim
        return np.cumsum(x, axis=dim)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return _reverse_cumsum(grad, ctx.dim)


class CumprodOp(Function):
    """y_j = prod_{i<=j} x_i, so dL/dx_i = sum_{j>=i} g_j prod_{k<=j, k!=i} x_k.

    Before the first zero of a slice this is ``sum_{j>=i} g_j y_j / x_i`` (every x_i there is
    nonzero). At the first zero z it is ``prod_{k<z} x_k * sum_{j>=z} g_j prod_{z<k<=j} x_k``,
    computed without dividing; after z every term holds x_z = 0, so the gradient is 0.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int = 0) -> np.ndarray:
        out = np.cumprod(x, axis=dim)
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        zero = x == 0
        shape = [1] * x.ndim
        shape[dim] = x.shape[dim]
        position = np.arange(x.shape[dim]).reshape(shape)
        first_zero = np.argmax(zero, axis=dim, keepdims=True)
        first = np.where(zero.any(axis=dim, keepdims=True), first_zero, x.shape[dim])
        before = position < first
        safe = np.where(before, x, 1)
        result = np.where(before, _reverse_cumsum(grad * out, dim) / safe, 0)
        at_zero = position == first
        if at_zero.any():
            prefix = np.prod(safe, axis=dim, keepdims=True)  # prod_{k<z} x_k
            after = np.cumprod(np.where(position > first, x, 1), axis=dim)
            tail = np.sum(np.where(position >= first, grad * after, 0), axis=dim, keepdims=True)
            result = np.where(at_zero, prefix * tail, result)
        return result


def _dim(op: str, x: Tensor, dim: Any, axis: Any) -> int:
    chosen = pick(op, dim, "dim", axis, "axis")
    if chosen is UNSET or chosen is None:
        raise TypeError(f"{op}: give the dim to run along, e.g. {op}(x, dim=0)")
    return one_dim(op, chosen, x.ndim, x.shape)


def _prepared(op: str, input: Any, dtype: Any) -> Tensor:
    x = as_tensor(input, op=op)
    if dtype is not None:
        return x.astype(dtype)
    return x.astype(np.int64) if x.dtype.kind in "biu" else x  # PyTorch: integers -> int64


def cumsum(input: Any, dim: Any = UNSET, *, axis: Any = UNSET, dtype: Any = None) -> Tensor:
    """Running sum along ``dim``.

    Examples:
        >>> import glassnet as gn
        >>> gn.cumsum(gn.tensor([1.0, 2.0, 3.0]), dim=0)
        Tensor([1., 3., 6.], dtype=float32)
    """
    x = _prepared("cumsum", input, dtype)
    dim = _dim("cumsum", x, dim, axis)
    if x.ndim == 0:
        return CumsumOp.apply(x.reshape(1), dim=0).reshape(())
    return CumsumOp.apply(x, dim=dim)


def cumprod(input: Any, dim: Any = UNSET, *, axis: Any = UNSET, dtype: Any = None) -> Tensor:
    """Running product along ``dim``; its gradient is exact where elements are zero.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> gn.cumprod(x, 0).sum().backward()
        >>> x.grad.data
        array([1., 8., 0.], dtype=float32)
    """
    x = _prepared("cumprod", input, dtype)
    dim = _dim("cumprod", x, dim, axis)
    if x.ndim == 0:
        return CumprodOp.apply(x.reshape(1), dim=0).reshape(())
    return CumprodOp.apply(x, dim=dim)


def _running_extreme(op: str, input: Any, dim: Any, larger: bool) -> Any:
    x = as_tensor(input, op=op)
    where = _dim(op, x, dim, UNSET)
    if x.ndim == 0:
        indices = np.zeros((), dtype=np.int64)
        return getattr(return_types, op)(gather(x, 0, indices), Tensor(indices))
    a = x.data
    running = (np.maximum if larger else np.minimum).accumulate(a, axis=where)
    shape = [1] * a.ndim
    shape[where] = a.shape[where]
    position = np.broadcast_to(np.arange(a.shape[where]).reshape(shape), a.shape)
    # the index of the running extreme: the last position where x reached it (as PyTorch)
    reached = np.where(a == running, position, 0)
    indices = np.maximum.accumulate(reached, axis=where).astype(np.int64)
    return getattr(return_types, op)(gather(x, where, indices), Tensor(indices))


def cummax(input: Any, dim: int) -> Any:
    """The running maximum along ``dim`` and where it was reached (the last position among
    equal values): ``(values, indices)``; the gradient goes to those positions.

    Examples:
        >>> import glassnet as gn
        >>> gn.cummax(gn.tensor([1.0, 3.0, 2.0, 5.0]), 0).indices
        Tensor([0, 1, 1, 3], dtype=int64)
    """
    return _running_extreme("cummax", input, dim, larger=True)


def cummin(input: Any, dim: int) -> Any:
    """The running minimum along ``dim`` and where it was reached: ``(values, indices)``."""
    return _running_extreme("cummin", input, dim, larger=False)
