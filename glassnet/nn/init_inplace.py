"""PyTorch's ``nn.init`` functions: each fills a Tensor in place and returns it.

Fans are read in PyTorch's layout: a weight of shape (out, in, *kernel) has
``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``, so for ``nn.Linear``'s
(out_features, in_features) weight ``fan_in`` is ``in_features``. (The initializer objects of
``nn.init``, such as ``GlorotUniform()``, draw Keras-layout (in, out) arrays instead.)

Examples:
    >>> from glassnet import nn
    >>> layer = nn.Linear(300, 100)
    >>> _ = nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu", generator=0)
    >>> bool(abs(layer.weight.numpy()).max() <= (6 / 300) ** 0.5)
    True
    >>> nn.init.calculate_gain("tanh")
    1.6666666666666667
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import ShapeError
from glassnet.rng import get_rng
from glassnet.tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "eye_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def _fill(tensor: Any, values: np.ndarray) -> Any:
    """Write ``values`` into the tensor's own array (optimizers keep their references)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init: expected a Tensor or Parameter, got {type(tensor).__name__}")
    tensor.data[...] = values
    graph.bump_version(tensor)
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as PyTorch: 1 for linear/conv/sigmoid, 5/3 for
    tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope ``param``, default
    0.01), 3/4 for selu."""
    if nonlinearity in ("linear", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight in PyTorch's (out, in, *kernel) layout."""
    shape = tuple(np.shape(tensor))
    if len(shape) < 2:
        raise ShapeError(
            f"nn.init: fan in and fan out need a Tensor of 2 or more dimensions, got shape {shape}"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Any:
    """Fill with U(a, b)."""
    return _fill(tensor, get_rng(generator).uniform(a, b, tensor.shape))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Any:
    """Fill with N(mean, std^2)."""
    return _fill(tensor, get_rng(generator).normal(mean, std, tensor.shape))


def trunc_normal_(
    tensor: Any,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Any = None,
) -> Any:
    """Fill with N(mean, std^2) truncated to [a, b]: values outside are drawn again (a loop
    over rounds of redraws, each vectorised; the expected number of rounds is small)."""
    if not a < b:
        raise ValueError(f"trunc_normal_: a ({a}) must be less than b ({b})")
    rng = get_rng(generator)
    values = rng.normal(mean, std, tensor.shape)
    outside = (values < a) | (values > b)
    for _ in range(1000):
        if not outside.any():
            break
        values[outside] = rng.normal(mean, std, int(outside.sum()))
        outside = (values < a) | (values > b)
    return _fill(tensor, np.clip(values, a, b))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``."""
    return _fill(tensor, np.asarray(val))


def ones_(tensor: Any) -> Any:
    """Fill with 1."""
    return _fill(tensor, np.asarray(1.0))


def zeros_(tensor: Any) -> Any:
    """Fill with 0."""
    return _fill(tensor, np.asarray(0.0))


def eye_(tensor: Any) -> Any:
    """The identity matrix in a 2-D Tensor (ones on the diagonal of a rectangle)."""
    if len(tensor.shape) != 2:
        raise ShapeError(f"eye_: needs a 2-D Tensor, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, get_rng(generator).uniform(-bound, bound, tensor.shape))


def xavier_normal_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, get_rng(generator).normal(0.0, std, tensor.shape))


def kaiming_uniform_(
    tensor: Any,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Any:
    """U(-bound, bound), bound = gain * sqrt(3 / fan) with the gain of ``nonlinearity``
    (slope ``a``); PyTorch's Linear default is ``a = sqrt(5)``: bound 1 / sqrt(fan_in)."""
    fan = _fan(tensor, mode)
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan) if fan else 0.0
    return _fill(tensor, get_rng(generator).uniform(-bound, bound, tensor.shape))


def kaiming_normal_(
    tensor: Any,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Any:
    """N(0, std^2), std = gain / sqrt(fan)."""
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan else 0.0
    return _fill(tensor, get_rng(generator).normal(0.0, std, tensor.shape))


def orthogonal_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """A (semi-)orthogonal matrix, from the QR decomposition of a normal one (signs fixed so
    the result is uniformly distributed), the trailing axes flattened, times ``gain``."""
    shape = tuple(tensor.shape)
    if len(shape) < 2:
        raise ShapeError(f"orthogonal_: needs 2 or more dimensions, got shape {shape}")
    rows, cols = shape[0], math.prod(shape[1:])
    flat = get_rng(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(shape))
