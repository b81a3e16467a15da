"""Finding, counting and bucketing, not differentiable (their outputs are indices, counts or
bools): ``argmax``, ``argmin``, ``any``, ``all``, ``count_nonzero``, ``unique``, ``bincount``,
``histc``, ``searchsorted``, ``bucketize``; and ``diff``, which is differentiable."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops.dims import UNSET, one_dim, reduce_args
from glassnet.ops.reduce import Axis, reduced_axes
from glassnet.tensor import Tensor, as_array, as_tensor


def unique(
    input: Any,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct values (sorted), optionally with the inverse indices and the counts, as
    ``torch.unique``.

    Examples:
        >>> import glassnet as gn
        >>> values, counts = gn.unique(gn.tensor([3, 1, 3, 2]), return_counts=True)
        >>> values, counts
        (Tensor([1, 2, 3], dtype=int64), Tensor([1, 1, 2], dtype=int64))
    """
    array = as_array(input)
    if dim is not None:
        dim = one_dim("unique", dim, array.ndim, array.shape)
    found = np.unique(array, return_inverse=True, return_counts=True, axis=dim)
    values, inverse, counts = found
    out = [Tensor(values)]
    if return_inverse:
        out.append(Tensor(inverse.reshape(array.shape if dim is None else -1).astype(np.int64)))
    if return_counts:
        out.append(Tensor(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ... occurs in a 1-D int Tensor (summing ``weights``)."""
    array = as_array(input)
    if array.ndim != 1 or array.dtype.kind not in "iu" or (array.size and array.min() < 0):
        raise ValueError(
            f"bincount: needs a 1-D Tensor of ints >= 0, got {array.dtype} {array.shape}"
        )
    w = None if weights is None else as_array(weights)
    return Tensor(np.bincount(array, w, minlength))


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """A histogram of ``bins`` equal bins over [min, max] (the data's range when both are 0);
    values outside are ignored, as ``torch.histc``."""
    array = as_array(input).reshape(-1)
    low, high = (float(array.min()), float(array.max())) if min == max == 0 else (min, max)
    counts, _ = np.histogram(array, bins=bins, range=(low, high))
    return Tensor(counts.astype(array.dtype if array.dtype.kind == "f" else np.float32))


def searchsorted(sorted_sequence: Any, values: Any, *, right: bool = False, side: Any = None):
    """Where ``values`` would go in the last dim of ``sorted_sequence`` to keep it sorted (int64).

    Examples:
        >>> import glassnet as gn
        >>> gn.searchsorted(gn.tensor([1, 3, 5]), gn.tensor([3, 6]))
        Tensor([1, 3], dtype=int64)
    """
    seq, vals = as_array(sorted_sequence), as_array(values)
    side = side or ("right" if right else "left")
    if seq.ndim == 1:
        return Tensor(np.searchsorted(seq, vals, side=side).astype(np.int64))
    if seq.shape[:-1] != vals.shape[:-1]:
        raise ValueError(f"searchsorted: leading dims differ: {seq.shape} and {vals.shape}")
    # the position is the number of entries below the value (or not above, for right=True)
    below = np.less_equal if side == "right" else np.less
    return Tensor(below(seq[..., None, :], vals[..., :, None]).sum(axis=-1).astype(np.int64))


def bucketize(input: Any, boundaries: Any, *, right: bool = False) -> Tensor:
    """The bucket of each element among 1-D ``boundaries``, as ``torch.bucketize``."""
    return searchsorted(boundaries, input, right=right)


def diff(input: Any, n: int = 1, dim: int = -1) -> Tensor:
    """Differences of neighbours along ``dim``, ``n`` times, differentiable.

    Examples:
        >>> import glassnet as gn
        >>> gn.diff(gn.tensor([1, 4, 9, 16]))
        Tensor([3, 5, 7], dtype=int64)
    """
    x = as_tensor(input, op="diff")
    d = one_dim("diff", dim, x.ndim, x.shape)
    before = (slice(None),) * d
    for _ in range(n):  # n differences, each one vectorised
        x = x[(*before, slice(1, None))] - x[(*before, slice(None, -1))]
    return x


def _arg(name: str, x: Any, dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> Tensor:
    axis, keepdims, _ = reduce_args(name, dim, keepdim, axis, keepdims)
    array = as_array(x)
    if axis is None:  # the flat index; keepdim keeps every dim as size 1 (PyTorch, NumPy)
        found = getattr(np, name)(array, keepdims=keepdims)
        return Tensor(np.asarray(found, dtype=np.int64))
    axis = one_dim(name, axis, array.ndim, array.shape)
    if array.ndim == 0:
        return Tensor(np.zeros((), dtype=np.int64))
    return Tensor(getattr(np, name)(array, axis=axis, keepdims=keepdims).astype(np.int64))


def argmax(
    x: Any,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
) -> Tensor:
    """Index of the largest value (an int64 Tensor, no gradient); ``dim=None``: of the
    flattened Tensor."""
    return _arg("argmax", x, dim, keepdim, axis, keepdims)


def argmin(
    x: Any,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
) -> Tensor:
    """Index of the smallest value (an int64 Tensor, no gradient)."""
    return _arg("argmin", x, dim, keepdim, axis, keepdims)


def any(
    x: Any, dim: Axis = None, keepdim: bool = False, *, axis: Any = UNSET, keepdims: Any = UNSET
) -> Tensor:
    """Whether any element (over ``dim``) is nonzero: a bool Tensor, not differentiable.

    Examples:
        >>> import glassnet as gn
        >>> gn.any(gn.tensor([[0, 1], [0, 0]]), dim=1)
        Tensor([ True, False], dtype=bool)
    """
    axis, keepdims, _ = reduce_args("any", dim, keepdim, axis, keepdims)
    array = as_array(x)
    return Tensor(np.any(array, axis=reduced_axes(axis, array.shape, "any"), keepdims=keepdims))


def all(
    x: Any, dim: Axis = None, keepdim: bool = False, *, axis: Any = UNSET, keepdims: Any = UNSET
) -> Tensor:
    """Whether every element (over ``dim``) is nonzero: a bool Tensor, not differentiable."""
    axis, keepdims, _ = reduce_args("all", dim, keepdim, axis, keepdims)
    array = as_array(x)
    return Tensor(np.all(array, axis=reduced_axes(axis, array.shape, "all"), keepdims=keepdims))


def count_nonzero(x: Any, dim: Axis = None) -> Tensor:
    """How many elements (over ``dim``) are nonzero, an int64 Tensor."""
    array = as_array(x)
    return Tensor(np.count_nonzero(array, axis=reduced_axes(dim, array.shape, "count_nonzero")))
