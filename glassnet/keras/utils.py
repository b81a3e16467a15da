"""``keras.utils.to_categorical``."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.data.preprocessing import to_one_hot


def to_categorical(y: Any, num_classes: int | None = None, dtype: Any = "float32") -> np.ndarray:
    """Integer labels to one-hot rows, as Keras: (N,) or (N, 1) -> (N, num_classes).

    Examples:
        >>> from glassnet import keras
        >>> keras.utils.to_categorical([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])  # Keras drops a trailing axis of 1
    return to_one_hot(labels, num_classes, dtype=np.dtype(dtype))


__all__ = ["to_categorical"]
