"""``Dense``: Keras' fully connected layer, ``activation(x @ kernel + bias)``, its kernel in
Keras' (and the lessons') (in_features, out_features) layout. PyTorch's ``Linear`` holds the
transpose (``nn.layers``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.arguments import check_bool, check_int
from glassnet.errors import ExportError, ShapeError
from glassnet.nn import init as initializers
from glassnet.nn.activations import get_activation
from glassnet.nn.factory import check_device, layer_dtype
from glassnet.nn.layers import _check_last_axis
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.nn import DenseOp
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


class Dense(Module):
    """Keras' fully connected layer: ``activation(x @ kernel + bias)``.

    ``Dense(in, out, activation)`` or, lazily, ``Dense(out, activation=...)`` (the input size
    is fixed at the first call). Its parameters are Keras': ``kernel`` of shape
    (in_features, out_features), the lessons' ``X @ W``, and ``bias``. (``Linear`` holds
    PyTorch's transpose.)

    Args:
        activation: a name ("relu", "tanh", "sigmoid", "softmax", "leaky_relu", "elu", "gelu",
            "id"/"linear"/None) or a Module.
        bias: whether to add a learned bias.
        weight_init: the kernel's initializer (``nn.init``) or a Keras name ("he_normal");
            PyTorch's default bound 1/sqrt(in_features) when None.
        bias_init: the same for the bias.
        rng: Generator or seed for the initial weights (None: the global generator).
        dtype: the parameters' dtype (float32 when None).
        device: "cpu" or None.

    Examples:
        >>> from glassnet import nn
        >>> layer = nn.Dense(4, 3, "relu", rng=0)
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
        >>> [(name, p.shape) for name, p in layer.named_parameters()]
        [('kernel', (4, 3)), ('bias', (3,))]
        >>> nn.Dense(3, activation="tanh")
        Dense(in_features=None, out_features=3, activation=Tanh)
    """

    def __init__(
        self,
        in_features: int | None,
        out_features: Any = None,
        activation: Any = None,
        bias: bool = True,
        weight_init: Any = None,
        bias_init: Any = None,
        rng: RngLike = None,
        dtype: Any = None,
        device: Any = None,
    ) -> None:
        super().__init__()
        check_device("Dense", device)
        if isinstance(out_features, (str, Module)):
            activation, out_features = out_features, None
        if out_features is None:
            in_features, out_features = None, in_features
        if in_features is not None:
            in_features = check_int("Dense", "in_features", in_features)
        self.in_features = in_features
        self._out_features = check_int("Dense", "out_features", out_features)
        self.use_bias = check_bool("Dense", "bias", bias)
        self.kernel_init = initializers.get(weight_init or initializers.HeUniform(a=math.sqrt(5)))
        self.bias_init = None if bias_init is None else initializers.get(bias_init)
        self._rng = rng
        self._lazy_dtype: np.dtype | None = layer_dtype("Dense", dtype)
        self.kernel: Parameter | None = None
        self.bias: Parameter | None = None
        if in_features is not None:
            self._build(in_features)
        else:
            get_rng(rng)
        self.activation = get_activation(activation or "identity")

    def _build(self, in_features: int) -> Parameter:
        rng = get_rng(self._rng)
        dtype = self._lazy_dtype
        self.in_features = in_features
        self.kernel = Parameter(self.kernel_init((in_features, self._out_features), rng, dtype))
        if self.use_bias:
            bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
            bias_init = self.bias_init or initializers.Uniform(-bound, bound)
            self.bias = Parameter(bias_init((self._out_features,), rng, dtype))
        self._lazy_dtype = None
        return self.kernel

    def forward(self, x: Tensor) -> Tensor:
        kernel = self.kernel
        if kernel is None:
            if x.ndim == 0:
                raise ShapeError("Dense got a 0-d input; it needs shape (..., in_features)")
            kernel = self._build(x.shape[-1])
        _check_last_axis("Dense", x, kernel.shape[0], "in_features")
        if self.bias is None:
            out = DenseOp.apply(x, kernel)
        else:
            out = DenseOp.apply(x, kernel, self.bias)
        return self.activation(out)

    @property
    def out_features(self) -> int:
        return self._out_features

    @property
    def linear(self) -> Any:
        raise AttributeError(
            "Dense no longer wraps a Linear: its parameters are Keras' kernel (in_features, "
            "out_features) and bias: use dense.kernel and dense.bias"
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "activation": self.activation,
            "bias": self.use_bias,
        }

    def sample_input_shape(self) -> tuple[int, ...] | None:
        return None if self.in_features is None else (self.in_features,)

    def summary_label(self) -> str:
        size = f"{self.in_features or '?'} -> {self.out_features}"
        return f"Dense({size}, activation={type(self.activation).__name__})"

    def output_layer(self) -> tuple[str, Module]:
        inner, layer = self.activation.output_layer()
        return (f"activation.{inner}" if inner else "activation"), layer

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.kernel is None:
            raise ExportError(
                f"export_onnx: layer {name!r} has not been built yet (call the model once)"
            )
        prefix = f"{name}." if name else ""
        out = graph.node("MatMul", [x, graph.constant(f"{prefix}kernel", self.kernel.numpy())])
        if self.bias is not None:
            out = graph.node("Add", [out, graph.constant(f"{prefix}bias", self.bias.numpy())])
        return self.activation.to_onnx(graph, out, f"{prefix}activation")

    def __repr__(self) -> str:
        return (
            f"Dense(in_features={self.in_features}, out_features={self.out_features}, "
            f"activation={type(self.activation).__name__})"
        )
