"""Activation functions as Modules, and the names that ``Dense(activation=...)`` accepts."""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.arguments import check_int, check_number
from glassnet.nn.module import Module
from glassnet.registry import Registry
from glassnet.tensor import Tensor


class Activation(Module):
    """Base of the activation modules: their settings are their attributes.

    ``onnx_op`` names the ONNX operator that computes the same function (None: there is none),
    and ``onnx_attributes`` gives its settings in ONNX's words.
    """

    settings: tuple[str, ...] = ()
    onnx_op: str | None = None
    #: True for Softmax and Sigmoid, whose outputs are probabilities (a loss that takes logits
    #: after them would apply them twice).
    outputs_probabilities = False

    def get_config(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.settings}

    def onnx_attributes(self) -> dict[str, Any]:
        return {}

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.onnx_op is None:
            return super().to_onnx(graph, x, name)
        return graph.node(self.onnx_op, [x], **self.onnx_attributes())


class ReLU(Activation):
    """max(x, 0).

    Examples:
        >>> from glassnet import nn
        >>> nn.ReLU()(np.array([-1.0, 2.0]))
        Tensor([0., 2.], dtype=float64)
    """

    onnx_op = "Relu"

    def forward(self, x: Tensor) -> Tensor:
        return ops.relu(x)


class LeakyReLU(Activation):
    """x for x > 0, slope * x otherwise."""

    settings = ("slope",)

    onnx_op = "LeakyRelu"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(alpha=float(self.slope))

    def __init__(self, slope: float = 0.01) -> None:
        super().__init__()
        self.slope = check_number("LeakyReLU", "slope", slope)

    def forward(self, x: Tensor) -> Tensor:
        return ops.leaky_relu(x, self.slope)

    def extra_repr(self) -> str:
        return f"slope={self.slope}"


class ELU(Activation):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    settings = ("alpha",)

    onnx_op = "Elu"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(alpha=float(self.alpha))

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_number("ELU", "alpha", alpha)

    def forward(self, x: Tensor) -> Tensor:
        return ops.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Activation):
    """x Phi(x) (``approximate="tanh"`` for the tanh form)."""

    settings = ("approximate",)

    onnx_op = "Gelu"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(approximate=self.approximate)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return ops.gelu(x, self.approximate)


class Sigmoid(Activation):
    """1 / (1 + e^-x)."""

    onnx_op = "Sigmoid"
    outputs_probabilities = True

    def forward(self, x: Tensor) -> Tensor:
        return ops.sigmoid(x)


class Tanh(Activation):
    """Hyperbolic tangent."""

    onnx_op = "Tanh"

    def forward(self, x: Tensor) -> Tensor:
        return ops.tanh(x)


class Softplus(Activation):
    """log(1 + e^x), a smooth ReLU."""

    onnx_op = "Softplus"

    def forward(self, x: Tensor) -> Tensor:
        return ops.softplus(x)


class Sin(Activation):
    """sin(x) (for periodic targets and SIREN-style nets)."""

    onnx_op = "Sin"

    def forward(self, x: Tensor) -> Tensor:
        return ops.sin(x)


class Identity(Activation):
    """Returns its input unchanged (the "linear" activation)."""

    onnx_op = "Identity"

    def forward(self, x: Tensor) -> Tensor:
        return x


class Softmax(Activation):
    """Probabilities along ``axis`` (default: the last)."""

    settings = ("axis",)
    outputs_probabilities = True

    onnx_op = "Softmax"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(axis=self.axis)

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = check_int(type(self).__name__, "axis", axis, minimum=None)

    def forward(self, x: Tensor) -> Tensor:
        return ops.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Activation):
    """Log-probabilities along ``axis``, computed stably."""

    settings = ("axis",)

    onnx_op = "LogSoftmax"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(axis=self.axis)

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = check_int(type(self).__name__, "axis", axis, minimum=None)

    def forward(self, x: Tensor) -> Tensor:
        return ops.log_softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


ACTIVATIONS = Registry(
    "activation",
    {
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
    },
    accepts=lambda value: isinstance(value, Module),
)

#: ``get_activation(module_or_name)``: a Module from a name ("relu", "id"/"linear") or a Module.
get_activation = ACTIVATIONS.get
