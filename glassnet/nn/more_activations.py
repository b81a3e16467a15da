"""PyTorch's other elementwise activations as Modules: ReLU6, PReLU, SELU, CELU, SiLU, Mish,
Hardswish, Hardsigmoid, Hardtanh, Softsign, Tanhshrink, Softshrink, Hardshrink, LogSigmoid,
Threshold, Softmin.

Each calls one op of ``glassnet.ops.activations`` (hand-written backward); ``inplace`` is
accepted and gives the same values in a new Tensor.

Examples:
    >>> from glassnet import nn
    >>> nn.Hardtanh(-2.0, 2.0)(np.array([-3.0, 1.0, 3.0]))
    Tensor([-2.,  1.,  2.], dtype=float64)
    >>> nn.PReLU()
    PReLU(num_parameters=1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_int, check_number
from glassnet.nn.activations import ACTIVATIONS, Activation, Softmax
from glassnet.nn.factory import check_device, layer_dtype
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops import activations as act
from glassnet.tensor import Tensor


class ReLU6(Activation):
    """min(max(x, 0), 6)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return act.relu6(x)


class Hardtanh(Activation):
    """clip(x, min_val, max_val)."""

    settings = ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__()
        self.min_val = check_number("Hardtanh", "min_val", min_val)
        self.max_val = check_number("Hardtanh", "max_val", max_val, low=self.min_val)

    def forward(self, x: Tensor) -> Tensor:
        return act.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class SELU(Activation):
    """scale * (x if x > 0 else alpha (e^x - 1)), with SELU's fixed constants."""

    onnx_op = "Selu"

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(alpha=act.SELU_ALPHA, gamma=act.SELU_SCALE)

    def forward(self, x: Tensor) -> Tensor:
        return act.selu(x)


class CELU(Activation):
    """x if x > 0 else alpha (e^(x / alpha) - 1)."""

    settings = ("alpha",)

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = check_number("CELU", "alpha", alpha)
        if self.alpha == 0:
            raise ValueError("CELU: alpha must not be 0 (it divides x)")

    def forward(self, x: Tensor) -> Tensor:
        return act.celu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class SiLU(Activation):
    """x * sigmoid(x) (swish)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return act.silu(x)


class Mish(Activation):
    """x * tanh(softplus(x))."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return act.mish(x)


class Hardswish(Activation):
    """x * relu6(x + 3) / 6."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return act.hardswish(x)


class Hardsigmoid(Activation):
    """relu6(x + 3) / 6."""

    onnx_op = "HardSigmoid"

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def onnx_attributes(self) -> dict[str, Any]:
        return dict(alpha=1.0 / 6.0, beta=0.5)

    def forward(self, x: Tensor) -> Tensor:
        return act.hardsigmoid(x)


class Softsign(Activation):
    """x / (1 + |x|)."""

    onnx_op = "Softsign"

    def forward(self, x: Tensor) -> Tensor:
        return act.softsign(x)


class Tanhshrink(Activation):
    """x - tanh(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return act.tanhshrink(x)


class LogSigmoid(Activation):
    """log(sigmoid(x)), stable for any x."""

    def forward(self, x: Tensor) -> Tensor:
        return act.logsigmoid(x)


class Softshrink(Activation):
    """x - lambd sign(x) where |x| > lambd, else 0."""

    settings = ("lambd",)

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = check_number("Softshrink", "lambd", lambd, low=0.0)

    def forward(self, x: Tensor) -> Tensor:
        return act.softshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Hardshrink(Softshrink):
    """x where |x| > lambd, else 0."""

    def forward(self, x: Tensor) -> Tensor:
        return act.hardshrink(x, self.lambd)


class Threshold(Activation):
    """x where x > threshold, else value."""

    settings = ("threshold", "value")

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = check_number("Threshold", "threshold", threshold)
        self.value = check_number("Threshold", "value", value)

    def forward(self, x: Tensor) -> Tensor:
        return act.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}"


class Softmin(Softmax):
    """softmax(-x) along ``dim``."""

    def forward(self, x: Tensor) -> Tensor:
        return ops.softmax(-x, self.axis)

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        return Module.to_onnx(self, graph, x, name)  # no ONNX operator of its own


class PReLU(Activation):
    """x where x > 0, else a x, with ``a`` learned: one value (``num_parameters=1``) or one per
    channel (axis 1 of the input), starting at ``init``.

    Examples:
        >>> from glassnet import nn
        >>> prelu = nn.PReLU(num_parameters=2, init=0.1)
        >>> prelu(np.array([[-1.0, -2.0], [1.0, 2.0]])).numpy()
        array([[-0.1, -0.2],
               [ 1. ,  2. ]], dtype=float32)
    """

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        check_device("PReLU", device)
        # (not self.num_parameters: Module.num_parameters() counts the numbers a module holds)
        self.channels = check_int("PReLU", "num_parameters", num_parameters, minimum=1)
        init = check_number("PReLU", "init", init)
        self.weight = Parameter(np.full(num_parameters, init, dtype=layer_dtype("PReLU", dtype)))

    def get_config(self) -> dict[str, Any]:
        return {"num_parameters": self.channels}

    def forward(self, x: Tensor) -> Tensor:
        return act.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.channels}"


# Keras' names for these, for Dense(activation=...) and compile-time lookups
for _name, _factory in {
    "relu6": ReLU6,
    "selu": SELU,
    "celu": CELU,
    "silu": SiLU,
    "swish": SiLU,
    "mish": Mish,
    "hard_swish": Hardswish,
    "hard_silu": Hardswish,
    "hard_sigmoid": Hardsigmoid,
    "hard_tanh": Hardtanh,
    "softsign": Softsign,
    "log_sigmoid": LogSigmoid,
    "tanhshrink": Tanhshrink,
}.items():
    ACTIVATIONS.register(_name, _factory)
