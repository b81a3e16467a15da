"""``glassnet.nn.functional``, imported as ``F``: PyTorch's functions with PyTorch's names and
signatures, on glassnet Tensors.

One file per kind: ``activations`` (relu ... softmax), ``losses`` (cross_entropy ...,
Keras' two categorical ones) and ``tensors`` (linear, dropout, embedding, one_hot, pad,
normalize, cosine_similarity, pairwise_distance). Every function is made of ops with a
hand-written backward.

Examples:
    >>> import glassnet as gn
    >>> from glassnet.nn import functional as F
    >>> x, w = gn.ones(4, 3), gn.ones(2, 3)      # w as PyTorch: (out_features, in_features)
    >>> F.linear(x, w).shape
    (4, 2)
    >>> round(F.cross_entropy(gn.zeros(2, 4), [1, 3]).item(), 4)
    1.3863
"""

from glassnet.nn.batchnorm import dropout2d
from glassnet.nn.functional.activations import (
    celu,
    elu,
    gelu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from glassnet.nn.functional.losses import (
    REDUCTIONS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_crossentropy,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
    sparse_categorical_crossentropy,
)
from glassnet.nn.functional.tensors import (
    cosine_similarity,
    dropout,
    embedding,
    linear,
    normalize,
    one_hot,
    pad,
    pairwise_distance,
)
from glassnet.ops.attention import scaled_dot_product_attention
from glassnet.ops.batch_norm import batch_norm, group_norm
from glassnet.ops.conv import conv1d, conv2d, conv_transpose2d
from glassnet.ops.im2col import fold, unfold
from glassnet.ops.layer_norm import layer_norm, rms_norm
from glassnet.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from glassnet.ops.resize import adaptive_avg_pool2d, adaptive_max_pool2d, interpolate

__all__ = [
    "REDUCTIONS",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_crossentropy",
    "celu",
    "conv1d",
    "conv2d",
    "conv_transpose2d",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "dropout2d",
    "elu",
    "embedding",
    "fold",
    "gelu",
    "group_norm",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "interpolate",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool1d",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "prelu",
    "relu",
    "relu6",
    "rms_norm",
    "scaled_dot_product_attention",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "sparse_categorical_crossentropy",
    "tanh",
    "tanhshrink",
    "threshold",
    "unfold",
]
