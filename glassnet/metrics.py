"""Metrics on NumPy arrays: ``metric(y_true, y_pred)``, usable by name in ``compile``/``Trainer``.

``y_pred`` may be what a model outputs: class scores (N, C) are reduced with argmax; a single
column of probabilities is thresholded at 0.5. ``y_true`` may be class indices or one-hot rows.

Examples:
    >>> from glassnet import metrics
    >>> metrics.accuracy([0, 2, 1], [[0.9, 0.1, 0.0], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1]])
    0.6666666666666666
    >>> metrics.confusion_matrix([0, 1, 1], [0, 1, 0])
    array([[1, 0],
           [1, 1]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.registry import Registry
from glassnet.tensor import as_array


def _samples(y: Any, name: str, metric: str) -> np.ndarray:
    """``y`` as an array with at least one sample along its first axis."""
    y = as_array(y)
    if y.ndim == 0 or len(y) == 0:
        shown = "a scalar" if y.ndim == 0 else f"no samples (shape {y.shape})"
        raise ValueError(f"{metric}: {name} must hold one entry per sample, got {shown}")
    return y


def _labels(y: Any, threshold: float = 0.5, name: str = "y", metric: str = "metric") -> np.ndarray:
    """Class labels from indices, one-hot rows, class scores or binary probabilities."""
    y = _samples(y, name, metric)
    if y.ndim > 2:
        raise ValueError(f"{metric}: {name} has shape {y.shape}; expected (N,) or (N, classes)")
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y)) if y.ndim == 2 else y
    if y.dtype.kind == "f" and not np.all((y == 0) | (y == 1)):
        return (y >= threshold).astype(np.int64)
    return y.astype(np.int64)


def _columns(y: np.ndarray) -> int | None:
    """The number of classes a 2-D array of scores or one-hot rows has columns for."""
    return y.shape[1] if y.ndim == 2 and y.shape[1] > 1 else None


def _pair(metric: str, y_true: Any, y_pred: Any, threshold: float = 0.5):
    """Labels of y_true and y_pred, checked to be comparable: the same number of samples, and
    no true class the predicted scores have no column for (a model for other data)."""
    t_raw, p_raw = _samples(y_true, "y_true", metric), _samples(y_pred, "y_pred", metric)
    t = _labels(t_raw, threshold, "y_true", metric)
    p = _labels(p_raw, threshold, "y_pred", metric)
    if len(t) != len(p):
        raise ValueError(f"{metric}: {len(t)} true labels but {len(p)} predictions")
    classes, true_classes = _columns(p_raw), _columns(t_raw)
    if classes is not None and true_classes is not None and classes != true_classes:
        raise ValueError(
            f"{metric}: y_true has one-hot rows of {true_classes} classes but y_pred scores "
            f"{classes}"
        )
    if classes is not None and (t.min() < 0 or t.max() >= classes):
        raise ValueError(
            f"{metric}: y_true has labels from {t.min()} to {t.max()} but y_pred scores only "
            f"{classes} classes (0 to {classes - 1})"
        )
    return t, p


def accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> float:
    """The share of correct predictions (labels, one-hot, class scores, or probabilities).

    Raises:
        ValueError: for empty inputs, different numbers of samples, or true labels that the
            scores in ``y_pred`` have no column for.
    """
    t, p = _pair("accuracy", y_true, y_pred, threshold)
    return float(np.mean(t == p))


def top_k_accuracy(y_true: Any, scores: Any, k: int = 5) -> float:
    """The share of samples whose true class is among the ``k`` highest scores."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"top_k_accuracy: k must be a positive int, got {k!r}")
    s = _samples(scores, "scores", "top_k_accuracy")
    if s.ndim != 2:
        raise ValueError(f"top_k_accuracy: scores must be (N, classes), got shape {s.shape}")
    t, _ = _pair("top_k_accuracy", y_true, s)
    top = np.argpartition(-s, kth=min(k, s.shape[1]) - 1, axis=1)[:, :k]
    return float(np.mean(np.any(top == t[:, np.newaxis], axis=1)))


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None) -> np.ndarray:
    """Counts: row = true class, column = predicted class.

    Raises:
        ValueError: for empty inputs, different numbers of samples, negative labels, or labels
            outside ``range(num_classes)``.
    """
    t, p = _pair("confusion_matrix", y_true, y_pred)
    low = min(t.min(), p.min())
    if low < 0:
        raise ValueError(f"confusion_matrix: labels must not be negative, got {low}")
    high = int(max(t.max(), p.max()))
    if num_classes is None:
        n = high + 1
    elif high >= num_classes:  # t * n + p would count it in another class's cell
        raise ValueError(
            f"confusion_matrix: label {high} is outside range(num_classes={num_classes})"
        )
    else:
        n = num_classes
    return np.bincount(t * n + p, minlength=n * n).reshape(n, n)


def _per_class(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cm = confusion_matrix(y_true, y_pred)
    hits = np.diag(cm).astype(np.float64)
    return hits, cm.sum(axis=0).astype(np.float64), cm.sum(axis=1).astype(np.float64)


def precision(y_true: Any, y_pred: Any) -> float:
    """Macro-averaged precision: mean over classes of TP / predicted (0 where none predicted)."""
    hits, predicted, _ = _per_class(y_true, y_pred)
    return float(np.mean(np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)))


def recall(y_true: Any, y_pred: Any) -> float:
    """Macro-averaged recall: mean over classes of TP / actual (0 where a class is absent)."""
    hits, _, actual = _per_class(y_true, y_pred)
    return float(np.mean(np.divide(hits, actual, out=np.zeros_like(hits), where=actual > 0)))


def f1(y_true: Any, y_pred: Any) -> float:
    """Macro-averaged F1: mean over classes of 2 TP / (predicted + actual)."""
    hits, predicted, actual = _per_class(y_true, y_pred)
    total = predicted + actual
    return float(np.mean(np.divide(2 * hits, total, out=np.zeros_like(hits), where=total > 0)))


def _regression_pair(
    y_true: Any, y_pred: Any, metric: str = "metric"
) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions as flat float arrays of equal length: the same shape, except
    that one value per sample may come as (N,) or (N, 1)."""
    t = _samples(y_true, "y_true", metric).astype(np.float64)
    p = _samples(y_pred, "y_pred", metric).astype(np.float64)
    if t.shape != p.shape:
        column = all(a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 1) for a in (t, p))
        if not (column and len(t) == len(p)):
            raise ValueError(f"{metric}: y_true has shape {t.shape} but y_pred has shape {p.shape}")
    return t.reshape(-1), p.reshape(-1)


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error."""
    t, p = _regression_pair(y_true, y_pred, "mse")
    return float(np.mean((t - p) ** 2))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error."""
    t, p = _regression_pair(y_true, y_pred, "mae")
    return float(np.mean(np.abs(t - p)))


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error, in the target's units."""
    t, p = _regression_pair(y_true, y_pred, "rmse")
    return float(np.sqrt(np.mean((t - p) ** 2)))


def r2(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination: 1 - SS_residual / SS_total (1 is perfect, 0 is the mean).

    Constant targets leave it undefined; then, as in scikit-learn, perfect predictions score 1
    and any others 0.
    """
    t, p = _regression_pair(y_true, y_pred, "r2")
    residual = np.sum((t - p) ** 2)
    total = np.sum((t - t.mean()) ** 2)
    if total > 0:
        return float(1.0 - residual / total)
    return 1.0 if residual == 0 else 0.0


METRICS = Registry(
    "metric",
    {
        "accuracy": accuracy,
        "acc": accuracy,
        "top_k_accuracy": top_k_accuracy,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "mse": mse,
        "mae": mae,
        "rmse": rmse,
        "r2": r2,
    },
    instantiate=False,
)

#: ``get(metric_or_name)``: the metric function for a name ("accuracy", "r2", ...) or a callable.
get = METRICS.get
