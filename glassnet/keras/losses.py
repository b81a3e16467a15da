"""Keras' losses by their Keras names (glassnet's ``nn`` losses underneath).

The cross-entropies take probabilities unless ``from_logits=True``, as in Keras. Names work
too in ``compile``: "sparse_categorical_crossentropy", "categorical_crossentropy",
"binary_crossentropy", "mse"/"mean_squared_error", "mae"/"mean_absolute_error", "huber".

Examples:
    >>> from glassnet import keras
    >>> loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    >>> round(loss(np.zeros((1, 2)), np.array([1])).item(), 4)  # log 2
    0.6931
"""

from __future__ import annotations

from glassnet.nn.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    HuberLoss,
    L1Loss,
    MSELoss,
    SparseCategoricalCrossentropy,
)


class MeanSquaredError(MSELoss):
    """Keras' ``MeanSquaredError()``: the mean of ``(y_pred - y_true)^2``."""


class MeanAbsoluteError(L1Loss):
    """Keras' ``MeanAbsoluteError()``: the mean of ``|y_pred - y_true|``."""


class Huber(HuberLoss):
    """Keras' ``Huber(delta=1.0)``."""


__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Huber",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
]
