"""Tests, logic and bitwise operators, and PyTorch's type promotion in binary ops."""

import numpy as np
import pytest

import glassnet as gn


def test_nan_inf_close_equal():
    x = gn.tensor([1.0, np.nan, np.inf, -np.inf])
    assert gn.isnan(x).tolist() == [False, True, False, False]
    assert x.isinf().tolist() == [False, False, True, True]
    assert gn.isfinite(x).tolist() == [True, False, False, False]
    a = gn.tensor([1.0, 2.0])
    assert gn.isclose(a, a + 1e-9).tolist() == [True, True] and gn.allclose(a, a + 1e-9)
    assert not gn.allclose(a, a + 1e-3) and a.allclose(a)
    assert gn.equal(a, gn.tensor([1.0, 2.0])) is True and gn.equal(a, gn.ones(3)) is False
    assert (a == gn.tensor([1.0, 0.0])).tolist() == [True, False] and gn.eq(a, 2.0).tolist() == [
        False,
        True,
    ]


def test_bitwise_and_logical_operators():
    p, q = gn.tensor([True, True, False]), gn.tensor([True, False, False])
    assert (p & q).tolist() == [True, False, False] and (p | q).tolist() == [True, True, False]
    assert (p ^ q).tolist() == [False, True, False] and (~p).tolist() == [False, False, True]
    i = gn.tensor([12, 10])
    assert (
        (i & 6).tolist() == [4, 2] and (i | 1).tolist() == [13, 11] and (~i).tolist() == [-13, -11]
    )
    assert gn.logical_and(gn.tensor([1.0, 0.0]), 1.0).tolist() == [True, False]
    with pytest.raises(TypeError, match="bool or integer"):
        gn.tensor([1.0]) & gn.tensor([1.0])


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (np.float32, np.int64, np.float32),
        (np.int64, np.float32, np.float32),
        (np.float32, np.float64, np.float64),
        (np.int64, np.bool_, np.int64),
        (np.int32, np.int64, np.int64),
        (np.uint8, np.int8, np.int16),
        (np.float16, np.int64, np.float16),
    ],
)
def test_binary_promotion_as_pytorch(a, b, expected):
    x, y = gn.ones(3, dtype=a), gn.ones(3, dtype=b)
    for op in (gn.add, gn.sub, gn.mul, gn.maximum):
        assert op(x, y).dtype == expected, op.__name__


def test_weak_scalars_and_zero_dim_tensors_do_not_widen():
    x = gn.ones(3)
    assert (x + 2.5).dtype == np.float32 and (x * np.float64(2)).dtype == np.float32
    assert (x + gn.tensor(2.0, dtype=np.float64)).dtype == np.float32
    assert (gn.ones(3, dtype=np.int32) + gn.tensor(5)).dtype == np.int32
    assert (gn.tensor([1, 2]) * 2.5).dtype == np.float32
    assert (gn.tensor([1, 2]) / gn.tensor([2, 4])).dtype == np.float32  # true division
    assert (gn.tensor([1, 2]) + gn.tensor(2.0, dtype=np.float64)).dtype == np.float64


def test_cat_and_stack_promote_as_pytorch():
    f, i = gn.ones(2), gn.tensor([1, 2])
    assert gn.cat([f, i]).dtype == np.float32 and gn.stack([i, f]).dtype == np.float32
    assert gn.cat([i, gn.tensor([True, False])]).dtype == np.int64
    assert gn.cat([f, gn.ones(2, dtype=np.float64)]).dtype == np.float64
