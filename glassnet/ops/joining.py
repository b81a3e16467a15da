"""Joining Tensors and cutting them apart: ``cat``/``concat``/``concatenate``, ``stack``,
``hstack``, ``vstack``, ``split``, ``chunk``, ``unbind``.

Every one takes PyTorch's ``dim=`` and NumPy's ``axis=``. ``split`` is where the two disagree:
``split(x, 2, dim=1)`` cuts pieces of size 2 (PyTorch), ``split(x, 2, axis=1)`` cuts 2 equal
pieces (NumPy).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.dims import UNSET, one_dim, pick
from glassnet.ops.movement import getitem
from glassnet.tensor import Tensor, as_tensor


class ConcatenateOp(Function):
    @staticmethod
    def forward(ctx: Context, *arrays: np.ndarray, axis: int = 0) -> np.ndarray:
        one_dim("concatenate", axis, arrays[0].ndim, arrays[0].shape)
        arrays = _common_dtype(arrays)
        try:
            out = np.concatenate(arrays, axis=axis)
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ShapeError(f"concatenate(axis={axis}): shapes {shapes} do not fit") from None
        ctx.axis = normalize_axis_index(axis, out.ndim)
        ctx.splits = np.cumsum([a.shape[ctx.axis] for a in arrays])[:-1]
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return tuple(np.split(grad, ctx.splits, axis=ctx.axis))


class StackOp(Function):
    @staticmethod
    def forward(ctx: Context, *arrays: np.ndarray, axis: int = 0) -> np.ndarray:
        one_dim("stack", axis, arrays[0].ndim + 1, arrays[0].shape)
        arrays = _common_dtype(arrays)
        try:
            out = np.stack(arrays, axis=axis)
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ShapeError(f"stack: shapes {shapes} must all be equal") from None
        ctx.axis = normalize_axis_index(axis, out.ndim)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return tuple(np.moveaxis(grad, ctx.axis, 0))


def _common_dtype(arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The arrays in one dtype by PyTorch's rule: the float dtypes decide when there are any
    (float32 with int64 stays float32; NumPy's concatenate would make float64)."""
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.result_type(*arrays)
    return tuple(a.astype(dtype, copy=False) for a in arrays)


def _tensors(op: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (Sequence, np.ndarray)):
        raise TypeError(f"{op}: takes a list or tuple of Tensors, got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise ValueError(f"{op}: needs at least one Tensor")
    return list(tensors)


def concatenate(tensors: Sequence[Any], axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
    """Join Tensors along an existing dim (``dim=`` or ``axis=``, 0 by default).

    Examples:
        >>> import glassnet as gn
        >>> gn.concatenate([gn.ones(2, 3), gn.zeros(1, 3)]).shape
        (3, 3)
        >>> gn.cat([gn.ones(2, 3), gn.zeros(2, 1)], dim=1).shape
        (2, 4)
    """
    chosen = pick("concatenate", dim, "dim", axis, "axis")
    return ConcatenateOp.apply(
        *_tensors("concatenate", tensors), axis=0 if chosen is UNSET else chosen
    )


def cat(tensors: Sequence[Any], dim: Any = UNSET, *, axis: Any = UNSET) -> Tensor:
    """PyTorch's name for ``concatenate``."""
    return concatenate(tensors, axis, dim=dim)


concat = cat


def stack(tensors: Sequence[Any], axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
    """Join Tensors of one shape along a new dim (``dim=`` or ``axis=``, 0 by default).

    Examples:
        >>> import glassnet as gn
        >>> gn.stack([gn.ones(2), gn.zeros(2)], dim=1).shape
        (2, 2)
    """
    chosen = pick("stack", dim, "dim", axis, "axis")
    return StackOp.apply(*_tensors("stack", tensors), axis=0 if chosen is UNSET else chosen)


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D Tensors), as ``torch.hstack``."""
    tensors = [as_tensor(t, op="hstack") for t in _tensors("hstack", tensors)]
    return concatenate(tensors, dim=0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 0, 1-D Tensors taken as rows, as ``torch.vstack``."""
    tensors = [as_tensor(t, op="vstack") for t in _tensors("vstack", tensors)]
    return concatenate([t.reshape(1, -1) if t.ndim < 2 else t for t in tensors], dim=0)


def _pieces(x: Tensor, axis: int, bounds: list[int]) -> tuple[Tensor, ...]:
    prefix = (slice(None),) * axis
    return tuple(getitem(x, (*prefix, slice(lo, hi))) for lo, hi in itertools.pairwise(bounds))


def split(x: Any, split_size_or_sections: Any, dim: Any = UNSET, *, axis: Any = UNSET):
    """Cut ``x`` into differentiable pieces along a dim.

    - PyTorch (``dim=``, positional, or no dim at all): an int is the size of each piece (the
      last may be smaller), a list the sizes of the pieces (they must add up to the length);
      returns a tuple, as ``torch.split``.
    - NumPy (``axis=``): an int is the number of equal pieces, a list the indices to cut at;
      returns a list, as ``np.split``.

    Examples:
        >>> import glassnet as gn
        >>> [p.shape for p in gn.split(gn.ones(5, 2), 2)]
        [(2, 2), (2, 2), (1, 2)]
        >>> [p.shape for p in gn.split(gn.ones(6, 2), [1, 5], dim=0)]
        [(1, 2), (5, 2)]
        >>> [p.shape for p in gn.split(gn.ones(6, 2), 3, axis=0)]
        [(2, 2), (2, 2), (2, 2)]
    """
    x = as_tensor(x, op="split")
    numpy_style = axis is not UNSET
    chosen = pick("split", dim, "dim", axis, "axis")
    where = one_dim("split", 0 if chosen is UNSET else chosen, x.ndim, x.shape)
    length = x.shape[where]
    parts = split_size_or_sections
    if isinstance(parts, Tensor):
        parts = parts.tolist()
    if numpy_style:
        if isinstance(parts, (int, np.integer)):
            if parts <= 0 or length % parts:
                raise ShapeError(
                    f"split: axis {where} of length {length} does not split into {parts}"
                )
            bounds = list(range(0, length + 1, length // int(parts)))
        else:
            bounds = [0, *(int(i) for i in parts), length]
        return list(_pieces(x, where, bounds))
    if isinstance(parts, (int, np.integer)):
        if parts <= 0:
            raise ValueError(f"split: split_size must be a positive int, got {parts}")
        bounds = [*range(0, length, int(parts)), length] if length else [0, 0]
    else:
        sizes = [int(s) for s in parts]
        if any(s < 0 for s in sizes) or sum(sizes) != length:
            raise ShapeError(
                f"split: sizes {sizes} must be >= 0 and add up to the length {length} of dim "
                f"{where} (shape {x.shape}); for NumPy's cut indices use axis="
            )
        bounds = [0, *itertools.accumulate(sizes)]
    return _pieces(x, where, bounds)


def chunk(x: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut into ``chunks`` pieces of ceil(length / chunks) along ``dim`` (the last may be
    smaller, and there may be fewer pieces), as ``torch.chunk``.

    Examples:
        >>> import glassnet as gn
        >>> [p.shape for p in gn.chunk(gn.ones(5), 3)]
        [(2,), (2,), (1,)]
    """
    x = as_tensor(x, op="chunk")
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
    where = one_dim("chunk", dim, x.ndim, x.shape)
    size = max(-(-x.shape[where] // int(chunks)), 1)
    return split(x, size, dim=where)


def unbind(x: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim``, each without that dim, as ``torch.unbind``.

    Examples:
        >>> import glassnet as gn
        >>> [p.shape for p in gn.unbind(gn.ones(2, 3), dim=1)]
        [(2,), (2,), (2,)]
    """
    x = as_tensor(x, op="unbind")
    where = one_dim("unbind", dim, x.ndim, x.shape)
    prefix = (slice(None),) * where
    return tuple(getitem(x, (*prefix, i)) for i in range(x.shape[where]))


def tensor_split(x: Any, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along ``dim``, as ``torch.tensor_split``: an int ``n`` gives ``n`` pieces whose sizes
    differ by at most one (the first ``length % n`` one longer), a list the indices to cut at.

    Examples:
        >>> import glassnet as gn
        >>> [p.tolist() for p in gn.tensor_split(gn.arange(7), 3)]
        [[0, 1, 2], [3, 4], [5, 6]]
        >>> [p.tolist() for p in gn.tensor_split(gn.arange(7), [1, 5])]
        [[0], [1, 2, 3, 4], [5, 6]]
    """
    x = as_tensor(x, op="tensor_split")
    where = one_dim("tensor_split", dim, x.ndim, x.shape)
    length = x.shape[where]
    cuts = indices_or_sections
    if isinstance(cuts, Tensor):
        cuts = cuts.tolist()
    if isinstance(cuts, (int, np.integer)) and not isinstance(cuts, bool):
        if cuts <= 0:
            raise ValueError(f"tensor_split: sections must be a positive int, got {cuts}")
        base, extra = divmod(length, int(cuts))
        sizes = [base + 1] * extra + [base] * (int(cuts) - extra)
        return _pieces(x, where, [0, *itertools.accumulate(sizes)])
    return _pieces(x, where, [0, *(int(i) for i in cuts), length])  # slices, as PyTorch's
