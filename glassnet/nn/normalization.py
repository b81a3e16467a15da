"""``LayerNorm`` and ``RMSNorm``: per-sample normalisation over the last axes, as PyTorch's.

Unlike BatchNorm they keep no running statistics, so training and evaluation compute the same
thing. The arithmetic (and its hand-written backward) is in ``glassnet.ops.layer_norm``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_bool, check_number
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.layer_norm import layer_norm, rms_norm
from glassnet.tensor import Tensor


def _shape(layer: str, normalized_shape: Any) -> tuple[int, ...]:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or any(
        isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in shape
    ):
        raise ValueError(
            f"{layer}: normalized_shape must be a positive int or a non-empty tuple of them, "
            f"got {normalized_shape!r}"
        )
    return tuple(int(n) for n in shape)


class LayerNorm(Module):
    """Layer normalisation: ``(x - mean) / sqrt(var + eps) * weight + bias`` over the last
    ``len(normalized_shape)`` axes of each sample, as ``torch.nn.LayerNorm``.

    Args:
        normalized_shape: an int (the last axis) or a tuple (the trailing axes).
        eps: added to the variance for stability.
        elementwise_affine: learn ``weight`` (ones at first) and ``bias`` (zeros at first).
        bias: learn the bias too (only with ``elementwise_affine``); GPT-style models often
            leave it out.
        dtype: the parameters' dtype.

    Shape:
        input (..., *normalized_shape) -> output of the same shape

    Examples:
        >>> ln = LayerNorm(4)
        >>> y = ln(np.arange(8.0).reshape(2, 4))
        >>> y.numpy().mean(axis=1).round(6), [name for name, _ in ln.named_parameters()]
        (array([0., 0.], dtype=float32), ['weight', 'bias'])
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape("LayerNorm", normalized_shape)
        self.eps = check_number("LayerNorm", "eps", eps, low=0.0)
        self.elementwise_affine = check_bool("LayerNorm", "elementwise_affine", elementwise_affine)
        self.use_bias = check_bool("LayerNorm", "bias", bias)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if self.use_bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def get_config(self) -> dict[str, Any]:
        return {
            "normalized_shape": list(self.normalized_shape),
            "eps": self.eps,
            "elementwise_affine": self.elementwise_affine,
            "bias": self.use_bias,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}"
            + ("" if self.use_bias else ", bias=False")
        )


class RMSNorm(Module):
    """Root-mean-square normalisation: ``x / sqrt(mean(x**2) + eps) * weight`` over the last
    axes, as ``torch.nn.RMSNorm`` (no centring, no bias).

    Args:
        normalized_shape: an int (the last axis) or a tuple (the trailing axes).
        eps: added to the mean square; None (the default, as PyTorch) means the machine
            epsilon of the input's dtype.
        elementwise_affine: learn ``weight`` (ones at first).
        dtype: the parameters' dtype.

    Examples:
        >>> norm = RMSNorm(2)
        >>> norm(np.array([[3.0, 4.0]])).numpy().round(4)
        array([[0.8485, 1.1314]], dtype=float32)
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float | None = None,
        elementwise_affine: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape("RMSNorm", normalized_shape)
        self.eps = None if eps is None else check_number("RMSNorm", "eps", eps, low=0.0)
        self.elementwise_affine = check_bool("RMSNorm", "elementwise_affine", elementwise_affine)
        self.weight: Parameter | None = None
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))

    def forward(self, x: Tensor) -> Tensor:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def get_config(self) -> dict[str, Any]:
        return {
            "normalized_shape": list(self.normalized_shape),
            "eps": self.eps,
            "elementwise_affine": self.elementwise_affine,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
