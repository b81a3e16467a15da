"""The PyTorch-named elementwise math: values from NumPy, gradients against central
differences, integer inputs, and the edges (rounding has gradient 0, clamp with Tensor bounds)."""

import math

import numpy as np
import pytest
from hypothesis import given

import glassnet as gn
from tests.helpers import check_op, seeds, shapes, values

UNARY = [
    ("exp2", gn.exp2, np.exp2, {}),
    ("expm1", gn.expm1, np.expm1, {}),
    ("log2", gn.log2, np.log2, {"low": 0.2}),
    ("log10", gn.log10, np.log10, {"low": 0.2}),
    ("log1p", gn.log1p, np.log1p, {"low": -0.5}),
    ("tan", gn.tan, np.tan, {"low": -1.2, "high": 1.2}),
    ("asin", gn.asin, np.arcsin, {"low": -0.9, "high": 0.9}),
    ("acos", gn.acos, np.arccos, {"low": -0.9, "high": 0.9}),
    ("atan", gn.atan, np.arctan, {}),
    ("sinh", gn.sinh, np.sinh, {}),
    ("cosh", gn.cosh, np.cosh, {}),
    ("erf", gn.erf, np.vectorize(math.erf), {}),
    ("rsqrt", gn.rsqrt, lambda a: 1 / np.sqrt(a), {"low": 0.2}),
    ("reciprocal", gn.reciprocal, lambda a: 1 / a, {"low": 0.2}),
    ("square", gn.square, np.square, {}),
    ("frac", gn.frac, lambda a: a - np.trunc(a), {}),
]  # fmt: skip


@pytest.mark.parametrize("name, fn, reference, bounds", UNARY, ids=[u[0] for u in UNARY])
@given(shape=shapes, seed=seeds)
def test_unary_math_against_numpy_and_finite_differences(name, fn, reference, bounds, shape, seed):
    x = values(np.random.default_rng(seed), shape, bounds.get("low", -2.0), bounds.get("high", 2.0))
    if name == "frac":  # stay away from the jumps at integers
        x = np.floor(x) + 0.1 + 0.8 * (x - np.floor(x))
    check_op(fn, lambda a: reference(a), x)
    method = getattr(gn.tensor(x), name)()
    np.testing.assert_allclose(method.numpy(), reference(x), rtol=1e-6)


def test_rounding_ops_have_zero_gradient_and_keep_integers():
    x = gn.tensor([-1.5, -0.5, 0.5, 1.5, 2.7], dtype=np.float64, requires_grad=True)
    for fn, ref in ((gn.floor, np.floor), (gn.ceil, np.ceil), (gn.trunc, np.trunc),
                    (gn.round, np.round), (gn.sign, np.sign)):  # fmt: skip
        np.testing.assert_array_equal(fn(x).numpy(), ref(x.numpy()))
        x.grad = None
        fn(x).sum().backward()
        np.testing.assert_array_equal(np.asarray(x.grad), 0)
    assert gn.round(gn.tensor([1.234, 5.678]), decimals=1).tolist() == pytest.approx([1.2, 5.7])
    assert gn.floor(gn.tensor([1, 2])).dtype == np.int64 and gn.square(gn.tensor([3])).tolist() == [
        9
    ]
    assert gn.exp2(gn.tensor([3])).dtype == np.float32


def test_binary_math():
    rng = np.random.default_rng(3)
    a, b = rng.uniform(0.5, 2, (2, 3)), rng.uniform(0.5, 2, (3,))
    check_op(gn.atan2, np.arctan2, a, b)
    check_op(lambda s, e, w: gn.lerp(s, e, w), lambda s, e, w: s + w * (e - s), a, b, a / 3)
    check_op(gn.fmod, np.fmod, a * 3, b)
    check_op(gn.remainder, np.mod, -a * 3, b)
    assert (gn.tensor([-3, 3]) % 2).tolist() == [1, 1] and gn.fmod(
        gn.tensor([-3, 3]), 2
    ).tolist() == [-1, 1]
    assert (gn.tensor([7, -7]) // 2).tolist() == [3, -4] and (7 // gn.tensor([2])).tolist() == [3]
    assert gn.float_power(gn.tensor([2]), 3).dtype == np.float64
    assert gn.tensor([2.0]).pow(gn.tensor([3.0])).item() == 8.0


def test_clamp_with_numbers_and_tensor_bounds():
    rng = np.random.default_rng(4)
    x = gn.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    low = gn.tensor(rng.standard_normal(4) - 0.5, requires_grad=True)
    high = gn.tensor(rng.standard_normal((3, 1)) + 0.5, requires_grad=True)
    out = gn.clamp(x, low, high)
    np.testing.assert_allclose(
        out.numpy(), np.minimum(np.maximum(x.numpy(), low.numpy()), high.numpy())
    )
    assert gn.gradcheck(lambda t, lo, hi: t.clamp(lo, hi), [x, low, high])
    assert x.clamp(min=0.0).numpy().min() >= 0 and x.clip(max=0.0).numpy().max() <= 0
    with pytest.raises(ValueError, match="give min, max or both"):
        gn.clamp(x)


def test_nan_to_num_passes_the_gradient_where_finite():
    x = gn.tensor([np.nan, np.inf, -np.inf, 2.0], dtype=np.float64, requires_grad=True)
    out = gn.nan_to_num(x, nan=0.5, posinf=9.0)
    assert out.tolist() == [0.5, 9.0, np.finfo(np.float64).min, 2.0]
    out.sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [0, 0, 0, 1])
