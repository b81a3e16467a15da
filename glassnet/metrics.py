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


def _labels(y: Any, threshold: float = 0.5) -> np.ndarray:
    """Class labels from indices, one-hot rows, class scores or binary probabilities."""
    y = as_array(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y)) if y.ndim == 2 else y
    if y.dtype.kind == "f" and not np.all((y == 0) | (y == 1)):
        return (y >= threshold).astype(np.int64)
    return y.astype(np.int64)


def accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> float:
    """The share of correct predictions (labels, one-hot, class scores, or probabilities)."""
    t, p = _labels(y_true, threshold), _labels(y_pred, threshold)
    if t.shape != p.shape:
        raise ValueError(f"accuracy: {t.shape[0]} true labels but {p.shape[0]} predictions")
    return float(np.mean(t == p))


def top_k_accuracy(y_true: Any, scores: Any, k: int = 5) -> float:
    """The share of samples whose true class is among the ``k`` highest scores."""
    t, s = _labels(y_true), as_array(scores)
    top = np.argpartition(-s, kth=min(k, s.shape[1]) - 1, axis=1)[:, :k]
    return float(np.mean(np.any(top == t[:, np.newaxis], axis=1)))


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None) -> np.ndarray:
    """Counts: row = true class, column = predicted class."""
    t, p = _labels(y_true), _labels(y_pred)
    n = int(max(t.max(initial=0), p.max(initial=0))) + 1 if num_classes is None else num_classes
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


def _regression_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = as_array(y_true).astype(np.float64)
    p = as_array(y_pred).astype(np.float64)
    if t.size != p.size:
        raise ValueError(f"{t.size} targets but {p.size} predictions")
    return t.reshape(-1), p.reshape(-1)


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error."""
    t, p = _regression_pair(y_true, y_pred)
    return float(np.mean((t - p) ** 2))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error."""
    t, p = _regression_pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error, in the target's units."""
    return float(np.sqrt(mse(y_true, y_pred)))


def r2(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination: 1 - SS_residual / SS_total (1 is perfect, 0 is the mean)."""
    t, p = _regression_pair(y_true, y_pred)
    total = np.sum((t - t.mean()) ** 2)
    return float(1.0 - np.sum((t - p) ** 2) / total) if total > 0 else 0.0


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
