"""``nn.functional``'s functions that are not activations or losses: linear, dropout,
embedding, one_hot, pad, normalize, cosine_similarity, pairwise_distance.

Examples:
    >>> import glassnet as gn
    >>> from glassnet.nn import functional as F
    >>> F.pad(gn.ones(1, 2), (1, 0)).numpy()  # PyTorch's order: the last axis first
    array([[0., 1., 1.]], dtype=float32)
    >>> F.normalize(gn.tensor([[3.0, 4.0]]), dim=1).numpy()
    array([[0.6, 0.8]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_number
from glassnet.errors import IndexOutOfRangeError, ShapeError
from glassnet.nn.embedding import EmbeddingOp
from glassnet.ops.encoding import one_hot
from glassnet.ops.nn import IndexPadOp, pad_index_map
from glassnet.ops.nn import linear_out_in as linear
from glassnet.tensor import Tensor, as_array

__all__ = [
    "cosine_similarity",
    "dropout",
    "embedding",
    "linear",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
]

PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _tensor(x: Any) -> Tensor:
    t = x if isinstance(x, Tensor) else Tensor(x)
    return t if t.dtype.kind == "f" else t.astype(np.float32)


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout when ``training`` (the identity otherwise), PyTorch's signature."""
    p = check_number("dropout", "p", p, low=0.0, high=1.0, high_open=True)
    return ops.dropout(input, p, training=training)


def embedding(input: Any, weight: Any, padding_idx: int | None = None, *args: Any, **kwargs: Any):
    """Rows of ``weight`` (num_embeddings, dim) picked by integer ``input``; the
    ``padding_idx`` row gets no gradient. (max_norm and the rest of PyTorch's options are not
    supported: an error says so.)"""
    unsupported = [k for k, v in kwargs.items() if v not in (None, False, 2.0)] + [
        a for a in args if a not in (None, False, 2.0)
    ]
    if unsupported:
        raise NotImplementedError(
            f"embedding: only input, weight and padding_idx are supported, got {unsupported}"
        )
    indices = as_array(input)
    table = weight if isinstance(weight, Tensor) else Tensor(weight)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"embedding: input must hold integer indices, got dtype {indices.dtype}")
    rows = table.shape[0]
    if indices.size and (indices.min() < -rows or indices.max() >= rows):
        raise IndexOutOfRangeError(
            f"embedding: indices must be in [0, {rows}) for a weight of shape {table.shape}"
        )
    if padding_idx is not None:
        padding_idx %= rows
    return EmbeddingOp.apply(table, indices=indices % rows, padding_idx=padding_idx)


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad as PyTorch: ``pad`` lists (before, after) pairs starting from the LAST axis,
    ``(left, right)`` or ``(left, right, top, bottom)``, ...; ``mode`` "constant" (with
    ``value``, default 0), "reflect", "replicate" or "circular". (``gn.pad`` keeps NumPy's
    per-axis widths.)"""
    x = input if isinstance(input, Tensor) else Tensor(input)
    widths_given = [int(w) for w in pad]
    if len(widths_given) % 2 or len(widths_given) // 2 > x.ndim:
        raise ShapeError(
            f"pad: pad {tuple(pad)} must hold (before, after) pairs for at most {x.ndim} axes "
            f"(the last axis first) of a Tensor of shape {x.shape}"
        )
    if any(w < 0 for w in widths_given):
        raise ValueError(f"pad: negative padding (cropping) is not supported, got {tuple(pad)}")
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}")
    widths = [(0, 0)] * x.ndim
    for i in range(len(widths_given) // 2):
        widths[x.ndim - 1 - i] = (widths_given[2 * i], widths_given[2 * i + 1])
    if mode == "constant":
        return ops.pad(x, widths, 0.0 if value is None else value)
    index_maps = []
    for axis, (before, after) in enumerate(widths):
        if before or after:
            size = x.shape[axis]
            limit = size - 1 if mode == "reflect" else size
            if max(before, after) > limit or size == 0:
                raise ValueError(
                    f"pad: {mode} padding of ({before}, {after}) on axis {axis} needs widths "
                    f"< {limit + 1} (the axis has size {size})"
                )
            index_maps.append((axis, pad_index_map(size, before, after, mode)))
    return IndexPadOp.apply(x, index_maps=tuple(index_maps))


def _norm(x: Tensor, p: float, dim: Any, keepdim: bool) -> Tensor:
    if p == 2:
        return (x * x).sum(axis=dim, keepdims=keepdim).sqrt()
    if p == 1:
        return ops.abs(x).sum(axis=dim, keepdims=keepdim)
    return (ops.abs(x) ** p).sum(axis=dim, keepdims=keepdim) ** (1.0 / p)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None):
    """x / max(||x||_p, eps) along ``dim``."""
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported; use the returned Tensor")
    x = _tensor(input)
    return x / ops.maximum(_norm(x, p, dim, True), eps)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1 . x2 / max(||x1|| ||x2||, eps) along ``dim`` (inputs broadcast), as PyTorch."""
    a, b = _tensor(x1), _tensor(x2)
    denominator = ops.maximum((a * a).sum(axis=dim) * (b * b).sum(axis=dim), eps * eps).sqrt()
    return (a * b).sum(axis=dim) / denominator


def pairwise_distance(
    x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """||x1 - x2 + eps||_p along the last axis, as PyTorch."""
    return _norm(_tensor(x1) - _tensor(x2) + eps, p, -1, keepdim)
