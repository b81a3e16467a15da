"""Ops that move elements without changing them: reshape, transpose, indexing, joining, padding.

Their backwards move the gradient back the same way: reshape it back, transpose it back,
scatter it to where the elements came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.dims import UNSET
from glassnet.tensor import Tensor


def _axis(op: str, axis: Any, ndim: int, shape: tuple[int, ...]) -> int:
    """``axis`` in [0, ndim), negative counting from the end; else a ShapeError naming ``op``."""
    try:
        return normalize_axis_index(axis, ndim)
    except ValueError:  # NumPy's AxisError
        raise ShapeError(
            f"{op}: axis {axis} is out of range for a Tensor of shape {shape} "
            f"(valid: {-ndim} to {ndim - 1})"
        ) from None


def _shape_args(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


class ReshapeOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...] = ()) -> np.ndarray:
        ctx.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise ShapeError(
                f"reshape: cannot reshape a Tensor of shape {x.shape} ({x.size} elements) "
                f"into {shape}"
            ) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad.reshape(ctx.shape)


class TransposeOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axes: tuple[int, ...] | None = None) -> np.ndarray:
        given = tuple(range(x.ndim))[::-1] if axes is None else axes
        try:  # negative axes count from the end; argsort in backward needs them non-negative
            axes = normalize_axis_tuple(given, x.ndim)
        except (ValueError, TypeError):  # out of range (AxisError) or repeated
            axes = ()
        if len(axes) != x.ndim or sorted(axes) != list(range(x.ndim)):
            raise ShapeError(
                f"transpose: axes {given} are not a permutation of the {x.ndim} axes of a "
                f"Tensor of shape {x.shape}"
            )
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.transpose(grad, np.argsort(ctx.axes))


class MovedimOp(Function):
    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, source: tuple[int, ...] = (), destination: tuple[int, ...] = ()
    ) -> np.ndarray:
        try:
            src = normalize_axis_tuple(source, x.ndim, "source")
            dst = normalize_axis_tuple(destination, x.ndim, "destination")
        except ValueError as e:  # AxisError (out of range) or a repeated axis
            raise ShapeError(f"movedim: {e} (Tensor of shape {x.shape})") from None
        if len(src) != len(dst):
            raise ShapeError(
                f"movedim: source {source} and destination {destination} must have the same "
                "number of axes"
            )
        ctx.source, ctx.destination = src, dst
        return np.moveaxis(x, src, dst)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.moveaxis(grad, ctx.destination, ctx.source)


class BroadcastToOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...] = ()) -> np.ndarray:
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ShapeError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}") from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad  # the engine sums it back to the input's shape


class GetItemOp(Function):
    """``x[index]``, then ``[then]`` on the result when ``then`` is given (the advanced step of
    PyTorch's integer-then-advanced indexing; see [getitem][glassnet.ops.movement.getitem])."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, index: Any = None, then: Any = None) -> np.ndarray:
        ctx.shape = x.shape
        ctx.index, ctx.then = index, then
        out = x[index]
        return out if then is None else out[then]

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        full = np.zeros(ctx.shape, dtype=grad.dtype)
        if ctx.then is not None:  # the first index is basic, so full[index] is a view of full
            np.add.at(full[ctx.index], ctx.then, grad)
        elif _is_basic(ctx.index):
            full[ctx.index] = grad  # a basic index picks each element at most once
        else:
            np.add.at(full, ctx.index, grad)  # repeated indices accumulate
        return full


class PadOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, pad_width: Any = 0, value: float = 0.0):
        try:
            widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
        except ValueError:
            raise ShapeError(
                f"pad: pad_width {pad_width} does not fit a Tensor of shape {x.shape}: give an "
                f"int, (before, after), or {x.ndim} pairs"
            ) from None
        if (widths < 0).any():
            raise ValueError(f"pad: widths must be >= 0, got {pad_width}")
        ctx.inside = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad[ctx.inside]


def _is_basic(index: Any) -> bool:
    """True for an index of ints, slices, None and Ellipsis only (NumPy's basic indexing)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer)) for i in items)


def _plain_index(index: Any) -> Any:
    """Replace Tensors and lists inside an index by arrays, as NumPy expects."""
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, Tensor):
        index = index.data
    if isinstance(index, list):
        index = np.asarray(index)
        if index.size == 0:
            index = index.astype(np.int64)  # x[[]] selects nothing (NumPy: float64, an error)
    if isinstance(index, np.ndarray) and index.ndim == 0 and index.dtype.kind in "iu":
        return int(index)  # a 0-d integer Tensor indexes as an integer, as in PyTorch
    return index


def _is_int(item: Any) -> bool:
    return isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_))


def _torch_index(index: Any, ndim: int) -> tuple[Any, Any]:
    """Split an index that mixes integers with index arrays into PyTorch's two steps.

    PyTorch applies integers first, as a select that drops the axis (basic indexing), and
    only then the index arrays (and bool masks) on what is left; NumPy counts integers among
    the advanced indices. The rule for where the advanced result axes go is the same in both
    (in place when the advanced indices are adjacent, first otherwise), so with the integers
    applied first, NumPy's rule gives PyTorch's result: on shape (A, C, D), ``x[0, :, [1, 2]]``
    is (C, 2) in PyTorch but (2, C) in NumPy.

    Returns ``(basic, advanced)``: ``x[basic][advanced]`` is PyTorch's ``x[index]``, with
    ``basic`` made of ints, slices and None only (so ``x[basic]`` is a view). ``advanced`` is
    None when NumPy's one-step indexing already agrees (no integer, or no index array).
    """
    items = index if isinstance(index, tuple) else (index,)
    arrays = [i for i in items if isinstance(i, np.ndarray) or isinstance(i, (bool, np.bool_))]
    if not arrays or not any(_is_int(i) for i in items):
        return index, None
    consumed = sum(
        i.ndim if isinstance(i, np.ndarray) and i.dtype == bool else 1
        for i in items
        if not (i is None or i is Ellipsis or isinstance(i, (bool, np.bool_)))
    )
    if sum(i is Ellipsis for i in items) > 1:
        raise IndexError("getitem: an index can only have a single ellipsis ('...')")
    basic: list[Any] = []
    advanced: list[Any] = []
    for item in items:
        if item is Ellipsis:
            fill = max(ndim - consumed, 0)
            basic += [slice(None)] * fill
            advanced += [slice(None)] * fill
        elif _is_int(item):
            basic.append(item)  # a select: the axis is gone before the advanced step
        elif item is None or isinstance(item, slice):
            basic.append(item)
            advanced.append(slice(None))
        elif isinstance(item, (bool, np.bool_)):  # PyTorch: unsqueeze, then a mask of one
            basic.append(None)
            advanced.append(np.array([bool(item)]))
        else:  # an index array (a bool mask spans as many axes as it has)
            span = item.ndim if item.dtype == bool else 1
            basic += [slice(None)] * span
            advanced.append(item)
    return tuple(basic), tuple(advanced)


def reshape(x: Any, *shape: Any) -> Tensor:
    """A new shape with the same elements (one size may be -1): ``reshape(x, 2, 3)`` or ``(2, 3)``.

    Examples:
        >>> import glassnet as gn
        >>> gn.reshape(gn.arange(6), 2, -1).shape
        (2, 3)
    """
    return ReshapeOp.apply(x, shape=_shape_args(shape))


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim..end_dim`` into one (all of them by default, as NumPy's flatten)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.ndim == 0:
        return reshape(x, 1)
    start = _axis("flatten", start_dim, x.ndim, x.shape)
    end = _axis("flatten", end_dim, x.ndim, x.shape)
    if start > end:  # would insert an axis of size 1 instead of merging
        raise ShapeError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {x.shape}"
        )
    merged = int(np.prod(x.shape[start : end + 1]))
    return reshape(x, (*x.shape[:start], merged, *x.shape[end + 1 :]))


def transpose(x: Any, *axes: Any, dim0: Any = None, dim1: Any = None) -> Tensor:
    """Two dims ``transpose(x, 0, 1)`` swap those dims (PyTorch); no dims reverse them all and
    a tuple ``transpose(x, (2, 0, 1))`` or three or more dims permute (NumPy; PyTorch's
    ``permute``). So on a 2-D Tensor ``transpose(x, 0, 1)`` is the transpose, as in PyTorch
    (NumPy would read it as the identity permutation).

    Examples:
        >>> import glassnet as gn
        >>> gn.transpose(gn.ones(2, 3, 4), 0, 2).shape
        (4, 3, 2)
        >>> gn.transpose(gn.ones(2, 3, 4), (2, 0, 1)).shape
        (4, 2, 3)
        >>> gn.transpose(gn.ones(2, 3, 4)).shape
        (4, 3, 2)
    """
    if dim0 is not None or dim1 is not None:
        if axes or dim0 is None or dim1 is None:
            raise TypeError("transpose: give two dims, transpose(x, dim0, dim1), and nothing else")
        axes = (dim0, dim1)
    if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
        return swapaxes(x, *axes)
    shape = _shape_args(axes)
    if len(shape) == 1 and not isinstance(axes[0], (tuple, list)):
        raise TypeError(
            f"transpose: one dim {axes[0]} is ambiguous; give two dims to swap (PyTorch) or a "
            "tuple of all dims (NumPy)"
        )
    return TransposeOp.apply(x, axes=shape if shape else None)


def permute(x: Any, *dims: Any) -> Tensor:
    """PyTorch's name for [transpose][glassnet.ops.movement.transpose] with explicit axes."""
    return TransposeOp.apply(x, axes=_shape_args(dims))


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (negative axes count from the end).

    Examples:
        >>> import glassnet as gn
        >>> gn.swapaxes(gn.ones(2, 3, 4), 0, -1).shape
        (4, 3, 2)
    """
    ndim = x.ndim if isinstance(x, Tensor) else np.ndim(x)
    axes = list(range(ndim))
    try:
        a, b = normalize_axis_tuple((axis1, axis2), ndim, allow_duplicate=True)
    except ValueError as e:
        raise ShapeError(f"swapaxes: {e} (a Tensor with {ndim} axes)") from None
    axes[a], axes[b] = axes[b], axes[a]
    return TransposeOp.apply(x, axes=tuple(axes))


def movedim(x: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move axes ``source`` to positions ``destination`` (negative axes count from the end);
    the other axes keep their order. PyTorch's ``torch.movedim``, NumPy's ``np.moveaxis``.

    Examples:
        >>> import glassnet as gn
        >>> gn.movedim(gn.ones(2, 3, 4), -1, 0).shape
        (4, 2, 3)
        >>> gn.movedim(gn.ones(2, 3, 4), (0, 1), (-1, -2)).shape
        (4, 3, 2)
    """
    source = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    destination = (
        (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    )
    return MovedimOp.apply(x, source=source, destination=destination)


def squeeze(x: Any, dim: Any = None, *, axis: Any = UNSET) -> Tensor:
    """Remove dims of size 1: all of them, or those in ``dim``/``axis`` (an int or a tuple).

    PyTorch's rule for ``dim`` (also positional): a named dim whose size is not 1 is left as it
    is. NumPy's rule for ``axis=``: such a dim is an error.

    Examples:
        >>> import glassnet as gn
        >>> gn.ones(1, 3, 1).squeeze().shape
        (3,)
        >>> gn.ones(2, 3).squeeze(0).shape
        (2, 3)
    """
    x = x if isinstance(x, Tensor) else Tensor(x)
    strict = axis is not UNSET
    if strict and dim is not None:
        raise TypeError("squeeze: give dim= (PyTorch) or axis= (NumPy), not both")
    chosen = axis if strict else dim
    axes = tuple(i for i, n in enumerate(x.shape) if n == 1) if chosen is None else chosen
    try:
        axes = normalize_axis_tuple(axes, max(x.ndim, 1))
    except ValueError as e:
        raise ShapeError(f"squeeze: dim {chosen} does not fit shape {x.shape} ({e})") from None
    if x.ndim == 0:
        return reshape(x, ())
    if strict:
        for a in axes:
            if x.shape[a] != 1:
                raise ShapeError(
                    f"squeeze: axis {a} of shape {x.shape} has size {x.shape[a]}, not 1"
                )
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1)))


def unsqueeze(x: Any, dim: int) -> Tensor:
    """Insert an axis of size 1 at ``dim`` (PyTorch's name for ``np.expand_dims``)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    dim = _axis("unsqueeze", dim, x.ndim + 1, x.shape)
    return reshape(x, (*x.shape[:dim], 1, *x.shape[dim:]))


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """Repeat ``x`` along axes of size 1 to ``shape``; the backward sums those copies."""
    return BroadcastToOp.apply(x, shape=tuple(shape))


def expand(x: Any, *sizes: Any) -> Tensor:
    """PyTorch's broadcast: ``expand(x, 3, -1)`` (-1 keeps that axis' size)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    sizes = _shape_args(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: {sizes} has fewer axes than the Tensor's shape {x.shape}")
    if any(s == -1 for s in sizes[:lead]):  # x.shape[i - lead] would wrap around
        raise ShapeError(f"expand: -1 is not allowed for a new leading axis: {sizes}")
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return broadcast_to(x, shape)


def getitem(x: Any, index: Any) -> Tensor:
    """``x[index]`` as in PyTorch: ints, slices, None, Ellipsis, integer arrays and bool masks.

    Integers are applied first (each one drops its axis), then the index arrays, whose result
    axes replace them in place when they are adjacent and go first otherwise. This differs from
    NumPy when integers and arrays are mixed: on shape (A, C, D), ``x[0, :, [1, 2]]`` has shape
    (C, 2) (NumPy: (2, C)). The backward scatters the gradient back with ``np.add.at``
    semantics, so an element picked twice gets both gradients.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x[[0, 0, 2]].sum().backward()
        >>> x.grad.data
        array([2., 0., 1.], dtype=float32)
        >>> gn.zeros(4, 5, 6)[0, :, [1, 2]].shape
        (5, 2)
    """
    index = _plain_index(index)
    if not isinstance(index, tuple) or _is_basic(index):  # one item, or no index array
        return GetItemOp.apply(x, index=index)
    basic, advanced = _torch_index(index, x.ndim if isinstance(x, Tensor) else np.ndim(x))
    return GetItemOp.apply(x, index=basic, then=advanced)


def pad(x: Any, pad_width: Any, value: float = 0.0) -> Tensor:
    """Pad with a constant; ``pad_width`` in NumPy's form (int, (before, after), or per axis).

    Examples:
        >>> import glassnet as gn
        >>> gn.pad(gn.ones(2, 2), ((1, 1), (0, 2))).shape
        (4, 4)
    """
    return PadOp.apply(x, pad_width=pad_width, value=value)
