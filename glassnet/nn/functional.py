"""Stateless functions on Tensors: what the layers and losses call.

The activations, ``linear``, ``dropout`` and ``cross_entropy`` are the ops themselves; the
losses here are compositions of ops, each with a shape check first, so that an (N, 1)
prediction is never silently broadcast against an (N,) target into an (N, N) loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
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
from glassnet.tensor import Tensor, as_array

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "categorical_crossentropy",
    "cross_entropy", "dropout", "elu", "gelu", "huber_loss", "l1_loss", "leaky_relu", "linear",
    "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid", "softmax", "softplus", "tanh",
]  # fmt: skip

REDUCTIONS = ("mean", "sum", "none")


def _pair(loss: str, prediction: Any, target: Any) -> tuple[Tensor, Tensor]:
    """Prediction and target as Tensors of one dtype and exactly one shape."""
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
    p, t = _pair("huber_loss", prediction, target)
    error = ops.abs(p - t)
    quadratic = ops.minimum(error, delta)
    return _reduce(
        0.5 * quadratic * quadratic + delta * (error - quadratic), reduction, "huber_loss"
    )


def binary_cross_entropy(
    probabilities: Any, target: Any, reduction: str = "mean", eps: float = 1e-7
) -> Tensor:
    """The log loss on probabilities: -(y log p + (1 - y) log(1 - p)), p clipped to
    [eps, 1 - eps] so a confident mistake costs a large but finite loss."""
    p, t = _pair("binary_cross_entropy", probabilities, target)
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


def nll_loss(log_probabilities: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: -log_probabilities[i, target_i], for (N, C) and (N,) ints."""
    lp = log_probabilities if isinstance(log_probabilities, Tensor) else Tensor(log_probabilities)
    t = as_array(target)
    if lp.ndim != 2 or t.shape != (lp.shape[0],) or t.dtype.kind not in "iu":
        raise ShapeError(
            f"nll_loss: expects log-probabilities (N, C) and integer targets (N,); got "
            f"{lp.shape} and {t.shape} of dtype {t.dtype}"
        )
    if t.size and (t.min() < 0 or t.max() >= lp.shape[1]):
        raise ValueError(f"nll_loss: class targets must lie in [0, {lp.shape[1]})")
    return _reduce(-lp[np.arange(lp.shape[0]), t], reduction, "nll_loss")


def categorical_crossentropy(
    probabilities: Any, target: Any, reduction: str = "mean", eps: float = 1e-7
) -> Tensor:
    """Keras' categorical cross-entropy: -sum_c y_c log p_c for probabilities and one-hot
    (or soft) targets, p clipped to [eps, 1]."""
    p, t = _pair("categorical_crossentropy", probabilities, target)
    losses = -(t * ops.log(ops.clip(p, eps, 1.0))).sum(axis=-1)
    return _reduce(losses, reduction, "categorical_crossentropy")
