"""Pooling as Functions: max and average pooling over windows, by strided views.

A window of kH x kW pixels is never gathered: for each kernel offset (i, j), the pixels every
window reads at that offset form one strided view of the (padded) input (``window_view``), so
the max pool is ``np.maximum`` folded over kH * kW views, and the average pool their sum. The
backward adds into the same views. The loops run over kernel offsets, never over pixels.

PyTorch's conventions: padding adds -inf (max) or zeros (average) on both sides; with
``ceil_mode`` a last, partial window is kept if it starts inside the input or the left padding;
a max pool's gradient goes to the FIRST maximum of each window (row-major order), ties included;
``count_include_pad`` counts the padded zeros in the divisor (never the ceil_mode overhang).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.conv import as_pair
from glassnet.ops.im2col import Pair, pad_hw, window_view
from glassnet.tensor import Tensor, as_tensor


def pool_out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """Output length of a pooling along one axis, PyTorch's formula (with ceil_mode).

    Examples:
        >>> pool_out_size(5, 2, 2, 0, 1, False), pool_out_size(5, 2, 2, 0, 1, True)
        (2, 3)
    """
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:  # the last window would start in the padding
        out -= 1
    return out


def _padded(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out, value):
    """``x`` padded by ``padding`` plus what the ceil_mode windows overhang at the bottom/right."""
    extra = tuple(
        max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
        for o, s, d, k, size, p in zip(out, stride, dilation, kernel, x.shape[2:], padding)
    )
    return pad_hw(x, padding, value, extra)


def _crop(image: np.ndarray, padding: Pair, size: tuple[int, ...]) -> np.ndarray:
    (ph, pw), (h, w) = padding, size
    return image[:, :, ph : ph + h, pw : pw + w]


class MaxPool2dOp(Function):
    """Max over each window; the gradient goes to the first maximum of each window."""

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        kernel: Pair = (2, 2),
        stride: Pair = (2, 2),
        padding: Pair = (0, 0),
        dilation: Pair = (1, 1),
        out: Pair = (1, 1),
    ) -> np.ndarray:
        padded = _padded(x, kernel, stride, padding, dilation, out, -np.inf)
        views = [
            window_view(padded, i, j, out, stride, dilation)
            for i in range(kernel[0])
            for j in range(kernel[1])
        ]
        # A ufunc's new output keeps its inputs' memory layout (channel-major after a
        # convolution); starting from the max of the first two views saves a copy pass.
        result = np.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy(order="K")
        for view in views[2:]:
            np.maximum(result, view, out=result)
        ctx.save_for_backward(padded, result)
        ctx.settings = (x.shape, kernel, stride, padding, dilation, out)
        return result

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        padded, result = ctx.saved_tensors
        x_shape, kernel, stride, padding, dilation, out = ctx.settings
        # Each pixel in at most one window (stride >= window): the gradient is assigned to the
        # views, not added.
        disjoint = all(s >= d * (k - 1) + 1 for s, d, k in zip(stride, dilation, kernel))
        # The input's layout (empty_like keeps it), so no copy later. Windows that tile the
        # image (the common 2x2 stride 2) write every pixel they cover: only the rows and
        # columns past the last window need zeros, which saves a pass over the whole image.
        image = np.empty_like(padded, dtype=grad.dtype)
        if stride == kernel and dilation == (1, 1):
            image[:, :, out[0] * stride[0] :] = 0
            image[:, :, :, out[1] * stride[1] :] = 0
        else:
            image[...] = 0
        offsets = [(i, j) for i in range(kernel[0]) for j in range(kernel[1])]
        # First-max semantics: ``taken`` marks the windows whose maximum was already found, so
        # a tie sends the gradient to the first of the equal pixels only.
        taken = None
        hit = np.empty(result.shape, dtype=bool)
        for number, (i, j) in enumerate(offsets):
            np.equal(window_view(padded, i, j, out, stride, dilation), result, out=hit)
            if taken is None:
                taken = hit.copy()
            else:
                np.greater(hit, taken, out=hit)  # hit and not taken
                if number < len(offsets) - 1:
                    taken |= hit
            target = window_view(image, i, j, out, stride, dilation)
            if disjoint:
                np.multiply(hit, grad, out=target)
            else:
                target += hit * grad
        return _crop(image, padding, x_shape[2:])


def max_pool_indices(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, out: Pair
) -> np.ndarray:
    """PyTorch's ``return_indices``: the flat index (h * W + w) in the input of each window's
    first maximum, as int64."""
    padded = _padded(x, kernel, stride, padding, dilation, out, -np.inf)
    best = window_view(padded, 0, 0, out, stride, dilation).copy()
    offset = np.zeros(best.shape, dtype=np.int64)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            view = window_view(padded, i, j, out, stride, dilation)
            better = view > best  # strict: an equal value later keeps the first
            best = np.where(better, view, best)
            offset = np.where(better, i * kernel[1] + j, offset)
    rows = np.arange(out[0])[:, None] * stride[0] - padding[0] + (offset // kernel[1]) * dilation[0]
    cols = np.arange(out[1])[None, :] * stride[1] - padding[1] + (offset % kernel[1]) * dilation[1]
    return rows * x.shape[3] + cols


def _divisors(size: int, k: int, s: int, p: int, out: int, include_pad: bool) -> np.ndarray:
    """How many pixels each window along one axis averages (PyTorch's rule)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)  # the padded zeros count; the overhang never does
    if not include_pad:
        return np.minimum(end, size) - np.maximum(start, 0)
    return end - start


class AvgPool2dOp(Function):
    """Mean over each window: the sum of the kH * kW views divided by each window's count."""

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        kernel: Pair = (2, 2),
        stride: Pair = (2, 2),
        padding: Pair = (0, 0),
        out: Pair = (1, 1),
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> np.ndarray:
        one = (1, 1)
        padded = _padded(x, kernel, stride, padding, one, out, 0.0)
        total = window_view(padded, 0, 0, out, stride, one).copy(order="K")
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                if i or j:
                    total += window_view(padded, i, j, out, stride, one)
        if divisor_override is not None:
            scale = np.asarray(1.0 / divisor_override, dtype=x.dtype)
        else:
            per_axis = [
                _divisors(size, k, s, p, o, count_include_pad)
                for size, k, s, p, o in zip(x.shape[2:], kernel, stride, padding, out)
            ]
            scale = (1.0 / np.outer(*per_axis)).astype(x.dtype)
        ctx.settings = (x.shape, padded.shape, kernel, stride, padding, out, scale)
        return total * scale

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x_shape, padded_shape, kernel, stride, padding, out, scale = ctx.settings
        image = np.zeros(padded_shape, dtype=grad.dtype)
        share = grad * scale  # (the views may overlap: added, not assigned)
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                window_view(image, i, j, out, stride, (1, 1))[...] += share
        return _crop(image, padding, x_shape[2:])


def _pool_settings(op: str, x: Tensor, kernel_size, stride, padding, dilation, ceil_mode):
    if x.ndim != 4:
        raise ShapeError(f"{op}: input must have shape (N, C, H, W), got {x.shape}")
    kernel = as_pair(op, "kernel_size", kernel_size, minimum=1)
    stride = kernel if stride is None or stride == () else as_pair(op, "stride", stride, 1)
    padding = as_pair(op, "padding", padding)
    dilation = as_pair(op, "dilation", dilation, minimum=1)
    if any(2 * p > d * (k - 1) + 1 for p, k, d in zip(padding, kernel, dilation)):
        raise ValueError(
            f"{op}: padding {padding} must be at most half the (dilated) kernel size {kernel} "
            "(as PyTorch)"
        )
    out = tuple(
        pool_out_size(size, k, s, p, d, bool(ceil_mode))
        for size, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation)
    )
    if min(out) < 1:
        raise ShapeError(f"{op}: input of shape {x.shape} is too small for kernel {kernel}")
    return kernel, stride, padding, dilation, out


def max_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """2-D max pooling of an (N, C, H, W) input; ``stride`` defaults to ``kernel_size``.

    With ``return_indices``, also the flat index (h * W + w) of each maximum, as a Tensor.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[[[1.0, 2.0], [4.0, 3.0]]]])
        >>> gn.ops.pooling.max_pool2d(x, 2)
        Tensor([[[[4.]]]], dtype=float32)
    """
    x = as_tensor(x)
    if x.ndim == 3:
        result = max_pool2d(
            x.reshape(1, *x.shape),
            kernel_size,
            stride,
            padding,
            dilation,
            ceil_mode,
            return_indices,
        )
        return (result[0][0], result[1][0]) if return_indices else result[0]
    kernel, stride, padding, dilation, out = _pool_settings(
        "max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode
    )
    y = MaxPool2dOp.apply(
        x, kernel=kernel, stride=stride, padding=padding, dilation=dilation, out=out
    )
    if not return_indices:
        return y
    return y, Tensor(max_pool_indices(x.data, kernel, stride, padding, dilation, out))


def avg_pool2d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """2-D average pooling of an (N, C, H, W) input; ``stride`` defaults to ``kernel_size``.

    Examples:
        >>> import glassnet as gn
        >>> gn.ops.pooling.avg_pool2d(gn.tensor([[[[1.0, 2.0], [4.0, 3.0]]]]), 2)
        Tensor([[[[2.5]]]], dtype=float32)
    """
    x = as_tensor(x)
    if x.ndim == 3:
        return avg_pool2d(
            x.reshape(1, *x.shape),
            kernel_size,
            stride,
            padding,
            ceil_mode,
            count_include_pad,
            divisor_override,
        )[0]
    kernel, stride, padding, _, out = _pool_settings(
        "avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode
    )
    if divisor_override is not None:
        from glassnet.arguments import check_int

        divisor_override = check_int("avg_pool2d", "divisor_override", divisor_override, 1)
    return AvgPool2dOp.apply(
        x,
        kernel=kernel,
        stride=stride,
        padding=padding,
        out=out,
        count_include_pad=bool(count_include_pad),
        divisor_override=divisor_override,
    )


def _as_2d(x: Tensor, op: str) -> Tensor:
    if x.ndim != 3:
        raise ShapeError(f"{op}: input must have shape (N, C, L), got {x.shape}")
    return x.reshape(x.shape[0], x.shape[1], 1, x.shape[2])


def _single(value: Any) -> Any:
    """A 1-D setting (int or 1-tuple) as the W part of a 2-D one."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    return value


def max_pool1d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """1-D max pooling of an (N, C, L) input (a 2-D pooling of height 1).

    Examples:
        >>> import glassnet as gn
        >>> gn.ops.pooling.max_pool1d(gn.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        Tensor([[[3., 2.]]], dtype=float32)
    """
    x = as_tensor(x)
    stride = None if stride is None else (1, _single(stride))
    result = max_pool2d(
        _as_2d(x, "max_pool1d"),
        (1, _single(kernel_size)),
        stride,
        (0, _single(padding)),
        (1, _single(dilation)),
        ceil_mode,
        return_indices,
    )
    if return_indices:
        y, idx = result
        return y.reshape(y.shape[0], y.shape[1], y.shape[3]), idx.reshape(*idx.shape[:2], -1)
    return result.reshape(result.shape[0], result.shape[1], result.shape[3])


def avg_pool1d(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """1-D average pooling of an (N, C, L) input.

    Examples:
        >>> import glassnet as gn
        >>> gn.ops.pooling.avg_pool1d(gn.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        Tensor([[[2., 1.]]], dtype=float32)
    """
    x = as_tensor(x)
    stride = None if stride is None else (1, _single(stride))
    y = avg_pool2d(
        _as_2d(x, "avg_pool1d"),
        (1, _single(kernel_size)),
        stride,
        (0, _single(padding)),
        ceil_mode,
        count_include_pad,
    )
    return y.reshape(y.shape[0], y.shape[1], y.shape[3])
