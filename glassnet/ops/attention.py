"""Scaled dot-product attention as one Function with a fused backward.

For queries Q (..., L, E), keys K (..., S, E) and values V (..., S, Ev)::

    scores = Q @ K^T * scale (+ mask)      (..., L, S)
    P      = softmax(scores, axis=-1)       attention weights, each row sums to 1
    out    = dropout(P) @ V                 (..., L, Ev)

Every leading axis (batch, heads) is a batch axis of ``np.matmul``, so all heads run in one
product: no Python loop over heads or samples. The backward is written out, with ``G`` the
gradient of ``out`` and ``D`` the dropout mask (all ones without dropout)::

    dV = (P * D)^T @ G
    dP = (G @ V^T) * D
    dS = P * (dP - sum(dP * P, axis=-1))    softmax's backward, no L x L Jacobian
    dQ = dS @ K * scale,   dK = dS^T @ Q * scale

Only Q, K, V, P (and the dropout mask) are kept for the backward.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import as_float
from glassnet.tensor import Tensor


@functools.lru_cache(maxsize=32)
def causal_bias(length: int, source_length: int, dtype: np.dtype) -> np.ndarray:
    """An (L, S) array of 0 on and below the diagonal and -inf above it: adding it to the
    scores lets query i see keys 0..i only (PyTorch's ``is_causal``, aligned top-left).
    Cached, and read-only so that no caller can change the cached copy.

    Examples:
        >>> causal_bias(2, 3, np.dtype(np.float32))
        array([[  0., -inf, -inf],
               [  0.,   0., -inf]], dtype=float32)
    """
    allowed = np.tri(length, source_length, dtype=bool)
    bias = np.where(allowed, 0.0, -np.inf).astype(dtype)
    bias.flags.writeable = False
    return bias


def _softmax_rows(scores: np.ndarray, masked: bool) -> np.ndarray:
    """Softmax over the last axis, in place in ``scores``. With a mask, a row whose every key
    is masked out gets weights 0 (and thus output 0), as PyTorch's attention, not NaN."""
    row_max = scores.max(axis=-1, keepdims=True)
    if masked:
        row_max[~np.isfinite(row_max)] = 0.0
    scores -= row_max
    np.exp(scores, out=scores)
    total = scores.sum(axis=-1, keepdims=True)
    if masked:
        total[total == 0.0] = 1.0
    scores /= total
    return scores


def _attend(ctx: Context, query, key, value, bias, scale, dropout_p, rng) -> np.ndarray:
    """The forward for both ops: returns the output, keeps the weights (and the dropout mask)
    and ``scale`` in ``ctx``."""
    scaled_q = query * np.asarray(scale, dtype=query.dtype)
    scores = scaled_q @ np.swapaxes(key, -1, -2)  # a new array, so softmax may work in place
    if bias is not None:  # in place unless the mask has batch axes the scores lack
        fits = np.broadcast_shapes(scores.shape, bias.shape) == scores.shape
        scores = np.add(scores, bias, out=scores if fits else None)
    weights = _softmax_rows(scores, masked=bias is not None)
    mask = None
    if dropout_p > 0.0:
        keep = rng.random(weights.shape) >= dropout_p
        mask = keep * np.asarray(1.0 / (1.0 - dropout_p), dtype=weights.dtype)
    ctx.scale, ctx.weights, ctx.mask = scale, weights, mask
    return (weights if mask is None else weights * mask) @ value


def _attend_backward(ctx: Context, grad, query, key, value, needs) -> list[Any]:
    """The backward for both ops: the gradients of query, key and value (None where
    ``needs`` says nobody wants it). Fresh arrays: NumPy's matmul into a strided ``out=``
    runs at half speed."""
    weights, mask = ctx.weights, ctx.mask
    need_q, need_k, need_v = needs
    kept = weights if mask is None else weights * mask
    grad_v = np.swapaxes(kept, -1, -2) @ grad if need_v else None
    grad_q = grad_k = None
    if need_q or need_k:
        grad_p = grad @ np.swapaxes(value, -1, -2)
        if mask is not None:
            grad_p *= mask
        # softmax backward, in place: dS = P * (dP - sum(dP * P))
        grad_p -= (grad_p * weights).sum(axis=-1, keepdims=True)
        grad_p *= weights
        grad_p *= np.asarray(ctx.scale, dtype=grad_p.dtype)
        if need_q:
            grad_q = grad_p @ key
        if need_k:
            grad_k = np.swapaxes(grad_p, -1, -2) @ query
    return [grad_q, grad_k, grad_v]


class ScaledDotProductAttentionOp(Function):
    """``softmax(Q K^T * scale + bias) @ V``; inputs query, key, value (see the module doc).

    Settings: ``bias`` an additive array broadcastable to (..., L, S) (0 / -inf for a boolean
    mask, already including the causal mask) or None; ``scale``; ``dropout_p`` and ``rng``.
    """

    @staticmethod
    def forward(
        ctx: Context,
        query: np.ndarray,
        key: np.ndarray,
        value: np.ndarray,
        bias: np.ndarray | None = None,
        scale: float = 1.0,
        dropout_p: float = 0.0,
        rng: Any = None,
    ) -> np.ndarray:
        query, key, value = as_float(query), as_float(key), as_float(value)
        ctx.save_for_backward(query, key, value)
        return _attend(ctx, query, key, value, bias, scale, dropout_p, rng)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        query, key, value = ctx.saved_tensors
        return tuple(_attend_backward(ctx, grad, query, key, value, ctx.needs_input_grad))


class PackedSelfAttentionOp(Function):
    """Scaled dot-product attention of one packed input ``qkv`` (3, ..., L, E): queries, keys
    and values side by side, as a transformer's single input projection makes them.

    The same computation as ``ScaledDotProductAttentionOp`` on ``qkv[0], qkv[1], qkv[2]``, but
    one node: the backward writes the three gradients into one array laid out in memory as
    ``qkv`` is (a permuted view stays one), where three slices would each scatter into a
    zero-filled array of the full size and the engine would add the three.
    """

    @staticmethod
    def forward(
        ctx: Context,
        qkv: np.ndarray,
        bias: np.ndarray | None = None,
        scale: float = 1.0,
        dropout_p: float = 0.0,
        rng: Any = None,
    ) -> np.ndarray:
        qkv = as_float(qkv)
        ctx.save_for_backward(qkv)
        return _attend(ctx, qkv[0], qkv[1], qkv[2], bias, scale, dropout_p, rng)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (qkv,) = ctx.saved_tensors
        grads = _attend_backward(ctx, grad, qkv[0], qkv[1], qkv[2], (True, True, True))
        grad_qkv = np.empty_like(qkv, dtype=grad.dtype)  # order "K": qkv's memory layout
        for part, computed in zip(grad_qkv, grads):
            part[...] = computed
        return grad_qkv


def attention_bias(
    attn_mask: Any, is_causal: bool, length: int, source_length: int, dtype: np.dtype
) -> np.ndarray | None:
    """The additive bias for the scores: a boolean mask (True = takes part, as PyTorch's
    ``scaled_dot_product_attention``) becomes 0 / -inf, a float mask is added as it is, and
    ``is_causal`` gives the causal bias. None when nothing is masked."""
    if is_causal:
        if attn_mask is not None:
            raise ValueError(
                "scaled_dot_product_attention: give attn_mask or is_causal=True, not both "
                "(PyTorch refuses both too); fold the causal mask into attn_mask"
            )
        return causal_bias(length, source_length, np.dtype(dtype))
    if attn_mask is None:
        return None
    mask = attn_mask.data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
    if mask.ndim < 2 or any(
        m not in (1, n) for m, n in zip(mask.shape[-2:], (length, source_length))
    ):
        raise ShapeError(
            f"scaled_dot_product_attention: attn_mask of shape {mask.shape} does not "
            f"broadcast to the scores' (..., {length}, {source_length}) (L queries, S keys)"
        )
    if mask.dtype == np.bool_:
        return np.where(mask, 0.0, -np.inf).astype(dtype)
    if mask.dtype.kind != "f":
        raise TypeError(
            f"scaled_dot_product_attention: attn_mask must be bool (True = takes part) or "
            f"float (added to the scores), got dtype {mask.dtype}"
        )
    return mask.astype(dtype, copy=False)


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    *,
    rng: Any = None,
) -> Tensor:
    """Attention of ``query`` over ``key``/``value``, as
    ``torch.nn.functional.scaled_dot_product_attention``: one op, all heads at once.

    Args:
        query: (..., L, E); key: (..., S, E); value: (..., S, Ev). Leading axes (batch, heads)
            broadcast.
        attn_mask: bool (True = the key takes part, as PyTorch) or float (added to the scores),
            broadcastable to (..., L, S). Not differentiated.
        dropout_p: dropout probability on the attention weights (applied whenever > 0, as
            PyTorch: pass 0.0 in evaluation).
        is_causal: query i attends to keys 0..i only.
        scale: multiplies Q K^T; default 1 / sqrt(E).
        rng: Generator or seed for the dropout mask (a glassnet addition).

    Returns:
        A Tensor of shape (..., L, Ev). A query whose keys are all masked out gives zeros.

    Examples:
        >>> import glassnet as gn
        >>> q = gn.ones(2, 4, 3, 8)  # (batch, heads, L, E)
        >>> scaled_dot_product_attention(q, q, gn.ones(2, 4, 3, 5), is_causal=True).shape
        (2, 4, 3, 5)
    """
    q, k, v = (t if isinstance(t, Tensor) else Tensor(t) for t in (query, key, value))
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ShapeError(
            f"scaled_dot_product_attention: query, key and value need at least 2 axes "
            f"(..., L, E), got {q.shape}, {k.shape}, {v.shape}"
        )
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ShapeError(
            f"scaled_dot_product_attention: query {q.shape}, key {k.shape}, value {v.shape}: "
            "query and key must share E (the last axis), key and value S (the axis before)"
        )
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(
            f"scaled_dot_product_attention: dropout_p must be in [0, 1), got {dropout_p}"
        )
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    dtype = q.dtype if q.dtype.kind == "f" else np.dtype(np.float32)
    bias = attention_bias(attn_mask, bool(is_causal), q.shape[-2], k.shape[-2], dtype)
    generator = None
    if dropout_p > 0.0:
        from glassnet.rng import get_rng

        generator = get_rng(rng)
    return ScaledDotProductAttentionOp.apply(
        q, k, v, bias=bias, scale=float(scale), dropout_p=float(dropout_p), rng=generator
    )


def packed_self_attention(
    qkv: Any,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    *,
    rng: Any = None,
) -> Tensor:
    """``scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], ...)`` as one op, for the
    queries, keys and values of a single input projection stacked on a first axis of 3.

    The same values and gradients; faster in training, because the gradient of ``qkv`` is
    written in place of being gathered from three slices (see ``PackedSelfAttentionOp``).

    Args:
        qkv: (3, ..., L, E), usually a permuted view of the projection's (B, L, 3, H, E).
        dropout_p, is_causal, scale, rng: as for ``scaled_dot_product_attention``.

    Examples:
        >>> import glassnet as gn
        >>> packed_self_attention(gn.ones(3, 2, 4, 5, 8), is_causal=True).shape
        (2, 4, 5, 8)
    """
    packed = qkv if isinstance(qkv, Tensor) else Tensor(qkv)
    if packed.ndim < 3 or packed.shape[0] != 3:
        raise ShapeError(
            f"packed_self_attention: qkv must be (3, ..., L, E), queries, keys and values "
            f"stacked on a first axis of 3, got shape {packed.shape}"
        )
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"packed_self_attention: dropout_p must be in [0, 1), got {dropout_p}")
    length, width = packed.shape[-2], packed.shape[-1]
    scale = 1.0 / math.sqrt(width) if scale is None else scale
    dtype = packed.dtype if packed.dtype.kind == "f" else np.dtype(np.float32)
    bias = causal_bias(length, length, np.dtype(dtype)) if is_causal else None
    generator = None
    if dropout_p > 0.0:
        from glassnet.rng import get_rng

        generator = get_rng(rng)
    return PackedSelfAttentionOp.apply(
        packed, bias=bias, scale=float(scale), dropout_p=float(dropout_p), rng=generator
    )
