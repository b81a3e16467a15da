"""Activation functions as Modules, and the names that ``Dense(activation=...)`` accepts."""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.arguments import check_int, check_number
from glassnet.nn.module import Module
from glassnet.ops.activations import softplus_beta
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
    """max(x, 0). (``inplace`` is accepted; the result is a new Tensor.)

    Examples:
        >>> from glassnet import nn
        >>> nn.ReLU()(np.array([-1.0, 2.0]))
        Tensor([0., 2.], dtype=float64)
    """

    onnx_op = "Relu"

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return ops.relu(x)


class LeakyReLU(Activation):
    """x for x > 0, negative_slope * x otherwise (``LeakyReLU(negative_slope=0.01)``, as
    PyTorch; ``slope`` is its older glassnet name)."""

    settings = ("slope",)

    onnx_op = "LeakyRelu"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(alpha=float(self.slope))

    def __init__(
        self, negative_slope: float = 0.01, inplace: bool = False, slope: float | None = None
    ) -> None:
        super().__init__()
        value = negative_slope if slope is None else slope
        self.slope = check_number("LeakyReLU", "negative_slope", value)

    @property
    def negative_slope(self) -> float:
        return self.slope

    def forward(self, x: Tensor) -> Tensor:
        return ops.leaky_relu(x, self.slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.slope}"


class ELU(Activation):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    settings = ("alpha",)

    onnx_op = "Elu"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(alpha=float(self.alpha))

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
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
    """log(1 + e^(beta x)) / beta, a smooth ReLU; x itself where beta x > threshold."""

    settings = ("beta", "threshold")
    onnx_op = "Softplus"

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = check_number("Softplus", "beta", beta)
        self.threshold = check_number("Softplus", "threshold", threshold)
        if self.beta == 0:
            raise ValueError("Softplus: beta must not be 0 (it divides the result)")

    def forward(self, x: Tensor) -> Tensor:
        if self.beta == 1.0 and self.threshold == 20.0:
            return ops.softplus(x)  # the classic op (its linear piece differs by < 1e-9)
        return softplus_beta(x, self.beta, self.threshold)

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.beta != 1.0:
            return Module.to_onnx(self, graph, x, name)  # ONNX's Softplus has no beta
        return super().to_onnx(graph, x, name)

    def extra_repr(self) -> str:
        return (
            ""
            if self.beta == 1.0 and self.threshold == 20.0
            else (f"beta={self.beta}, threshold={self.threshold}")
        )


class Sin(Activation):
    """sin(x) (for periodic targets and SIREN-style nets)."""

    onnx_op = "Sin"

    def forward(self, x: Tensor) -> Tensor:
        return ops.sin(x)


class Identity(Activation):
    """Returns its input unchanged (the "linear" activation); takes and ignores any
    arguments, as PyTorch's ``nn.Identity``."""

    onnx_op = "Identity"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return x


class Softmax(Activation):
    """Probabilities along ``dim`` (PyTorch's name; Keras' ``axis`` works too; default: the
    last axis).

    Examples:
        >>> from glassnet import nn
        >>> nn.Softmax(dim=0)(np.zeros((2, 3))).numpy()[:, 0]
        array([0.5, 0.5])
    """

    settings = ("axis",)
    outputs_probabilities = True

    onnx_op = "Softmax"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(axis=self.axis)

    def __init__(self, dim: int | None = None, axis: int = -1) -> None:
        super().__init__()
        name = type(self).__name__
        self.axis = check_int(name, "dim", axis if dim is None else dim, minimum=None)

    @property
    def dim(self) -> int:
        return self.axis

    def forward(self, x: Tensor) -> Tensor:
        return ops.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"dim={self.axis}"


class LogSoftmax(Activation):
    """Log-probabilities along ``dim`` (or Keras' ``axis``), computed stably."""

    settings = ("axis",)

    onnx_op = "LogSoftmax"

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(axis=self.axis)

    def __init__(self, dim: int | None = None, axis: int = -1) -> None:
        super().__init__()
        name = type(self).__name__
        self.axis = check_int(name, "dim", axis if dim is None else dim, minimum=None)

    @property
    def dim(self) -> int:
        return self.axis

    def forward(self, x: Tensor) -> Tensor:
        return ops.log_softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"dim={self.axis}"


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
