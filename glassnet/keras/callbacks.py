"""Keras' callbacks (the same objects as ``glassnet.train``'s): ``EarlyStopping``,
``ModelCheckpoint``, ``ReduceLROnPlateau``, ``LearningRateScheduler``, ``CSVLogger``,
``LambdaCallback``, ``TerminateOnNaN``, ``History`` and the base ``Callback`` (whose
``self.model`` is the model being trained).

Examples:
    >>> from glassnet import keras
    >>> stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
"""

from glassnet.train.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    TerminateOnNaN,
)
from glassnet.train.history import History
from glassnet.train.reduce_lr import ReduceLROnPlateau

__all__ = [
    "CSVLogger",
    "Callback",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
