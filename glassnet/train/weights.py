"""Per-sample weights for ``fit`` (Keras' ``sample_weight`` and ``class_weight``) and the class
labels of a classification target (used by the weights and by the validation-split check).

A weighted batch loss is Keras' "sum over batch size": ``sum_i w_i * loss_i / batch_size``,
each sample's loss first averaged over its own elements (the outputs of a regression).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import nn
from glassnet.tensor import Tensor

#: Losses whose targets are classes (indices, one-hot rows or 0/1 values).
CLASSIFICATION_LOSSES = (nn.CrossEntropyLoss, nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss)


def is_classification(loss_fn: Any) -> bool:
    """Whether ``loss_fn`` compares outputs with classes (Keras' cross-entropies included)."""
    return isinstance(loss_fn, (*CLASSIFICATION_LOSSES, nn.KerasLoss))


def class_labels(y: np.ndarray) -> np.ndarray | None:
    """The integer class of each sample of a target: the index itself, the argmax of a one-hot
    row, or a 0/1 value; None when the target does not hold classes (real-valued).

    Examples:
        >>> class_labels(np.array([[0, 1], [1, 0]])).tolist(), class_labels(np.array([0.3]))
        ([1, 0], None)
    """
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    flat = y.reshape(len(y), -1)
    if flat.shape[1] != 1:
        return None
    labels = flat[:, 0]
    if labels.dtype.kind == "f" and not np.array_equal(labels, np.round(labels)):
        return None
    if labels.dtype.kind not in "iubf":
        return None
    return labels.astype(np.int64)


def sample_weights(
    y: np.ndarray, sample_weight: Any, class_weight: Any, loss_fn: Any
) -> np.ndarray | None:
    """One weight per sample from ``sample_weight`` (N,) times ``class_weight[class of y]``,
    or None when neither is given.

    Raises:
        ValueError: for a sample_weight of another length, negative or non-finite weights, a
            class_weight with a non-classification loss, or classes missing from class_weight.
    """
    if sample_weight is None and class_weight is None:
        return None
    if not isinstance(loss_fn, nn.Loss):
        raise TypeError(
            "fit: sample_weight and class_weight need a glassnet loss (one with a reduction), "
            f"got {type(loss_fn).__name__}"
        )
    weights = np.ones(len(y))
    if sample_weight is not None:
        given = np.asarray(sample_weight, dtype=np.float64)
        if given.shape != (len(y),):
            raise ValueError(
                f"fit: sample_weight must hold one weight per sample, shape ({len(y)},), got "
                f"shape {given.shape}"
            )
        weights = weights * given
    if class_weight is not None:
        weights = weights * _class_weights(y, class_weight, loss_fn)
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError("fit: sample weights must be finite and >= 0")
    return weights


def _class_weights(y: np.ndarray, class_weight: Any, loss_fn: Any) -> np.ndarray:
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"fit: class_weight must be a dict {{class: weight}}, got {type(class_weight).__name__}"
        )
    labels = class_labels(y) if is_classification(loss_fn) else None
    if labels is None:
        raise ValueError(
            "fit: class_weight needs class targets and a classification loss, got "
            f"{type(loss_fn).__name__} with targets of shape {y.shape}"
        )
    present = np.unique(labels)
    missing = sorted(int(c) for c in present if int(c) not in class_weight)
    if missing:
        raise ValueError(f"fit: class_weight has no weight for the class(es) {missing}")
    lookup = np.zeros(int(present.max()) + 1)
    for cls, weight in class_weight.items():
        if 0 <= int(cls) < len(lookup):
            lookup[int(cls)] = float(weight)
    return lookup[labels]


def weighted_loss(loss_fn: nn.Loss, output: Tensor, y: Any, weights: np.ndarray) -> Tensor:
    """``sum_i w_i * loss_i / N`` over the batch, ``loss_i`` each sample's mean loss."""
    saved = loss_fn.reduction
    loss_fn.reduction = "none"
    try:
        per_element = loss_fn(output, y)
    finally:
        loss_fn.reduction = saved
    per_sample = per_element.reshape(len(weights), -1).mean(axis=1)
    return (per_sample * weights.astype(per_sample.dtype)).sum() / len(weights)
