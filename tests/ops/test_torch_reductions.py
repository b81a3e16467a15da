"""PyTorch's reduction habits: dim=/keepdim=, max(dim) named tuples, var's correction, prod
with zeros, argmax(keepdim), any/all(dim)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import glassnet as gn
from tests.helpers import seeds

RNG = np.random.default_rng(0)


def t64(shape):
    return gn.tensor(RNG.standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("dim", [0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_dim_and_keepdim_match_numpy_axis(dim, keepdim):
    x = t64((2, 3, 4))
    for name in ("sum", "mean", "prod", "logsumexp", "amax"):
        got = getattr(x, name)(dim, keepdim=keepdim)
        assert got.shape == np.sum(x.numpy(), axis=dim, keepdims=keepdim).shape
        assert gn.gradcheck(lambda t, n=name: getattr(t, n)(dim=dim, keepdim=keepdim), [x])


def test_dim_and_axis_together_is_an_error():
    with pytest.raises(TypeError, match=r"dim= .* or axis="):
        gn.sum(gn.ones(2, 3), dim=0, axis=1)


def test_max_dim_returns_values_and_indices_and_grad_goes_to_the_index():
    x = gn.tensor([[1.0, 3.0, 3.0], [5.0, 2.0, 0.0]], dtype=np.float64, requires_grad=True)
    values, indices = x.max(dim=1)
    np.testing.assert_array_equal(values.numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    assert gn.max(x, 1).indices.tolist() == [1, 0] and x.max(1, keepdim=True).values.shape == (2, 1)
    values.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [[0, 1, 0], [1, 0, 0]])  # first of ties
    x.grad = None
    x.max().backward()  # a full reduction splits ties evenly (PyTorch's max() and amax)
    np.testing.assert_allclose(np.asarray(x.grad), [[0, 0, 0], [1, 0, 0]])
    assert x.max(axis=1).shape == (2,) and not isinstance(x.max(axis=1), tuple)
    assert x.min(dim=0).indices.tolist() == [0, 1, 1]
    np.testing.assert_array_equal(gn.max(x, gn.ones(2, 3)).numpy(), np.maximum(x.numpy(), 1))
    assert gn.gradcheck(lambda t: t.min(dim=-1).values, [t64((3, 4))])


def test_var_and_std_follow_the_spelling():
    a = RNG.standard_normal((3, 4))
    x = gn.tensor(a)
    np.testing.assert_allclose(x.var().item(), np.var(a, ddof=1))
    np.testing.assert_allclose(x.var(dim=1).numpy(), np.var(a, axis=1, ddof=1))
    np.testing.assert_allclose(x.var(1, keepdim=True).numpy(), np.var(a, 1, ddof=1, keepdims=True))
    np.testing.assert_allclose(x.var(axis=1).numpy(), np.var(a, axis=1))
    np.testing.assert_allclose(x.std(dim=0, correction=0).numpy(), np.std(a, axis=0))
    np.testing.assert_allclose(x.std(0, unbiased=False).numpy(), np.std(a, axis=0))
    np.testing.assert_allclose(x.std(0, False).numpy(), np.std(a, axis=0))
    with pytest.raises(TypeError, match="not several"):
        x.var(dim=0, correction=1, unbiased=True)
    assert gn.gradcheck(lambda t: t.std(dim=1), [t64((3, 4))])


def test_prod_gradient_is_exact_with_zeros():
    x = gn.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 4.0]], dtype=np.float64,
                  requires_grad=True)  # fmt: skip
    x.prod(dim=1).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [[0, 6, 0], [0, 0, 0], [8, 4, 2]])
    assert gn.gradcheck(lambda t: t.prod(dim=0), [t64((3, 2))])
    assert gn.prod(gn.tensor([True, True])).dtype == np.int64


def test_argmax_any_all_with_dim():
    x = gn.tensor([[1.0, 9.0, 3.0], [7.0, 2.0, 8.0]])
    assert x.argmax().item() == 1 and x.argmax(dim=1).tolist() == [1, 2]
    assert x.argmin(1, keepdim=True).shape == (2, 1) and x.argmax(axis=0).tolist() == [1, 0, 1]
    m = gn.tensor([[True, False], [False, False]])
    assert gn.any(m, dim=1).tolist() == [True, False] and gn.all(m, 0, keepdim=True).shape == (1, 2)
    assert gn.count_nonzero(m).item() == 1


@st.composite
def shape_and_dim(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


@given(case=shape_and_dim(), keepdim=st.booleans(), seed=seeds)
def test_max_min_dim_agree_with_numpy_argmax(case, keepdim, seed):
    shape, dim = case
    a = np.random.default_rng(seed).integers(-3, 3, shape).astype(np.float64)  # many ties
    for name, pick in (("max", np.argmax), ("min", np.argmin)):
        values, indices = getattr(gn.tensor(a), name)(dim, keepdim)
        expected = np.expand_dims(pick(a, axis=dim), dim)
        np.testing.assert_array_equal(
            indices.numpy(), expected if keepdim else expected.squeeze(dim)
        )
        np.testing.assert_array_equal(
            values.numpy(), getattr(np, name)(a, axis=dim, keepdims=keepdim)
        )
