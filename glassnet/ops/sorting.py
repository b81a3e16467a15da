"""Sorting and order statistics, as PyTorch: ``sort``, ``argsort``, ``msort``, ``topk``,
``kthvalue``, ``median``, ``mode``.

NumPy finds the order; the values are then gathered (``glassnet.ops.indexing.gather``), so the
gradient of each value goes to the element it came from. The ones that pick (``sort``, ``topk``,
``kthvalue``, ``median(dim)``, ``mode``) return ``(values, indices)`` named tuples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context
from glassnet.ops import return_types
from glassnet.ops.dims import one_dim
from glassnet.ops.indexing import pick_along
from glassnet.ops.reduce import ExtremumOp
from glassnet.tensor import Tensor, as_tensor


def _lower_median(x: np.ndarray, axis: Any = None, keepdims: bool = True) -> np.ndarray:
    """The lower of the two middle values of all elements (NaN if there is one), kept as an
    array of x's number of dims."""
    ranked = np.sort(x, axis=None)  # NaN sorts last
    middle = ranked[-1] if np.isnan(ranked[-1]) else ranked[(ranked.size - 1) // 2]
    return np.full((1,) * x.ndim, middle, dtype=x.dtype)


class MedianOp(ExtremumOp):
    """``median()`` of all elements; like ``max()``, elements equal to the result share its
    gradient evenly (PyTorch's rule for the reductions without ``dim``)."""

    reduce = staticmethod(_lower_median)

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return MedianOp._forward(ctx, x, None, False)


def _order(array: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``dim``; NaN counts as the largest value (as PyTorch), and a
    descending sort keeps equal elements in their original order."""
    if not descending:
        return np.argsort(array, axis=dim, kind="stable")
    if array.dtype.kind == "f":
        nan = np.isnan(array)
        key = np.where(nan, 0, -array)  # -x sorts descending; NaN ranks first via ``~nan``
        return np.lexsort((key, ~nan), axis=dim)
    if array.dtype.kind == "b":
        array = array.astype(np.int8)
    key = array.max(axis=dim, keepdims=True) - array if array.size else array
    return np.argsort(key, axis=dim, kind="stable")


def _prepare(op: str, input: Any, dim: int) -> tuple[Tensor, int, bool]:
    """The input as a Tensor of at least 1 dim, ``dim`` normalised, and whether it was 0-d."""
    x = as_tensor(input, op=op)
    scalar = x.ndim == 0
    dim = one_dim(op, dim, x.ndim, x.shape)
    return (x.reshape(1) if scalar else x), dim, scalar


def sort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """Sorted values along ``dim`` and where they came from: ``(values, indices)``. The sort is
    always stable here (``stable=`` is accepted for PyTorch); NaN sorts as the largest value.

    Examples:
        >>> import glassnet as gn
        >>> values, indices = gn.sort(gn.tensor([3.0, 1.0, 2.0]), descending=True)
        >>> values, indices
        (Tensor([3., 2., 1.], dtype=float32), Tensor([0, 2, 1], dtype=int64))
    """
    x, dim, scalar = _prepare("sort", input, dim)
    indices = _order(x.data, dim, descending)
    values = pick_along(x, dim, indices)
    if scalar:
        values, indices = values.reshape(()), indices.reshape(())
    return return_types.sort(values, Tensor(indices))


def argsort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (int64, no gradient)."""
    x, dim, scalar = _prepare("argsort", input, dim)
    indices = _order(x.data, dim, descending)
    return Tensor(indices.reshape(()) if scalar else indices)


def msort(input: Any) -> Tensor:
    """Values sorted along dim 0."""
    return sort(input, dim=0).values


def topk(input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """The ``k`` largest (``largest=False``: smallest) values along ``dim`` with their indices,
    in sorted order: ``(values, indices)``.

    Examples:
        >>> import glassnet as gn
        >>> gn.topk(gn.tensor([1.0, 5.0, 3.0, 4.0]), 2).indices
        Tensor([1, 3], dtype=int64)
    """
    x, dim, scalar = _prepare("topk", input, dim)
    length = x.shape[dim]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= length:
        raise ValueError(f"topk: k must be an int in [0, {length}] for dim {dim}, got {k!r}")
    order = _order(x.data, dim, descending=largest)
    indices = np.take(order, np.arange(k), axis=dim)
    values = pick_along(x, dim, indices)
    if scalar:
        values, indices = values.reshape(()), indices.reshape(())
    return return_types.topk(values, Tensor(indices))


def _pick_rank(op: str, input: Any, rank: Any, dim: int, keepdim: bool, order=None) -> Any:
    """The element of a given rank (0-based, ascending) along ``dim``, and its index."""
    x, dim, scalar = _prepare(op, input, dim)
    order = _order(x.data, dim, descending=False) if order is None else order
    indices = np.take(order, [rank] if np.ndim(rank) == 0 else rank, axis=dim)
    values = pick_along(x, dim, indices)
    if scalar or not keepdim:
        values, indices = values.squeeze(dim), np.squeeze(indices, dim)
        if scalar:
            values, indices = values.reshape(()), indices.reshape(())
    return values, Tensor(indices)


def kthvalue(input: Any, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest value along ``dim`` (k from 1) and its index.

    Examples:
        >>> import glassnet as gn
        >>> gn.kthvalue(gn.tensor([5.0, 1.0, 3.0]), 2).values
        Tensor(3., dtype=float32)
    """
    x = as_tensor(input, op="kthvalue")
    length = x.shape[one_dim("kthvalue", dim, x.ndim, x.shape)] if x.ndim else 1
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= length:
        raise ValueError(f"kthvalue: k must be an int in [1, {length}], got {k!r}")
    return return_types.kthvalue(*_pick_rank("kthvalue", x, k - 1, dim, keepdim))


def median(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The median, PyTorch's way: of an even count the lower of the two middle values (not
    their mean, as NumPy). Without ``dim``: a 0-d Tensor over all elements, whose gradient
    is shared by the elements equal to it (as PyTorch); with ``dim``: ``(values, indices)``,
    the gradient going to the element each index names.

    Examples:
        >>> import glassnet as gn
        >>> gn.median(gn.tensor([4.0, 1.0, 3.0, 2.0]))
        Tensor(2., dtype=float32)
    """
    x = as_tensor(input, op="median")
    if x.size == 0:
        raise ValueError(f"median of an empty Tensor of shape {x.shape}")
    if dim is None:
        return MedianOp.apply(x)
    length = x.shape[one_dim("median", dim, x.ndim, x.shape)] if x.ndim else 1
    return return_types.median(*_pick_rank("median", x, (length - 1) // 2, dim, keepdim))


def mode(input: Any, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and the
    index of its last occurrence.

    Examples:
        >>> import glassnet as gn
        >>> gn.mode(gn.tensor([2, 1, 2, 1, 3])).values
        Tensor(1, dtype=int64)
    """
    x, where, scalar = _prepare("mode", input, dim)
    order = _order(x.data, where, descending=False)
    ranked = np.take_along_axis(x.data, order, axis=where)
    moved = np.moveaxis(ranked, where, -1)
    n, positions = moved.shape[-1], np.arange(moved.shape[-1])
    edge = moved[..., 1:] != moved[..., :-1]  # True between two runs of equal sorted values
    true = np.ones((*moved.shape[:-1], 1), dtype=bool)
    starts = np.concatenate([true, edge], axis=-1)
    ends = np.concatenate([edge, true], axis=-1)
    run_start = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1)
    run_end = np.flip(np.minimum.accumulate(np.flip(np.where(ends, positions, n), -1), -1), -1)
    best = np.argmax(run_end - run_start, axis=-1)[..., None]  # first (smallest) longest run
    last = np.take_along_axis(run_end, best, axis=-1)  # the stable sort keeps input order
    value_pos = np.take_along_axis(np.moveaxis(order, where, -1), last, axis=-1)
    indices = np.moveaxis(value_pos, -1, where)
    values = pick_along(x, where, indices)
    if scalar or not keepdim:
        values, indices = values.squeeze(where), np.squeeze(indices, where)
        if scalar:
            values, indices = values.reshape(()), indices.reshape(())
    return return_types.mode(values, Tensor(indices))
