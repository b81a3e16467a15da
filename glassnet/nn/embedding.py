"""``Embedding``: a lookup table from integer indices to learned vectors, with PyTorch's
``padding_idx``; its gradient is a scatter-add (``EmbeddingOp``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int
from glassnet.autograd.function import Context, Function
from glassnet.errors import IndexOutOfRangeError, ShapeError
from glassnet.nn import init as initializers
from glassnet.nn.factory import check_device, layer_dtype
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


class EmbeddingOp(Function):
    """Rows of ``weight`` picked by integer ``indices``; the backward adds each output row's
    gradient into the row it came from, except the ``padding_idx`` row, which gets none."""

    @staticmethod
    def forward(
        ctx: Context, weight: np.ndarray, indices: Any = None, padding_idx: int | None = None
    ) -> np.ndarray:
        ctx.shape, ctx.indices, ctx.padding_idx = weight.shape, indices, padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        full = np.zeros(ctx.shape, dtype=grad.dtype)
        np.add.at(full, ctx.indices, grad)  # a row picked twice gets both gradients
        if ctx.padding_idx is not None:
            full[ctx.padding_idx] = 0.0
        return full


class Embedding(Module):
    """A lookup table: integer indices -> learned vectors (rows of ``weight``).

    Args:
        num_embeddings: how many rows (indices run from 0 to num_embeddings - 1).
        embedding_dim: the size of each vector.
        padding_idx: as PyTorch: the row at this index starts at zeros and gets no gradient
            (a negative value counts from the end; stored as the non-negative index).
        init: an initializer (``nn.init``) or a Keras name; default N(0, 1) as PyTorch.
        rng: Generator or seed for the initial weights.
        dtype: the table's dtype (float32 when None).
        device: "cpu" or None.
        _weight, _freeze: as PyTorch: start from these values; freeze the table.
        max_norm, scale_grad_by_freq, sparse: PyTorch's options glassnet does not have (an
            error names them when set).

    Shape:
        input (...) of ints in [0, num_embeddings) -> output (..., embedding_dim)

    Raises:
        TypeError: indices that are not integers.
        IndexOutOfRangeError: (an IndexError) an index outside [0, num_embeddings).

    Examples:
        >>> from glassnet import nn
        >>> nn.Embedding(10, 3, rng=0)(np.array([[1, 2], [3, 1]])).shape
        (2, 2, 3)
        >>> nn.Embedding(4, 2, padding_idx=-1, rng=0).weight.numpy()[3]
        array([0., 0.], dtype=float32)
    """

    casts_input = False  # the input is indices, never cast to float

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        init: Any = None,
        rng: RngLike = None,
        dtype: Any = None,
        *,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
    ) -> None:
        super().__init__()
        check_device("Embedding", device)
        dtype = layer_dtype("Embedding", dtype)
        unsupported = {
            "max_norm": max_norm is not None,
            "scale_grad_by_freq": bool(scale_grad_by_freq),
            "sparse": bool(sparse),
        }
        if any(unsupported.values()):
            names = [name for name, used in unsupported.items() if used]
            raise NotImplementedError(f"Embedding: {', '.join(names)} is not supported")
        self.num_embeddings = check_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_int("Embedding", "embedding_dim", embedding_dim)
        if padding_idx is not None:
            padding_idx = check_int("Embedding", "padding_idx", padding_idx, minimum=None)
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx must be in [-{num_embeddings}, {num_embeddings}) "
                    f"(num_embeddings={num_embeddings}), got {padding_idx}"
                )
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        weight_init = initializers.get(init or initializers.Normal(0.0, 1.0))
        if _weight is not None:  # PyTorch's way to start from given values
            weight = np.array(_weight, dtype=dtype)
            if weight.shape != (num_embeddings, embedding_dim):
                raise ShapeError(
                    f"Embedding: _weight has shape {weight.shape}, expected "
                    f"({num_embeddings}, {embedding_dim})"
                )
        else:
            weight = weight_init((num_embeddings, embedding_dim), get_rng(rng), dtype)
        if padding_idx is not None:
            weight[padding_idx] = 0.0
        self.weight = Parameter(weight, requires_grad=not _freeze)

    def forward(self, x: Tensor) -> Tensor:
        indices = x.data
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{self._label()} expects integer indices, got dtype {indices.dtype}")
        bad = (indices < 0) | (indices >= self.num_embeddings)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise IndexOutOfRangeError(
                f"{self._label()} got index {indices[where]} at position {where}: "
                f"indices must be in [0, {self.num_embeddings})"
            )
        return EmbeddingOp.apply(self.weight, indices=indices, padding_idx=self.padding_idx)

    def _label(self) -> str:
        return f"Embedding({self.extra_repr()})"

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "num_embeddings": self.num_embeddings,
            "embedding_dim": self.embedding_dim,
        }
        if self.padding_idx is not None:
            config["padding_idx"] = self.padding_idx
        return config

    def extra_repr(self) -> str:
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"
