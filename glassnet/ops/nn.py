"""Neural-network ops fused into one Function each, for stability and speed."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import as_float
from glassnet.tensor import Tensor, as_array, shape_of

# Reductions below use the array methods (x.max(...)), which skip NumPy's Python-level
# dispatch of np.max(x, ...): half the cost on the small arrays of a per-batch loss.


def stable_log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class SoftmaxOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int = -1) -> np.ndarray:
        shifted = np.exp(as_float(x) - x.max(axis=axis, keepdims=True))
        out = shifted / shifted.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        # Jacobian-vector product of softmax: s * (g - sum(g * s)), no N x N Jacobian built.
        (s,) = ctx.saved_tensors
        return s * (grad - (grad * s).sum(axis=ctx.axis, keepdims=True))


class LogSoftmaxOp(Function):
    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int = -1) -> np.ndarray:
        out = stable_log_softmax(as_float(x), axis)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (out,) = ctx.saved_tensors
        return grad - np.exp(out) * grad.sum(axis=ctx.axis, keepdims=True)


# --8<-- [start:linear-op]
class LinearOp(Function):
    """``x @ weight + bias`` as one node, for inputs of shape (..., in_features).

    With ``G`` the gradient of the output: ``dx = G @ W^T``, ``dW = x^T @ G`` (leading axes
    folded into one batch axis), ``db = G`` summed over the batch. dx is computed only when
    someone needs it, which saves a third of the first layer's backward.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None):
        ctx.save_for_backward(x, weight)
        out = x @ weight
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_x = grad @ weight.T if needs[0] else None
        if x.ndim != 2:  # fold any leading axes (or none, for one sample) into one batch axis
            x, grad = x.reshape(-1, x.shape[-1]), grad.reshape(-1, grad.shape[-1])
        grad_w = x.T @ grad if needs[1] else None
        if len(needs) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, (grad.sum(axis=0) if needs[2] else None)


# --8<-- [end:linear-op]
class CrossEntropyOp(Function):
    """Softmax cross-entropy from logits, fused: stable and one node.

    ``loss_i = -sum_c q_ic log softmax(z_i)_c`` where ``q_i`` is the one-hot target (or given
    probabilities), smoothed as ``(1 - eps) q + eps / C``. The gradient is simply
    ``softmax(z) - q`` (divided by N for the mean).
    """

    @staticmethod
    def forward(
        ctx: Context,
        logits: np.ndarray,
        target: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> np.ndarray:
        n = len(logits)
        logits = as_float(logits)
        # log softmax(z)_c = shifted_c - log_norm, with the max subtracted so exp cannot overflow.
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        log_norm = np.log(total)
        if target.ndim == 1:  # class indices: only the true class's log-probability is needed
            losses = log_norm[:, 0] - shifted[np.arange(n), target]
        else:  # probabilities (one-hot or soft)
            losses = (target * (log_norm - shifted)).sum(axis=1)
        if label_smoothing:  # mix in the uniform target: -mean_c log softmax(z)_c
            uniform = log_norm[:, 0] - shifted.mean(axis=1)
            losses = (1.0 - label_smoothing) * losses + label_smoothing * uniform
        ctx.save_for_backward(exp, total, target)  # softmax = exp / total, formed in backward
        ctx.reduction, ctx.label_smoothing = reduction, label_smoothing
        if reduction == "mean":
            return losses.sum() / n if n else np.full((), np.nan, losses.dtype)  # sum/n: cheaper
        if reduction == "sum":
            return losses.sum()
        return losses

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        exp, total, target = ctx.saved_tensors
        n, classes = exp.shape
        smoothing = ctx.label_smoothing
        grad_logits = exp / total  # softmax, a fresh array to work in
        if target.ndim == 1:
            grad_logits[np.arange(n), target] -= 1.0 - smoothing
        else:
            grad_logits -= (1.0 - smoothing) * target.astype(grad_logits.dtype, copy=False)
        if smoothing:
            grad_logits -= smoothing / classes
        if ctx.reduction == "mean":
            grad_logits *= grad / n
        elif ctx.reduction == "sum":
            grad_logits *= grad
        else:
            grad_logits *= grad[:, np.newaxis]
        return grad_logits


class DropoutOp(Function):
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p),
    so evaluation needs no rescaling. The mask is drawn from the given generator."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, p: float = 0.5, rng: Any = None) -> np.ndarray:
        keep = rng.random(x.shape) >= p
        scale = np.asarray(1.0 / (1.0 - p), dtype=x.dtype)
        mask = keep * scale
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (mask,) = ctx.saved_tensors
        return grad * mask


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """``x @ weight + bias`` in one op; ``weight`` has shape (in_features, out_features).

    Examples:
        >>> import glassnet as gn
        >>> gn.linear(gn.ones(4, 3), gn.ones(3, 2), gn.zeros(2)).shape
        (4, 2)
    """
    w_shape, x_shape = shape_of(weight), shape_of(x)
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[0]:
        raise ShapeError(
            f"linear: input of shape {x_shape} does not fit a weight of shape {w_shape}: "
            f"the input's last axis must be {w_shape[0] if w_shape else '?'}"
        )
    if bias is None:
        return LinearOp.apply(x, weight)
    return LinearOp.apply(x, weight, bias)


def cross_entropy(
    logits: Any, target: Any, reduction: str = "mean", label_smoothing: float = 0.0
) -> Tensor:
    """Cross-entropy of logits (N, C) against class indices (N,) or probabilities (N, C).

    Examples:
        >>> import glassnet as gn
        >>> round(gn.cross_entropy(gn.zeros(2, 4), [1, 3]).item(), 4)  # log 4
        1.3863
    """
    z = logits if isinstance(logits, Tensor) else Tensor(logits)
    t = as_array(target)
    if z.data.ndim != 2:
        raise ShapeError(f"cross_entropy: logits must have shape (N, C), got {z.shape}")
    n, classes = z.data.shape
    if t.ndim == 1 and t.dtype.kind in "iu":
        if len(t) != n:
            raise ShapeError(f"cross_entropy: logits {z.shape} but {t.shape[0]} class targets")
        if n and (t.min() < 0 or t.max() >= classes):  # a negative index would wrap silently
            raise ValueError(
                f"cross_entropy: class targets must lie in [0, {classes}), "
                f"got values from {t.min()} to {t.max()}"
            )
    elif t.shape == z.shape and t.dtype.kind in "fbiu":
        t = t.astype(z.dtype, copy=False)
    else:
        raise ShapeError(
            f"cross_entropy: targets must be class indices of shape ({n},) or probabilities "
            f"of shape {z.shape}; got shape {t.shape} and dtype {t.dtype}"
        )
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"cross_entropy: reduction must be mean, sum or none, not {reduction!r}")
    if not 0.0 <= label_smoothing < 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1), got {label_smoothing}")
    return CrossEntropyOp.apply(z, target=t, reduction=reduction, label_smoothing=label_smoothing)


def dropout(x: Any, p: float = 0.5, training: bool = True, rng: Any = None) -> Tensor:
    """Inverted dropout (identity when not training or p == 0).

    Examples:
        >>> import glassnet as gn
        >>> y = gn.dropout(gn.ones(1000), p=0.5, rng=0)
        >>> sorted(set(y.numpy().tolist()))
        [0.0, 2.0]
    """
    from glassnet.rng import get_rng

    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout: p must be in [0, 1), got {p}")
    x = x if isinstance(x, Tensor) else Tensor(x)
    if not training or p == 0.0:
        return x
    return DropoutOp.apply(x, p=p, rng=get_rng(rng))


def softmax(x: Any, axis: int = -1) -> Tensor:
    """e^x / sum(e^x) along ``axis``, computed after subtracting the max (no overflow).

    Examples:
        >>> import glassnet as gn
        >>> gn.softmax(gn.tensor([1e4, 1e4]))
        Tensor([0.5, 0.5], dtype=float32)
    """
    return SoftmaxOp.apply(x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log(softmax(x)) along ``axis``, computed stably as x - logsumexp(x)."""
    return LogSoftmaxOp.apply(x, axis=axis)
