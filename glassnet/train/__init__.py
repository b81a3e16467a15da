"""Training: ``from glassnet.train import Trainer, EarlyStopping``."""

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
from glassnet.train.trainer import Trainer

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
    "Trainer",
]
