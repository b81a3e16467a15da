"""Creation and random functions with PyTorch's signatures and dtype rules."""

import numpy as np
import pytest

import glassnet as gn


@pytest.mark.parametrize("make", [gn.zeros, gn.ones, gn.empty, gn.rand, gn.randn])
def test_shapes_as_varargs_tuples_lists_size_and_scalar(make):
    assert make(2, 3).shape == (2, 3) and make((2, 3)).shape == (2, 3)
    assert make([2, 3]).shape == (2, 3) and make(size=(2, 3)).shape == (2, 3)
    assert make(()).shape == () and make(gn.zeros(2, 3).size()).shape == (2, 3)
    assert make(2, dtype=gn.float64, device="cpu").dtype == np.float64
    assert make(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="size"):
        make(2.5)


def test_tensor_copies_as_tensor_and_from_numpy_share():
    a = np.zeros(3, dtype=np.float32)
    t, shared, from_np = gn.tensor(a), gn.as_tensor(a), gn.from_numpy(a)
    a[0] = 7
    assert t.data[0] == 0 and shared.data[0] == 7 and from_np.data[0] == 7
    x = gn.tensor([1.0])
    assert gn.as_tensor(x) is x and gn.as_tensor(x, dtype=gn.float64).dtype == np.float64
    assert gn.tensor(x).data is not x.data
    assert gn.tensor(3.5).shape == () and gn.tensor(True).dtype == np.bool_
    assert gn.tensor([1, 2], dtype=gn.float32, requires_grad=True).requires_grad
    assert gn.tensor([gn.tensor(1.0), gn.tensor(2.0)]).tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="ndarray"):
        gn.from_numpy([1, 2])


def test_full_and_like_functions():
    assert gn.full((2,), 7).dtype == np.int64 and gn.full((2,), 7.0).dtype == np.float32
    assert gn.full((2,), True).dtype == np.bool_ and gn.full((), 1.5).shape == ()
    assert gn.full([2, 2], 3, dtype=gn.float64).dtype == np.float64
    x = gn.ones(2, 3, dtype=gn.float64)
    for made in (gn.zeros_like(x), gn.ones_like(x), gn.empty_like(x), gn.full_like(x, 4)):
        assert made.shape == (2, 3) and made.dtype == np.float64
    assert gn.zeros_like(x, dtype=gn.int64).dtype == np.int64
    assert gn.full_like(x, 4).data.sum() == 24 and gn.ones_like(x).data.sum() == 6
    assert gn.rand_like(x).dtype == np.float64 and gn.randn_like(x).shape == (2, 3)
    r = gn.randint_like(gn.zeros(50, dtype=gn.int64), 3)
    assert r.dtype == np.int64 and set(r.tolist()) <= {0, 1, 2}
    with pytest.raises(TypeError, match="float"):
        gn.rand_like(gn.zeros(2, dtype=gn.int64))


def test_arange_follows_pytorchs_dtype_rule():
    assert gn.arange(5).dtype == np.int64 and gn.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert gn.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert gn.arange(0, 1, 0.25).dtype == np.float32 and gn.arange(3.0).tolist() == [0, 1, 2]
    assert gn.arange(5, dtype=gn.float64).dtype == np.float64
    assert gn.arange(4, 0, -1).tolist() == [4, 3, 2, 1]
    with pytest.raises(ValueError, match="step"):
        gn.arange(0, 5, 0)


def test_linspace_logspace_eye():
    np.testing.assert_allclose(gn.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    assert gn.linspace(0, 1, 5).dtype == np.float32
    np.testing.assert_allclose(gn.logspace(0, 2, 3).data, [1, 10, 100])
    np.testing.assert_allclose(gn.logspace(0, 3, 4, base=2).data, [1, 2, 4, 8])
    np.testing.assert_array_equal(gn.eye(2, 3).data, np.eye(2, 3))
    assert gn.eye(3).dtype == np.float32 and gn.eye(2, dtype=gn.int64).dtype == np.int64


def test_randint_randperm_signatures():
    gn.manual_seed(0)
    a = gn.randint(5, (100,))
    b = gn.randint(2, 4, (3, 4))
    assert a.dtype == np.int64 and set(a.tolist()) <= set(range(5)) and len(set(a.tolist())) > 1
    assert b.shape == (3, 4) and ((b.data >= 2) & (b.data < 4)).all()
    assert gn.randint(0, 3, size=(2,)).shape == (2,)
    assert sorted(gn.randperm(6).tolist()) == list(range(6)) and gn.randperm(3).dtype == np.int64
    with pytest.raises(ValueError, match="greater"):
        gn.randint(3, 3, (2,))


def test_generators_and_seeds_are_reproducible():
    g = gn.Generator().manual_seed(42)
    assert g.initial_seed() == 42
    first = gn.randn(4, generator=g)
    again = gn.randn(4, generator=gn.Generator().manual_seed(42))
    np.testing.assert_array_equal(first.data, again.data)
    returned = gn.manual_seed(5)
    assert isinstance(returned, gn.Generator) and gn.initial_seed() == 5
    a = gn.rand(3)
    gn.manual_seed(5)
    np.testing.assert_array_equal(a.data, gn.rand(3).data)
    assert returned.normal(size=2).shape == (2,)  # also a NumPy generator
    assert isinstance(gn.seed(), int)
    with pytest.raises(TypeError, match="not both"):
        gn.rand(2, rng=0, generator=g)
    np.testing.assert_array_equal(gn.rand(3, rng=1).data, gn.rand(3, rng=1).data)


def test_multinomial_with_and_without_replacement():
    g = gn.Generator().manual_seed(0)
    weights = gn.tensor([0.0, 1.0, 3.0])
    draws = gn.multinomial(weights, 4000, replacement=True, generator=g)
    counts = np.bincount(draws.data, minlength=3)
    assert draws.dtype == np.int64 and counts[0] == 0 and 2.6 < counts[2] / counts[1] < 3.4
    rows = gn.multinomial(gn.ones(5, 4), 4, generator=g)
    assert rows.shape == (5, 4) and all(sorted(r) == [0, 1, 2, 3] for r in rows.tolist())
    with pytest.raises(ValueError, match="without replacement"):
        gn.multinomial(weights, 3)
    with pytest.raises(ValueError, match=">= 0"):
        gn.multinomial(gn.tensor([-1.0, 2.0]), 1)


def test_bernoulli_and_normal():
    g = gn.Generator().manual_seed(1)
    p = gn.full((4000,), 0.25)
    b = gn.bernoulli(p, generator=g)
    assert b.dtype == np.float32 and set(np.unique(b.data)) <= {0.0, 1.0}
    assert abs(b.data.mean() - 0.25) < 0.03
    assert gn.bernoulli(gn.zeros(3), p=1.0).tolist() == [1.0, 1.0, 1.0]
    n = gn.normal(2.0, 0.5, size=(4000,), generator=g)
    assert n.dtype == np.float32 and abs(n.data.mean() - 2.0) < 0.05
    per = gn.normal(gn.tensor([0.0, 100.0]), gn.tensor([1e-6, 1e-6]))
    np.testing.assert_allclose(per.data, [0.0, 100.0], atol=1e-3)
    with pytest.raises(TypeError, match="size"):
        gn.normal(0.0, 1.0)
