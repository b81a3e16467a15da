"""Pooling and resampling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d,
AdaptiveMaxPool2d and Upsample, PyTorch's names and settings. No parameters; the arithmetic is in
``glassnet.ops.pooling`` and ``glassnet.ops.resize``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_bool, check_int
from glassnet.errors import ExportError
from glassnet.nn.module import Module
from glassnet.ops.conv import as_pair
from glassnet.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from glassnet.ops.resize import adaptive_avg_pool2d, adaptive_max_pool2d, interpolate
from glassnet.tensor import Tensor


class _Pool(Module):
    """Shared settings of the fixed-window pools; subclasses set the dimensions and the op."""

    _dims = 2
    _settings: tuple[str, ...] = ()
    kernel_size: tuple[int, ...]

    def _tuple(self, setting: str, value: Any, minimum: int) -> tuple[int, ...]:
        name = type(self).__name__
        if self._dims == 1:
            if isinstance(value, (tuple, list)) and len(value) == 1:
                value = value[0]
            return (check_int(name, setting, value, minimum),)
        return as_pair(name, setting, value, minimum)

    def get_config(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._settings}

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in self._settings)

    def _onnx_pads(self) -> list[int]:
        padding = list(self.padding)  # type: ignore[attr-defined]
        return padding + padding


class MaxPool2d(_Pool):
    """The max of each window, PyTorch's ``nn.MaxPool2d``; the gradient goes to the window's
    first maximum. ``stride`` defaults to ``kernel_size``.

    Examples:
        >>> from glassnet.nn.pooling import MaxPool2d
        >>> MaxPool2d(2)(np.zeros((1, 3, 7, 7))).shape
        (1, 3, 3, 3)
        >>> MaxPool2d(2, ceil_mode=True)(np.zeros((1, 3, 7, 7))).shape
        (1, 3, 4, 4)
    """

    _settings: tuple[str, ...] = (
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "ceil_mode",
        "return_indices",
    )

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = self._tuple("kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else self._tuple("stride", stride, 1)
        self.padding = self._tuple("padding", padding, 0)
        self.dilation = self._tuple("dilation", dilation, 1)
        self.return_indices = check_bool(type(self).__name__, "return_indices", return_indices)
        self.ceil_mode = check_bool(type(self).__name__, "ceil_mode", ceil_mode)

    def forward(self, x: Tensor) -> Any:
        pool = max_pool1d if self._dims == 1 else max_pool2d
        return pool(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def summary_label(self) -> str:
        return f"{type(self).__name__}({'x'.join(map(str, self.kernel_size))})"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.return_indices:
            raise ExportError(f"export_onnx: layer {name!r}: return_indices has no ONNX form here")
        return graph.node(
            "MaxPool",
            [x],
            kernel_shape=list(self.kernel_size),
            strides=list(self.stride),
            pads=self._onnx_pads(),
            dilations=list(self.dilation),
            ceil_mode=int(self.ceil_mode),
        )


class MaxPool1d(MaxPool2d):
    """1-D max pooling over (N, C, L), PyTorch's ``nn.MaxPool1d``.

    Examples:
        >>> from glassnet.nn.pooling import MaxPool1d
        >>> MaxPool1d(3, stride=2)(np.zeros((2, 4, 9))).shape
        (2, 4, 4)
    """

    _dims = 1


class AvgPool2d(_Pool):
    """The mean of each window, PyTorch's ``nn.AvgPool2d``. ``count_include_pad`` counts the
    padded zeros in the divisor; ``divisor_override`` replaces the divisor.

    Examples:
        >>> from glassnet.nn.pooling import AvgPool2d
        >>> AvgPool2d(2)(np.ones((1, 1, 4, 4))).numpy()[0, 0]
        array([[1., 1.],
               [1., 1.]])
    """

    _settings: tuple[str, ...] = (
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    )

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = self._tuple("kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else self._tuple("stride", stride, 1)
        self.padding = self._tuple("padding", padding, 0)
        self.ceil_mode = check_bool(name, "ceil_mode", ceil_mode)
        self.count_include_pad = check_bool(name, "count_include_pad", count_include_pad)
        if divisor_override is not None:
            divisor_override = check_int(name, "divisor_override", divisor_override, minimum=1)
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        if self._dims == 1:
            return avg_pool1d(
                x,
                self.kernel_size,
                self.stride,
                self.padding,
                self.ceil_mode,
                self.count_include_pad,
            )
        return avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def summary_label(self) -> str:
        return f"{type(self).__name__}({'x'.join(map(str, self.kernel_size))})"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.divisor_override is not None:
            raise ExportError(f"export_onnx: layer {name!r}: divisor_override has no ONNX form")
        return graph.node(
            "AveragePool",
            [x],
            kernel_shape=list(self.kernel_size),
            strides=list(self.stride),
            pads=self._onnx_pads(),
            ceil_mode=int(self.ceil_mode),
            count_include_pad=int(self.count_include_pad),
        )


class AvgPool1d(AvgPool2d):
    """1-D average pooling over (N, C, L), PyTorch's ``nn.AvgPool1d``.

    Examples:
        >>> from glassnet.nn.pooling import AvgPool1d
        >>> AvgPool1d(2)(np.ones((1, 1, 5))).shape
        (1, 1, 2)
    """

    _dims = 1
    _settings = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad")

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)


def _output_size(layer: str, value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{layer}: output_size must be an int or a pair, got {value!r}")
        return tuple(None if v is None else check_int(layer, "output_size", v, 1) for v in value)
    return check_int(layer, "output_size", value, 1)


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input's (PyTorch's windows).

    Examples:
        >>> from glassnet.nn.pooling import AdaptiveAvgPool2d
        >>> AdaptiveAvgPool2d((1, 1))(np.ones((2, 8, 5, 5))).shape
        (2, 8, 1, 1)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = _output_size(type(self).__name__, output_size)

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def get_config(self) -> dict[str, Any]:
        return {"output_size": self.output_size}

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.output_size not in (1, (1, 1)):
            raise ExportError(
                f"export_onnx: layer {name!r}: only output_size 1 maps to ONNX (GlobalAveragePool)"
            )
        return graph.node("GlobalAveragePool", [x])


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size; the gradient goes to each window's first maximum.

    Examples:
        >>> from glassnet.nn.pooling import AdaptiveMaxPool2d
        >>> AdaptiveMaxPool2d(3)(np.ones((2, 8, 7, 5))).shape
        (2, 8, 3, 3)
    """

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = _output_size(type(self).__name__, output_size)
        self.return_indices = check_bool(type(self).__name__, "return_indices", return_indices)

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def get_config(self) -> dict[str, Any]:
        return {"output_size": self.output_size, "return_indices": self.return_indices}

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.output_size not in (1, (1, 1)) or self.return_indices:
            raise ExportError(
                f"export_onnx: layer {name!r}: only output_size 1 maps to ONNX (GlobalMaxPool)"
            )
        return graph.node("GlobalMaxPool", [x])


class Upsample(Module):
    """Resize (N, C, H, W) inputs by ``size`` or ``scale_factor``: "nearest" or "bilinear".

    Examples:
        >>> from glassnet.nn.pooling import Upsample
        >>> Upsample(scale_factor=2, mode="bilinear")(np.ones((1, 3, 4, 5))).shape
        (1, 3, 8, 10)
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
    ) -> None:
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size and scale_factor")
        if mode not in ("nearest", "bilinear"):
            raise ValueError(f"Upsample: mode must be 'nearest' or 'bilinear', got {mode!r}")
        if align_corners is not None and mode != "bilinear":
            raise ValueError("Upsample: align_corners only goes with mode='bilinear'")
        self.size = None if size is None else _output_size("Upsample", size)
        if isinstance(scale_factor, list):
            scale_factor = tuple(scale_factor)
        self.scale_factor = scale_factor
        self.mode = mode
        self.align_corners = align_corners

    def forward(self, x: Tensor) -> Tensor:
        return interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners)

    def get_config(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "scale_factor": self.scale_factor,
            "mode": self.mode,
            "align_corners": self.align_corners,
        }

    def extra_repr(self) -> str:
        what = f"size={self.size}" if self.size is not None else f"scale_factor={self.scale_factor}"
        return f"{what}, mode={self.mode!r}"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if self.scale_factor is None:
            raise ExportError(f"export_onnx: layer {name!r}: only a scale_factor maps to ONNX")
        factors = self.scale_factor
        if not isinstance(factors, tuple):
            factors = (factors, factors)
        from onnx import numpy_helper

        scales = f"{name}.scales"  # Resize reads float32 scales whatever the model's dtype
        values = np.array([1.0, 1.0, *factors], dtype=np.float32)
        graph.weights.append(numpy_helper.from_array(values, scales))
        if self.mode == "nearest":
            attributes = dict(
                mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"
            )
        else:
            corners = "align_corners" if self.align_corners else "pytorch_half_pixel"
            attributes = dict(mode="linear", coordinate_transformation_mode=corners)
        return graph.node("Resize", [x, "", scales], **attributes)
