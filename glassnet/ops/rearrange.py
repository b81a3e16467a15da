"""Ops that copy elements into new places, PyTorch's way: ``flip``, ``roll``, ``repeat``
(PyTorch's tile!), ``tile``, ``repeat_interleave``, ``triu``/``tril``, ``diag``, ``diagonal``,
``trace``, ``unflatten``, ``clone``, ``meshgrid``.

Each backward sends every output gradient back to the element it was copied from (summing
copies), mostly by reshaping the gradient so the copies get their own axis and summing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.dims import one_dim
from glassnet.ops.movement import _shape_args, reshape
from glassnet.tensor import Tensor, as_array, as_tensor


class FlipOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dims: tuple[int, ...] = ()) -> np.ndarray:
        ctx.dims = dims
        return np.flip(x, dims).copy()

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.flip(grad, ctx.dims)


class RollOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shifts: Any = 0, dims: Any = None) -> np.ndarray:
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return np.roll(grad, back, ctx.dims)


class TileOp(Function):
    """Whole copies of ``x`` side by side, ``reps`` times along each dim (``np.tile``)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, reps: tuple[int, ...] = ()) -> np.ndarray:
        x = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
        ctx.shape = x.shape
        ctx.reps = reps
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        split = [n for pair in zip(ctx.reps, ctx.shape) for n in pair]  # (r0, s0, r1, s1, ...)
        return grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))


class RepeatInterleaveOp(Function):
    """Each element repeated ``repeats`` times along ``dim`` (``np.repeat``)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, repeats: Any = 1, dim: int = 0) -> np.ndarray:
        ctx.repeats, ctx.dim, ctx.length = repeats, dim, x.shape[dim]
        return np.repeat(x, repeats, axis=dim)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        counts = np.broadcast_to(np.asarray(ctx.repeats), (ctx.length,))
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        if grad.shape[ctx.dim] == 0:
            shape = list(grad.shape)
            shape[ctx.dim] = ctx.length
            return np.zeros(shape, dtype=grad.dtype)
        sums = np.add.reduceat(grad, np.minimum(starts, grad.shape[ctx.dim] - 1), axis=ctx.dim)
        shape = [1] * grad.ndim
        shape[ctx.dim] = ctx.length
        return np.where(counts.reshape(shape) > 0, sums, 0)  # reduceat gives x[i] for empty runs


class TriangleOp(Function):
    """The upper (``triu``) or lower (``tril``) triangle of the last two dims, zero elsewhere."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, diagonal: int = 0, upper: bool = True):
        rows, cols = x.shape[-2:]
        keep = (
            np.triu(np.ones((rows, cols), bool), diagonal)
            if upper
            else np.tril(np.ones((rows, cols), bool), diagonal)
        )
        ctx.keep = keep
        return np.where(keep, x, np.zeros((), dtype=x.dtype))

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.where(ctx.keep, grad, np.zeros((), dtype=grad.dtype))


class DiagonalOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, offset: int = 0, dim1: int = 0, dim2: int = 1):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return np.diagonal(x, offset, dim1, dim2).copy()

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        full = np.zeros(ctx.shape, dtype=grad.dtype)
        view = np.diagonal(full, *ctx.args)
        view.flags.writeable = True  # np.diagonal returns a read-only view of full
        view[...] = grad
        return full


class DiagEmbedOp(Function):
    """A 1-D ``x`` placed on the ``offset`` diagonal of a square matrix."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, offset: int = 0) -> np.ndarray:
        ctx.offset = offset
        return np.diag(x, offset)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.diag(grad, ctx.offset).copy()


class CloneOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return x.copy()

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad


def _dims(op: str, dims: Any, x: Tensor) -> tuple[int, ...]:
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    return tuple(one_dim(op, d, x.ndim, x.shape) for d in dims)


def flip(input: Any, dims: Any) -> Tensor:
    """Reverse the order of elements along ``dims`` (an int or a tuple), as ``torch.flip``.

    Examples:
        >>> import glassnet as gn
        >>> gn.flip(gn.tensor([[1, 2], [3, 4]]), [1])
        Tensor([[2, 1],
                [4, 3]], dtype=int64)
    """
    x = as_tensor(input, op="flip")
    return FlipOp.apply(x, dims=_dims("flip", dims, x))


def fliplr(input: Any) -> Tensor:
    """Flip dim 1."""
    return flip(input, 1)


def flipud(input: Any) -> Tensor:
    """Flip dim 0."""
    return flip(input, 0)


def roll(input: Any, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically by ``shifts`` along ``dims`` (None: the flattened Tensor).

    Examples:
        >>> import glassnet as gn
        >>> gn.roll(gn.tensor([1, 2, 3, 4]), 1)
        Tensor([4, 1, 2, 3], dtype=int64)
    """
    x = as_tensor(input, op="roll")
    if dims is None:
        return RollOp.apply(x, shifts=shifts, dims=None)
    dims = _dims("roll", dims, x)
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims")
    return RollOp.apply(x, shifts=shifts, dims=dims)


def _reps(op: str, sizes: tuple[Any, ...]) -> tuple[int, ...]:
    reps = _shape_args(sizes)
    if any(isinstance(r, bool) or not isinstance(r, (int, np.integer)) or r < 0 for r in reps):
        raise ValueError(f"{op}: repeats must be ints >= 0, got {reps}")
    return tuple(int(r) for r in reps)


def repeat(input: Any, *sizes: Any) -> Tensor:
    """PyTorch's ``Tensor.repeat``: whole copies along each dim (NumPy's ``tile``, NOT NumPy's
    ``repeat``, which is ``repeat_interleave``). ``sizes`` needs at least x.ndim entries.

    Examples:
        >>> import glassnet as gn
        >>> gn.tensor([1, 2]).repeat(2, 2)
        Tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]], dtype=int64)
    """
    x = as_tensor(input, op="repeat")
    reps = _reps("repeat", sizes)
    if len(reps) < x.ndim:
        raise ShapeError(
            f"repeat: {reps} has fewer entries than the Tensor has dims ({x.shape}); "
            "for NumPy's element-wise repeat use repeat_interleave"
        )
    return TileOp.apply(x, reps=reps)


def tile(input: Any, dims: Any) -> Tensor:
    """Whole copies along each dim; fewer ``dims`` than the Tensor's are padded with 1 in
    front, as ``torch.tile`` and ``np.tile``."""
    x = as_tensor(input, op="tile")
    reps = _reps("tile", (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims))
    return TileOp.apply(x, reps=(1,) * (x.ndim - len(reps)) + reps)


def repeat_interleave(input: Any, repeats: Any, dim: int | None = None) -> Tensor:
    """Each element ``repeats`` times (an int, or one count per element along ``dim``);
    ``dim=None`` works on the flattened Tensor. NumPy's ``repeat``.

    Examples:
        >>> import glassnet as gn
        >>> gn.repeat_interleave(gn.tensor([1, 2]), 2)
        Tensor([1, 1, 2, 2], dtype=int64)
    """
    x = as_tensor(input, op="repeat_interleave")
    if dim is None:
        x, dim = x.reshape(-1), 0
    dim = one_dim("repeat_interleave", dim, x.ndim, x.shape)
    counts = as_array(repeats)
    if counts.dtype.kind not in "iu" or (counts < 0).any():
        raise ValueError(f"repeat_interleave: repeats must be ints >= 0, got {repeats}")
    if counts.ndim and counts.shape != (x.shape[dim],) and counts.size != 1:
        raise ShapeError(
            f"repeat_interleave: {counts.size} repeats for dim {dim} of size {x.shape[dim]}"
        )
    repeat: Any = int(counts.reshape(-1)[0]) if counts.size == 1 else counts
    return RepeatInterleaveOp.apply(x, repeats=repeat, dim=dim)


def triu(input: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims (above the ``diagonal``-th), zeros elsewhere.

    Examples:
        >>> import glassnet as gn
        >>> gn.triu(gn.ones(2, 2))
        Tensor([[1., 1.],
                [0., 1.]], dtype=float32)
    """
    x = as_tensor(input, op="triu")
    if x.ndim < 2:
        raise ShapeError(f"triu: needs at least 2 dims, got shape {x.shape}")
    return TriangleOp.apply(x, diagonal=int(diagonal), upper=True)


def tril(input: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims (below the ``diagonal``-th), zeros elsewhere."""
    x = as_tensor(input, op="tril")
    if x.ndim < 2:
        raise ShapeError(f"tril: needs at least 2 dims, got shape {x.shape}")
    return TriangleOp.apply(x, diagonal=int(diagonal), upper=False)


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset`` diagonal of dims ``dim1`` and ``dim2``, as a new last dim."""
    x = as_tensor(input, op="diagonal")
    d1, d2 = one_dim("diagonal", dim1, x.ndim, x.shape), one_dim("diagonal", dim2, x.ndim, x.shape)
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 are the same dim {d1}")
    return DiagonalOp.apply(x, offset=int(offset), dim1=d1, dim2=d2)


def diag(input: Any, diagonal: int = 0) -> Tensor:
    """A 1-D Tensor: the square matrix with it on the ``diagonal``-th diagonal; a 2-D
    Tensor: its ``diagonal``-th diagonal. As ``torch.diag``.

    Examples:
        >>> import glassnet as gn
        >>> gn.diag(gn.tensor([1, 2]))
        Tensor([[1, 0],
                [0, 2]], dtype=int64)
    """
    x = as_tensor(input, op="diag")
    if x.ndim == 1:
        return DiagEmbedOp.apply(x, offset=int(diagonal))
    if x.ndim == 2:
        return DiagonalOp.apply(x, offset=int(diagonal), dim1=0, dim2=1)
    raise ShapeError(f"diag: needs a 1-D or 2-D Tensor, got shape {x.shape}")


def trace(input: Any) -> Tensor:
    """Sum of the main diagonal of a 2-D Tensor."""
    x = as_tensor(input, op="trace")
    if x.ndim != 2:
        raise ShapeError(f"trace: needs a 2-D Tensor, got shape {x.shape}")
    return diagonal(x).sum()


def unflatten(input: Any, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1), as ``torch.unflatten``.

    Examples:
        >>> import glassnet as gn
        >>> gn.unflatten(gn.ones(2, 6), 1, (2, 3)).shape
        (2, 2, 3)
    """
    x = as_tensor(input, op="unflatten")
    d = one_dim("unflatten", dim, x.ndim, x.shape)
    sizes = tuple(int(s) for s in sizes)
    known = int(np.prod([s for s in sizes if s != -1]))
    if sizes.count(-1) > 1 or (
        (-1 not in sizes and known != x.shape[d]) or (known and x.shape[d] % known)
    ):
        raise ShapeError(f"unflatten: sizes {sizes} do not fit dim {d} of shape {x.shape}")
    return reshape(x, (*x.shape[:d], *sizes, *x.shape[d + 1 :]))


def clone(input: Any) -> Tensor:
    """A copy with its own memory that stays in the graph (the gradient flows through)."""
    return CloneOp.apply(input)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D Tensors; ``indexing="ij"`` (PyTorch's default) or ``"xy"``
    (NumPy's default). Differentiable: each grid is an expanded view of its input.

    Examples:
        >>> import glassnet as gn
        >>> a, b = gn.meshgrid(gn.tensor([1, 2]), gn.tensor([3, 4, 5]), indexing="ij")
        >>> a.shape, b.shape
        ((2, 3), (2, 3))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    items = [as_tensor(t, op="meshgrid").reshape(-1) for t in tensors]
    shape = tuple(t.shape[0] for t in items)
    grids = []
    for i, t in enumerate(items):  # one grid per input Tensor, not per element
        view = [1] * len(items)
        view[i] = shape[i]
        grids.append(t.reshape(*view).expand(*shape))
    if indexing == "xy" and len(grids) >= 2:  # NumPy's default: the first two dims swapped
        grids = [g.swapaxes(0, 1) for g in grids]
    return tuple(grids)


def rot90(input: Any, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first toward the
    second), as ``torch.rot90`` and ``np.rot90``.

    Examples:
        >>> import glassnet as gn
        >>> gn.rot90(gn.tensor([[1, 2], [3, 4]]))
        Tensor([[2, 4],
                [1, 3]], dtype=int64)
    """
    x = as_tensor(input, op="rot90")
    a, b = _dims("rot90", dims, x)
    if a == b or len(dims) != 2:
        raise ValueError(f"rot90: dims must be two different dims, got {dims}")
    k %= 4
    if k == 0:
        return clone(x)
    if k == 2:
        return flip(x, (a, b))
    order = list(range(x.ndim))
    order[a], order[b] = order[b], order[a]
    swapped = x.permute(*order)
    return flip(swapped, a) if k == 1 else flip(x, a).permute(*order)
