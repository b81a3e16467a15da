"""``keras.utils``: ``to_categorical`` and ``set_random_seed``."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from glassnet.arguments import check_int
from glassnet.data.preprocessing import to_one_hot
from glassnet.rng import manual_seed


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


def set_random_seed(seed: int) -> None:
    """Keras' ``keras.utils.set_random_seed``: seed Python's, NumPy's global and glassnet's
    generators at once, so a script's runs repeat.

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import keras
        >>> keras.utils.set_random_seed(3); a = gn.rand(2)
        >>> keras.utils.set_random_seed(3); bool((gn.rand(2) == a).all())
        True
    """
    seed = check_int("set_random_seed", "seed", seed, minimum=0)
    random.seed(seed)
    # Keras seeds the legacy global generator that users' scripts still draw from (32 bits):
    np.random.seed(seed % 2**32)  # noqa: NPY002
    manual_seed(seed)


__all__ = ["set_random_seed", "to_categorical"]
