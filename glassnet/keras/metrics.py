"""Keras' metrics: by name in ``compile(metrics=["accuracy"])``, or as objects logged under
Keras' names (``SparseCategoricalAccuracy()`` logs "sparse_categorical_accuracy").

Each is computed over the whole epoch (not averaged over batches), from the model's outputs
(probabilities for a loss on logits).

Examples:
    >>> from glassnet import keras
    >>> metric = keras.metrics.SparseCategoricalAccuracy()
    >>> metric(np.array([0, 1]), np.array([[0.9, 0.1], [0.8, 0.2]])), metric.__name__
    (0.5, 'sparse_categorical_accuracy')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glassnet import metrics as functions


class Metric:
    """A metric function with the name Keras logs it under."""

    def __init__(self, function: Callable[[Any, Any], float], name: str) -> None:
        self.function = function
        self.__name__ = name

    def __call__(self, y_true: Any, y_pred: Any) -> float:
        return float(self.function(y_true, y_pred))

    def __repr__(self) -> str:
        return f"keras.metrics.{type(self).__name__}(name={self.__name__!r})"


def _metric(function: Callable[[Any, Any], float], default_name: str, doc: str) -> type[Metric]:
    class Named(Metric):
        __doc__ = doc

        def __init__(self, name: str = default_name) -> None:
            super().__init__(function, name)

    return Named


Accuracy = _metric(functions.accuracy, "accuracy", "Share of correct predictions.")
SparseCategoricalAccuracy = _metric(
    functions.accuracy, "sparse_categorical_accuracy", "Accuracy against class indices."
)
CategoricalAccuracy = _metric(
    functions.accuracy, "categorical_accuracy", "Accuracy against one-hot rows."
)
BinaryAccuracy = _metric(functions.accuracy, "binary_accuracy", "Accuracy at threshold 0.5.")
MeanSquaredError = _metric(functions.mse, "mean_squared_error", "Mean squared error.")
MeanAbsoluteError = _metric(functions.mae, "mean_absolute_error", "Mean absolute error.")
RootMeanSquaredError = _metric(functions.rmse, "root_mean_squared_error", "RMSE.")
Precision = _metric(functions.precision, "precision", "Precision.")
Recall = _metric(functions.recall, "recall", "Recall.")

for _name, _cls in list(globals().items()):
    if isinstance(_cls, type) and issubclass(_cls, Metric) and _cls is not Metric:
        _cls.__name__ = _cls.__qualname__ = _name

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "Metric",
    "Precision",
    "Recall",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
]
