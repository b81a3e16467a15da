"""Convolution layers: Conv1d, Conv2d and ConvTranspose2d, PyTorch's names, layout and init.

The weights have PyTorch's shapes, (out, in / groups, kH, kW) for Conv2d and
(in, out / groups, kH, kW) for ConvTranspose2d, and its default initialisation (uniform in
+-1 / sqrt(fan_in) for weight and bias, what ``kaiming_uniform_(a=sqrt(5))`` gives), so a PyTorch
layer's ``state_dict`` loads as it is. The arithmetic is in ``glassnet.ops.conv``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.arguments import check_bool, check_int
from glassnet.errors import ShapeError
from glassnet.nn import init as initializers
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.conv import as_pair, conv1d, conv2d, conv_transpose2d, same_padding
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


def _uniform(shape: tuple[int, ...], fan_in: int, rng: np.random.Generator, dtype: Any):
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return Parameter(initializers.Uniform(-bound, bound)(shape, rng, dtype))


def _check_padding_mode(layer: str, padding_mode: Any) -> str:
    if padding_mode != "zeros":
        raise ValueError(
            f"{layer}: padding_mode={padding_mode!r} is not supported; glassnet pads with zeros "
            "only (padding_mode='zeros'); pad the input yourself for reflect/replicate/circular"
        )
    return padding_mode


class Conv2d(Module):
    """2-D convolution over (N, C, H, W) inputs, PyTorch's ``nn.Conv2d``.

    Args:
        in_channels, out_channels: C and F (both divisible by ``groups``).
        kernel_size, stride, dilation: an int or a pair.
        padding: an int, a pair, "valid" or "same" (stride 1).
        groups: channel groups (``groups=in_channels`` is a depthwise convolution).
        bias: whether to add a learned bias per output channel.
        padding_mode: "zeros" only.
        rng, dtype: the generator (or seed) of the initial weights, and their dtype.

    Shape:
        input (N, C, H, W) -> output (N, F, OH, OW),
        OH = (H + 2 * padding - dilation * (kH - 1) - 1) // stride + 1.

    Examples:
        >>> from glassnet import nn
        >>> from glassnet.nn.conv import Conv2d
        >>> conv = Conv2d(1, 8, 3, rng=0)
        >>> conv(np.zeros((2, 1, 28, 28))).shape
        (2, 8, 26, 26)
        >>> conv.weight.shape, conv.bias.shape
        ((8, 1, 3, 3), (8,))
    """

    _dims = 2
    _name = "Conv2d"

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        name = self._name
        self.in_channels = check_int(name, "in_channels", in_channels, minimum=1)
        self.out_channels = check_int(name, "out_channels", out_channels, minimum=1)
        self.groups = check_int(name, "groups", groups, minimum=1)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must "
                f"both be divisible by groups ({groups})"
            )
        self.kernel_size = self._tuple("kernel_size", kernel_size, 1)
        self.stride = self._tuple("stride", stride, 1)
        self.dilation = self._tuple("dilation", dilation, 1)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: padding must be an int, a tuple, 'same' or 'valid'")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' needs stride 1 (as PyTorch)")
            self.padding: Any = padding
        else:
            self.padding = self._tuple("padding", padding, 0)
        self.padding_mode = _check_padding_mode(name, padding_mode)
        self.use_bias = check_bool(name, "bias", bias)
        generator = get_rng(rng)
        fan_in = in_channels // groups * math.prod(self.kernel_size)
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = _uniform(shape, fan_in, generator, dtype)
        self.bias = _uniform((out_channels,), fan_in, generator, dtype) if bias else None

    def _tuple(self, setting: str, value: Any, minimum: int) -> tuple[int, ...]:
        if self._dims == 1:
            if isinstance(value, (tuple, list)) and len(value) == 1:
                value = value[0]
            return (check_int(self._name, setting, value, minimum),)
        return as_pair(self._name, setting, value, minimum)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (self._dims + 1, self._dims + 2):
            axes = "(N, C, L)" if self._dims == 1 else "(N, C, H, W)"
            raise ShapeError(f"{self._name} expects input of shape {axes}, got {x.shape}")
        if x.shape[-self._dims - 1] != self.in_channels:
            raise ShapeError(
                f"{self._name}(in_channels={self.in_channels}) got input of shape {x.shape}: "
                f"axis {x.ndim - self._dims - 1} must be {self.in_channels}"
            )
        conv = conv1d if self._dims == 1 else conv2d
        return conv(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "groups": self.groups,
            "bias": self.use_bias,
        }

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self._dims:
            text += f", padding={self.padding!r}"
        if self.dilation != (1,) * self._dims:
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.use_bias else ", bias=False")

    def summary_label(self) -> str:
        k = "x".join(str(n) for n in self.kernel_size)
        return f"{self._name}({self.in_channels} -> {self.out_channels}, {k})"

    def _pads(self) -> list[int]:
        """ONNX's pads: all the starts, then all the ends."""
        if self.padding == "valid":
            return [0] * (2 * self._dims)
        if self.padding == "same":
            kernel = (1, *self.kernel_size) if self._dims == 1 else self.kernel_size
            dilation = (1, *self.dilation) if self._dims == 1 else self.dilation
            both, extra = same_padding(kernel, dilation)  # type: ignore[arg-type]
            starts, more = both[2 - self._dims :], extra[2 - self._dims :]
            return [*starts, *(b + e for b, e in zip(starts, more))]
        return [*self.padding, *self.padding]

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        inputs = [x, graph.constant(f"{name}.weight", self.weight.numpy())]
        if self.bias is not None:
            inputs.append(graph.constant(f"{name}.bias", self.bias.numpy()))
        return graph.node(
            "Conv",
            inputs,
            kernel_shape=list(self.kernel_size),
            strides=list(self.stride),
            pads=self._pads(),
            dilations=list(self.dilation),
            group=self.groups,
        )


class Conv1d(Conv2d):
    """1-D convolution over (N, C, L) inputs, PyTorch's ``nn.Conv1d``: weight (F, C / groups, k).

    Examples:
        >>> from glassnet.nn.conv import Conv1d
        >>> Conv1d(3, 4, 5, padding="same", rng=0)(np.zeros((2, 3, 10))).shape
        (2, 4, 10)
    """

    _dims = 1
    _name = "Conv1d"


class ConvTranspose2d(Module):
    """Transposed 2-D convolution, PyTorch's ``nn.ConvTranspose2d``: weight (C, F / groups, kH, kW).

    Shape:
        input (N, C, H, W) -> output (N, F, OH, OW),
        OH = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1.

    Examples:
        >>> from glassnet.nn.conv import ConvTranspose2d
        >>> up = ConvTranspose2d(8, 4, 2, stride=2, rng=0)
        >>> up(np.zeros((1, 8, 7, 7))).shape
        (1, 4, 14, 14)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        name = "ConvTranspose2d"
        self.in_channels = check_int(name, "in_channels", in_channels, minimum=1)
        self.out_channels = check_int(name, "out_channels", out_channels, minimum=1)
        self.groups = check_int(name, "groups", groups, minimum=1)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must "
                f"both be divisible by groups ({groups})"
            )
        self.kernel_size = as_pair(name, "kernel_size", kernel_size, 1)
        self.stride = as_pair(name, "stride", stride, 1)
        self.padding = as_pair(name, "padding", padding)
        self.output_padding = as_pair(name, "output_padding", output_padding)
        self.dilation = as_pair(name, "dilation", dilation, 1)
        self.padding_mode = _check_padding_mode(name, padding_mode)
        self.use_bias = check_bool(name, "bias", bias)
        generator = get_rng(rng)
        # PyTorch's fan_in for this layout is weight.shape[1] * kH * kW
        fan_in = out_channels // groups * math.prod(self.kernel_size)
        shape = (in_channels, out_channels // groups, *self.kernel_size)
        self.weight = _uniform(shape, fan_in, generator, dtype)
        self.bias = _uniform((out_channels,), fan_in, generator, dtype) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (3, 4) or x.shape[-3] != self.in_channels:
            raise ShapeError(
                f"ConvTranspose2d(in_channels={self.in_channels}) got input of shape {x.shape}: "
                f"expected (N, {self.in_channels}, H, W)"
            )
        return conv_transpose2d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.output_padding,
            self.groups,
            self.dilation,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "groups": self.groups,
            "bias": self.use_bias,
            "dilation": self.dilation,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}"
            + (f", output_padding={self.output_padding}" if any(self.output_padding) else "")
        )

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        inputs = [x, graph.constant(f"{name}.weight", self.weight.numpy())]
        if self.bias is not None:
            inputs.append(graph.constant(f"{name}.bias", self.bias.numpy()))
        return graph.node(
            "ConvTranspose",
            inputs,
            kernel_shape=list(self.kernel_size),
            strides=list(self.stride),
            pads=[*self.padding, *self.padding],
            output_padding=list(self.output_padding),
            dilations=list(self.dilation),
            group=self.groups,
        )
