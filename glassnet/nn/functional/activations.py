"""The activations of ``nn.functional``, with PyTorch's names and signatures.

Each is one op with a hand-written backward (``glassnet.ops.elementwise`` for the classic ones,
``glassnet.ops.activations`` for the rest). ``inplace=True`` is accepted and gives the same
values: glassnet returns a new Tensor (autograd keeps the input for the backward).

Examples:
    >>> import glassnet as gn
    >>> from glassnet.nn import functional as F
    >>> F.relu6(gn.tensor([-1.0, 3.0, 9.0]))
    Tensor([0., 3., 6.], dtype=float32)
    >>> F.softmax(gn.zeros(2, 4), dim=1).numpy()[0]
    array([0.25, 0.25, 0.25, 0.25], dtype=float32)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.ops import activations as act
from glassnet.tensor import Tensor

__all__ = [
    "celu",
    "elu",
    "gelu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "leaky_relu",
    "log_softmax",
    "logsigmoid",
    "mish",
    "prelu",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
]


def relu(input: Any, inplace: bool = False) -> Tensor:
    """max(x, 0)."""
    return ops.relu(input)


def relu6(input: Any, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    return act.relu6(input)


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    return ops.leaky_relu(input, negative_slope)


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise."""
    return ops.elu(input, alpha)


def selu(input: Any, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with SELU's constants."""
    return act.selu(input)


def celu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e^(x / alpha) - 1) otherwise."""
    return act.celu(input, alpha)


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """x Phi(x); ``approximate="tanh"`` for the tanh form."""
    return ops.gelu(input, approximate)


def silu(input: Any, inplace: bool = False) -> Tensor:
    """x * sigmoid(x)."""
    return act.silu(input)


def mish(input: Any, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return act.mish(input)


def hardswish(input: Any, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    return act.hardswish(input)


def hardsigmoid(input: Any, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    return act.hardsigmoid(input)


def hardtanh(
    input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """clip(x, min_val, max_val)."""
    return act.hardtanh(input, min_val, max_val)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta x)) / beta, and x where beta x > threshold."""
    return act.softplus_beta(input, beta, threshold)


def softsign(input: Any) -> Tensor:
    """x / (1 + |x|)."""
    return act.softsign(input)


def sigmoid(input: Any) -> Tensor:
    """1 / (1 + e^-x)."""
    return ops.sigmoid(input)


def tanh(input: Any) -> Tensor:
    """Hyperbolic tangent."""
    return ops.tanh(input)


def logsigmoid(input: Any) -> Tensor:
    """log(sigmoid(x)), stable for any x."""
    return act.logsigmoid(input)


def tanhshrink(input: Any) -> Tensor:
    """x - tanh(x)."""
    return act.tanhshrink(input)


def softshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x - lambd sign(x) where |x| > lambd, else 0."""
    return act.softshrink(input, lambd)


def hardshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return act.hardshrink(input, lambd)


def threshold(input: Any, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    return act.threshold(input, threshold, value)


def prelu(input: Any, weight: Any) -> Tensor:
    """x where x > 0, else weight * x (one weight, or one per channel on axis 1)."""
    return act.prelu(input, weight)


def implicit_dim(name: str, ndim: int) -> int:
    """PyTorch's choice when ``dim`` is left out (deprecated there too): 0 for 0-, 1- and 3-d
    inputs, else 1. A warning says so, as PyTorch's does."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated (as in PyTorch): pass dim=",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _ndim(x: Any) -> int:
    return x.ndim if isinstance(x, Tensor) else int(np.ndim(x))


def _cast(input: Any, dtype: Any) -> Any:
    if dtype is None:
        return input
    from glassnet.nn.factory import as_numpy_dtype

    x = input if isinstance(input, Tensor) else Tensor(input)
    return x.astype(as_numpy_dtype(dtype))


def softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None):
    """e^x / sum(e^x) along ``dim``; ``dtype`` casts the input first, as PyTorch."""
    x = _cast(input, dtype)
    if dim is None:
        dim = implicit_dim("softmax", _ndim(x))
    return ops.softmax(x, dim)


def softmin(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None):
    """softmax(-x) along ``dim``."""
    x = _cast(input, dtype)
    if dim is None:
        dim = implicit_dim("softmin", _ndim(x))
    return ops.softmax(-(x if isinstance(x, Tensor) else Tensor(x)), dim)


def log_softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None):
    """log(softmax(x)) along ``dim``, computed stably."""
    x = _cast(input, dtype)
    if dim is None:
        dim = implicit_dim("log_softmax", _ndim(x))
    return ops.log_softmax(x, dim)
