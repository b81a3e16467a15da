"""Indexing by index Tensors, as PyTorch: ``gather``, ``scatter``, ``scatter_add``,
``index_select``, ``masked_select``, ``masked_fill``, ``nonzero``, ``take_along_dim``.

``gather`` is also the engine of every op that picks elements by computed indices (``max(dim)``,
``sort``, ``topk``, ``median``): they find the indices with NumPy and gather the values, so their
gradient goes exactly to the elements picked.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.dims import one_dim
from glassnet.tensor import Tensor, as_array, as_tensor


def _index_array(op: str, index: Any) -> np.ndarray:
    array = as_array(index)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must hold integers, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


def _full_index(index: np.ndarray, dim: int) -> tuple[np.ndarray, ...]:
    """The NumPy index that picks ``x[..., index[i, j, k], ...]`` at position (i, j, k): the
    positions themselves on every axis but ``dim``, where ``index`` says which element."""
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _check_index(op: str, x_shape: tuple[int, ...], index: np.ndarray, dim: int) -> None:
    if index.ndim != len(x_shape):
        raise ShapeError(
            f"{op}: index must have as many dims as the input: index {index.shape}, input {x_shape}"
        )
    too_big = [d for d in range(index.ndim) if d != dim and index.shape[d] > x_shape[d]]
    if too_big:
        raise ShapeError(
            f"{op}: index {index.shape} is larger than the input {x_shape} in dim {too_big[0]}"
        )
    size = x_shape[dim]
    if index.size and (index.min() < -size or index.max() >= size):
        raise IndexError(
            f"{op}: index values from {index.min()} to {index.max()} are out of range for dim "
            f"{dim} of size {size}"
        )


class GatherOp(Function):
    """``out[i][j][k] = x[index[i][j][k]][j][k]`` (for dim 0); the backward adds each output
    gradient into the element it came from (an element picked twice gets both). ``distinct``
    promises that no element is picked twice (sort, topk, max(dim) know it)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, index: Any = None, dim: int = 0, distinct=False):
        ctx.where = _full_index(index, dim)
        ctx.distinct = distinct
        ctx.shape = x.shape
        return x[ctx.where]

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        full = np.zeros(ctx.shape, dtype=grad.dtype)
        if ctx.distinct:  # each element picked at most once: a plain write, ~40x faster
            full[ctx.where] = grad
        else:
            np.add.at(full, ctx.where, grad)
        return full


class ScatterOp(Function):
    """A copy of ``x`` with ``src``'s elements written (``add=False``) or added (``add=True``)
    at the positions ``index`` names along ``dim``."""

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, src: np.ndarray, index: Any = None, dim: int = 0, add=False
    ) -> np.ndarray:
        where = _full_index(index, dim)
        ctx.src_shape = src.shape
        if src.ndim:
            src = src[tuple(slice(0, n) for n in index.shape)]  # PyTorch uses src's corner
        out, src = x.copy(), src.astype(x.dtype, copy=False)  # the input's dtype, as PyTorch
        if add:
            np.add.at(out, where, src)
        else:
            out[where] = src
        ctx.where, ctx.add, ctx.corner = where, add, tuple(slice(0, n) for n in index.shape)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        need_x, need_src = ctx.needs_input_grad
        grad_x = grad_src = None
        if need_x:
            grad_x = grad
            if not ctx.add:  # overwritten elements do not reach the output
                grad_x = grad.copy()
                grad_x[ctx.where] = 0
        if need_src:
            picked = grad[ctx.where]
            if ctx.src_shape:  # src's corner of index's shape was used; the rest gets 0
                grad_src = np.zeros(ctx.src_shape, dtype=grad.dtype)
                grad_src[ctx.corner] = picked
            else:
                grad_src = picked.sum()
        return grad_x, grad_src


def gather(input: Any, dim: int, index: Any) -> Tensor:
    """Pick elements along ``dim`` by ``index`` (an int Tensor of input's number of dims; it
    may be smaller than the input in the other dims), as ``torch.gather``.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> gn.gather(x, 1, gn.tensor([[0, 0], [1, 0]]))
        Tensor([[1., 1.],
                [4., 3.]], dtype=float32)
    """
    x = as_tensor(input, op="gather")
    index = _index_array("gather", index)
    dim = one_dim("gather", dim, x.ndim, x.shape)
    if x.ndim == 0:
        return GatherOp.apply(x.reshape(1), index=index.reshape(1), dim=0).reshape(())
    _check_index("gather", x.shape, index, dim)
    return GatherOp.apply(x, index=index, dim=dim)


def pick_along(x: Tensor, dim: int, indices: np.ndarray) -> Tensor:
    """``gather`` for indices computed by an op (sort, topk, max(dim), median(dim)): valid and
    never naming one element twice, so they skip the checks and take the fast backward."""
    return GatherOp.apply(x, index=indices, dim=dim, distinct=True)


def take_along_dim(input: Any, indices: Any, dim: int | None = None) -> Tensor:
    """Gather with broadcasting (``torch.take_along_dim``, NumPy's ``take_along_axis``);
    ``dim=None`` picks from the flattened input."""
    x = as_tensor(input, op="take_along_dim")
    index = _index_array("take_along_dim", indices)
    if dim is None:
        return GatherOp.apply(x.reshape(-1), index=index.reshape(-1), dim=0)
    dim = one_dim("take_along_dim", dim, x.ndim, x.shape)
    shape = np.broadcast_shapes(
        (*x.shape[:dim], 1, *x.shape[dim + 1 :]), (*index.shape[:dim], 1, *index.shape[dim + 1 :])
    )
    x = x.expand(*shape[:dim], x.shape[dim], *shape[dim + 1 :])
    index = np.broadcast_to(index, (*shape[:dim], index.shape[dim], *shape[dim + 1 :]))
    return GatherOp.apply(x, index=index, dim=dim)


def _scatter(op: str, input: Any, dim: int, index: Any, src: Any, add: bool) -> Tensor:
    x = as_tensor(input, op=op)
    index = _index_array(op, index)
    dim = one_dim(op, dim, x.ndim, x.shape)
    _check_index(op, x.shape, index, dim)
    source = as_tensor(src, like=x.dtype, op=op)
    if source.ndim and (
        source.ndim != index.ndim or any(i > s for i, s in zip(index.shape, source.shape))
    ):
        raise ShapeError(
            f"{op}: src {source.shape} must be at least as large as index {index.shape}"
        )
    return ScatterOp.apply(x, source, index=index, dim=dim, add=add)


def scatter(
    input: Any, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: Any = None
) -> Tensor:
    """A copy of ``input`` with ``src`` (a Tensor, or a number ``value``) written at ``index``
    along ``dim``, as ``torch.scatter``. With repeated indices the last write wins here;
    PyTorch leaves that order undefined.

    Examples:
        >>> import glassnet as gn
        >>> gn.scatter(gn.zeros(2, 3), 1, gn.tensor([[2], [0]]), value=1.0)
        Tensor([[0., 0., 1.],
                [1., 0., 0.]], dtype=float32)
    """
    if (src is None) == (value is None):
        raise TypeError("scatter: give src (a Tensor or a number) or value, one of them")
    if reduce not in (None, "add"):
        raise ValueError(f"scatter: reduce={reduce!r} is not supported; only 'add' (scatter_add)")
    source = value if src is None else src
    return _scatter("scatter", input, dim, index, source, add=reduce == "add")


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeated indices add
    up), as ``torch.scatter_add``.

    Examples:
        >>> import glassnet as gn
        >>> gn.scatter_add(gn.zeros(3), 0, gn.tensor([0, 0, 2]), gn.ones(3))
        Tensor([2., 0., 1.], dtype=float32)
    """
    return _scatter("scatter_add", input, dim, index, src, add=True)


def index_select(input: Any, dim: int, index: Any) -> Tensor:
    """The slices ``index`` (a 1-D int Tensor) along ``dim``, as ``torch.index_select``.

    Examples:
        >>> import glassnet as gn
        >>> gn.index_select(gn.tensor([[1, 2], [3, 4]]), 1, gn.tensor([1, 1, 0]))
        Tensor([[2, 2, 1],
                [4, 4, 3]], dtype=int64)
    """
    x = as_tensor(input, op="index_select")
    index = _index_array("index_select", index)
    if index.ndim > 1:
        raise ShapeError(f"index_select: index must be 1-D, got shape {index.shape}")
    dim = one_dim("index_select", dim, x.ndim, x.shape)
    if x.ndim == 0:
        return x.reshape(1)[index.reshape(-1)].reshape(())
    return x[(slice(None),) * dim + (index.reshape(-1),)]


def masked_select(input: Any, mask: Any) -> Tensor:
    """The elements where the bool ``mask`` (broadcast with ``input``) is True, as a 1-D Tensor.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[1.0, -2.0], [-3.0, 4.0]])
        >>> gn.masked_select(x, x > 0)
        Tensor([1., 4.], dtype=float32)
    """
    x = as_tensor(input, op="masked_select")
    mask = _bool_mask("masked_select", mask)
    shape = np.broadcast_shapes(x.shape, mask.shape)
    if x.shape != shape:
        x = x.expand(*shape)
    return x[np.broadcast_to(mask, shape)]


def masked_fill(input: Any, mask: Any, value: Any) -> Tensor:
    """``input`` with ``value`` (a number or a 0-d Tensor, differentiable) where ``mask``
    holds; keeps input's dtype, as ``torch.masked_fill``.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([1.0, 2.0, 3.0])
        >>> gn.masked_fill(x, x > 1.5, 0.0)
        Tensor([1., 0., 0.], dtype=float32)
    """
    from glassnet.ops.elementwise import WhereOp

    x = as_tensor(input, op="masked_fill")
    mask = _bool_mask("masked_fill", mask)
    if isinstance(value, Tensor) and value.ndim:
        raise ShapeError(f"masked_fill: value must be a number or 0-d, got shape {value.shape}")
    if np.broadcast_shapes(x.shape, mask.shape) != x.shape:
        raise ShapeError(f"masked_fill: mask {mask.shape} does not broadcast to input {x.shape}")
    fill = as_tensor(value, like=x.dtype, op="masked_fill")
    if fill.dtype != x.dtype:
        fill = fill.astype(x.dtype)
    return WhereOp.apply(fill, x, condition=mask)


def nonzero(input: Any, as_tuple: bool = False) -> Any:
    """Indices of the nonzero elements: an (n, ndim) int64 Tensor, or with ``as_tuple=True``
    one 1-D Tensor per dim (what ``where(condition)`` returns). Not differentiable.

    Examples:
        >>> import glassnet as gn
        >>> gn.nonzero(gn.tensor([[0, 1], [1, 0]]))
        Tensor([[0, 1],
                [1, 0]], dtype=int64)
    """
    array = as_array(input)
    found = np.nonzero(np.atleast_1d(array)) if array.ndim == 0 else np.nonzero(array)
    if as_tuple:
        return tuple(Tensor(i.astype(np.int64)) for i in found)
    return Tensor(np.stack(found, axis=1).astype(np.int64).reshape(-1, array.ndim))


def argwhere(input: Any) -> Tensor:
    """``nonzero(input)``: the (n, ndim) indices of the nonzero elements."""
    return nonzero(input)


def _bool_mask(op: str, mask: Any) -> np.ndarray:
    array = as_array(mask)
    if array.dtype != np.bool_:
        raise TypeError(f"{op}: mask must be bool, got dtype {array.dtype}")
    return array


def narrow(input: Any, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start .. start + length - 1`` along ``dim`` (a differentiable slice).

    Examples:
        >>> import glassnet as gn
        >>> gn.narrow(gn.arange(6).reshape(2, 3), 1, 1, 2)
        Tensor([[1, 2],
                [4, 5]], dtype=int64)
    """
    x = as_tensor(input, op="narrow")
    dim = one_dim("narrow", dim, x.ndim, x.shape)
    size = x.shape[dim]
    begin = start + size if start < 0 else start
    if not (0 <= begin <= size and 0 <= length and begin + length <= size):
        raise IndexError(
            f"narrow: start {start}, length {length} do not fit dim {dim} of size {size}"
        )
    return x[(slice(None),) * dim + (slice(begin, begin + length),)]


def select(input: Any, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, without that dim (``x[:, index]`` for dim 1)."""
    x = as_tensor(input, op="select")
    dim = one_dim("select", dim, x.ndim, x.shape)
    size = x.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select: index {index} is out of range for dim {dim} of size {size}")
    return x[(slice(None),) * dim + (int(index),)]


def take(input: Any, index: Any) -> Tensor:
    """Elements of the flattened input at ``index`` (any shape), as ``torch.take``."""
    x = as_tensor(input, op="take")
    index = _index_array("take", index)
    if index.size and (index.min() < -x.size or index.max() >= x.size):
        raise IndexError(f"take: index out of range for a Tensor of {x.size} elements")
    return x.reshape(-1)[index]


def _slices_index(op: str, x: Tensor, dim: int, index: Any, size: int | None = None):
    """A 1-D ``index`` of slices along ``dim``, spread to the shape scatter needs: x's shape
    with ``len(index)`` (or ``size``) in place of dim ``dim``."""
    index = _index_array(op, index).reshape(-1)
    shape = list(x.shape)
    shape[dim] = index.size
    view = [1] * x.ndim
    view[dim] = index.size
    return np.broadcast_to(index.reshape(view), shape), tuple(shape)


def index_add(input: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source[i]`` added to slice ``index[i]`` along ``dim``
    (repeated indices add up), as ``torch.index_add``.

    Examples:
        >>> import glassnet as gn
        >>> gn.index_add(gn.zeros(3, 2), 0, gn.tensor([0, 0, 2]), gn.ones(3, 2))
        Tensor([[2., 2.],
                [0., 0.],
                [1., 1.]], dtype=float32)
    """
    x = as_tensor(input, op="index_add")
    dim = one_dim("index_add", dim, x.ndim, x.shape)
    spread, shape = _slices_index("index_add", x, dim, index)
    source = as_tensor(source, like=x.dtype, op="index_add")
    if source.shape != shape:
        raise ShapeError(f"index_add: source must have shape {shape}, got {source.shape}")
    return scatter_add(x, dim, spread, source if alpha == 1 else source * alpha)


def index_copy(input: Any, dim: int, index: Any, source: Any) -> Tensor:
    """A copy of ``input`` with slice ``index[i]`` along ``dim`` replaced by ``source[i]``."""
    x = as_tensor(input, op="index_copy")
    dim = one_dim("index_copy", dim, x.ndim, x.shape)
    spread, shape = _slices_index("index_copy", x, dim, index)
    source = as_tensor(source, like=x.dtype, op="index_copy")
    if source.shape != shape:
        raise ShapeError(f"index_copy: source must have shape {shape}, got {source.shape}")
    return scatter(x, dim, spread, source)


def index_fill(input: Any, dim: int, index: Any, value: Any) -> Tensor:
    """A copy of ``input`` with the slices ``index`` along ``dim`` set to ``value``."""
    x = as_tensor(input, op="index_fill")
    dim = one_dim("index_fill", dim, x.ndim, x.shape)
    spread, _ = _slices_index("index_fill", x, dim, index)
    return scatter(x, dim, spread, value=value)
