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

import numpy as np

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
