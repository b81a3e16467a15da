"""The losses of ``nn.functional``, with PyTorch's names and signatures (and Keras' two
categorical ones).

``cross_entropy`` is the fused op itself; the losses here are compositions of ops, each with a
shape check first, so that an (N, 1) prediction is never silently broadcast against an (N,)
target into an (N, N) loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_number
from glassnet.errors import ShapeError
from glassnet.ops import cross_entropy
from glassnet.ops.losses import (
    BinaryCrossEntropyOp,
    class_axis_last,
    class_index_targets,
    class_weights,
)
from glassnet.tensor import Tensor, as_array

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_crossentropy",
    "cross_entropy",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "legacy_reduction",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
    "sparse_categorical_crossentropy",
]

REDUCTIONS = ("mean", "sum", "none")


def _pair(loss: str, prediction: Any, target: Any) -> tuple[Tensor, Tensor]:
    """Prediction and target as Tensors of one dtype and exactly one shape."""
    for what, value in (("prediction", prediction), ("target", target)):
        kind = value.dtype.kind if isinstance(value, Tensor) else np.asarray(value).dtype.kind
        if kind not in "biuf":
            raise TypeError(
                f"{loss}: {what} must hold numbers, got {type(value).__name__} of dtype "
                f"{np.asarray(value).dtype}"
            )
    p = prediction if isinstance(prediction, Tensor) else Tensor(prediction)
    if p.dtype.kind != "f":
        p = p.astype(np.float32)
    t = target if isinstance(target, Tensor) else Tensor(np.asarray(target), dtype=p.dtype)
    if t.dtype != p.dtype:
        t = t.astype(p.dtype)
    if p.shape != t.shape:
        raise ShapeError(
            f"{loss}: prediction has shape {p.shape} but target has shape {t.shape}; they must "
            "match exactly (reshape one of them, e.g. y.reshape(-1, 1))"
        )
    return p, t


def _reduce(losses: Tensor, reduction: str, loss: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"{loss}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def legacy_reduction(loss: str, size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction, from PyTorch's deprecated ``size_average``/``reduce`` flags as PyTorch
    reads them (``reduce=False``: "none"; ``size_average=False``: "sum"). A string in the
    ``size_average`` slot is glassnet's older positional ``reduction`` and is taken as such."""
    if isinstance(size_average, str):
        return size_average
    if size_average is None and reduce is None:
        return reduction
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def _weighted(losses: Tensor, weight: Any, loss: str) -> Tensor:
    if weight is None:
        return losses
    w = as_array(weight)
    try:
        np.broadcast_shapes(w.shape, losses.shape)
    except ValueError:
        raise ShapeError(
            f"{loss}: weight of shape {w.shape} does not broadcast to the loss's shape "
            f"{losses.shape}"
        ) from None
    return losses * w.astype(losses.dtype, copy=False)


def mse_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Mean squared error: mean((input - target)^2), PyTorch's signature.

    Examples:
        >>> from glassnet.nn import functional as F
        >>> F.mse_loss(np.array([1.0, 3.0]), np.array([0.0, 1.0])).item()
        2.5
    """
    reduction = legacy_reduction("mse_loss", size_average, reduce, reduction)
    p, t = _pair("mse_loss", input, target)
    diff = p - t
    return _reduce(_weighted(diff * diff, weight, "mse_loss"), reduction, "mse_loss")


def l1_loss(
    input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction="mean"
) -> Tensor:
    """Mean absolute error: mean(|input - target|)."""
    reduction = legacy_reduction("l1_loss", size_average, reduce, reduction)
    p, t = _pair("l1_loss", input, target)
    return _reduce(ops.abs(p - t), reduction, "l1_loss")


def _huber(loss: str, input: Any, target: Any, delta: float) -> Tensor:
    """0.5 e^2 for |e| <= delta, delta (|e| - delta / 2) beyond, written as one smooth
    formula: ``0.5 q^2 + delta (|e| - q)`` with ``q = min(|e|, delta)``."""
    p, t = _pair(loss, input, target)
    error = ops.abs(p - t)
    quadratic = ops.minimum(error, delta)
    return 0.5 * quadratic * quadratic + delta * (error - quadratic)


def huber_loss(input: Any, target: Any, reduction: Any = "mean", delta: float = 1.0) -> Tensor:
    """Quadratic for errors up to ``delta``, linear beyond, PyTorch's signature (a number in
    the third place is glassnet's older positional ``delta``).

    Examples:
        >>> from glassnet.nn import functional as F
        >>> F.huber_loss(np.array([0.0, 3.0]), np.zeros(2), delta=1.0).item()  # (0 + 2.5) / 2
        1.25
    """
    if not isinstance(reduction, str):
        reduction, delta = (delta if isinstance(delta, str) else "mean"), reduction
    delta = check_number("huber_loss", "delta", delta, low=0.0, low_open=True)
    return _reduce(_huber("huber_loss", input, target, delta), reduction, "huber_loss")


def smooth_l1_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """0.5 e^2 / beta for |e| < beta, |e| - beta / 2 beyond: Huber divided by beta (L1 when
    beta is 0).

    Examples:
        >>> from glassnet.nn import functional as F
        >>> F.smooth_l1_loss(np.array([0.5, 3.0]), np.zeros(2)).item()  # (0.125 + 2.5) / 2
        1.3125
    """
    reduction = legacy_reduction("smooth_l1_loss", size_average, reduce, reduction)
    beta = check_number("smooth_l1_loss", "beta", beta, low=0.0)
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    losses = _huber("smooth_l1_loss", input, target, beta) / beta
    return _reduce(losses, reduction, "smooth_l1_loss")


def kl_div(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence, PyTorch's: ``input`` holds log-probabilities and the loss
    per element is ``target (log target - input)`` (``exp(target) (target - input)`` with
    ``log_target``), 0 where target is 0. "batchmean" divides the sum by the batch size (the
    true KL divergence); "mean" by the number of elements, as PyTorch.

    Examples:
        >>> from glassnet.nn import functional as F
        >>> q, p = np.log([[0.5, 0.5]]), np.array([[0.25, 0.75]])
        >>> round(F.kl_div(q, p, reduction="batchmean").item(), 4)
        0.1308
    """
    reduction = legacy_reduction("kl_div", size_average, reduce, reduction)
    lp, t = _pair("kl_div", input, target)
    if log_target:
        losses = ops.exp(t) * (t - lp)
    else:
        safe = np.where(t.data > 0, t.data, 1.0)  # 0 log 0 = 0, without a nan in the gradient
        losses = t * (np.log(safe) - lp)
    if reduction == "batchmean":
        return losses.sum() / (lp.shape[0] if lp.ndim else 1)
    return _reduce(losses, reduction, "kl_div")


def binary_cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    eps: float | None = None,
) -> Tensor:
    """The log loss on probabilities: ``-w (y log p + (1 - y) log(1 - p))``.

    By default exactly ``torch.nn.functional.binary_cross_entropy``: each log is clamped at
    -100, so a confident mistake costs 100 and every gradient stays finite. With ``eps``
    (Keras' way, used by ``BinaryCrossentropy``) p is clipped to ``[eps, 1 - eps]`` first.
    ``weight`` rescales each element's loss (it broadcasts to the input's shape).

    Examples:
        >>> from glassnet.nn import functional as F
        >>> F.binary_cross_entropy(np.array([0.0]), np.array([1.0])).item()  # log clamped
        100.0
        >>> round(F.binary_cross_entropy(np.array([0.0]), np.array([1.0]), eps=1e-7).item(), 4)
        16.1181
    """
    if isinstance(weight, str):  # glassnet's older positional reduction
        weight, reduction = None, weight
    reduction = legacy_reduction("binary_cross_entropy", size_average, reduce, reduction)
    p, t = _pair("binary_cross_entropy", input, target)
    if p.size and (p.data.min() < 0.0 or p.data.max() > 1.0):  # nan passes, as in PyTorch
        raise ValueError(
            "binary_cross_entropy: probabilities must lie in [0, 1] (got values from "
            f"{p.data.min()} to {p.data.max()}); for logits use binary_cross_entropy_with_logits"
        )
    if eps is None:
        losses = BinaryCrossEntropyOp.apply(p, t)
    else:
        p = ops.clip(p, eps, 1.0 - eps)
        losses = -(t * ops.log(p) + (1.0 - t) * ops.log(1.0 - p))
    losses = _weighted(losses, weight, "binary_cross_entropy")
    return _reduce(losses, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy from logits z, stable for any z:
    ``w (pos_weight y softplus(-z) + (1 - y) softplus(z))`` (softplus(-z) = -log sigmoid(z)).

    ``pos_weight`` weighs the positive examples (one value per class, broadcast along the last
    axis, as PyTorch); ``weight`` rescales each element.

    Examples:
        >>> from glassnet.nn import functional as F
        >>> round(F.binary_cross_entropy_with_logits(np.array([0.0]), np.array([1.0])).item(), 4)
        0.6931
    """
    if isinstance(weight, str):
        weight, reduction = None, weight
    name = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(name, size_average, reduce, reduction)
    z, t = _pair(name, input, target)
    if pos_weight is None:
        losses = ops.relu(z) - z * t + ops.softplus(-ops.abs(z))
    else:
        positive = _weighted(t, pos_weight, name)
        losses = positive * ops.softplus(-z) + (1.0 - t) * ops.softplus(z)
    return _reduce(_weighted(losses, weight, name), reduction, name)


def nll_loss(
    log_probabilities: Any,
    target: Any,
    reduction: str = "mean",
    *,
    weight: Any = None,
    ignore_index: int = -100,
) -> Tensor:
    """Negative log-likelihood, as ``torch.nn.functional.nll_loss``: ``-w[y] lp[y]`` per
    position, for log-probabilities (N, C), (N, C, d1, ...) or (C,) and class indices
    (N,), (N, d1, ...) or ().

    ``weight`` (C,) weighs each class, and the mean divides by the summed weights of the
    targets; targets equal to ``ignore_index`` count for nothing (neither in the mean).

    Examples:
        >>> from glassnet.nn import functional as F
        >>> lp = np.log(np.array([[0.5, 0.5], [0.25, 0.75]]))
        >>> round(F.nll_loss(lp, [0, 1]).item(), 4)  # -(log 0.5 + log 0.75) / 2
        0.4904
        >>> round(F.nll_loss(lp, [0, 1], weight=[3.0, 1.0]).item(), 4)  # / (3 + 1)
        0.5918
    """
    lp = log_probabilities if isinstance(log_probabilities, Tensor) else Tensor(log_probabilities)
    if lp.dtype.kind != "f":
        lp = lp.astype(np.float32)
    if reduction not in REDUCTIONS:
        raise ValueError(f"nll_loss: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    shape = lp.shape
    if not shape:
        raise ShapeError("nll_loss: log-probabilities must have a class axis, got a scalar")
    classes = shape[1] if len(shape) >= 2 else shape[0]
    w = class_weights("nll_loss", weight, classes, lp.dtype)
    flat, ignored = class_index_targets("nll_loss", shape, as_array(target), ignore_index)
    coefficient = (np.ones(len(flat), lp.dtype) if w is None else w[flat]) * ~ignored
    picked = class_axis_last(lp, shape)[np.arange(len(flat)), flat]
    losses = -picked * coefficient
    if reduction == "mean":
        total = coefficient.sum()
        if not total:  # nothing counted: nan as in PyTorch, and no gradient for anyone
            return losses.sum() * 0.0 + np.nan
        return losses.sum() / total
    if reduction == "sum":
        return losses.sum()
    return losses.reshape((shape[0], *shape[2:]) if len(shape) > 1 else ())


def categorical_crossentropy(
    probabilities: Any,
    target: Any,
    reduction: str = "mean",
    eps: float = 1e-7,
    from_logits: bool = False,
) -> Tensor:
    """Keras' categorical cross-entropy, ``-sum_c y_c log p_c`` over the last axis, against
    one-hot (or soft) targets of the same shape.

    As Keras does, probabilities are first scaled to sum to 1, then clipped to
    ``[eps, 1 - eps]``, so a confident mistake costs a large but finite loss. With
    ``from_logits=True`` the input is logits, and the softmax and log are one stable op.
    (Note glassnet's argument order, prediction first; Keras' functions take ``y_true`` first.)

    Examples:
        >>> from glassnet.nn import functional as F
        >>> p, y = np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])
        >>> round(F.categorical_crossentropy(p, y).item(), 4)
        0.6931
    """
    p, t = _pair("categorical_crossentropy", probabilities, target)
    if p.ndim == 0:
        raise ShapeError("categorical_crossentropy: needs a class axis (the last), got a scalar")
    if from_logits:  # class axis last, as in Keras; cross_entropy wants it at 1
        losses = cross_entropy(_classes_second(p), _classes_second(t), reduction="none")
        return _reduce(losses, reduction, "categorical_crossentropy")
    p = ops.clip(p / p.sum(axis=-1, keepdims=True), eps, 1.0 - eps)
    losses = -(t * ops.log(p)).sum(axis=-1)
    return _reduce(losses, reduction, "categorical_crossentropy")


def sparse_categorical_crossentropy(
    probabilities: Any,
    target: Any,
    reduction: str = "mean",
    eps: float = 1e-7,
    from_logits: bool = False,
) -> Tensor:
    """Keras' sparse categorical cross-entropy: ``-log p[y]`` for probabilities (..., C) (the
    classes on the last axis, as in Keras) and integer class indices (...).

    Probabilities are scaled to sum to 1 and clipped to ``[eps, 1 - eps]`` as in Keras; with
    ``from_logits=True`` the input is logits and this is ``cross_entropy``.

    Examples:
        >>> from glassnet.nn import functional as F
        >>> round(F.sparse_categorical_crossentropy(np.array([[0.25, 0.75]]), [1]).item(), 4)
        0.2877
    """
    p = probabilities if isinstance(probabilities, Tensor) else Tensor(probabilities)
    if p.dtype.kind != "f":
        p = p.astype(np.float32)
    t = as_array(target)
    if p.ndim == 0 or t.shape != p.shape[:-1] or t.dtype.kind not in "iu":
        raise ShapeError(
            f"sparse_categorical_crossentropy: probabilities of shape {p.shape} (classes last) "
            f"need integer class indices of shape {p.shape[:-1]}; got shape {t.shape} and "
            f"dtype {t.dtype}"
        )
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"sparse_categorical_crossentropy: reduction must be one of {REDUCTIONS}, "
            f"got {reduction!r}"
        )
    if from_logits:
        return cross_entropy(_classes_second(p), t, reduction)
    classes = p.shape[-1]
    if t.size and (t.min() < 0 or t.max() >= classes):
        raise ValueError(
            f"sparse_categorical_crossentropy: class targets must lie in [0, {classes}), got "
            f"values from {t.min()} to {t.max()}"
        )
    p = ops.clip(p / p.sum(axis=-1, keepdims=True), eps, 1.0 - eps)
    flat = t.reshape(-1)
    losses = -ops.log(p.reshape(-1, classes)[np.arange(len(flat)), flat])
    return _reduce(losses.reshape(t.shape), reduction, "sparse_categorical_crossentropy")


def _classes_second(x: Tensor) -> Tensor:
    """Keras' classes-last (N, ..., C) as PyTorch's classes-second (N, C, ...)."""
    return x if x.ndim <= 2 else ops.movedim(x, -1, 1)
