"""Resampling an image to another size: adaptive pooling and ``interpolate``.

Adaptive average pooling, nearest and bilinear interpolation are all *separable*: each output
pixel is a weighted sum of input rows times a weighted sum of input columns. So each is two
small matrices, ``A`` (OH, H) and ``B`` (OW, W), and one op, ``y = A @ x @ B^T`` over the last
two axes, whose backward is ``dx = A^T @ dy @ B``. The matrices carry the method (one 1 per
row for nearest, two weights for bilinear, 1/length over a window for adaptive average).

Adaptive max pooling is not linear: it gathers each window (windows shorter than the longest
repeat their last pixel, which changes neither the max nor which pixel is the first max) and
scatters the gradient back to the first maximum.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor, as_tensor


class ResampleOp(Function):
    """``y = rows @ x @ cols^T`` over the last two axes of x (..., H, W)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(rows, cols)
        return rows @ x @ cols.T

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        rows, cols = ctx.saved_tensors
        return rows.T @ grad @ cols, None, None


def _windows(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def adaptive_avg_matrix(size: int, out: int, dtype: Any) -> np.ndarray:
    """(out, size) matrix averaging each adaptive window.

    Examples:
        >>> adaptive_avg_matrix(3, 2, np.float64)
        array([[0.5, 0.5, 0. ],
               [0. , 0.5, 0.5]])
    """
    start, end = _windows(size, out)
    pixels = np.arange(size)
    inside = (pixels >= start[:, None]) & (pixels < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _output_size(op: str, x: Tensor, output_size: Any) -> tuple[int, int]:
    if x.ndim != 4:
        raise ShapeError(f"{op}: input must have shape (N, C, H, W), got {x.shape}")
    if not isinstance(output_size, (tuple, list)):
        output_size = (output_size, output_size)
    if len(output_size) != 2:
        raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
    sizes = tuple(x.shape[2 + i] if s is None else s for i, s in enumerate(output_size))
    from glassnet.arguments import check_int

    return check_int(op, "output_size", sizes[0], 1), check_int(op, "output_size", sizes[1], 1)


def adaptive_avg_pool2d(x: Any, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size (an int, a pair, None keeps an axis).

    Examples:
        >>> import glassnet as gn
        >>> gn.ops.resize.adaptive_avg_pool2d(gn.ones(2, 3, 5, 7), 1).shape
        (2, 3, 1, 1)
    """
    x = as_tensor(x)
    oh, ow = _output_size("adaptive_avg_pool2d", x, output_size)
    h, w = x.shape[2:]
    return ResampleOp.apply(
        x, adaptive_avg_matrix(h, oh, x.dtype), adaptive_avg_matrix(w, ow, x.dtype)
    )


def _gather_index(size: int, out: int) -> np.ndarray:
    """(out, longest window) input indices of each adaptive window, the last one repeated."""
    start, end = _windows(size, out)
    longest = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(longest), end[:, None] - 1)


def adaptive_max(x: np.ndarray, out: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each adaptive window's max and the flat index (h * W + w) of its first maximum."""
    n, c, h, w = x.shape
    rows, cols = _gather_index(h, out[0]), _gather_index(w, out[1])
    # windows[n, c, oh, ow, kh, kw] = x[n, c, rows[oh, kh], cols[ow, kw]]
    windows = x[:, :, rows[:, None, :, None], cols[None, :, None, :]]
    flat = windows.reshape(n, c, out[0], out[1], -1)
    first = flat.argmax(axis=-1)  # argmax returns the first maximum
    kw = cols.shape[1]
    index = (
        rows[np.arange(out[0])[:, None], first // kw] * w
        + cols[np.arange(out[1])[None, :], first % kw]
    )
    return np.take_along_axis(flat, first[..., None], axis=-1)[..., 0], index


class AdaptiveMaxPool2dOp(Function):
    """Max over each adaptive window; gradient to the window's first maximum."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, out: tuple[int, int] = (1, 1)) -> np.ndarray:
        values, ctx.index = adaptive_max(x, out)
        ctx.x_shape = x.shape
        return values

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        n, c, h, w = ctx.x_shape
        dx = np.zeros((n * c, h * w), dtype=grad.dtype)
        # windows may overlap, so two outputs can pick the same pixel: accumulate
        rows = np.arange(n * c)[:, None]
        np.add.at(dx, (rows, ctx.index.reshape(n * c, -1)), grad.reshape(n * c, -1))
        return dx.reshape(n, c, h, w)


def adaptive_max_pool2d(x: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling to a fixed output size; with ``return_indices`` also each max's flat index.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor(np.arange(16.0).reshape(1, 1, 4, 4))
        >>> gn.ops.resize.adaptive_max_pool2d(x, 2).numpy()[0, 0]
        array([[ 5.,  7.],
               [13., 15.]])
    """
    x = as_tensor(x)
    out = _output_size("adaptive_max_pool2d", x, output_size)
    y = AdaptiveMaxPool2dOp.apply(x, out=out)
    if not return_indices:
        return y
    return y, Tensor(adaptive_max(x.data, out)[1])


def nearest_matrix(size: int, out: int, scale: float, dtype: Any) -> np.ndarray:
    """(out, size) one-hot rows: output i reads input floor(i * scale) (PyTorch's "nearest")."""
    source = np.minimum(np.floor(np.arange(out) * scale).astype(np.int64), size - 1)
    return (source[:, None] == np.arange(size)).astype(dtype)


def linear_matrix(size: int, out: int, scale: float, align_corners: bool, dtype: Any):
    """(out, size) rows of linear-interpolation weights (two per row), PyTorch's rule.

    Examples:
        >>> linear_matrix(2, 4, 0.5, False, np.float64)
        array([[1.  , 0.  ],
               [0.75, 0.25],
               [0.25, 0.75],
               [0.  , 1.  ]])
    """
    i = np.arange(out, dtype=np.float64)
    if align_corners:
        source = i * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        source = np.maximum((i + 0.5) * scale - 0.5, 0.0)
    low = np.minimum(np.floor(source).astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    frac = source - low
    matrix = np.zeros((out, size))
    matrix[np.arange(out), low] += 1.0 - frac
    matrix[np.arange(out), high] += frac
    return matrix.astype(dtype)


def interpolate(
    x: Any,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """Resize an (N, C, H, W) input by ``size`` or ``scale_factor``, "nearest" or "bilinear"
    (PyTorch's index rules; ``align_corners`` for bilinear only).

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[[[1.0, 2.0]]]])
        >>> gn.ops.resize.interpolate(x, scale_factor=2).numpy()[0, 0]
        array([[1., 1., 2., 2.],
               [1., 1., 2., 2.]], dtype=float32)
    """
    x = as_tensor(x)
    if x.ndim != 4:
        raise ShapeError(f"interpolate: input must have shape (N, C, H, W), got {x.shape}")
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"interpolate: mode must be 'nearest' or 'bilinear', got {mode!r}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners only goes with mode='bilinear' (as PyTorch)")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    h, w = x.shape[2:]
    if size is not None:
        out = _output_size("interpolate", x, size)
        scales = (h / out[0], w / out[1])
    else:
        factors = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * 2
        if len(factors) != 2 or not all(
            isinstance(f, (int, float)) and not isinstance(f, bool) and f > 0 for f in factors
        ):
            raise ValueError(f"interpolate: scale_factor must be > 0, got {scale_factor!r}")
        out = (math.floor(h * factors[0]), math.floor(w * factors[1]))
        scales = (1.0 / factors[0], 1.0 / factors[1])
    if mode == "nearest":
        rows = nearest_matrix(h, out[0], scales[0], x.dtype)
        cols = nearest_matrix(w, out[1], scales[1], x.dtype)
    else:
        corners = bool(align_corners)
        rows = linear_matrix(h, out[0], scales[0], corners, x.dtype)
        cols = linear_matrix(w, out[1], scales[1], corners, x.dtype)
    return ResampleOp.apply(x, rows, cols)
