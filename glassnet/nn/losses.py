"""Loss functions as Modules: ``loss = loss_fn(prediction, target)``.

Like every Module they can be driven by hand: after ``loss_fn.forward(prediction, target)``,
``loss_fn.backward()`` returns d loss / d prediction.

Examples:
    >>> from glassnet import nn
    >>> loss_fn = nn.MSELoss()
    >>> loss_fn.forward(np.array([1.0, 3.0]), np.array([0.0, 1.0])).item()
    2.5
    >>> loss_fn.backward()
    array([1., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.nn import functional as F
from glassnet.nn.module import Module
from glassnet.registry import Registry
from glassnet.tensor import Tensor


class Loss(Module):
    """Base class: ``reduction`` is "mean" (default), "sum" or "none"."""

    #: Whether a 1-D target holds class indices (cross-entropy, NLL) rather than one value per
    #: sample; the Trainer reads a 1-D target as a column (N, 1) otherwise.
    takes_class_indices = False

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in F.REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {F.REDUCTIONS}")
        self.reduction = reduction

    def predictions(self, output: np.ndarray) -> np.ndarray:
        """What metrics compare with the targets: the model's output itself, unless the loss
        reads it as logits (then the probabilities)."""
        return output

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(Loss):
    """Mean squared error."""

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.mse_loss(prediction, target, self.reduction)


class L1Loss(Loss):
    """Mean absolute error."""

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.l1_loss(prediction, target, self.reduction)


class HuberLoss(Loss):
    """Quadratic near zero, linear beyond ``delta``: robust to outliers."""

    def __init__(self, delta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.huber_loss(prediction, target, self.delta, self.reduction)


class BCELoss(Loss):
    """Binary cross-entropy on probabilities (the "log loss"), clipped to stay finite."""

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(prediction, target, self.reduction)


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits: sigmoid and log loss in one stable formula."""

    def predictions(self, output: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-output))  # metrics see probabilities, not logits

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(prediction, target, self.reduction)


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy from logits (N, C), against class indices (N,) or probabilities
    (N, C); one fused op. ``label_smoothing`` mixes the target with the uniform distribution.
    """

    takes_class_indices = True

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.label_smoothing = label_smoothing

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(prediction, target, self.reduction, self.label_smoothing)


class NLLLoss(Loss):
    """Negative log-likelihood of log-probabilities (after ``LogSoftmax``)."""

    takes_class_indices = True

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.nll_loss(prediction, target, self.reduction)


class CategoricalCrossentropy(Loss):
    """Keras' name: cross-entropy of probabilities (after ``Softmax``) with one-hot targets."""

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.categorical_crossentropy(prediction, target, self.reduction)


LOSSES = Registry(
    "loss",
    {
        "mse": MSELoss,
        "mean_squared_error": MSELoss,
        "l1": L1Loss,
        "mae": L1Loss,
        "mean_absolute_error": L1Loss,
        "huber": HuberLoss,
        "bce": BCELoss,
        "binary_crossentropy": BCELoss,
        "bce_with_logits": BCEWithLogitsLoss,
        "cross_entropy": CrossEntropyLoss,
        "sparse_categorical_crossentropy": CrossEntropyLoss,
        "nll": NLLLoss,
        "categorical_crossentropy": CategoricalCrossentropy,
    },
)

#: ``get_loss(loss_or_name)``: a loss Module from a name ("cross_entropy", ...) or a callable.
get_loss = LOSSES.get
