"""``glassnet.linalg``: the vector and Frobenius norms of ``torch.linalg``, built on
``glassnet.norm`` (so they have its gradient, 0 at the origin).

Matrix norms other than Frobenius (``ord=2``, ``"nuc"``, ``1``/``inf`` of a matrix) and the
decompositions are not provided: asking for them raises an error that says so.

Examples:
    >>> import glassnet as gn
    >>> gn.linalg.norm(gn.tensor([3.0, 4.0]))
    Tensor(5., dtype=float32)
    >>> gn.linalg.vector_norm(gn.tensor([[3.0, -4.0]]), ord=1, dim=1)
    Tensor([7.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from glassnet.ops.norms import norm as _norm
from glassnet.tensor import Tensor, as_tensor

__all__ = ["matrix_norm", "norm", "vector_norm"]


def vector_norm(
    x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """The ``ord``-norm of ``x`` seen as vectors along ``dim`` (None: all elements as one
    vector), as ``torch.linalg.vector_norm``."""
    return _norm(x, p=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def matrix_norm(
    A: Any, ord: Any = "fro", dim: tuple[int, int] = (-2, -1), keepdim: bool = False
) -> Tensor:
    """The Frobenius norm of the matrices over the two dims ``dim``, as
    ``torch.linalg.matrix_norm``; other matrix norms raise NotImplementedError."""
    if ord != "fro":
        raise NotImplementedError(
            f"linalg.matrix_norm: ord={ord!r} is not provided by glassnet; only 'fro'"
        )
    return _norm(A, p="fro", dim=tuple(dim), keepdim=keepdim)


def norm(
    A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """``torch.linalg.norm``: with ``ord=None`` the 2-norm of all elements (Frobenius for a
    matrix); a vector ``ord`` over one dim (or a 1-D input); ``ord="fro"`` over two dims."""
    x = as_tensor(A, op="linalg.norm")
    if ord is None:
        return _norm(x, p=2, dim=dim, keepdim=keepdim, dtype=dtype)
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    if (dim is None and x.ndim == 2) or len(dims) == 2:
        return matrix_norm(x, ord, (-2, -1) if dim is None else tuple(dims), keepdim)
    if dim is None and x.ndim != 1:
        raise ValueError(
            f"linalg.norm: input of shape {tuple(x.shape)} with ord={ord!r} needs dim= "
            "(one dim for a vector norm, two for a matrix norm)"
        )
    return _norm(x, p=ord, dim=dim, keepdim=keepdim, dtype=dtype)
