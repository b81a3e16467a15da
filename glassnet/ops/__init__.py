"""Every differentiable operation, in function form (``gn.exp(x)``); Tensor methods call these.

One file per kind: arithmetic, elementwise (math and activations), compare, reduce, movement,
linalg, nn. Each op is a :class:`glassnet.Function` with a hand-written forward and backward.
"""

from glassnet.ops.arithmetic import add, astype, div, mul, neg, pow, sub
from glassnet.ops.compare import equal, greater, greater_equal, less, less_equal, not_equal
from glassnet.ops.elementwise import (
    abs,
    clip,
    cos,
    elu,
    exp,
    gelu,
    leaky_relu,
    log,
    maximum,
    minimum,
    relu,
    sigmoid,
    sin,
    softplus,
    sqrt,
    tanh,
    where,
)
from glassnet.ops.linalg import matmul
from glassnet.ops.movement import (
    broadcast_to,
    concatenate,
    expand,
    flatten,
    getitem,
    pad,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    transpose,
    unsqueeze,
)
from glassnet.ops.movement import (
    movedim as movedim,
)
from glassnet.ops.nn import cross_entropy, dropout, linear, log_softmax, softmax
from glassnet.ops.reduce import argmax, argmin, logsumexp, max, mean, min, std, sum, var

__all__ = [
    "abs", "add", "argmax", "argmin", "astype", "broadcast_to", "clip", "concatenate", "cos",
    "cross_entropy", "div", "dropout", "elu", "equal", "exp", "expand", "flatten", "gelu",
    "getitem", "greater", "greater_equal", "leaky_relu", "less", "less_equal", "linear", "log",
    "log_softmax", "logsumexp",
    "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "neg", "not_equal", "pad",
    "permute", "pow", "relu", "reshape", "sigmoid", "sin", "softmax", "softplus", "split",
    "sqrt", "squeeze", "stack", "std", "sub", "sum", "swapaxes", "tanh", "transpose",
    "unsqueeze", "var", "where",
]  # fmt: skip

# movedim joins __all__ once tests/ops/test_float32.py (frozen during the Tensor rewrite) lists
# it among the ops it covers; until then glassnet/__init__.py exports it by name.
