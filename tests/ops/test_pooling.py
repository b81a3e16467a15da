"""Pooling and resampling ops against direct loops written here (PyTorch's rules: -inf padding,
ceil_mode windows, count_include_pad, first maximum), and their gradients against float64
central differences."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d, pool_out_size
from glassnet.ops.resize import adaptive_avg_pool2d, adaptive_max_pool2d, interpolate


def windows(x, kernel, stride, padding, dilation, ceil_mode):
    """Yield (i, j, rows, cols) of each output pixel: the input indices its window reads
    (possibly outside the input, i.e. in the padding)."""
    oh = pool_out_size(x.shape[2], kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow = pool_out_size(x.shape[3], kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    for i in range(oh):
        for j in range(ow):
            rows = [i * stride[0] - padding[0] + a * dilation[0] for a in range(kernel[0])]
            cols = [j * stride[1] - padding[1] + e * dilation[1] for e in range(kernel[1])]
            yield i, j, rows, cols, (oh, ow)


def reference_max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    n, c, h, w = x.shape
    out = index = None
    for i, j, rows, cols, shape in windows(x, kernel, stride, padding, dilation, ceil_mode):
        if out is None:
            out, index = np.zeros((n, c, *shape)), np.zeros((n, c, *shape), dtype=np.int64)
        inside = [(r, q) for r in rows for q in cols if 0 <= r < h and 0 <= q < w]
        values = np.stack([x[:, :, r, q] for r, q in inside], axis=-1)
        first = values.argmax(axis=-1)  # the first maximum in row-major order
        out[:, :, i, j] = values.max(axis=-1)
        flat = np.array([r * w + q for r, q in inside])
        index[:, :, i, j] = flat[first]
    return out, index


def reference_avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor=None):
    n, c, h, w = x.shape
    out = None
    for i, j, rows, cols, shape in windows(x, kernel, stride, padding, (1, 1), ceil_mode):
        if out is None:
            out = np.zeros((n, c, *shape))
        total = sum(x[:, :, r, q] for r in rows for q in cols if 0 <= r < h and 0 <= q < w)
        if divisor is not None:
            count = divisor
        elif count_include_pad:  # the padded zeros count, the ceil_mode overhang does not
            count = sum(1 for r in rows for q in cols if r < h + padding[0] and q < w + padding[1])
        else:
            count = sum(1 for r in rows for q in cols if 0 <= r < h and 0 <= q < w)
        out[:, :, i, j] = total / count
    return out


MAX_CASES = [  # shape, kernel, stride, padding, dilation, ceil_mode
    ((2, 3, 6, 6), (2, 2), (2, 2), (0, 0), (1, 1), False),
    ((1, 2, 7, 5), (3, 3), (2, 2), (1, 1), (1, 1), True),  # batch 1, odd sizes, ceil_mode
    ((2, 1, 7, 8), (3, 2), (1, 3), (1, 0), (2, 1), False),  # overlapping windows, dilation
    ((1, 2, 5, 5), (2, 2), (2, 2), (1, 1), (1, 1), True),
    ((2, 2, 7, 5), (2, 2), (2, 2), (0, 0), (1, 1), False),  # tiling windows, a row/col left over
    ((1, 1, 8, 7), (3, 2), (3, 2), (0, 0), (1, 1), False),
]


@pytest.mark.parametrize("case", MAX_CASES)
def test_max_pool2d_values_indices_and_gradients(case):
    shape, kernel, stride, padding, dilation, ceil_mode = case
    x = np.random.default_rng(0).normal(size=shape)
    out, index = max_pool2d(x, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    expected, expected_index = reference_max_pool(x, kernel, stride, padding, dilation, ceil_mode)
    np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(index.numpy(), expected_index)
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(lambda a: max_pool2d(a, kernel, stride, padding, dilation, ceil_mode), [xt])


def test_max_pool2d_sends_a_tie_to_the_first_maximum_only():
    x = gn.tensor(
        np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 2.0], [3.0, 3.0, 3.0]]]]), requires_grad=True
    )
    out = max_pool2d(x, 2, stride=1)  # overlapping windows: one pixel may win several
    np.testing.assert_array_equal(out.numpy()[0, 0], [[3.0, 3.0], [3.0, 3.0]])
    out.backward(np.array([[[[1.0, 10.0], [100.0, 1000.0]]]]))
    expected = np.zeros((3, 3))
    expected[0, 1] = 1.0 + 10.0  # the first max of windows (0, 0) and (0, 1)
    expected[1, 0] = 100.0  # window (1, 0): x[1, 0] comes before x[2, 0] and x[2, 1]
    expected[2, 1] = 1000.0  # window (1, 1): 0, 2 in its first row; x[2, 1] first of the 3s
    np.testing.assert_array_equal(np.asarray(x.grad)[0, 0], expected)


AVG_CASES = [  # shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
    ((2, 3, 6, 6), (2, 2), (2, 2), (0, 0), False, True, None),
    ((1, 2, 7, 5), (3, 3), (2, 2), (1, 1), True, True, None),
    ((1, 2, 7, 5), (3, 3), (2, 2), (1, 1), True, False, None),
    ((2, 1, 5, 6), (3, 2), (1, 3), (1, 1), False, False, None),
    ((1, 1, 4, 4), (2, 2), (2, 2), (0, 0), False, True, 3),
]


@pytest.mark.parametrize("case", AVG_CASES)
def test_avg_pool2d_divisors_and_gradients(case):
    shape, kernel, stride, padding, ceil_mode, include, divisor = case
    x = np.random.default_rng(1).normal(size=shape)
    out = avg_pool2d(x, kernel, stride, padding, ceil_mode, include, divisor)
    np.testing.assert_allclose(
        out.numpy(),
        reference_avg_pool(x, kernel, stride, padding, ceil_mode, include, divisor),
        atol=1e-12,
    )
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(
        lambda a: avg_pool2d(a, kernel, stride, padding, ceil_mode, include, divisor), [xt]
    )


def test_pool1d_is_the_2d_pool_of_height_one():
    x = np.random.default_rng(2).normal(size=(2, 3, 9))
    out, index = max_pool1d(x, 3, 2, 1, return_indices=True)
    expected, expected_index = reference_max_pool(
        x[:, :, None], (1, 3), (1, 2), (0, 1), (1, 1), False
    )
    np.testing.assert_array_equal(out.numpy(), expected[:, :, 0])
    np.testing.assert_array_equal(index.numpy(), expected_index[:, :, 0])
    np.testing.assert_allclose(avg_pool1d(x, 2).numpy(), (x[:, :, 0:8:2] + x[:, :, 1:9:2]) / 2)
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(lambda a: max_pool1d(a, 3, 2, 1) + avg_pool1d(a, 3, 2, 1), [xt])


def adaptive_windows(size, out):
    return [(math.floor(i * size / out), math.ceil((i + 1) * size / out)) for i in range(out)]


@pytest.mark.parametrize(
    "shape, out",
    [
        ((2, 3, 5, 7), (3, 2)),
        ((1, 2, 4, 4), (1, 1)),
        ((1, 1, 3, 5), (5, 3)),
        ((1, 2, 6, 6), (4, None)),
    ],
)
def test_adaptive_pools_use_pytorch_windows(shape, out):
    x = np.random.default_rng(3).normal(size=shape)
    oh, ow = (shape[2] if out[0] is None else out[0]), (shape[3] if out[1] is None else out[1])
    avg, mx = np.zeros((*shape[:2], oh, ow)), np.zeros((*shape[:2], oh, ow))
    for i, (r0, r1) in enumerate(adaptive_windows(shape[2], oh)):
        for j, (c0, c1) in enumerate(adaptive_windows(shape[3], ow)):
            avg[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
            mx[:, :, i, j] = x[:, :, r0:r1, c0:c1].max(axis=(2, 3))
    np.testing.assert_allclose(adaptive_avg_pool2d(x, out).numpy(), avg, atol=1e-12)
    np.testing.assert_array_equal(adaptive_max_pool2d(x, out).numpy(), mx)
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(lambda a: adaptive_avg_pool2d(a, out), [xt])
    assert gn.gradcheck(lambda a: adaptive_max_pool2d(a, out), [xt])


def test_adaptive_max_pool2d_indices():
    x = np.arange(20.0).reshape(1, 1, 4, 5)
    _, index = adaptive_max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(index.numpy()[0, 0], [[7, 9], [17, 19]])


def reference_bilinear(x, out, align_corners, scale=None):
    """PyTorch's source coordinates, one output pixel at a time."""
    n, c, h, w = x.shape
    result = np.zeros((n, c, *out))

    def source(i, size, o, s):
        if align_corners:
            return i * (size - 1) / (o - 1) if o > 1 else 0.0
        return max((i + 0.5) * s - 0.5, 0.0)

    for i in range(out[0]):
        for j in range(out[1]):
            y = source(i, h, out[0], scale[0] if scale else h / out[0])
            z = source(j, w, out[1], scale[1] if scale else w / out[1])
            y0, z0 = min(int(y), h - 1), min(int(z), w - 1)
            y1, z1 = min(y0 + 1, h - 1), min(z0 + 1, w - 1)
            a, b = y - y0, z - z0
            result[:, :, i, j] = (
                (1 - a) * (1 - b) * x[:, :, y0, z0]
                + (1 - a) * b * x[:, :, y0, z1]
                + a * (1 - b) * x[:, :, y1, z0]
                + a * b * x[:, :, y1, z1]
            )
    return result


@pytest.mark.parametrize(
    "out, align_corners", [((6, 8), False), ((6, 8), True), ((2, 3), False), ((1, 5), True)]
)
def test_bilinear_interpolation(out, align_corners):
    x = np.random.default_rng(4).normal(size=(2, 2, 3, 4))
    y = interpolate(x, size=out, mode="bilinear", align_corners=align_corners)
    np.testing.assert_allclose(y.numpy(), reference_bilinear(x, out, align_corners), atol=1e-12)
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(
        lambda a: interpolate(a, size=out, mode="bilinear", align_corners=align_corners), [xt]
    )


def test_scale_factor_uses_its_inverse_as_pytorch():
    x = np.random.default_rng(5).normal(size=(1, 1, 3, 5))
    y = interpolate(x, scale_factor=1.5, mode="bilinear")
    assert y.shape == (1, 1, 4, 7)
    np.testing.assert_allclose(
        y.numpy(), reference_bilinear(x, (4, 7), False, scale=(1 / 1.5, 1 / 1.5)), atol=1e-12
    )


def test_nearest_interpolation_repeats_and_picks_floor_sources():
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(
        interpolate(x, scale_factor=2).numpy()[0, 0], np.repeat(np.repeat(x[0, 0], 2, 0), 2, 1)
    )
    np.testing.assert_array_equal(
        interpolate(x, size=(1, 2)).numpy()[0, 0], [[0.0, 1.0]]
    )  # floor(j * 3 / 2)
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(lambda a: interpolate(a, size=(3, 5)), [xt])


def test_pool_errors():
    with pytest.raises(ShapeError, match=r"\(N, C, H, W\)"):
        max_pool2d(np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match=r"half the \(dilated\) kernel"):
        max_pool2d(np.ones((1, 1, 4, 4)), 2, padding=2)
    with pytest.raises(ShapeError, match="too small"):
        avg_pool2d(np.ones((1, 1, 1, 1)), 2)
    with pytest.raises(ValueError, match="exactly one"):
        interpolate(np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="align_corners"):
        interpolate(np.ones((1, 1, 2, 2)), scale_factor=2, align_corners=True)
    with pytest.raises(ValueError, match="mode"):
        interpolate(np.ones((1, 1, 2, 2)), scale_factor=2, mode="bicubic")
