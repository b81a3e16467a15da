"""Layers: Linear, Bias, Flatten, Unflatten, Dropout, BatchNorm1d (Dense: ``nn.dense``).

Their backward passes are not written here: each forward is made of ops (``LinearOp`` and
``DenseOp`` are one fused Function each), and the engine walks them backwards.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_bool, check_int, check_number
from glassnet.errors import ExportError, ShapeError
from glassnet.nn import init as initializers
from glassnet.nn.factory import check_device, layer_dtype
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.nn import LinearOp
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


def _check_last_axis(layer: str, x: Tensor, expected: int, setting: str) -> None:
    if x.ndim == 0 or x.shape[-1] != expected:
        raise ShapeError(
            f"{layer}({setting}={expected}) got input of shape {x.shape}: "
            f"last axis must be {expected}"
        )


class Linear(Module):
    """``y = x @ weight.T + bias``, one fused op, with PyTorch's layout.

    ``weight`` has shape (out_features, in_features), as PyTorch stores it, so a PyTorch
    ``state_dict`` loads unchanged. (Keras and the lessons write ``x @ W`` with W of shape
    (in, out): that is ``Dense`` and its ``kernel``.) Defaults match PyTorch's: weights
    and bias drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)).

    Args:
        in_features: size of the input's last axis; None to infer it at the first call (lazy).
        out_features: size of the output's last axis.
        bias: whether to add a learned bias.
        weight_init: an initializer (``nn.init``) or a Keras name such as "he_normal"; it
            draws the (in, out) matrix whose transpose becomes ``weight``, so fan_in is
            in_features whatever the layout.
        bias_init: the same for the bias (default: PyTorch's uniform bound).
        rng: Generator or seed for the initial weights (None: the global generator).
        dtype: the parameters' dtype (PyTorch's factory argument; float32 when None).
        device: "cpu" or None (glassnet computes on the CPU only).

    Shape:
        input (..., in_features) -> output (..., out_features)

    Examples:
        >>> from glassnet import nn
        >>> layer = nn.Linear(3, 2, rng=0)
        >>> layer(np.ones((4, 3))).shape
        (4, 2)
        >>> [(name, p.shape) for name, p in layer.named_parameters()]
        [('weight', (2, 3)), ('bias', (2,))]
    """

    def __init__(
        self,
        in_features: int | None,
        out_features: int,
        bias: bool = True,
        weight_init: Any = None,
        bias_init: Any = None,
        rng: RngLike = None,
        dtype: Any = None,
        device: Any = None,
    ) -> None:
        super().__init__()
        check_device("Linear", device)
        if in_features is not None:
            in_features = check_int("Linear", "in_features", in_features)
        self.in_features = in_features
        self.out_features = check_int("Linear", "out_features", out_features)
        self.use_bias = check_bool("Linear", "bias", bias)
        self.weight_init = initializers.get(weight_init or initializers.HeUniform(a=math.sqrt(5)))
        self.bias_init = None if bias_init is None else initializers.get(bias_init)
        self._rng = rng
        self._lazy_dtype: np.dtype | None = layer_dtype("Linear", dtype)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if in_features is not None:
            self._build(in_features)
        else:
            get_rng(rng)  # a bad rng fails now, not at the first call

    def _build(self, in_features: int) -> Parameter:
        rng = get_rng(self._rng)
        dtype = self._lazy_dtype
        self.in_features = in_features
        # drawn as (in, out), where every initializer reads fan_in = in, then stored transposed
        kernel = self.weight_init((in_features, self.out_features), rng, dtype)
        self.weight = Parameter(np.ascontiguousarray(kernel.T))
        if self.use_bias:
            bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0  # as PyTorch
            bias_init = self.bias_init or initializers.Uniform(-bound, bound)
            self.bias = Parameter(bias_init((self.out_features,), rng, dtype))
        self._lazy_dtype = None
        return self.weight

    # --8<-- [start:linear-forward]
    def forward(self, x: Tensor) -> Tensor:
        weight = self.weight
        if weight is None:  # lazy: the first input fixes in_features
            if x.ndim == 0:
                raise ShapeError("Linear got a 0-d input; it needs shape (..., in_features)")
            weight = self._build(x.shape[-1])
        _check_last_axis("Linear", x, weight.shape[1], "in_features")
        if self.bias is None:
            return LinearOp.apply(x, weight)
        return LinearOp.apply(x, weight, self.bias)

    # --8<-- [end:linear-forward]

    def sample_input_shape(self) -> tuple[int, ...] | None:
        return None if self.in_features is None else (self.in_features,)

    def summary_label(self) -> str:
        return f"Linear({self.in_features or '?'} -> {self.out_features})"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.weight is None:
            raise ExportError(
                f"export_onnx: layer {name!r} has not been built yet (call the model once)"
            )
        # MatMul with the (in, out) transpose as the constant: any input rank, as the layer
        kernel = np.ascontiguousarray(self.weight.numpy().T)
        out = graph.node("MatMul", [x, graph.constant(f"{name}.weight", kernel)])
        if self.bias is not None:
            out = graph.node("Add", [out, graph.constant(f"{name}.bias", self.bias.numpy())])
        return out

    def get_config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.use_bias,
        }

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.use_bias}"
        )


class Bias(Module):
    """Adds a learned vector: ``y = x + bias``.

    Shape:
        input (..., n) -> output (..., n)

    Examples:
        >>> from glassnet import nn
        >>> nn.Bias(2, init=nn.init.Constant([1.0, 2.0]))(np.zeros((1, 2)))
        Tensor([[1., 2.]], dtype=float32, grad_fn=<AddOp>)
    """

    def __init__(self, n: int, init: Any = None, dtype: Any = np.float32) -> None:
        super().__init__()
        self.n = check_int("Bias", "n", n)
        self.bias = Parameter(initializers.get(init or initializers.Zeros())((n,), None, dtype))

    def forward(self, x: Tensor) -> Tensor:
        _check_last_axis("Bias", x, self.n, "n")
        return x + self.bias

    def get_config(self) -> dict[str, Any]:
        return {"n": self.n}

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        return graph.node("Add", [x, graph.constant(f"{name}.bias", self.bias.numpy())])

    def extra_repr(self) -> str:
        return f"n={self.n}"


class Flatten(Module):
    """Merge the axes ``start_dim..end_dim`` into one: (N, 1, 28, 28) -> (N, 784), as PyTorch.

    Examples:
        >>> from glassnet import nn
        >>> nn.Flatten()(np.ones((2, 3, 4))).shape
        (2, 12)
        >>> nn.Flatten(0, 1)(np.ones((2, 3, 4))).shape
        (6, 4)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = check_int("Flatten", "start_dim", start_dim, minimum=None)
        self.end_dim = check_int("Flatten", "end_dim", end_dim, minimum=None)

    def forward(self, x: Tensor) -> Tensor:
        return ops.flatten(x, self.start_dim, self.end_dim)

    def get_config(self) -> dict[str, Any]:
        return {"start_dim": self.start_dim, "end_dim": self.end_dim}

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.start_dim != 1 or self.end_dim != -1:
            raise ExportError(
                f"export_onnx: layer {name!r}: only Flatten(start_dim=1) maps to ONNX"
            )
        return graph.node("Flatten", [x], axis=1)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size``: Unflatten(1, (2, 5)) maps (N, 10) to
    (N, 2, 5), as PyTorch (one size may be -1).

    Examples:
        >>> from glassnet import nn
        >>> nn.Unflatten(1, (2, -1))(np.ones((3, 10))).shape
        (3, 2, 5)
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim = check_int("Unflatten", "dim", dim, minimum=None)
        sizes = tuple(unflattened_size)
        for size in sizes:
            check_int("Unflatten", "unflattened_size", size, minimum=-1)
        if not sizes or sizes.count(-1) > 1:
            raise ValueError(
                f"Unflatten: unflattened_size must hold sizes with at most one -1, got {sizes}"
            )
        self.unflattened_size = sizes

    def forward(self, x: Tensor) -> Tensor:
        dim = self.dim + x.ndim if self.dim < 0 else self.dim
        if not 0 <= dim < x.ndim:
            raise ShapeError(f"Unflatten: dim {self.dim} is out of range for shape {x.shape}")
        known = int(np.prod([s for s in self.unflattened_size if s != -1]))
        size = x.shape[dim]
        if (-1 in self.unflattened_size and (known == 0 or size % known)) or (
            -1 not in self.unflattened_size and known != size
        ):
            raise ShapeError(
                f"Unflatten: axis {self.dim} of size {size} (input shape {x.shape}) cannot be "
                f"split into {self.unflattened_size}"
            )
        return x.reshape((*x.shape[:dim], *self.unflattened_size, *x.shape[dim + 1 :]))

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "unflattened_size": list(self.unflattened_size)}

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """Inverted dropout: during training zero each element with probability ``p`` and scale
    the rest by 1/(1-p); in eval mode, the identity. (``inplace`` is accepted; the result is a
    new Tensor.)

    Examples:
        >>> from glassnet import nn
        >>> drop = nn.Dropout(0.5, rng=0).eval()
        >>> drop(np.ones(3))
        Tensor([1., 1., 1.], dtype=float64)
    """

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: RngLike = None) -> None:
        super().__init__()
        if not isinstance(inplace, (bool, np.bool_)):  # Dropout(0.5, 0): the older rng place
            raise TypeError(
                f"Dropout: inplace must be a bool, got {inplace!r} (pass the generator as rng=)"
            )
        self.p = check_number("Dropout", "p", p, low=0.0, high=1.0, high_open=True)
        self.inplace = bool(inplace)
        self._rng = None if rng is None else get_rng(rng)

    def forward(self, x: Tensor) -> Tensor:
        return ops.dropout(x, self.p, training=self.training, rng=self._rng)

    def get_config(self) -> dict[str, Any]:
        return {"p": self.p}

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        return graph.node("Identity", [x])  # the exported model computes eval mode

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

    def summary_label(self) -> str:
        return f"Dropout(p={self.p})"


class BatchNorm1d(Module):
    """Batch normalization over the batch axis of (N, C) or (N, C, L) inputs.

    Training: normalize with the batch's mean and (biased) variance, and update the running
    statistics ``running = (1 - momentum) * running + momentum * batch`` (unbiased variance,
    as PyTorch). ``momentum=None`` makes them the plain (cumulative) average of every batch
    seen, as PyTorch: the factor is ``1 / num_batches_tracked``. Eval: normalize with the
    running statistics.

    Args:
        num_features: C, the size of axis 1 (an int >= 1).
        eps: added to the variance before the square root (> 0).
        momentum: in [0, 1], or None for the cumulative average.
        affine: whether to learn a scale (``weight``) and a shift (``bias``).
        dtype: the parameters' and running statistics' dtype.

    Examples:
        >>> from glassnet import nn
        >>> bn = nn.BatchNorm1d(2)
        >>> y = bn(np.array([[1.0, 10.0], [3.0, 30.0]]))
        >>> np.round(y.numpy(), 3)
        array([[-1., -1.],
               [ 1.,  1.]], dtype=float32)
    """

    running_mean: np.ndarray
    running_var: np.ndarray
    num_batches_tracked: np.ndarray

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.num_features = check_int("BatchNorm1d", "num_features", num_features, minimum=1)
        self.eps = check_number("BatchNorm1d", "eps", eps, low=0.0, low_open=True)
        if momentum is not None:
            momentum = check_number("BatchNorm1d", "momentum", momentum, low=0.0, high=1.0)
        self.momentum = momentum
        self.affine = check_bool("BatchNorm1d", "affine", affine)
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
        self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ShapeError(
                f"BatchNorm1d(num_features={self.num_features}) got input of shape {x.shape}: "
                f"expected (N, {self.num_features}) or (N, {self.num_features}, L)"
            )
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, self.num_features) if x.ndim == 2 else (1, self.num_features, 1)
        if self.training:
            count = x.size // self.num_features
            if count < 2:
                raise ValueError(
                    f"BatchNorm1d needs more than one value per channel in training, "
                    f"got input of shape {x.shape}"
                )
            mean = x.mean(axis=axes, keepdims=True)
            var = x.var(axis=axes, keepdims=True)
            self.num_batches_tracked = self.num_batches_tracked + 1
            # momentum None: the cumulative average of every batch so far (PyTorch's rule)
            m = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            batch_mean = mean.numpy().reshape(-1)
            batch_var = var.numpy().reshape(-1) * (count / (count - 1))
            dtype = self.running_mean.dtype
            self.running_mean = ((1 - m) * self.running_mean + m * batch_mean).astype(dtype)
            self.running_var = ((1 - m) * self.running_var + m * batch_var).astype(dtype)
            normalized = (x - mean) / (var + self.eps).sqrt()
        else:
            mean_r = self.running_mean.reshape(shape)
            std_r = np.sqrt(self.running_var.reshape(shape) + self.eps)
            normalized = (x - mean_r) / std_r
        if not self.affine:
            return normalized
        return normalized * self.weight.reshape(shape) + self.bias.reshape(shape)

    def get_config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
        }

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        n = self.num_features
        scale = self.weight.numpy() if self.affine else np.ones(n)
        shift = self.bias.numpy() if self.affine else np.zeros(n)
        inputs = [
            x,
            graph.constant(f"{name}.weight", scale),
            graph.constant(f"{name}.bias", shift),
            graph.constant(f"{name}.running_mean", self.running_mean),
            graph.constant(f"{name}.running_var", self.running_var),
        ]
        return graph.node("BatchNormalization", inputs, epsilon=float(self.eps))

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"
