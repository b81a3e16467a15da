"""Layers, models and losses: ``from glassnet import nn``.

Examples:
    >>> from glassnet import nn
    >>> model = nn.Sequential([nn.Dense(4, 16, "relu", rng=0), nn.Dense(16, 3, rng=1)])
    >>> model(np.ones((2, 4))).shape
    (2, 3)
"""

from glassnet.nn import functional, init
from glassnet.nn.activations import (
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Sin,
    Softmax,
    Softplus,
    Tanh,
    get_activation,
)
from glassnet.nn.containers import Sequential
from glassnet.nn.embedding import Embedding
from glassnet.nn.layers import BatchNorm1d, Bias, Dense, Dropout, Flatten, Linear
from glassnet.nn.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CrossEntropyLoss,
    HuberLoss,
    KerasLoss,
    L1Loss,
    Loss,
    MSELoss,
    NLLLoss,
    SparseCategoricalCrossentropy,
    get_loss,
)
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

__all__ = [
    "ELU",
    "GELU",
    "GRU",
    "LSTM",
    "RNN",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "Bias",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "CrossEntropyLoss",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRUCell",
    "HuberLoss",
    "Identity",
    "KerasLoss",
    "L1Loss",
    "LSTMCell",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "Loss",
    "MSELoss",
    "Module",
    "NLLLoss",
    "Parameter",
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Sin",
    "Softmax",
    "Softplus",
    "SparseCategoricalCrossentropy",
    "Tanh",
    "functional",
    "get_activation",
    "get_loss",
    "init",
]
