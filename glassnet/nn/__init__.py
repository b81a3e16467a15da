"""Layers, models and losses: ``from glassnet import nn``.

Examples:
    >>> from glassnet import nn
    >>> model = nn.Sequential([nn.Dense(4, 16, "relu", rng=0), nn.Dense(16, 3, rng=1)])
    >>> model(np.ones((2, 4))).shape
    (2, 3)
"""

from glassnet.nn import functional, init, utils
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
from glassnet.nn.attention import MultiheadAttention
from glassnet.nn.batchnorm import BatchNorm2d, Dropout2d, GroupNorm
from glassnet.nn.containers import Sequential
from glassnet.nn.conv import Conv1d, Conv2d, ConvTranspose2d
from glassnet.nn.dense import Dense
from glassnet.nn.embedding import Embedding
from glassnet.nn.layers import BatchNorm1d, Bias, Dropout, Flatten, Linear, Unflatten
from glassnet.nn.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CrossEntropyLoss,
    HuberLoss,
    KerasLoss,
    KLDivLoss,
    L1Loss,
    Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
    SparseCategoricalCrossentropy,
    get_loss,
)
from glassnet.nn.module import Module
from glassnet.nn.module_containers import ModuleDict, ModuleList, ParameterDict, ParameterList
from glassnet.nn.more_activations import (
    CELU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LogSigmoid,
    Mish,
    PReLU,
    ReLU6,
    SiLU,
    Softmin,
    Softshrink,
    Softsign,
    Tanhshrink,
    Threshold,
)
from glassnet.nn.normalization import LayerNorm, RMSNorm
from glassnet.nn.parameter import Parameter
from glassnet.nn.pooling import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
    Upsample,
)
from glassnet.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from glassnet.nn.transformer import TransformerDecoderLayer, TransformerEncoderLayer

__all__ = [
    "CELU",
    "ELU",
    "GELU",
    "GRU",
    "LSTM",
    "RNN",
    "SELU",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Bias",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "CrossEntropyLoss",
    "Dense",
    "Dropout",
    "Dropout2d",
    "Embedding",
    "Flatten",
    "GRUCell",
    "GroupNorm",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "HuberLoss",
    "Identity",
    "KLDivLoss",
    "KerasLoss",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "Loss",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "Mish",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "ParameterDict",
    "ParameterList",
    "RMSNorm",
    "RNNCell",
    "ReLU",
    "ReLU6",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "Sin",
    "SmoothL1Loss",
    "Softmax",
    "Softmin",
    "Softplus",
    "Softshrink",
    "Softsign",
    "SparseCategoricalCrossentropy",
    "Tanh",
    "Tanhshrink",
    "Threshold",
    "TransformerDecoderLayer",
    "TransformerEncoderLayer",
    "Unflatten",
    "Upsample",
    "functional",
    "get_activation",
    "get_loss",
    "init",
    "utils",
]
