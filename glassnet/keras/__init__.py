"""Keras on glassnet: ``from glassnet import keras`` runs a Keras program built on
``Sequential`` as written.

``keras.Sequential``, ``keras.Input``, ``keras.layers`` (Dense, Dropout, Flatten, Activation,
BatchNormalization), ``keras.optimizers`` (SGD, Adam, AdamW, RMSprop with Keras' defaults and
update rules), ``keras.losses``, ``keras.metrics``, ``keras.callbacks``, ``keras.models``
(``load_model``) and ``keras.utils.to_categorical``. What glassnet lacks (the functional API,
convolution layers, ...) is missing by name: an AttributeError, never a silent stand-in.

Examples:
    >>> from glassnet import keras
    >>> model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    >>> _ = model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.3), loss="mse")
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]); y = X.sum(axis=1)
    >>> _ = model.fit(X, y, epochs=300, verbose=0)
    >>> bool(model.evaluate(X, y, verbose=0) < 1e-3)
    True
"""

from glassnet.keras import callbacks, layers, losses, metrics, models, optimizers, utils
from glassnet.keras.layers import Input
from glassnet.keras.models import Sequential

__all__ = [
    "Input",
    "Sequential",
    "callbacks",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "utils",
]
