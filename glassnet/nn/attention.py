"""``MultiheadAttention`` with PyTorch's parameters, masks and outputs, so its weights load
unchanged from ``torch.nn.MultiheadAttention``.

The heads are not a loop: queries, keys and values are projected by one matrix product each,
reshaped to (N, heads, L, head_dim), and attended all at once by
``glassnet.ops.attention.scaled_dot_product_attention`` (one op with a fused backward). When
``need_weights=True`` the attention weights are computed by separate ops (matmul, softmax,
matmul) instead, as PyTorch does, so that they can be returned.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_bool, check_int, check_number
from glassnet.errors import ShapeError
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.attention import scaled_dot_product_attention
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


def project(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``x @ weight.T + bias`` for a weight in PyTorch's (out_features, in_features) layout;
    the leading axes of ``x`` are folded into one, so the weight's gradient is one 2-D product.

    Examples:
        >>> import glassnet as gn
        >>> project(gn.ones(2, 5, 3), gn.ones(4, 3), gn.zeros(4)).shape
        (2, 5, 4)
    """
    lead = x.shape[:-1]
    out = ops.matmul(x.reshape(-1, x.shape[-1]), weight.T)
    if bias is not None:
        out = out + bias
    return out.reshape(*lead, weight.shape[0])


def _uniform(rng: np.random.Generator, shape: tuple[int, ...], bound: float, dtype: Any):
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def xavier_uniform(rng: np.random.Generator, shape: tuple[int, int], dtype: Any) -> np.ndarray:
    """U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), PyTorch's ``xavier_uniform_``."""
    return _uniform(rng, shape, math.sqrt(6.0 / (shape[0] + shape[1])), dtype)


class OutProjection(Module):
    """The output projection of MultiheadAttention: ``weight`` (out, in), ``bias`` (out), in
    PyTorch's layout, whatever layout ``nn.Linear`` uses (so ``out_proj.weight`` loads from
    PyTorch unchanged). Initialised as PyTorch's Linear, U(-1/sqrt(in), 1/sqrt(in)), the bias
    at zero (as MultiheadAttention sets it)."""

    def __init__(self, in_features: int, out_features: int, bias: bool, rng: Any, dtype: Any):
        super().__init__()
        shape = (out_features, in_features)
        self.weight = Parameter(_uniform(rng, shape, 1.0 / math.sqrt(in_features), dtype))
        self.bias = Parameter(np.zeros(out_features, dtype=dtype)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return project(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        out, inp = self.weight.shape
        return f"in_features={inp}, out_features={out}, bias={self.bias is not None}"


class MultiheadAttention(Module):
    """Multi-head attention, as ``torch.nn.MultiheadAttention``:
    ``softmax(Q K^T / sqrt(head_dim) + mask) V`` per head, heads concatenated and projected.

    Args:
        embed_dim: E, the size of each query vector and of the output.
        num_heads: H; E must be divisible by it (each head has E // H dimensions).
        dropout: dropout probability on the attention weights, in training mode.
        bias: learn ``in_proj_bias`` and ``out_proj.bias`` (zeros at first).
        add_bias_kv, add_zero_attn: not supported (an error if True).
        kdim, vdim: sizes of keys and values (default E); when they differ from E, the
            projections are ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` instead of
            ``in_proj_weight``, as PyTorch.
        batch_first: inputs and outputs are (N, L, E) instead of PyTorch's default (L, N, E).
        rng: Generator or seed for the initial weights and the dropout masks.
        dtype: the parameters' dtype.

    Parameters (PyTorch's names, layouts and initialisation): ``in_proj_weight`` (3E, E)
    xavier-uniform, ``in_proj_bias`` (3E) zeros, ``out_proj.weight`` (E, E) and
    ``out_proj.bias`` (E) zeros.

    Examples:
        >>> mha = MultiheadAttention(8, 2, batch_first=True, rng=0)
        >>> x = np.ones((3, 5, 8), dtype=np.float32)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        ((3, 5, 8), (3, 5, 5))
        >>> [name for name, _ in mha.named_parameters()]
        ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        name = "MultiheadAttention"
        self.embed_dim = check_int(name, "embed_dim", embed_dim, minimum=1)
        self.num_heads = check_int(name, "num_heads", num_heads, minimum=1)
        if embed_dim % num_heads:
            raise ValueError(
                f"{name}: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})"
            )
        self.head_dim = embed_dim // num_heads
        self.dropout = check_number(name, "dropout", dropout, low=0.0, high=1.0, high_open=True)
        self.batch_first = check_bool(name, "batch_first", batch_first)
        self.use_bias = check_bool(name, "bias", bias)
        if check_bool(name, "add_bias_kv", add_bias_kv) or check_bool(
            name, "add_zero_attn", add_zero_attn
        ):
            raise NotImplementedError(
                f"{name}: add_bias_kv and add_zero_attn are not supported by glassnet"
            )
        self.kdim = embed_dim if kdim is None else check_int(name, "kdim", kdim, minimum=1)
        self.vdim = embed_dim if vdim is None else check_int(name, "vdim", vdim, minimum=1)
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self._rng = get_rng(rng)
        E = embed_dim
        self.in_proj_weight: Parameter | None = None
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(xavier_uniform(self._rng, (3 * E, E), dtype))
        else:
            self.q_proj_weight = Parameter(xavier_uniform(self._rng, (E, E), dtype))
            self.k_proj_weight = Parameter(xavier_uniform(self._rng, (E, self.kdim), dtype))
            self.v_proj_weight = Parameter(xavier_uniform(self._rng, (E, self.vdim), dtype))
        self.in_proj_bias = Parameter(np.zeros(3 * E, dtype=dtype)) if bias else None
        self.out_proj = OutProjection(E, E, bias, self._rng, dtype)

    # ----------------------------------------------------------------- projections
    def _in_projections(self, query: Tensor, key: Tensor, value: Tensor) -> list[Tensor]:
        """Q, K, V projected, each (N, L or S, E): rows [0, E) of ``in_proj_weight`` for the
        queries, [E, 2E) for the keys, [2E, 3E) for the values."""
        E, w, b = self.embed_dim, self.in_proj_weight, self.in_proj_bias
        if w is None:
            weights = [self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]
            biases = [None] * 3 if b is None else [b[:E], b[E : 2 * E], b[2 * E :]]
            return [project(x, wi, bi) for x, wi, bi in zip((query, key, value), weights, biases)]
        if query is key and key is value:  # self-attention: one product for all three
            return ops.split(project(query, w, b), 3, axis=-1)
        q = project(query, w[:E], None if b is None else b[:E])
        if key is value:  # keys and values from one source: one product for both
            return [q, *ops.split(project(key, w[E:], None if b is None else b[E:]), 2, axis=-1)]
        k = project(key, w[E : 2 * E], None if b is None else b[E : 2 * E])
        return [q, k, project(value, w[2 * E :], None if b is None else b[2 * E :])]

    def _heads(self, x: Tensor) -> Tensor:
        """(N, L, E) -> (N, H, L, head_dim)."""
        n, length, _ = x.shape
        return x.reshape(n, length, self.num_heads, self.head_dim).permute(0, 2, 1, 3)

    # ----------------------------------------------------------------- masks
    def _merged_mask(
        self, key_padding_mask: Any, attn_mask: Any, n: int, length: int, source: int, dtype: Any
    ) -> np.ndarray | None:
        """One additive float mask broadcastable to (N, H, L, S): a boolean mask's True means
        "may not attend" here (PyTorch's MultiheadAttention convention, the opposite of
        ``scaled_dot_product_attention``'s), a float mask is added to the scores."""
        name = "MultiheadAttention"

        def additive(mask: Any, what: str) -> np.ndarray:
            array = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
            if array.dtype == np.bool_:
                return np.where(array, -np.inf, 0.0).astype(dtype)
            if array.dtype.kind != "f":
                raise TypeError(
                    f"{name}: {what} must be bool (True = masked out) or float (added to the "
                    f"scores), got dtype {array.dtype}"
                )
            return array.astype(dtype, copy=False)

        merged = None
        if attn_mask is not None:
            merged = additive(attn_mask, "attn_mask")
            if merged.shape == (length, source):
                pass
            elif merged.shape == (n * self.num_heads, length, source):
                merged = merged.reshape(n, self.num_heads, length, source)
            else:
                raise ShapeError(
                    f"{name}: attn_mask of shape {merged.shape} must be (L, S) = "
                    f"({length}, {source}) or (N * num_heads, L, S) = "
                    f"({n * self.num_heads}, {length}, {source})"
                )
        if key_padding_mask is not None:
            padding = additive(key_padding_mask, "key_padding_mask")
            if padding.shape != (n, source):
                raise ShapeError(
                    f"{name}: key_padding_mask of shape {padding.shape} must be (N, S) = "
                    f"({n}, {source})"
                )
            padding = padding.reshape(n, 1, 1, source)
            merged = padding if merged is None else merged + padding
        return merged

    # ----------------------------------------------------------------- forward
    def forward(
        self,
        query: Any,
        key: Any,
        value: Any,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend ``query`` over ``key``/``value``; returns ``(attn_output, attn_weights)``.

        Shapes (batch_first=False; swap L/S and N when True): query (L, N, E), key (S, N,
        kdim), value (S, N, vdim), or unbatched (L, E), (S, kdim), (S, vdim).
        key_padding_mask (N, S); attn_mask (L, S) or (N * num_heads, L, S); for both a bool
        True means "masked out". ``is_causal`` is only a hint, as in PyTorch: it needs the
        causal ``attn_mask`` itself. attn_output has the query's shape; attn_weights is
        (N, L, S) averaged over heads, (N, num_heads, L, S) with
        ``average_attn_weights=False``, or None with ``need_weights=False``.
        """
        name = "MultiheadAttention"
        if is_causal and attn_mask is None:
            raise ValueError(
                f"{name}: is_causal=True is a hint that attn_mask is causal, as in PyTorch: "
                "pass the causal attn_mask too"
            )
        self_attention, shared_kv = query is key and key is value, key is value
        query = self.prepare_input(query)
        key = query if self_attention else self.prepare_input(key)
        value = key if shared_kv else self.prepare_input(value)
        batched = query.ndim == 3
        for tensor, size, what in (
            (query, self.embed_dim, "query (embed_dim)"),
            (key, self.kdim, "key (kdim)"),
            (value, self.vdim, "value (vdim)"),
        ):
            if tensor.ndim != query.ndim or tensor.ndim not in (2, 3) or tensor.shape[-1] != size:
                raise ShapeError(
                    f"{name}: query {query.shape}, key {key.shape}, value {value.shape}: each "
                    f"must be 3-D (batched) or all 2-D, the last axis of {what} being {size}"
                )
        if key.shape[:-1] != value.shape[:-1]:
            raise ShapeError(f"{name}: key {key.shape} and value {value.shape} differ before E")
        if not batched:  # one sample: a batch of one, dropped again at the end
            query, key, value = (t.reshape(1, *t.shape) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = np.asarray(getattr(key_padding_mask, "data", key_padding_mask))
                key_padding_mask = key_padding_mask.reshape(1, -1)
        elif not self.batch_first:  # (L, N, E) -> (N, L, E)
            query, key, value = (t.swapaxes(0, 1) for t in (query, key, value))
        if self_attention:  # kept as one Tensor, so the projections take their fast path
            key = value = query
        elif shared_kv:
            value = key
        n, length, source = query.shape[0], query.shape[1], key.shape[1]
        if key.shape[0] != n:
            raise ShapeError(f"{name}: query has batch size {n}, key {key.shape[0]}")
        q, k, v = (self._heads(t) for t in self._in_projections(query, key, value))
        mask = self._merged_mask(key_padding_mask, attn_mask, n, length, source, q.dtype)
        dropout_p = self.dropout if self.training else 0.0
        weights = None
        if need_weights:  # separate ops, so the weights exist as a Tensor
            scores = ops.matmul(q * (1.0 / math.sqrt(self.head_dim)), k.swapaxes(-1, -2))
            if mask is not None:
                scores = scores + mask
            weights = ops.softmax(scores, axis=-1)
            if dropout_p > 0.0:
                weights = ops.dropout(weights, dropout_p, rng=self._rng)
            out = ops.matmul(weights, v)
            if average_attn_weights:
                weights = weights.mean(axis=1)
            if not batched:
                weights = weights.reshape(*weights.shape[1:])
        else:
            out = scaled_dot_product_attention(q, k, v, mask, dropout_p, rng=self._rng)
        out = self.out_proj(out.permute(0, 2, 1, 3).reshape(n, length, self.embed_dim))
        if not batched:
            out = out.reshape(length, self.embed_dim)
        elif not self.batch_first:
            out = out.swapaxes(0, 1)
        return out, weights

    def get_config(self) -> dict[str, Any]:
        return {
            "embed_dim": self.embed_dim,
            "num_heads": self.num_heads,
            "dropout": self.dropout,
            "bias": self.use_bias,
            "kdim": self.kdim,
            "vdim": self.vdim,
            "batch_first": self.batch_first,
        }

    def extra_repr(self) -> str:
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
            f"batch_first={self.batch_first}"
        )
