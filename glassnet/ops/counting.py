"""Counting and bucketing, not differentiable (their outputs are integers): ``unique``,
``bincount``, ``histc``, ``searchsorted``, ``bucketize``; and ``diff``, which is."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops.dims import one_dim
from glassnet.tensor import Tensor, as_array, as_tensor


def unique(
    input: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
    dim: int | None = None,
) -> Any:  # fmt: skip
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
