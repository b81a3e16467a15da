"""Convolutions as Functions: conv2d (conv1d is a conv2d of height 1) and conv_transpose2d.

Both are one GEMM around an im2col (see ``glassnet.ops.im2col``). With groups, the weight and
the columns are reshaped to a leading group axis and ``np.matmul`` multiplies every group in one
call (a depthwise convolution is the case groups = channels).

Shapes and names are PyTorch's: input (N, C, H, W), ``weight`` (F, C / groups, kH, kW) for
conv2d and (C, F / groups, kH, kW) for conv_transpose2d, ``bias`` (F,). The output is an NCHW
view of a channel-major (F, N, OH, OW) array: the layout the GEMM produces, which the next
convolution's im2col, a pooling or a BatchNorm reads without a copy.

Gradients, with ``G`` the output gradient laid out as (F, N * OH * OW) and ``cols`` the im2col
of the input: ``dW = G @ cols^T``, ``db = G`` summed over its columns,
``dx = col2im(W^T @ G)``. A transposed convolution swaps the roles: its forward is that col2im,
its input gradient an im2col and a GEMM.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int
from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.im2col import Pair, channel_major, col2im, im2col, out_size, pad_hw
from glassnet.tensor import Tensor, as_tensor


def as_pair(owner: str, name: str, value: Any, minimum: int = 0) -> Pair:
    """An int or a pair of ints (each >= ``minimum``) as a pair: ``3`` -> ``(3, 3)``.

    Examples:
        >>> as_pair("Conv2d", "stride", 2), as_pair("Conv2d", "stride", (1, 2))
        ((2, 2), (1, 2))
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{owner}: {name} must be an int or a pair of ints, got {value!r}")
        return (
            check_int(owner, name, value[0], minimum),
            check_int(owner, name, value[1], minimum),
        )
    number = check_int(owner, name, value, minimum)
    return number, number


def same_padding(kernel: Pair, dilation: Pair) -> tuple[Pair, Pair]:
    """``padding="same"`` as PyTorch: a total of ``dilation * (kernel - 1)`` per axis, the odd
    one out at the bottom/right. Returns (padding on both sides, extra at the bottom/right)."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return (totals[0] // 2, totals[1] // 2), (totals[0] % 2, totals[1] % 2)


def _gemm(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per-group matrix products (G, a, b) @ (G, b, c); a plain 2-D GEMM for one group."""
    if left.shape[0] == 1:
        return (left[0] @ right[0])[None]
    return np.matmul(left, right)


# Column block of the weight gradient's product: two blocks of a few rows each fit in L2.
_BLOCK = 2048


def _gemm_nt(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per-group ``left @ right^T`` for (G, a, L) and (G, b, L) sharing a long axis L.

    This is the weight gradient, ``dW = G @ cols^T``. With few rows (a + b small, as in the first
    layers of a CNN: 8 filters x 9 taps over 128 * 26 * 26 pixels) OpenBLAS streams both
    operands from memory for a tiny result and runs several times slower than the same product
    summed over column blocks that stay in cache (measured 3.1 ms against 0.4-0.7 ms for
    (8, 86528) x (86528, 9)). Large products go to BLAS whole.
    """
    a, b, length = left.shape[1], right.shape[1], left.shape[2]
    if a + b > 128 or length < 4 * _BLOCK:
        return _gemm(left, right.transpose(0, 2, 1))
    total = _gemm(left[..., :_BLOCK], right[..., :_BLOCK].transpose(0, 2, 1))
    for start in range(_BLOCK, length, _BLOCK):
        block = slice(start, start + _BLOCK)
        total += _gemm(left[..., block], right[..., block].transpose(0, 2, 1))
    return total


# --8<-- [start:conv2d-op]
class Conv2dOp(Function):
    """2-D cross-correlation, PyTorch's ``conv2d``, as im2col + one GEMM per group."""

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        weight: np.ndarray,
        bias: np.ndarray | None = None,
        stride: Pair = (1, 1),
        padding: Pair = (0, 0),
        extra: Pair = (0, 0),
        dilation: Pair = (1, 1),
        groups: int = 1,
    ) -> np.ndarray:
        n = x.shape[0]
        f, _, kh, kw = weight.shape
        padded = pad_hw(x, padding, 0.0, extra)
        out_hw = (
            out_size(padded.shape[2], kh, stride[0], 0, dilation[0]),
            out_size(padded.shape[3], kw, stride[1], 0, dilation[1]),
        )
        cols = im2col(padded, (kh, kw), out_hw, stride, dilation)
        cols = cols.reshape(groups, -1, n * out_hw[0] * out_hw[1])  # (G, C/G * kH * kW, L)
        w = weight.reshape(groups, f // groups, -1)
        out = _gemm(w, cols).reshape(f, n, *out_hw)
        if bias is not None:
            out += bias.reshape(f, 1, 1, 1)
        ctx.save_for_backward(cols, w)
        ctx.settings = (x.shape, padded.shape[2:], padding, stride, dilation, weight.shape)
        return out.transpose(1, 0, 2, 3)  # NCHW view of the channel-major result

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        cols, w = ctx.saved_tensors
        x_shape, padded_hw, padding, stride, dilation, w_shape = ctx.settings
        needs = ctx.needs_input_grad
        groups, f = w.shape[0], w_shape[0]
        g = channel_major(grad).reshape(groups, f // groups, -1)  # (G, F/G, L)
        grad_w = _gemm_nt(g, cols).reshape(w_shape) if needs[1] else None
        grad_x = None
        if needs[0]:
            n, c, h, wd = x_shape
            dcols = _gemm(w.transpose(0, 2, 1), g)
            dcols = dcols.reshape(c, w_shape[2], w_shape[3], n, *grad.shape[2:])
            image = col2im(dcols, padded_hw, stride, dilation)
            ph, pw = padding
            grad_x = image[:, :, ph : ph + h, pw : pw + wd].transpose(1, 0, 2, 3)
        if len(needs) == 2:
            return grad_x, grad_w
        grad_b = g.reshape(f, -1).sum(axis=1) if needs[2] else None
        return grad_x, grad_w, grad_b


# --8<-- [end:conv2d-op]
class ConvTranspose2dOp(Function):
    """The transpose (adjoint) of conv2d with respect to its input: a GEMM then a col2im.

    Output size ``(H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        weight: np.ndarray,
        bias: np.ndarray | None = None,
        stride: Pair = (1, 1),
        padding: Pair = (0, 0),
        output_padding: Pair = (0, 0),
        dilation: Pair = (1, 1),
        groups: int = 1,
    ) -> np.ndarray:
        n, c, h, wd = x.shape
        _, fg, kh, kw = weight.shape
        f = fg * groups
        full = tuple(
            (size - 1) * s + d * (k - 1) + 1 + op
            for size, s, d, k, op in zip((h, wd), stride, dilation, (kh, kw), output_padding)
        )
        xc = channel_major(x).reshape(groups, c // groups, -1)  # (G, C/G, L)
        w = weight.reshape(groups, c // groups, -1)  # (G, C/G, F/G * kH * kW)
        cols = _gemm(w.transpose(0, 2, 1), xc).reshape(f, kh, kw, n, h, wd)
        image = col2im(cols, full, stride, dilation)
        ph, pw = padding
        out = image[:, :, ph : full[0] - ph, pw : full[1] - pw]
        if bias is not None:
            out += bias.reshape(f, 1, 1, 1)
        ctx.save_for_backward(xc, w)
        ctx.settings = (x.shape, full, padding, stride, dilation, weight.shape)
        return out.transpose(1, 0, 2, 3)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        xc, w = ctx.saved_tensors
        (n, c, h, wd), full, padding, stride, dilation, w_shape = ctx.settings
        needs = ctx.needs_input_grad
        groups = w.shape[0]
        ph, pw = padding
        kernel = (w_shape[2], w_shape[3])
        padded = np.zeros((n, grad.shape[1], *full), dtype=grad.dtype)
        padded[:, :, ph : full[0] - ph, pw : full[1] - pw] = grad
        dcols = im2col(padded, kernel, (h, wd), stride, dilation).reshape(groups, -1, n * h * wd)
        grad_x = None
        if needs[0]:
            grad_x = _gemm(w, dcols).reshape(c, n, h, wd).transpose(1, 0, 2, 3)
        grad_w = _gemm(xc, dcols.transpose(0, 2, 1)).reshape(w_shape) if needs[1] else None
        if len(needs) == 2:
            return grad_x, grad_w
        grad_b = grad.sum(axis=(0, 2, 3)) if needs[2] else None
        return grad_x, grad_w, grad_b


def _check_conv_input(op: str, x: Tensor, weight: Tensor, in_channels: int, groups: int) -> None:
    if x.ndim != 4:
        raise ShapeError(f"{op}: input must have shape (N, C, H, W), got {x.shape}")
    if weight.ndim != 4:
        raise ShapeError(f"{op}: weight must have 4 axes, got shape {weight.shape}")
    if x.shape[1] != in_channels:
        raise ShapeError(
            f"{op}: input of shape {x.shape} has {x.shape[1]} channels, but the weight of "
            f"shape {weight.shape} with groups={groups} expects {in_channels}"
        )


def _check_bias(op: str, bias: Tensor | None, channels: int) -> None:
    if bias is not None and bias.shape != (channels,):
        raise ShapeError(f"{op}: bias must have shape ({channels},), got {bias.shape}")


def _unbatched(x: Tensor, ndim: int) -> bool:
    return x.ndim == ndim - 1


def conv2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution (cross-correlation) over an (N, C, H, W) or (C, H, W) input.

    Args:
        weight: (F, C / groups, kH, kW).
        bias: (F,) or None.
        stride, dilation: an int or a pair (>= 1).
        padding: an int or a pair of zeros added on both sides, or "valid" (none) or "same"
            (the output has the input's size; stride 1 only, as PyTorch).
        groups: C and F split into this many groups, each convolved with its own filters.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.ones(1, 1, 3, 3)
        >>> gn.ops.conv.conv2d(x, gn.ones(1, 1, 2, 2)).numpy()[0, 0]
        array([[4., 4.],
               [4., 4.]], dtype=float32)
        >>> gn.ops.conv.conv2d(x, gn.ones(2, 1, 3, 3), padding="same").shape
        (1, 2, 3, 3)
    """
    x, weight = as_tensor(x), as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    if _unbatched(x, 4):
        return conv2d(x.reshape(1, *x.shape), weight, bias, stride, padding, dilation, groups)[0]
    groups = check_int("conv2d", "groups", groups, minimum=1)
    stride = as_pair("conv2d", "stride", stride, minimum=1)
    dilation = as_pair("conv2d", "dilation", dilation, minimum=1)
    _check_conv_input(
        "conv2d", x, weight, weight.shape[1] * groups if weight.ndim == 4 else -1, groups
    )
    f, _, kh, kw = weight.shape
    if f % groups:
        raise ShapeError(f"conv2d: out channels ({f}) must be divisible by groups ({groups})")
    _check_bias("conv2d", bias, f)
    extra = (0, 0)
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":
        if stride != (1, 1):
            raise ValueError("conv2d: padding='same' needs stride 1 (as PyTorch)")
        padding, extra = same_padding((kh, kw), dilation)
    else:
        padding = as_pair("conv2d", "padding", padding)
    for axis, size, k, p, e, d in zip("HW", x.shape[2:], (kh, kw), padding, extra, dilation):
        if size + 2 * p + e < d * (k - 1) + 1:
            raise ShapeError(
                f"conv2d: input of shape {x.shape} is too small along {axis}: padded size "
                f"{size + 2 * p + e} < dilated kernel size {d * (k - 1) + 1}"
            )
    settings = dict(stride=stride, padding=padding, extra=extra, dilation=dilation, groups=groups)
    if bias is None:
        return Conv2dOp.apply(x, weight, **settings)
    return Conv2dOp.apply(x, weight, bias, **settings)


def conv1d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution over an (N, C, L) or (C, L) input: a conv2d of height 1.

    Examples:
        >>> import glassnet as gn
        >>> gn.ops.conv.conv1d(gn.ones(2, 3, 5), gn.ones(4, 3, 3), padding=1).shape
        (2, 4, 5)
    """
    x, weight = as_tensor(x), as_tensor(weight)
    if _unbatched(x, 3):
        return conv1d(x.reshape(1, *x.shape), weight, bias, stride, padding, dilation, groups)[0]
    if x.ndim != 3 or weight.ndim != 3:
        raise ShapeError(
            f"conv1d: input must be (N, C, L) and weight (F, C / groups, k), got {x.shape} "
            f"and {weight.shape}"
        )

    def one(value: Any, name: str, minimum: int) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, (tuple, list)) and len(value) == 1:
            value = value[0]
        return (minimum, check_int("conv1d", name, value, minimum))

    out = conv2d(
        x.reshape(x.shape[0], x.shape[1], 1, x.shape[2]),
        weight.reshape(weight.shape[0], weight.shape[1], 1, weight.shape[2]),
        bias,
        stride=one(stride, "stride", 1),
        padding=one(padding, "padding", 0),
        dilation=one(dilation, "dilation", 1),
        groups=groups,
    )
    return out.reshape(out.shape[0], out.shape[1], out.shape[3])


def conv_transpose2d(
    x: Any,
    weight: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """The transposed convolution ("deconvolution") of PyTorch, weight (C, F / groups, kH, kW).

    Examples:
        >>> import glassnet as gn
        >>> gn.ops.conv.conv_transpose2d(gn.ones(1, 1, 2, 2), gn.ones(1, 1, 2, 2), stride=2).shape
        (1, 1, 4, 4)
    """
    x, weight = as_tensor(x), as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    if _unbatched(x, 4):
        out = conv_transpose2d(
            x.reshape(1, *x.shape), weight, bias, stride, padding, output_padding, groups, dilation
        )
        return out[0]
    op = "conv_transpose2d"
    groups = check_int(op, "groups", groups, minimum=1)
    stride = as_pair(op, "stride", stride, minimum=1)
    dilation = as_pair(op, "dilation", dilation, minimum=1)
    padding = as_pair(op, "padding", padding)
    output_padding = as_pair(op, "output_padding", output_padding)
    _check_conv_input(op, x, weight, weight.shape[0] if weight.ndim == 4 else -1, groups)
    if x.shape[1] % groups:
        raise ShapeError(f"{op}: in channels ({x.shape[1]}) must be divisible by groups ({groups})")
    _check_bias(op, bias, weight.shape[1] * groups)
    for p, s, d in zip(output_padding, stride, dilation):
        if p >= max(s, d):
            raise ValueError(
                f"{op}: output_padding {output_padding} must be smaller than the stride "
                f"{stride} or the dilation {dilation} (as PyTorch)"
            )
    for axis, size, k, s, p, op_, d in zip(
        "HW", x.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation
    ):
        if (size - 1) * s - 2 * p + d * (k - 1) + op_ + 1 <= 0:
            raise ShapeError(f"{op}: padding {padding} leaves no output along {axis}")
    settings = dict(
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        groups=groups,
    )
    if bias is None:
        return ConvTranspose2dOp.apply(x, weight, **settings)
    return ConvTranspose2dOp.apply(x, weight, bias, **settings)
