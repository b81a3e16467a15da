"""Vector norms, as ``torch.norm``: ``norm(x, p, dim, keepdim)`` for p = 2 ("fro"), 1, inf,
-inf, 0 or any other number, and ``dist(x, y, p)``.

The 2-norm has its own Function so its gradient at 0 is 0 (PyTorch's subgradient) instead of
the 0/0 that sqrt(sum(x^2)) would give; the others are built from differentiable ops.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.ops.dims import UNSET, reduce_args
from glassnet.ops.elementwise import abs, as_float
from glassnet.ops.reduce import amax, amin, reduced_axes, with_kept_dims
from glassnet.ops.reduce import sum as reduce_sum
from glassnet.tensor import Tensor, as_tensor


class Norm2Op(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: Any = None, keepdims: bool = False):
        x = as_float(x)
        axes = reduced_axes(axis, x.shape, "norm")
        kept = np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
        ctx.save_for_backward(x, kept)
        ctx.axes, ctx.keepdims = axes, keepdims
        return kept if keepdims else np.squeeze(kept, axis=axes)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, kept = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = np.where(kept == 0, 0, x / kept)
        return with_kept_dims(grad, ctx.axes, ctx.keepdims) * unit


def norm(
    input: Any,
    p: Any = "fro",
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
    dtype: Any = None,
) -> Tensor:
    """The p-norm over ``dim`` (None: all elements, as one vector): ``"fro"`` and 2 are the
    Euclidean norm, 1 the sum of |x|, ``inf``/``-inf`` the largest/smallest |x|, 0 the number
    of nonzeros, any other p (sum |x|^p)^(1/p). Matrix norms ("nuc", ord=2 of a matrix) are
    not provided: an error says so.

    Examples:
        >>> import glassnet as gn
        >>> gn.norm(gn.tensor([3.0, 4.0]))
        Tensor(5., dtype=float32)
        >>> gn.norm(gn.tensor([[3.0, -4.0]]), p=1, dim=1)
        Tensor([7.], dtype=float32)
    """
    axis, keepdims, _ = reduce_args("norm", dim, keepdim, axis, keepdims)
    x = as_tensor(input, op="norm")
    if dtype is not None:
        x = x.astype(dtype)
    elif x.dtype.kind != "f":
        x = x.astype(np.float32)
    if p == "nuc" or (isinstance(p, str) and p != "fro"):
        raise ValueError(f"norm: p={p!r} is not supported; use 'fro', a number, inf or -inf")
    if p in ("fro", 2, 2.0):
        return Norm2Op.apply(x, axis=axis, keepdims=keepdims)
    if p == math.inf:
        return amax(abs(x), () if axis is None else axis, keepdims)
    if p == -math.inf:
        return amin(abs(x), () if axis is None else axis, keepdims)
    if p == 0:
        return reduce_sum((x != 0).astype(x.dtype), axis=axis, keepdims=keepdims)
    if p == 1:
        return reduce_sum(abs(x), axis=axis, keepdims=keepdims)
    return reduce_sum(abs(x) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def dist(input: Any, other: Any, p: Any = 2) -> Tensor:
    """The p-norm of ``input - other`` (broadcasting).

    Examples:
        >>> import glassnet as gn
        >>> gn.dist(gn.tensor([0.0, 0.0]), gn.tensor([3.0, 4.0]))
        Tensor(5., dtype=float32)
    """
    return norm(as_tensor(input, op="dist") - other, p)


def cdist(x1: Any, x2: Any, p: Any = 2.0) -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` (..., P, M) and of ``x2``
    (..., R, M): a (..., P, R) Tensor, as ``torch.cdist`` (the 2-norm's gradient is 0 where two
    rows are equal).

    Examples:
        >>> import glassnet as gn
        >>> gn.cdist(gn.tensor([[0.0, 0.0]]), gn.tensor([[3.0, 4.0], [0.0, 1.0]]))
        Tensor([[5., 1.]], dtype=float32)
    """
    a, b = as_tensor(x1, op="cdist"), as_tensor(x2, op="cdist")
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"cdist: needs (..., P, M) and (..., R, M) Tensors, got {a.shape}, {b.shape}"
        )
    return norm(a.unsqueeze(-2) - b.unsqueeze(-3), p, dim=-1)
