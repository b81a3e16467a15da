"""im2col and col2im: the two array moves under every convolution, by slice copies.

A convolution is a matrix product once each output pixel's receptive field is laid out as a
column. ``im2col`` does that with one slice copy per kernel offset (kH * kW copies, never a loop
over samples or pixels): for the offset (i, j) the pixels every window reads form a strided
view of the padded input, and the copy lands in a preallocated buffer of shape
(C, kH, kW, N, OH, OW). Reshaped to (C * kH * kW, N * OH * OW) it is the right operand of the
GEMM, and the product, (F, N * OH * OW), is already channel-major: the convolution returns it as
an NCHW view without copying.

``col2im`` is its adjoint (the backward of im2col): each offset's slice is *added* back, so
overlapping windows sum their contributions. Unlike ``np.add.at`` this is a plain strided
``+=``, as fast as a copy.

Examples:
    >>> import numpy as np
    >>> from glassnet.ops.im2col import im2col, col2im
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> cols = im2col(x, kernel=(2, 2), out=(2, 2), stride=(2, 2), dilation=(1, 1))
    >>> cols.shape                       # (C, kH, kW, N, OH, OW)
    (1, 2, 2, 1, 2, 2)
    >>> cols[0, :, :, 0, 0, 0]           # the first window
    array([[0., 1.],
           [4., 5.]])
    >>> col2im(np.ones_like(cols), (4, 4), stride=(2, 2), dilation=(1, 1))[0, 0]  # (C, N, H, W)
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.tensor import as_tensor

Pair = tuple[int, int]


def out_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """Output length of a convolution or pooling along one axis (PyTorch's floor formula).

    Examples:
        >>> out_size(28, 3, 1, 0, 1), out_size(28, 3, 2, 1, 1), out_size(5, 3, 1, 0, 2)
        (26, 14, 1)
    """
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def window_view(x: np.ndarray, i: int, j: int, out: Pair, stride: Pair, dilation: Pair):
    """The strided view of ``x`` (..., H, W) that the kernel offset (i, j) reads: element
    [..., oh, ow] is ``x[..., oh * sh + i * dh, ow * sw + j * dw]``."""
    (oh, ow), (sh, sw), (dh, dw) = out, stride, dilation
    top, left = i * dh, j * dw
    return x[..., top : top + sh * (oh - 1) + 1 : sh, left : left + sw * (ow - 1) + 1 : sw]


def pad_hw(x: np.ndarray, padding: Pair, value: float = 0.0, extra: Pair = (0, 0)) -> np.ndarray:
    """``x`` (N, C, H, W) padded with ``value`` by ``padding`` on both sides of H and W (and
    ``extra`` more at the bottom/right); no copy when there is nothing to pad."""
    (ph, pw), (eh, ew) = padding, extra
    if ph == pw == eh == ew == 0:
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + 2 * ph + eh, w + 2 * pw + ew), value, dtype=x.dtype)
    out[:, :, ph : ph + h, pw : pw + w] = x
    return out


def im2col(x: np.ndarray, kernel: Pair, out: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """The windows of an already padded ``x`` (N, C, Hp, Wp) as a (C, kH, kW, N, OH, OW) array.

    One slice copy per kernel offset; ``x`` may have any strides (an NCHW view of a
    channel-major array reads just as well).
    """
    n, c = x.shape[:2]
    kh, kw = kernel
    cols = np.empty((c, kh, kw, n, *out), dtype=x.dtype)
    source = x.transpose(1, 0, 2, 3)  # (C, N, H, W): the order of the buffer's slots
    for i in range(kh):
        for j in range(kw):
            cols[:, i, j] = window_view(source, i, j, out, stride, dilation)
    return cols


def col2im(cols: np.ndarray, size: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """The adjoint of ``im2col``: (C, kH, kW, N, OH, OW) columns summed back into a
    (C, N, Hp, Wp) array (channel-major; callers transpose it to NCHW as a view)."""
    c, kh, kw, n, oh, ow = cols.shape
    image = np.zeros((c, n, *size), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            window_view(image, i, j, (oh, ow), stride, dilation)[...] += cols[:, i, j]
    return image


def channel_major(x: np.ndarray) -> np.ndarray:
    """``x`` (N, C, ...) as a C-contiguous (C, N, ...) array: free when ``x`` is the NCHW view
    of a channel-major array (what the convolutions return), one copy otherwise."""
    return np.ascontiguousarray(np.swapaxes(x, 0, 1))


# The two ops below expose im2col and col2im themselves, PyTorch's F.unfold and F.fold.
class UnfoldOp(Function):
    """(N, C, H, W) -> (N, C * kH * kW, L): every window as a column (``F.unfold``)."""

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair
    ) -> np.ndarray:
        n, c = x.shape[:2]
        padded = pad_hw(x, padding)
        out = tuple(
            out_size(s, k, st, 0, d)
            for s, k, st, d in zip(padded.shape[2:], kernel, stride, dilation)
        )
        cols = im2col(padded, kernel, out, stride, dilation)  # type: ignore[arg-type]
        ctx.settings = (x.shape, padded.shape[2:], kernel, out, padding, stride, dilation)
        return cols.reshape(c * kernel[0] * kernel[1], n, -1).transpose(1, 0, 2)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        (n, c, h, w), padded_hw, kernel, out, padding, stride, dilation = ctx.settings
        cols = grad.transpose(1, 0, 2).reshape(c, *kernel, n, *out)
        image = col2im(cols, padded_hw, stride, dilation)
        ph, pw = padding
        return image[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3)


class FoldOp(Function):
    """(N, C * kH * kW, L) -> (N, C, H, W): columns summed back into an image (``F.fold``)."""

    @staticmethod
    def forward(
        ctx: Context,
        cols: np.ndarray,
        size: Pair,
        kernel: Pair,
        dilation: Pair,
        padding: Pair,
        stride: Pair,
        out: Pair,
    ) -> np.ndarray:
        n, ckk, _ = cols.shape
        c = ckk // (kernel[0] * kernel[1])
        padded_hw = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
        blocks = cols.transpose(1, 0, 2).reshape(c, *kernel, n, *out)
        image = col2im(blocks, padded_hw, stride, dilation)
        ctx.settings = (kernel, dilation, padding, stride, out)
        ph, pw = padding
        return image[:, :, ph : ph + size[0], pw : pw + size[1]].transpose(1, 0, 2, 3)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        kernel, dilation, padding, stride, out = ctx.settings
        n, c = grad.shape[:2]
        cols = im2col(pad_hw(grad, padding), kernel, out, stride, dilation)
        return cols.reshape(c * kernel[0] * kernel[1], n, -1).transpose(1, 0, 2)


def _settings(op: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any):
    from glassnet.ops.conv import as_pair

    return (
        as_pair(op, "kernel_size", kernel_size, 1),
        as_pair(op, "dilation", dilation, 1),
        as_pair(op, "padding", padding),
        as_pair(op, "stride", stride, 1),
    )


def unfold(x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1):
    """PyTorch's ``F.unfold``: the sliding windows of (N, C, H, W) as (N, C * kH * kW, L)
    columns, L = OH * OW, channel-major within a column (C, then kH, then kW).

    Examples:
        >>> import glassnet as gn
        >>> from glassnet.ops.im2col import unfold
        >>> unfold(gn.ones(2, 3, 4, 4), 2).shape
        (2, 12, 9)
    """
    x = as_tensor(x)
    if x.ndim != 4:
        raise ShapeError(f"unfold: input must have shape (N, C, H, W), got {x.shape}")
    kernel, dilation, padding, stride = _settings("unfold", kernel_size, dilation, padding, stride)
    for size, k, d, p in zip(x.shape[2:], kernel, dilation, padding):
        if size + 2 * p < d * (k - 1) + 1:
            raise ShapeError(
                f"unfold: input of shape {x.shape} is smaller than the kernel {kernel}"
            )
    return UnfoldOp.apply(x, kernel=kernel, dilation=dilation, padding=padding, stride=stride)


def fold(
    cols: Any,
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
):
    """PyTorch's ``F.fold``, the adjoint of ``unfold``: (N, C * kH * kW, L) columns summed into
    an (N, C, H, W) image of ``output_size`` (overlaps add up).

    Examples:
        >>> import glassnet as gn
        >>> from glassnet.ops.im2col import fold, unfold
        >>> fold(unfold(gn.ones(1, 1, 3, 3), 2), (3, 3), 2).numpy()[0, 0]
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]], dtype=float32)
    """
    from glassnet.ops.conv import as_pair

    cols = as_tensor(cols)
    size = as_pair("fold", "output_size", output_size, 1)
    kernel, dilation, padding, stride = _settings("fold", kernel_size, dilation, padding, stride)
    out = tuple(
        out_size(s, k, st, p, d) for s, k, st, p, d in zip(size, kernel, stride, padding, dilation)
    )
    blocks = kernel[0] * kernel[1]
    if cols.ndim != 3 or cols.shape[1] % blocks or cols.shape[2] != out[0] * out[1]:
        raise ShapeError(
            f"fold: input of shape {cols.shape} does not fit: expected (N, C * {blocks}, "
            f"{out[0] * out[1]}) for output_size {size}, kernel {kernel}"
        )
    return FoldOp.apply(
        cols, size=size, kernel=kernel, dilation=dilation, padding=padding, stride=stride, out=out
    )
