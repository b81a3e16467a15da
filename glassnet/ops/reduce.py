"""Reductions over an ``axis`` (an int, a tuple of ints, or None for all) with ``keepdims``.

Each takes PyTorch's ``dim=``/``keepdim=`` as well as NumPy's ``axis=``/``keepdims=`` (see
``glassnet.ops.dims``); where the two libraries disagree, the spelling decides: ``x.max(dim=1)``
is PyTorch's (values, indices) pair and ``x.max(axis=1)`` NumPy's values; ``x.var(dim=1)`` and
``x.var()`` divide by n - 1 (PyTorch), ``x.var(axis=1)`` by n (NumPy).

A reduction's backward spreads the output gradient back over the reduced axes: it puts the
reduced axes back as size 1 and lets broadcasting copy the gradient along them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops import return_types
from glassnet.ops.dims import UNSET, one_dim, reduce_args
from glassnet.ops.elementwise import as_float, maximum, minimum, sqrt
from glassnet.ops.indexing import gather, pick_along
from glassnet.tensor import Tensor, as_tensor

Axis = int | tuple[int, ...] | None


def reduced_axes(axis: Any, shape: tuple[int, ...], op: str) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(len(shape)))
    try:
        return normalize_axis_tuple(axis, len(shape))
    except ValueError as e:  # NumPy's AxisError (out of range) or a repeated axis
        raise ShapeError(
            f"{op}: axis {axis} does not fit a Tensor of shape {shape} ({e})"
        ) from None


def with_kept_dims(grad: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
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
        ctx.axes = reduced_axes(axis, x.shape, "sum")
        ctx.keepdims = keepdims
        ctx.shape = x.shape
        return np.sum(x, axis=ctx.axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return np.broadcast_to(with_kept_dims(grad, ctx.axes, ctx.keepdims), ctx.shape)


class MeanOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        x = as_float(x)
        ctx.axes = reduced_axes(axis, x.shape, "mean")
        ctx.keepdims = keepdims
        ctx.shape = x.shape
        return np.mean(x, axis=ctx.axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        grad = with_kept_dims(grad, ctx.axes, ctx.keepdims) / _count(ctx.shape, ctx.axes)
        return np.broadcast_to(grad, ctx.shape)


class ExtremumOp(Function):
    """Max or min: the gradient goes to the extreme elements, split evenly between ties."""

    reduce: Any = None

    @classmethod
    def _forward(cls, ctx: Context, x: np.ndarray, axis: Axis, keepdims: bool) -> np.ndarray:
        name = cls.__name__.removesuffix("Op").lower()
        axes = reduced_axes(axis, x.shape, name)
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
        return with_kept_dims(grad, ctx.axes, ctx.keepdims) * share.astype(grad.dtype)


class MaxOp(ExtremumOp):
    reduce = np.max

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        return MaxOp._forward(ctx, x, axis, keepdims)


class MinOp(ExtremumOp):
    reduce = np.min

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        return MinOp._forward(ctx, x, axis, keepdims)


class VarOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False, ddof=0):
        x = as_float(x)
        axes = reduced_axes(axis, x.shape, "var")
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
        grad = with_kept_dims(grad, ctx.axes, ctx.keepdims)
        return grad * centered * (2.0 / ctx.denominator)


class LogSumExpOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        x = as_float(x)
        axes = reduced_axes(axis, x.shape, "logsumexp")
        peak = np.max(x, axis=axes, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0)  # all -inf along an axis stays -inf
        kept = peak + np.log(np.sum(np.exp(x - peak), axis=axes, keepdims=True))
        ctx.save_for_backward(x, kept)
        ctx.axes, ctx.keepdims = axes, keepdims
        return kept if keepdims else np.squeeze(kept, axis=axes)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, kept = ctx.saved_tensors
        return with_kept_dims(grad, ctx.axes, ctx.keepdims) * np.exp(x - kept)


class ProdOp(Function):
    """Product over axes. d/dx_i = product of the others, computed without dividing by x_i, so
    zeros are exact: with one zero only that element gets a gradient, with two none does."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Axis = None, keepdims: bool = False):
        axes = reduced_axes(axis, x.shape, "prod")
        ctx.save_for_backward(x)
        ctx.axes, ctx.keepdims = axes, keepdims
        return np.prod(x, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (x,) = ctx.saved_tensors
        zero = x == 0
        zeros = zero.sum(axis=ctx.axes, keepdims=True)
        safe = np.where(zero, 1, x)
        others = np.prod(safe, axis=ctx.axes, keepdims=True)  # product of the nonzero elements
        with np.errstate(divide="ignore", invalid="ignore"):
            without_me = np.where(
                zeros == 0, others / safe, np.where(zero & (zeros == 1), others, 0)
            )
        return with_kept_dims(grad, ctx.axes, ctx.keepdims) * without_me


def sum(
    x: Any,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
    dtype: Any = None,
) -> Tensor:
    """Sum over ``dim`` (PyTorch) or ``axis`` (NumPy): an int, a tuple, or None for all.

    Examples:
        >>> import glassnet as gn
        >>> gn.sum(gn.ones(2, 3), axis=0)
        Tensor([2., 2., 2.], dtype=float32)
        >>> gn.ones(2, 3).sum(1, keepdim=True).shape
        (2, 1)
    """
    axis, keepdims, _ = reduce_args("sum", dim, keepdim, axis, keepdims)
    x = as_tensor(x, op="sum")
    if dtype is not None:
        x = x.astype(dtype)
    elif x.dtype.kind in "bi" or x.dtype.kind == "u":
        x = x.astype(np.int64)  # integers and bools sum to int64, as in PyTorch
    return SumOp.apply(x, axis=axis, keepdims=keepdims)


def mean(
    x: Any,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
    dtype: Any = None,
) -> Tensor:
    """Mean over ``dim`` or ``axis`` (integers give float32; PyTorch refuses them)."""
    axis, keepdims, _ = reduce_args("mean", dim, keepdim, axis, keepdims)
    if dtype is not None:
        x = as_tensor(x, op="mean").astype(dtype)
    return MeanOp.apply(x, axis=axis, keepdims=keepdims)


def prod(
    x: Any,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
    dtype: Any = None,
) -> Tensor:
    """Product over ``dim`` or ``axis``; exact gradients where elements are zero.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad.data
        array([0., 6., 0.], dtype=float32)
    """
    axis, keepdims, _ = reduce_args("prod", dim, keepdim, axis, keepdims)
    x = as_tensor(x, op="prod")
    if dtype is not None:
        x = x.astype(dtype)
    elif x.dtype.kind in "biu":
        x = x.astype(np.int64)
    return ProdOp.apply(x, axis=axis, keepdims=keepdims)


def _extremum(name: str, x: Any, dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> Any:
    if isinstance(dim, (Tensor, np.ndarray)):  # gn.max(a, b): elementwise, as torch.max
        if keepdim is not False or axis is not UNSET:
            raise TypeError(f"{name}(input, other) takes no dim, axis or keepdim")
        return (maximum if name == "max" else minimum)(x, dim)
    axis, keepdims, style = reduce_args(name, dim, keepdim, axis, keepdims)
    op = MaxOp if name == "max" else MinOp
    if style == "numpy" or axis is None:
        return op.apply(x, axis=axis, keepdims=keepdims)
    if isinstance(axis, tuple):
        raise TypeError(
            f"{name}(dim=) takes one int dim (PyTorch); for several use a{name}(x, dim={axis}) "
            f"or {name}(x, axis={axis})"
        )
    x = as_tensor(x, op=name)
    dim = one_dim(name, axis, x.ndim, x.shape)
    if x.size == 0:
        raise ValueError(f"{name}(dim={axis}) of an empty Tensor of shape {x.shape}")
    pick = np.argmax if name == "max" else np.argmin
    if x.ndim == 0:  # PyTorch allows dim 0 (or -1) on a 0-d Tensor: the element itself
        indices = np.zeros((), dtype=np.int64)
        return getattr(return_types, name)(gather(x, 0, indices), Tensor(indices))
    indices = np.expand_dims(pick(x.data, axis=dim), dim)
    values = pick_along(x, dim, indices)
    if not keepdims:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return getattr(return_types, name)(values, Tensor(indices))


def max(
    x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = UNSET, keepdims: Any = UNSET
) -> Any:
    """Largest value, three ways, as PyTorch and NumPy have it:

    - ``max(x)`` or ``max(x, axis=...)``: the values (ties share the gradient evenly, as
      PyTorch's ``max()`` and ``amax``);
    - ``max(x, dim)`` / ``x.max(dim=1)``: a named tuple ``(values, indices)``; the gradient goes
      to the element the index names (the first of ties), as ``torch.max(x, dim)``;
    - ``max(x, other)`` with a Tensor ``other``: the elementwise ``maximum``.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(dim=1).indices
        Tensor([1, 0], dtype=int64)
        >>> x.max(axis=1)
        Tensor([5., 7.], dtype=float32)
    """
    return _extremum("max", x, dim, keepdim, axis, keepdims)


def min(
    x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = UNSET, keepdims: Any = UNSET
) -> Any:
    """Smallest value: the values, ``(values, indices)`` along ``dim``, or the elementwise
    ``minimum`` of two Tensors, as ``max``."""
    return _extremum("min", x, dim, keepdim, axis, keepdims)


def amax(x: Any, dim: Axis = (), keepdim: bool = False) -> Tensor:
    """Largest values over ``dim`` (an int or a tuple; ``()`` for all): ties share the gradient
    evenly, as ``torch.amax``."""
    return MaxOp.apply(x, axis=None if dim == () else dim, keepdims=keepdim)


def amin(x: Any, dim: Axis = (), keepdim: bool = False) -> Tensor:
    """Smallest values over ``dim``; ties share the gradient evenly, as ``torch.amin``."""
    return MinOp.apply(x, axis=None if dim == () else dim, keepdims=keepdim)


def _correction(op: str, style: str, unbiased: Any, correction: Any, ddof: Any) -> Any:
    given = [
        n
        for n, v in (("unbiased", unbiased), ("correction", correction), ("ddof", ddof))
        if v is not None
    ]
    if len(given) > 1:
        raise TypeError(f"{op}: give one of {', '.join(given)}, not several")
    if ddof is not None:
        return ddof
    if correction is not None:
        return correction
    if unbiased is not None:
        return int(bool(unbiased))
    return 0 if style == "numpy" else 1


def var(
    x: Any,
    dim: Axis = None,
    unbiased: Any = None,
    keepdim: bool = False,
    *,
    correction: Any = None,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
    ddof: Any = None,
) -> Tensor:
    """Variance: sum((x - mean)^2) / (n - correction).

    Called the PyTorch way (``x.var()``, ``x.var(1)``, ``dim=``) the correction is 1 (the
    unbiased estimate), as ``torch.var``; called with ``axis=``/``keepdims=`` it is NumPy's
    ``ddof=0``. ``correction=``, ``unbiased=`` or ``ddof=`` set it explicitly.

    Examples:
        >>> import glassnet as gn
        >>> gn.var(gn.tensor([1.0, 3.0])).item()
        2.0
        >>> gn.var(gn.tensor([1.0, 3.0]), axis=0).item()
        1.0
    """
    axis, keepdims, style = reduce_args("var", dim, keepdim, axis, keepdims)
    ddof = _correction("var", style, unbiased, correction, ddof)
    return VarOp.apply(x, axis=axis, keepdims=keepdims, ddof=ddof)


def std(
    x: Any,
    dim: Axis = None,
    unbiased: Any = None,
    keepdim: bool = False,
    *,
    correction: Any = None,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
    ddof: Any = None,
) -> Tensor:
    """Standard deviation, sqrt(var), with ``var``'s correction rule (PyTorch's 1 unless
    called with ``axis=``/``keepdims=``)."""
    axis, keepdims, style = reduce_args("std", dim, keepdim, axis, keepdims)
    ddof = _correction("std", style, unbiased, correction, ddof)
    return sqrt(VarOp.apply(x, axis=axis, keepdims=keepdims, ddof=ddof))


def logsumexp(
    x: Any, dim: Axis = None, keepdim: bool = False, *, axis: Any = UNSET, keepdims: Any = UNSET
) -> Tensor:
    """log(sum(exp(x))) over ``dim``/``axis``, without overflow for large inputs.

    Examples:
        >>> import glassnet as gn
        >>> gn.logsumexp(gn.tensor([1e4, 1e4])).item() - 1e4 - 0.6931 < 1e-3
        True
    """
    axis, keepdims, _ = reduce_args("logsumexp", dim, keepdim, axis, keepdims)
    return LogSumExpOp.apply(x, axis=axis, keepdims=keepdims)


def var_mean(x: Any, dim: Axis = None, unbiased: Any = None, keepdim: bool = False, **kw: Any):
    """``(var(x, ...), mean(x, ...))``, with ``var``'s correction rule."""
    axis, keepdims, _ = reduce_args(
        "var_mean", dim, keepdim, kw.get("axis", UNSET), kw.get("keepdims", UNSET)
    )
    return var(x, dim, unbiased, keepdim, **kw), mean(x, axis=axis, keepdims=keepdims)


def std_mean(x: Any, dim: Axis = None, unbiased: Any = None, keepdim: bool = False, **kw: Any):
    """``(std(x, ...), mean(x, ...))``, with ``var``'s correction rule.

    Examples:
        >>> import glassnet as gn
        >>> [t.item() for t in gn.std_mean(gn.tensor([1.0, 3.0]))]
        [1.4142135381698608, 2.0]
    """
    axis, keepdims, _ = reduce_args(
        "std_mean", dim, keepdim, kw.get("axis", UNSET), kw.get("keepdims", UNSET)
    )
    return std(x, dim, unbiased, keepdim, **kw), mean(x, axis=axis, keepdims=keepdims)
