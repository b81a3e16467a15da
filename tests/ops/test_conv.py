"""conv2d, conv1d, conv_transpose2d, unfold and fold: forward against direct loops written here,
backward against float64 central differences, across strides, paddings, dilations and groups."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.ops.conv import _gemm_nt, conv1d, conv2d, conv_transpose2d
from glassnet.ops.im2col import fold, unfold


def reference_conv2d(x, w, b, stride, padding, dilation, groups):
    """Direct definition: out[n, f, i, j] = sum over the window of x * w (+ b)."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n, _, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, f, oh, ow))
    for s in range(n):
        for o in range(f):
            g = o // (f // groups)
            for i in range(oh):
                for j in range(ow):
                    patch = xp[
                        s,
                        g * cg : (g + 1) * cg,
                        i * sh : i * sh + dh * (kh - 1) + 1 : dh,
                        j * sw : j * sw + dw * (kw - 1) + 1 : dw,
                    ]
                    out[s, o, i, j] = (patch * w[o]).sum() + (0.0 if b is None else b[o])
    return out


def reference_conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups):
    """Direct definition: each input pixel scatters its weighted kernel into the output."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n, c, h, wd = x.shape
    _, fg, kh, kw = w.shape
    f, cg = fg * groups, c // groups
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + output_padding[0]
    full_w = (wd - 1) * sw + dw * (kw - 1) + 1 + output_padding[1]
    full = np.zeros((n, f, full_h, full_w))
    for s in range(n):
        for ci in range(c):
            g = ci // cg
            for i in range(h):
                for j in range(wd):
                    for a in range(kh):
                        for e in range(kw):
                            full[s, g * fg : (g + 1) * fg, i * sh + a * dh, j * sw + e * dw] += (
                                x[s, ci, i, j] * w[ci, :, a, e]
                            )
    out = full[:, :, ph : full_h - ph, pw : full_w - pw]
    return out + (0.0 if b is None else b.reshape(1, -1, 1, 1))


CASES = [  # (N, C, H, W), F, (kH, kW), stride, padding, dilation, groups
    ((2, 3, 5, 5), 4, (3, 3), (1, 1), (0, 0), (1, 1), 1),
    ((1, 2, 6, 7), 3, (3, 2), (2, 1), (1, 2), (1, 1), 1),  # batch 1, odd sizes, tuple settings
    ((2, 4, 7, 6), 4, (3, 3), (2, 2), (1, 1), (2, 1), 2),  # groups and dilation
    ((2, 3, 5, 4), 6, (3, 3), (1, 2), (1, 0), (1, 1), 3),  # depthwise with a multiplier of 2
    ((1, 1, 4, 4), 1, (1, 1), (3, 3), (0, 0), (1, 1), 1),  # 1x1, stride larger than kernel
]


@pytest.mark.parametrize("case", CASES)
def test_conv2d_matches_the_definition_and_numerical_gradients(case):
    shape, f, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    w = rng.normal(size=(f, shape[1] // groups, *kernel))
    b = rng.normal(size=f)
    out = conv2d(x, w, b, stride, padding, dilation, groups)
    np.testing.assert_allclose(
        out.numpy(), reference_conv2d(x, w, b, stride, padding, dilation, groups), atol=1e-12
    )
    tensors = [gn.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gn.gradcheck(lambda a, c, e: conv2d(a, c, e, stride, padding, dilation, groups), tensors)


def test_conv2d_without_bias_and_only_weight_gradient():
    rng = np.random.default_rng(1)
    x, w = (
        rng.normal(size=(2, 2, 4, 4)),
        gn.tensor(rng.normal(size=(3, 2, 2, 2)), requires_grad=True),
    )
    assert gn.gradcheck(lambda c: conv2d(x, c, stride=2), [w])
    np.testing.assert_allclose(
        conv2d(x, w.data).numpy(),
        reference_conv2d(x, w.data, None, (1, 1), (0, 0), (1, 1), 1),
        atol=1e-12,
    )


@pytest.mark.parametrize("kernel, dilation", [((3, 3), (1, 1)), ((2, 4), (1, 1)), ((3, 2), (2, 3))])
def test_same_padding_keeps_the_size_with_the_extra_pixel_at_the_end(kernel, dilation):
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(1, 2, 5, 6)), rng.normal(size=(2, 2, *kernel))
    out = conv2d(x, w, padding="same", dilation=dilation).numpy()
    assert out.shape == (1, 2, 5, 6)
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]  # PyTorch: left = total // 2
    xp = np.pad(
        x,
        (
            (0, 0),
            (0, 0),
            (total[0] // 2, total[0] - total[0] // 2),
            (total[1] // 2, total[1] - total[1] // 2),
        ),
    )
    np.testing.assert_allclose(
        out, reference_conv2d(xp, w, None, (1, 1), (0, 0), dilation, 1), atol=1e-12
    )
    assert conv2d(x, w, padding="valid").shape == conv2d(x, w).shape
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(lambda a: conv2d(a, w, padding="same", dilation=dilation), [xt])


def test_conv2d_float32_stays_float32_and_returns_nchw():
    x = gn.randn(2, 3, 6, 6, rng=0, requires_grad=True)
    w = gn.randn(4, 3, 3, 3, rng=1, requires_grad=True)
    out = conv2d(x, w)
    assert out.dtype == np.float32 and out.shape == (2, 4, 4, 4)
    out.sum().backward()
    assert np.asarray(x.grad).dtype == np.float32 and np.asarray(w.grad).shape == (4, 3, 3, 3)


def test_weight_gradient_by_column_blocks_equals_one_product():
    # (2, 8, 20000) x (2, 9, 20000): few rows over a long axis, summed block by block
    rng = np.random.default_rng(0)
    left, right = rng.standard_normal((2, 8, 20000)), rng.standard_normal((2, 9, 20000))
    expected = np.matmul(left, right.transpose(0, 2, 1))
    np.testing.assert_allclose(_gemm_nt(left, right), expected, rtol=1e-10)


def test_conv2d_weight_gradient_of_a_large_batch_is_the_full_sum():
    # 64 * 14 * 14 = 12544 output pixels: the weight gradient goes by column blocks
    x = gn.randn(64, 1, 16, 16, rng=0)
    w = gn.randn(4, 1, 3, 3, rng=1, requires_grad=True)
    conv2d(x, w).sum().backward()
    windows = np.lib.stride_tricks.sliding_window_view(x.numpy()[:, 0], (3, 3), axis=(1, 2))
    expected = np.broadcast_to(windows.sum(axis=(0, 1, 2)), (4, 1, 3, 3))
    np.testing.assert_allclose(np.asarray(w.grad), expected, rtol=1e-4)


def test_conv2d_unbatched_input():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    np.testing.assert_allclose(conv2d(x, w).numpy(), conv2d(x[None], w).numpy()[0])


@pytest.mark.parametrize(
    "stride, padding, dilation, groups",
    [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 2), ((3,), (1,), (1,), 2)],
)
def test_conv1d_is_the_definition_along_one_axis(stride, padding, dilation, groups):
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(2, 4, 9)), rng.normal(size=(4, 4 // groups, 3)), rng.normal(size=4)
    out = conv1d(x, w, b, stride, padding, dilation, groups)
    one = lambda v: v[0] if isinstance(v, tuple) else v  # noqa: E731
    expected = reference_conv2d(
        x[:, :, None],
        w[:, :, None],
        b,
        (1, one(stride)),
        (0, one(padding)),
        (1, one(dilation)),
        groups,
    )[:, :, 0]
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-12)
    tensors = [gn.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gn.gradcheck(lambda a, c, e: conv1d(a, c, e, stride, padding, dilation, groups), tensors)


TRANSPOSE_CASES = [  # (N, C, H, W), F, kernel, stride, padding, output_padding, dilation, groups
    ((2, 3, 3, 3), 2, (3, 3), (1, 1), (0, 0), (0, 0), (1, 1), 1),
    ((1, 2, 3, 4), 3, (2, 3), (2, 2), (0, 1), (1, 0), (1, 1), 1),
    ((2, 4, 3, 2), 4, (3, 2), (2, 1), (1, 0), (0, 0), (2, 1), 2),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_conv_transpose2d_matches_the_scatter_definition(case):
    shape, f, kernel, stride, padding, output_padding, dilation, groups = case
    rng = np.random.default_rng(5)
    x, w, b = (
        rng.normal(size=shape),
        rng.normal(size=(shape[1], f // groups, *kernel)),
        rng.normal(size=f),
    )
    out = conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)
    expected = reference_conv_transpose2d(
        x, w, b, stride, padding, output_padding, dilation, groups
    )
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-12)
    tensors = [gn.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gn.gradcheck(
        lambda a, c, e: conv_transpose2d(
            a, c, e, stride, padding, output_padding, groups, dilation
        ),
        tensors,
    )


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(2, 4, 7, 7)), rng.normal(size=(6, 2, 3, 3))
    y = conv2d(x, w, stride=2, padding=1, groups=2).numpy()
    v = rng.normal(size=y.shape)
    back = conv_transpose2d(v, w, stride=2, padding=1, groups=2).numpy()
    assert back.shape == x.shape
    np.testing.assert_allclose((y * v).sum(), (x * back).sum())


@pytest.mark.parametrize(
    "kernel, dilation, padding, stride", [(2, 1, 0, 1), ((2, 3), (1, 2), (1, 0), (2, 1))]
)
def test_unfold_lays_out_windows_like_pytorch_and_fold_is_its_adjoint(
    kernel, dilation, padding, stride
):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 5, 6))
    cols = unfold(x, kernel, dilation, padding, stride).numpy()
    # conv2d with the weight flattened (C, kH, kW) is that weight's row times the columns
    k = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    w = rng.normal(size=(4, 3, *k))
    pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
    expected = reference_conv2d(x, w, None, pair(stride), pair(padding), pair(dilation), 1)
    np.testing.assert_allclose(
        (w.reshape(4, -1) @ cols).reshape(expected.shape), expected, atol=1e-12
    )
    v = rng.normal(size=cols.shape)
    folded = fold(v, (5, 6), kernel, dilation, padding, stride).numpy()
    np.testing.assert_allclose((cols * v).sum(), (x * folded).sum())
    xt, vt = gn.tensor(x, requires_grad=True), gn.tensor(v, requires_grad=True)
    assert gn.gradcheck(lambda a: unfold(a, kernel, dilation, padding, stride), [xt])
    assert gn.gradcheck(lambda a: fold(a, (5, 6), kernel, dilation, padding, stride), [vt])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: conv2d(np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3))), "3 channels"),
        (lambda: conv2d(np.ones((3, 5, 5, 1, 1)), np.ones((2, 3, 3, 3))), r"\(N, C, H, W\)"),
        (lambda: conv2d(np.ones((1, 2, 2, 2)), np.ones((1, 2, 3, 3))), "too small"),
        (lambda: conv2d(np.ones((1, 2, 5, 5)), np.ones((3, 1, 3, 3)), groups=2), "divisible"),
        (lambda: conv2d(np.ones((1, 2, 5, 5)), np.ones((2, 2, 3, 3)), np.ones(3)), "bias"),
        (lambda: fold(np.ones((1, 4, 5)), (3, 3), 2), "does not fit"),
    ],
)
def test_shape_errors_name_the_problem(call, message):
    with pytest.raises(ShapeError, match=message):
        call()


def test_setting_errors():
    with pytest.raises(ValueError, match="stride 1"):
        conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), stride=2, padding="same")
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), stride=0)
    with pytest.raises(ValueError, match="output_padding"):
        conv_transpose2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), stride=2, output_padding=2)
