"""``TransformerEncoderLayer`` and ``TransformerDecoderLayer``, as PyTorch's: the same
sub-modules, parameter names and layouts (``self_attn.in_proj_weight``, ``linear1.weight`` as
(dim_feedforward, d_model), ``norm1.weight`` ...), so a PyTorch layer's ``state_dict`` loads
unchanged.

An encoder layer is self-attention then a feed-forward network, each a residual branch with
dropout and a LayerNorm; ``norm_first=True`` normalises before each branch (pre-norm, as GPT)
instead of after the sum (post-norm, the original transformer)::

    post-norm: x = norm1(x + sa(x));          x = norm2(x + ff(x))
    pre-norm:  x = x + sa(norm1(x));          x = x + ff(norm2(x))

A decoder layer adds cross-attention over the encoder's output (``memory``) between the two.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_bool, check_int, check_number
from glassnet.nn.attention import MultiheadAttention, OutProjection
from glassnet.nn.layers import Dropout
from glassnet.nn.module import Module
from glassnet.nn.normalization import LayerNorm
from glassnet.nn.parameter import Parameter
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor

_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "relu": ops.relu,
    "gelu": ops.gelu,
}


def _activation(owner: str, activation: Any) -> Callable[[Tensor], Tensor]:
    if callable(activation):
        return activation
    if activation not in _ACTIVATIONS:
        raise ValueError(
            f"{owner}: activation must be 'relu', 'gelu' or a callable, got {activation!r}"
        )
    return _ACTIVATIONS[activation]


def _linear(n_in: int, n_out: int, bias: bool, rng: np.random.Generator, dtype: Any):
    """A projection in PyTorch's (out, in) layout with PyTorch Linear's initialisation:
    weight and bias U(-1/sqrt(n_in), 1/sqrt(n_in))."""
    layer = OutProjection(n_in, n_out, bias, rng, dtype)
    if layer.bias is not None:
        bound = 1.0 / math.sqrt(n_in)
        layer.bias = Parameter(rng.uniform(-bound, bound, n_out).astype(dtype))
    return layer


class _Layer(Module):
    """What both layers share: settings checks, the feed-forward branch, dropout."""

    norm1: LayerNorm
    norm2: LayerNorm
    dropout1: Dropout
    dropout2: Dropout

    def _setup(
        self,
        name: str,
        d_model: int,
        nhead: int,
        dim_feedforward: int,
        dropout: float,
        activation: Any,
        layer_norm_eps: float,
        batch_first: bool,
        norm_first: bool,
        bias: bool,
        rng: RngLike,
        dtype: Any,
        norms: int,
    ) -> np.random.Generator:
        self.d_model = check_int(name, "d_model", d_model, minimum=1)
        self.nhead = check_int(name, "nhead", nhead, minimum=1)
        self.dim_feedforward = check_int(name, "dim_feedforward", dim_feedforward, minimum=1)
        self.dropout_p = check_number(name, "dropout", dropout, low=0.0, high=1.0, high_open=True)
        self.activation_name = activation if isinstance(activation, str) else None
        self.activation = _activation(name, activation)
        self.layer_norm_eps = check_number(name, "layer_norm_eps", layer_norm_eps, low=0.0)
        self.batch_first = check_bool(name, "batch_first", batch_first)
        self.norm_first = check_bool(name, "norm_first", norm_first)
        self.use_bias = check_bool(name, "bias", bias)
        generator = get_rng(rng)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout, bias=bias, batch_first=batch_first, rng=generator, dtype=dtype
        )
        self._norms = norms
        return generator

    def _feed_forward_parts(self, generator: np.random.Generator, dtype: Any) -> None:
        d, ff, bias = self.d_model, self.dim_feedforward, self.use_bias
        self.linear1 = _linear(d, ff, bias, generator, dtype)
        self.dropout = Dropout(self.dropout_p, rng=generator)
        self.linear2 = _linear(ff, d, bias, generator, dtype)
        for i in range(1, self._norms + 1):
            setattr(self, f"norm{i}", LayerNorm(d, self.layer_norm_eps, bias=bias, dtype=dtype))
        for i in range(1, self._norms + 1):
            setattr(self, f"dropout{i}", Dropout(self.dropout_p, rng=generator))

    def _ff_block(self, x: Tensor, last: Dropout) -> Tensor:
        return last(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def get_config(self) -> dict[str, Any] | None:
        if self.activation_name is None:
            return None  # a callable activation cannot be saved by name
        return {
            "d_model": self.d_model,
            "nhead": self.nhead,
            "dim_feedforward": self.dim_feedforward,
            "dropout": self.dropout_p,
            "activation": self.activation_name,
            "layer_norm_eps": self.layer_norm_eps,
            "batch_first": self.batch_first,
            "norm_first": self.norm_first,
            "bias": self.use_bias,
        }


class TransformerEncoderLayer(_Layer):
    """Self-attention and a feed-forward network, as ``torch.nn.TransformerEncoderLayer``.

    Args:
        d_model: the width of every position's vector.
        nhead: attention heads.
        dim_feedforward: the hidden width of the feed-forward network.
        dropout: dropout after the attention weights, inside the feed-forward network and on
            each residual branch (training mode only).
        activation: "relu", "gelu" or a callable on Tensors.
        layer_norm_eps: the LayerNorms' eps.
        batch_first: (N, S, E) instead of (S, N, E).
        norm_first: pre-norm instead of post-norm.
        bias: biases in the projections and LayerNorms.
        rng: Generator or seed for the initial weights and the dropout masks.
        dtype: the parameters' dtype.

    Examples:
        >>> layer = TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True, rng=0)
        >>> layer(np.ones((3, 5, 8))).shape
        (3, 5, 8)
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Any = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        generator = self._setup(
            "TransformerEncoderLayer",
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
            rng,
            dtype,
            norms=2,
        )
        self._feed_forward_parts(generator, dtype)

    def forward(
        self,
        src: Tensor,
        src_mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool = False,
    ) -> Tensor:
        """``src`` (S, N, E), or (N, S, E) with batch_first; masks as MultiheadAttention's."""

        def sa(x: Tensor) -> Tensor:
            out, _ = self.self_attn(
                x,
                x,
                x,
                key_padding_mask=src_key_padding_mask,
                need_weights=False,
                attn_mask=src_mask,
                is_causal=is_causal,
            )
            return self.dropout1(out)

        x = src
        if self.norm_first:
            x = x + sa(self.norm1(x))
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + sa(x))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_Layer):
    """Self-attention, cross-attention over ``memory`` and a feed-forward network, as
    ``torch.nn.TransformerDecoderLayer`` (same arguments as ``TransformerEncoderLayer``).

    Examples:
        >>> layer = TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True, rng=0)
        >>> layer(np.ones((3, 4, 8)), np.ones((3, 6, 8))).shape
        (3, 4, 8)
    """

    norm3: LayerNorm
    dropout3: Dropout

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Any = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        generator = self._setup(
            "TransformerDecoderLayer",
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
            rng,
            dtype,
            norms=3,
        )
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout, bias=bias, batch_first=batch_first, rng=generator, dtype=dtype
        )
        self._feed_forward_parts(generator, dtype)

    def forward(
        self,
        tgt: Tensor,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """``tgt`` (T, N, E) and ``memory`` (S, N, E), or batch first; masks as
        MultiheadAttention's."""
        memory = self.prepare_input(memory)

        def sa(x: Tensor) -> Tensor:
            out, _ = self.self_attn(
                x,
                x,
                x,
                key_padding_mask=tgt_key_padding_mask,
                need_weights=False,
                attn_mask=tgt_mask,
                is_causal=tgt_is_causal,
            )
            return self.dropout1(out)

        def mha(x: Tensor) -> Tensor:
            out, _ = self.multihead_attn(
                x,
                memory,
                memory,
                key_padding_mask=memory_key_padding_mask,
                need_weights=False,
                attn_mask=memory_mask,
                is_causal=memory_is_causal,
            )
            return self.dropout2(out)

        x = tgt
        if self.norm_first:
            x = x + sa(self.norm1(x))
            x = x + mha(self.norm2(x))
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + sa(x))
        x = self.norm2(x + mha(x))
        return self.norm3(x + self._ff_block(x, self.dropout3))
