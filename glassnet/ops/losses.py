"""Loss ops fused into one Function each: cross-entropy from logits (class indices or
probabilities, PyTorch's ``weight``, ``ignore_index`` and ``label_smoothing``) and binary
cross-entropy on probabilities. Fused for stability (no log of a rounded-off softmax) and speed
(one graph node per loss)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.elementwise import as_float
from glassnet.tensor import Tensor, as_array


def softmax_parts(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For logits (N, C): ``shifted`` (each row minus its max, so ``exp`` cannot overflow),
    ``exp(shifted)`` and its row sums ``total`` (N, 1); softmax is ``exp / total`` and
    log softmax ``shifted - log(total)``. The backward keeps ``exp`` and ``total``."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return shifted, exp, exp.sum(axis=1, keepdims=True)


class CrossEntropyOp(Function):
    """Softmax cross-entropy from logits (N, C) against class indices (N,), fused: stable and
    one node. The plain case (no ``weight``, nothing ignored) is the training hot path.

    With ``w`` the class weights (all 1 without ``weight``), ``m_i`` 0 for an ignored sample
    and 1 otherwise, and ``eps`` the label smoothing, as ``torch.nn.functional.cross_entropy``:
    ``loss_i = m_i ((1 - eps) w_{y_i} (-log p_{i y_i}) + eps / C sum_c w_c (-log p_ic))``,
    with ``p = softmax(z)``. That is ``-sum_c q_ic log p_ic`` for the weighted target
    ``q_ic = m_i ((1 - eps) w_{y_i} [c = y_i] + eps w_c / C)``, so the gradient is
    ``p_i sum_c q_ic - q_i``: ``p - q`` in the plain case. The mean divides by
    ``sum_i m_i w_{y_i}`` (N in the plain case), as PyTorch does.
    """

    @staticmethod
    def forward(
        ctx: Context,
        logits: np.ndarray,
        target: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
        weight: np.ndarray | None = None,
        ignored: np.ndarray | None = None,
    ) -> np.ndarray:
        n, classes = logits.shape
        logits = as_float(logits)
        shifted, exp, total = softmax_parts(logits)
        log_norm = np.log(total)  # log softmax(z)_c = shifted_c - log_norm
        rows = np.arange(n)
        losses = log_norm[:, 0] - shifted[rows, target]  # -log p of the true class
        plain = weight is None and ignored is None
        if plain:
            if label_smoothing:  # mix in the uniform target: -mean_c log softmax(z)_c
                uniform = log_norm[:, 0] - shifted.mean(axis=1)
                losses = (1.0 - label_smoothing) * losses + label_smoothing * uniform
            denominator = n
        else:
            # per-sample weight of the true class, 0 where ignored (target is 0 there)
            picked = np.ones(n, logits.dtype) if weight is None else weight[target]
            if ignored is not None:
                picked = np.where(ignored, 0, picked).astype(logits.dtype, copy=False)
            losses = picked * losses
            if label_smoothing:
                w = np.ones(classes, logits.dtype) if weight is None else weight
                smooth = log_norm[:, 0] * w.sum() - shifted @ w  # sum_c w_c (-log p_c)
                if ignored is not None:
                    smooth = np.where(ignored, 0, smooth)
                losses = (1.0 - label_smoothing) * losses + label_smoothing / classes * smooth
            denominator = picked.sum()
            ctx.picked = picked
        ctx.save_for_backward(exp, total, target)  # softmax = exp / total, formed in backward
        ctx.reduction, ctx.label_smoothing = reduction, label_smoothing
        ctx.plain, ctx.weight, ctx.ignored, ctx.denominator = plain, weight, ignored, denominator
        if reduction == "mean":
            if not denominator:  # nothing counted (no sample, or all ignored): 0 / 0, as PyTorch
                return np.full((), np.nan, losses.dtype)
            return losses.sum() / denominator  # sum / n: cheaper than mean
        if reduction == "sum":
            return losses.sum()
        return losses

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        exp, total, target = ctx.saved_tensors
        n, classes = exp.shape
        smoothing = ctx.label_smoothing
        rows = np.arange(n)
        grad_logits = exp / total  # softmax, a fresh array to work in
        if ctx.plain:  # q sums to 1 in every row: the gradient is p - q
            grad_logits[rows, target] -= 1.0 - smoothing
            if smoothing:
                grad_logits -= smoothing / classes
        else:
            weight, ignored, picked = ctx.weight, ctx.ignored, ctx.picked
            w = np.ones(classes, exp.dtype) if weight is None else weight
            keep = 1.0 if ignored is None else ~ignored[:, np.newaxis]
            # p * sum_c q_c - q, with sum_c q_c = (1 - eps) w_y + eps / C sum_c w_c (masked)
            row_sum = (1.0 - smoothing) * picked + smoothing / classes * w.sum() * (
                1.0 if ignored is None else ~ignored
            )
            grad_logits *= row_sum[:, np.newaxis]
            grad_logits[rows, target] -= (1.0 - smoothing) * picked
            if smoothing:
                grad_logits -= smoothing / classes * w * keep
        if ctx.reduction == "mean":
            # nothing counted: the loss is nan, but no sample has a gradient (PyTorch: 0)
            grad_logits *= grad / ctx.denominator if ctx.denominator else 0.0
        elif ctx.reduction == "sum":
            grad_logits *= grad
        else:
            grad_logits *= grad[:, np.newaxis]
        return grad_logits


class SoftTargetCrossEntropyOp(Function):
    """Softmax cross-entropy from logits (N, C) against class probabilities (N, C), fused.

    ``loss_i = -sum_c w_c q_ic log p_ic`` with ``p = softmax(z)`` and the target smoothed as
    ``q = (1 - eps) t + eps / C`` (``w`` the class weights, 1 without ``weight``). Targets
    need not sum to 1 (PyTorch does not ask it), so the gradient is
    ``d/dz_i = p_i sum_c w_c q_ic - w q_i``, which is ``p - q`` only for a normalised
    unweighted target. The target is differentiable too: ``d/dt_ic = -(1 - eps) w_c log p_ic``.
    The mean divides by N (PyTorch does not divide by the weights for probability targets).
    """

    @staticmethod
    def forward(
        ctx: Context,
        logits: np.ndarray,
        target: np.ndarray,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
        weight: np.ndarray | None = None,
    ) -> np.ndarray:
        n, classes = logits.shape
        logits = as_float(logits)
        shifted, exp, total = softmax_parts(logits)
        log_p = shifted - np.log(total)
        q = target.astype(logits.dtype, copy=False)
        if label_smoothing:
            q = (1.0 - label_smoothing) * q + label_smoothing / classes
        if weight is not None:
            q = q * weight
        losses = -(q * log_p).sum(axis=1)
        ctx.save_for_backward(exp / total, log_p, q)
        ctx.reduction, ctx.label_smoothing, ctx.weight = reduction, label_smoothing, weight
        if reduction == "mean":
            return losses.sum() / n if n else np.full((), np.nan, losses.dtype)
        if reduction == "sum":
            return losses.sum()
        return losses

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        p, log_p, q = ctx.saved_tensors
        n = len(p)
        if ctx.reduction == "mean":
            scale = grad / n if n else grad
        elif ctx.reduction == "sum":
            scale = grad
        else:
            scale = grad[:, np.newaxis]
        need_logits, need_target = ctx.needs_input_grad
        grad_logits = grad_target = None
        if need_logits:
            grad_logits = (p * q.sum(axis=1, keepdims=True) - q) * scale
        if need_target:
            grad_target = -(1.0 - ctx.label_smoothing) * log_p * scale
            if ctx.weight is not None:
                grad_target = grad_target * ctx.weight
        return grad_logits, grad_target


class BinaryCrossEntropyOp(Function):
    """The log loss on probabilities, exactly as ``torch.nn.functional.binary_cross_entropy``:
    ``-(t max(log p, -100) + (1 - t) max(log(1 - p), -100))``, so p = 0 or 1 costs at most
    100 and stays finite. The gradients are PyTorch's too:
    ``d/dp = (p - t) / max(p (1 - p), 1e-12)`` and ``d/dt = max(log(1 - p), -100) -
    max(log p, -100)``.
    """

    @staticmethod
    def forward(ctx: Context, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):  # log 0 = -inf, clamped to -100
            log_p = np.maximum(np.log(p), -100.0)
            log_q = np.maximum(np.log1p(-p), -100.0)
        ctx.save_for_backward(p, t, log_p, log_q)
        return -(t * log_p + (1.0 - t) * log_q)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        p, t, log_p, log_q = ctx.saved_tensors
        need_p, need_t = ctx.needs_input_grad
        grad_p = grad * (p - t) / np.maximum(p * (1.0 - p), 1e-12) if need_p else None
        grad_t = grad * (log_q - log_p) if need_t else None
        return grad_p, grad_t


def cross_entropy(
    logits: Any,
    target: Any,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    *,
    weight: Any = None,
    ignore_index: int = -100,
) -> Tensor:
    """Cross-entropy of logits against class indices or class probabilities, as
    ``torch.nn.functional.cross_entropy``.

    Args:
        logits: (N, C), or (N, C, d1, d2, ...) with the classes on axis 1 (a sequence model's
            (B, V, T)), or (C,) for one sample.
        target: class indices of shape (N,) / (N, d1, ...) / (), or probabilities of the
            logits' shape (which need not sum to 1 and may require grad).
        reduction: "mean", "sum" or "none" (then the loss per position, shape (N, d1, ...)).
        label_smoothing: eps in [0, 1]: the target becomes ``(1 - eps) target + eps / C``.
        weight: optional per-class weights (C,). With index targets the mean divides by the
            summed weights of the (non-ignored) targets, with probabilities by the count.
        ignore_index: index targets equal to it add nothing to the loss nor to the mean's
            denominator (PyTorch's default, -100, is never a class).

    Examples:
        >>> import glassnet as gn
        >>> round(gn.cross_entropy(gn.zeros(2, 4), [1, 3]).item(), 4)  # log 4
        1.3863
        >>> round(gn.cross_entropy(gn.zeros(2, 4), [1, -100]).item(), 4)  # one sample ignored
        1.3863
        >>> logits, classes = gn.zeros(2, 5, 7), gn.zeros(2, 7, dtype="int64")  # (B, V, T), (B, T)
        >>> gn.cross_entropy(logits, classes, reduction="none").shape
        (2, 7)
    """
    if not isinstance(reduction, str) or reduction not in ("mean", "sum", "none"):
        hint = " (pass class weights as weight=...)" if not isinstance(reduction, str) else ""
        raise ValueError(
            f"cross_entropy: reduction must be mean, sum or none, not {reduction!r}{hint}"
        )
    z = logits if isinstance(logits, Tensor) else Tensor(logits)
    t = as_array(target)
    shape = z.data.shape
    # the hot path: (N, C) logits, in-range integer classes, no weight, nothing ignored
    if len(shape) == 2 and t.ndim == 1 and t.dtype.kind in "iu" and weight is None:
        n, classes = shape
        if len(t) == n and (
            not n or (t.min() >= 0 and t.max() < classes and not 0 <= ignore_index < classes)
        ):
            if not 0.0 <= label_smoothing <= 1.0:
                raise ValueError(
                    f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}"
                )
            return CrossEntropyOp.apply(
                z, target=t, reduction=reduction, label_smoothing=label_smoothing
            )
    return _general_cross_entropy(z, target, t, reduction, label_smoothing, weight, ignore_index)


def class_axis_last(x: Any, shape: tuple[int, ...]) -> Any:
    """(N, C, d1, ...) -> (N * d1 * ..., C) and (C,) -> (1, C), differentiably; (N, C) as is."""
    from glassnet.ops.movement import movedim, reshape

    if len(shape) == 2:
        return x
    classes = shape[1] if len(shape) > 2 else shape[0]
    return reshape(x if len(shape) == 1 else movedim(x, 1, -1), -1, classes)


def class_weights(op: str, weight: Any, classes: int, dtype: np.dtype) -> np.ndarray | None:
    """``weight`` as a (C,) array of the logits' float dtype (None stays None)."""
    if weight is None:
        return None
    w = as_array(weight).astype(dtype if dtype.kind == "f" else np.float32)
    if w.shape != (classes,):
        raise ShapeError(f"{op}: weight must have shape ({classes},), one per class, got {w.shape}")
    return w


def class_index_targets(
    op: str, shape: tuple[int, ...], t: np.ndarray, ignore_index: int
) -> tuple[np.ndarray, np.ndarray]:
    """Check class-index targets against (N, C, d1, ...) (or (C,)) scores and flatten them.

    Returns ``(classes, ignored)``, both of shape (N * d1 * ...,): the targets with the ignored
    ones replaced by 0 (so they can index), and the mask of the ignored ones.
    """
    classes = shape[1] if len(shape) >= 2 else shape[0]
    index_shape = (shape[0], *shape[2:]) if len(shape) >= 2 else ()
    if t.shape != index_shape or t.dtype.kind not in "iu":
        raise ShapeError(
            f"{op}: scores of shape {shape} need targets that are class indices of shape "
            f"{index_shape} (an integer dtype); got shape {t.shape} and dtype {t.dtype}"
        )
    flat = t.reshape(-1)
    ignored = flat == ignore_index
    kept = flat[~ignored]
    if kept.size and (kept.min() < 0 or kept.max() >= classes):
        raise ValueError(
            f"{op}: class targets must lie in [0, {classes}) (or equal "
            f"ignore_index={ignore_index}), got values from {kept.min()} to {kept.max()}"
        )
    return np.where(ignored, 0, flat), ignored


def _general_cross_entropy(
    z: Tensor,
    target: Any,
    t: np.ndarray,
    reduction: str,
    label_smoothing: float,
    weight: Any,
    ignore_index: int,
) -> Tensor:
    """cross_entropy beyond the hot path: weights, ignored targets, probabilities, d1... axes."""
    from glassnet.ops.movement import reshape

    shape = z.data.shape
    if not shape:
        raise ShapeError("cross_entropy: logits must have a class axis, got a scalar")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    classes = shape[1] if len(shape) >= 2 else shape[0]
    w = class_weights("cross_entropy", weight, classes, z.dtype)
    if t.shape == shape and t.dtype.kind in "fbiu":  # probabilities, as PyTorch decides
        if ignore_index >= 0:
            raise ValueError(
                "cross_entropy: ignore_index is only for class-index targets, not probabilities"
            )
        if isinstance(target, Tensor):
            target_t = target if target.dtype == z.dtype else target.astype(z.dtype)
        else:
            target_t = Tensor(t.astype(z.dtype if z.dtype.kind == "f" else np.float32))
        out = SoftTargetCrossEntropyOp.apply(
            class_axis_last(z, shape),
            class_axis_last(target_t, shape),
            reduction=reduction,
            label_smoothing=label_smoothing,
            weight=w,
        )
    else:
        if t.dtype.kind not in "iu" or t.ndim != max(len(shape) - 1, 0):
            raise ShapeError(
                f"cross_entropy: logits of shape {shape} need targets that are class indices "
                f"of shape {(shape[0], *shape[2:]) if len(shape) > 1 else ()} (an integer "
                f"dtype) or probabilities of shape {shape}; got shape {t.shape} and dtype {t.dtype}"
            )
        flat, ignored = class_index_targets("cross_entropy", shape, t, ignore_index)
        out = CrossEntropyOp.apply(
            class_axis_last(z, shape),
            target=flat,
            reduction=reduction,
            label_smoothing=label_smoothing,
            weight=w,
            ignored=ignored if ignored.any() else None,
        )
    if reduction == "none" and len(shape) != 2:
        out = reshape(out, (shape[0], *shape[2:]) if len(shape) > 1 else ())
    return out
