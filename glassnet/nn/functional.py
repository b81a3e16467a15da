"""Stateless functions on Tensors: what the layers and losses call.

The activations, ``linear``, ``dropout`` and ``cross_entropy`` are the ops themselves; the
losses here are compositions of ops, each with a shape check first, so that an (N, 1)
prediction is never silently broadcast against an (N,) target into an (N, N) loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_number
from glassnet.errors import ShapeError
from glassnet.ops import (
    cross_entropy,
    dropout,
    elu,
    gelu,
    leaky_relu,
    linear,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from glassnet.ops.encoding import one_hot
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
    "dropout",
    "elu",
    "gelu",
    "huber_loss",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "sparse_categorical_crossentropy",
    "tanh",
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


def mse_loss(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: mean((prediction - target)^2).

    Examples:
        >>> from glassnet.nn import functional as F
        >>> F.mse_loss(np.array([1.0, 3.0]), np.array([0.0, 1.0])).item()
        2.5
    """
    p, t = _pair("mse_loss", prediction, target)
    diff = p - t
    return _reduce(diff * diff, reduction, "mse_loss")


def l1_loss(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: mean(|prediction - target|)."""
    p, t = _pair("l1_loss", prediction, target)
    return _reduce(ops.abs(p - t), reduction, "l1_loss")


def huber_loss(prediction: Any, target: Any, delta: float = 1.0, reduction: str = "mean"):
    """Quadratic for errors up to ``delta``, linear beyond: 0.5 e^2 or delta (|e| - delta / 2).

    Written as ``0.5 q^2 + delta (|e| - q)`` with ``q = min(|e|, delta)``, one smooth formula.
    """
    delta = check_number("huber_loss", "delta", delta, low=0.0, low_open=True)
    p, t = _pair("huber_loss", prediction, target)
    error = ops.abs(p - t)
    quadratic = ops.minimum(error, delta)
    return _reduce(
        0.5 * quadratic * quadratic + delta * (error - quadratic), reduction, "huber_loss"
    )


def binary_cross_entropy(
    probabilities: Any, target: Any, reduction: str = "mean", eps: float | None = None
) -> Tensor:
    """The log loss on probabilities: ``-(y log p + (1 - y) log(1 - p))``.

    By default exactly ``torch.nn.functional.binary_cross_entropy``: each log is clamped at
    -100, so a confident mistake costs 100 and every gradient stays finite. With ``eps``
    (Keras' way, used by ``BinaryCrossentropy``) p is clipped to ``[eps, 1 - eps]`` first.

    Examples:
        >>> from glassnet.nn import functional as F
        >>> F.binary_cross_entropy(np.array([0.0]), np.array([1.0])).item()  # log clamped
        100.0
        >>> round(F.binary_cross_entropy(np.array([0.0]), np.array([1.0]), eps=1e-7).item(), 4)
        16.1181
    """
    p, t = _pair("binary_cross_entropy", probabilities, target)
    if p.size and (p.data.min() < 0.0 or p.data.max() > 1.0):  # nan passes, as in PyTorch
        raise ValueError(
            "binary_cross_entropy: probabilities must lie in [0, 1] (got values from "
            f"{p.data.min()} to {p.data.max()}); for logits use binary_cross_entropy_with_logits"
        )
    if eps is None:
        return _reduce(BinaryCrossEntropyOp.apply(p, t), reduction, "binary_cross_entropy")
    p = ops.clip(p, eps, 1.0 - eps)
    losses = -(t * ops.log(p) + (1.0 - t) * ops.log(1.0 - p))
    return _reduce(losses, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy from logits z, stable for any z:
    ``max(z, 0) - z y + log(1 + e^-|z|)``.

    Examples:
        >>> from glassnet.nn import functional as F
        >>> round(F.binary_cross_entropy_with_logits(np.array([0.0]), np.array([1.0])).item(), 4)
        0.6931
    """
    z, t = _pair("binary_cross_entropy_with_logits", logits, target)
    losses = ops.relu(z) - z * t + ops.softplus(-ops.abs(z))
    return _reduce(losses, reduction, "binary_cross_entropy_with_logits")


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
