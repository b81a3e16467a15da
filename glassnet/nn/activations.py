"""Activation functions as Modules, and the names that ``Dense(activation=...)`` accepts."""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.nn.module import Module
from glassnet.tensor import Tensor


class ReLU(Module):
    """max(x, 0).

    Example:
        >>> from glassnet import nn
        >>> nn.ReLU()(np.array([-1.0, 2.0]))
        Tensor([0., 2.], dtype=float64, grad_fn=ReLU)
    """

    def forward(self, x: Tensor) -> Tensor:
        return ops.relu(x)


class LeakyReLU(Module):
    """x for x > 0, slope * x otherwise."""

    def __init__(self, slope: float = 0.01) -> None:
        super().__init__()
        self.slope = slope

    def forward(self, x: Tensor) -> Tensor:
        return ops.leaky_relu(x, self.slope)

    def extra_repr(self) -> str:
        return f"slope={self.slope}"


class ELU(Module):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Tensor) -> Tensor:
        return ops.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """x Phi(x) (``approximate="tanh"`` for the tanh form)."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return ops.gelu(x, self.approximate)


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x: Tensor) -> Tensor:
        return ops.sigmoid(x)


class Tanh(Module):
    """Hyperbolic tangent."""

    def forward(self, x: Tensor) -> Tensor:
        return ops.tanh(x)


class Softplus(Module):
    """log(1 + e^x), a smooth ReLU."""

    def forward(self, x: Tensor) -> Tensor:
        return ops.softplus(x)


class Sin(Module):
    """sin(x) (for periodic targets and SIREN-style nets)."""

    def forward(self, x: Tensor) -> Tensor:
        return ops.sin(x)


class Identity(Module):
    """Returns its input unchanged (the "linear" activation)."""

    def forward(self, x: Tensor) -> Tensor:
        return x


class Softmax(Module):
    """Probabilities along ``axis`` (default: the last)."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Tensor) -> Tensor:
        return ops.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """Log-probabilities along ``axis``, computed stably."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Tensor) -> Tensor:
        return ops.log_softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "gelu": GELU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "softmax": Softmax,
    "log_softmax": LogSoftmax,
    "softplus": Softplus,
    "sin": Sin,
    "id": Identity,
    "identity": Identity,
    "linear": Identity,
}


def get_activation(activation: Any) -> Module:
    """A Module from a name (``"relu"``, ``"id"``/``"linear"``/None for none) or a Module."""
    if activation is None:
        return Identity()
    if isinstance(activation, Module):
        return activation
    if isinstance(activation, str) and activation.lower() in ACTIVATIONS:
        return ACTIVATIONS[activation.lower()]()
    raise ValueError(
        f"unknown activation {activation!r}; use a Module or one of {sorted(ACTIVATIONS)}"
    )
