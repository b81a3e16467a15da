"""Initializers: objects called as ``init(shape, rng)`` that return a new weight array.

Weights here have shape (in_features, out_features), so ``fan_in = shape[0]`` and
``fan_out = shape[1]``; a 1-D shape has fan_in = fan_out = its length.

Examples:
    >>> from glassnet.nn import init
    >>> init.GlorotUniform()((3, 4), rng=0).shape
    (3, 4)
    >>> init.Constant([[1.0, 2.0]])((1, 2))
    array([[1., 2.]], dtype=float32)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.arguments import check_float_dtype, check_int, check_number
from glassnet.errors import ShapeError
from glassnet.registry import Registry
from glassnet.rng import RngLike, get_rng


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape: 1 for a scalar, the length for a 1-D shape, and
    ``shape[0]`` / ``shape[1]`` times the receptive field (the product of the rest) from 2-D on.
    A shape with a zero in it has zero fans; initializers give it an empty array without
    computing a bound."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[0] * receptive, shape[1] * receptive


class Initializer:
    """Base class: subclasses define ``sample(shape, rng)`` returning float64 values."""

    def __call__(self, shape: Any, rng: RngLike = None, dtype: Any = np.float32) -> np.ndarray:
        """A new array of ``shape`` (an int or a sequence of ints >= 0) and float ``dtype``.

        Raises:
            TypeError: a shape that is not ints, or a dtype that is not a float dtype.
            ValueError: a negative size.
        """
        name = type(self).__name__
        if isinstance(shape, (str, bytes)) or not isinstance(
            shape, (int, np.integer, Sequence, np.ndarray)
        ):
            raise TypeError(f"{name}: shape must be an int or a tuple of ints, got {shape!r}")
        sizes = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        shape = tuple(check_int(name, f"shape {sizes!r}: each size", n) for n in sizes)
        dtype = check_float_dtype(name, dtype, "weights are floats")
        if math.prod(shape) == 0:  # nothing to draw (and fans of 0 would divide by zero)
            return np.zeros(shape, dtype=dtype)
        return np.asarray(self.sample(shape, get_rng(rng)), dtype=dtype)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({settings})"


class Constant(Initializer):
    """Every weight set to ``value``: a scalar, or an array of exactly the weight's shape."""

    def __init__(self, value: Any) -> None:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"Constant: value must be a number or an array of numbers, got {value!r} "
                f"(dtype {array.dtype})"
            )
        self.value = array.astype(np.float64)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        if self.value.ndim and self.value.shape != shape:
            raise ShapeError(
                f"Constant initializer holds shape {self.value.shape}, but the weight has "
                f"shape {shape}"
            )
        return np.broadcast_to(self.value, shape).copy()

    def __repr__(self) -> str:
        return f"Constant({self.value.tolist() if self.value.ndim == 0 else self.value.shape})"


class Zeros(Constant):
    """All zeros (the usual bias initializer)."""

    def __init__(self) -> None:
        super().__init__(0.0)


class Ones(Constant):
    """All ones."""

    def __init__(self) -> None:
        super().__init__(1.0)


class Normal(Initializer):
    """N(mean, std^2)."""

    def __init__(self, mean: float = 0.0, std: float = 1.0) -> None:
        self.mean = check_number("Normal", "mean", mean)
        self.std = check_number("Normal", "std", std, low=0.0)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.mean, self.std, shape)


class Uniform(Initializer):
    """U(low, high)."""

    def __init__(self, low: float = -0.05, high: float = 0.05) -> None:
        self.low = check_number("Uniform", "low", low)
        self.high = check_number("Uniform", "high", high, low=self.low)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(self.low, self.high, shape)


class GlorotUniform(Initializer):
    """Xavier/Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = check_number(type(self).__name__, "gain", gain, low=0.0)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = fans(shape)
        bound = self.gain * math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, shape)


class GlorotNormal(Initializer):
    """Xavier/Glorot normal: N(0, gain^2 * 2 / (fan_in + fan_out))."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = check_number(type(self).__name__, "gain", gain, low=0.0)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = fans(shape)
        return rng.normal(0.0, self.gain * math.sqrt(2.0 / (fan_in + fan_out)), shape)


class HeNormal(Initializer):
    """Kaiming/He normal for ReLU nets: N(0, 2 / fan_in)."""

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, math.sqrt(2.0 / fans(shape)[0]), shape)


class HeUniform(Initializer):
    """Kaiming/He uniform: U(-b, b), b = sqrt(6 / ((1 + a^2) fan_in)).

    ``a`` is the negative slope of the rectifier after the layer; ``a = sqrt(5)`` gives
    b = 1 / sqrt(fan_in), PyTorch's default for ``Linear`` weights.
    """

    def __init__(self, a: float = 0.0) -> None:
        self.a = check_number("HeUniform", "a", a)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        bound = math.sqrt(6.0 / ((1.0 + self.a**2) * fans(shape)[0]))
        return rng.uniform(-bound, bound, shape)


class LeCunNormal(Initializer):
    """LeCun normal (for SELU-style nets): N(0, 1 / fan_in)."""

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, math.sqrt(1.0 / fans(shape)[0]), shape)


INITIALIZERS = Registry(
    "initializer",
    {
        "zeros": Zeros,
        "ones": Ones,
        "normal": Normal,
        "uniform": Uniform,
        "glorot_uniform": GlorotUniform,
        "xavier_uniform": GlorotUniform,
        "glorot_normal": GlorotNormal,
        "xavier_normal": GlorotNormal,
        "he_normal": HeNormal,
        "kaiming_normal": HeNormal,
        "he_uniform": HeUniform,
        "kaiming_uniform": HeUniform,
        "lecun_normal": LeCunNormal,
    },
)

#: ``get(initializer_or_name)``: an Initializer from an instance or a Keras-style name.
get = INITIALIZERS.get


# PyTorch's in-place functions (nn.init.xavier_uniform_(layer.weight), ...), defined there
from glassnet.nn.init_inplace import (  # noqa: E402
    calculate_fan_in_and_fan_out,
    calculate_gain,
    constant_,
    eye_,
    kaiming_normal_,
    kaiming_uniform_,
    normal_,
    ones_,
    orthogonal_,
    trunc_normal_,
    uniform_,
    xavier_normal_,
    xavier_uniform_,
    zeros_,
)

_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out  # PyTorch's private name, used widely

__all__ = [
    "INITIALIZERS",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "LeCunNormal",
    "Normal",
    "Ones",
    "Uniform",
    "Zeros",
    "calculate_fan_in_and_fan_out",
    "calculate_gain",
    "constant_",
    "eye_",
    "fans",
    "get",
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
