import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import glassnet as gn
from tests.helpers import check_op, seeds, shapes, values


@st.composite
def shape_and_axis(draw):
    """A shape and every axis form: None, an int (also negative), a tuple of axes."""
    shape = draw(shapes)
    ndim = len(shape)
    if ndim == 0:
        return shape, None
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return shape, None
    if choice == "int":
        return shape, draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return shape, tuple(axes)


def _logsumexp(x, axis, keepdims):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


REDUCTIONS = [
    ("sum", gn.sum, np.sum),
    ("mean", gn.mean, np.mean),
    ("max", gn.max, np.max),
    ("min", gn.min, np.min),
    ("var", gn.var, np.var),
    ("std", gn.std, np.std),
    ("logsumexp", gn.logsumexp, _logsumexp),
]  # fmt: skip


@pytest.mark.parametrize("name, fn, reference", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("keepdims", [False, True])
@given(case=shape_and_axis(), seed=seeds)
def test_reductions_over_every_axis_form(name, fn, reference, keepdims, case, seed):
    shape, axis = case
    rng = np.random.default_rng(seed)
    x = values(rng, shape)
    reduced = x.size if axis is None else int(np.prod([shape[a] for a in np.atleast_1d(axis)]))
    assume(not (name == "std" and reduced == 1))  # sqrt'(0) is infinite: var covers this case
    check_op(
        lambda t: fn(t, axis=axis, keepdims=keepdims),
        lambda a: reference(a, axis=axis, keepdims=keepdims),
        x,
    )


def test_method_forms_and_ddof():
    x = gn.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, 9.0]], dtype=np.float64)
    np.testing.assert_allclose(x.var(axis=1, ddof=1).numpy(), np.var(x.numpy(), axis=1, ddof=1))
    np.testing.assert_allclose(x.std(ddof=1).numpy(), np.std(x.numpy(), ddof=1))
    np.testing.assert_allclose(x.sum(axis=(0, 1)).numpy(), 19.0)
    np.testing.assert_allclose(x.mean(axis=-1, keepdims=True).numpy(), [[7 / 3], [4.0]])
    xg = gn.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, 9.0]], dtype=np.float64, requires_grad=True)
    assert gn.gradcheck(lambda t: t.var(axis=0, ddof=1), [xg])


def test_max_gives_ties_an_even_share():
    x = gn.tensor([[3.0, 1.0, 3.0], [0.0, 5.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]])


def test_logsumexp_is_stable_at_1e4():
    x = gn.tensor([[1e4, 1e4], [-1e4, -1e4]], dtype=np.float64, requires_grad=True)
    out = gn.logsumexp(x, axis=1)
    np.testing.assert_allclose(out.numpy(), [1e4 + np.log(2), -1e4 + np.log(2)])
    out.sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 2), 0.5))


def test_argmax_argmin_carry_no_gradient():
    x = gn.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    np.testing.assert_array_equal(x.argmax(axis=1).numpy(), [1, 0])
    np.testing.assert_array_equal(gn.argmin(x, axis=0).numpy(), [0, 1, 0])
    assert gn.argmax(x).item() == 3 and not gn.argmax(x).requires_grad


def test_bad_axis_is_a_clear_error():
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        gn.ones(2, 2).sum(axis=2)
    with pytest.raises(ValueError, match="empty"):
        gn.zeros(0).max()
