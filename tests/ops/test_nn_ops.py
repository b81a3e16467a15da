import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import glassnet as gn
from tests.helpers import check_op, seeds, values


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@given(seed=seeds, axis=st.integers(-2, 1))
def test_softmax_and_log_softmax(seed, axis):
    x = values(np.random.default_rng(seed), (3, 4), -3, 3)
    check_op(lambda t: gn.softmax(t, axis), lambda a: _softmax(a, axis), x)
    check_op(lambda t: t.log_softmax(axis), lambda a: np.log(_softmax(a, axis)), x)


def test_softmax_rows_sum_to_one_and_survive_1e4():
    x = gn.tensor([[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]], requires_grad=True)
    s = x.softmax(axis=1)
    np.testing.assert_allclose(s.numpy().sum(axis=1), [1.0, 1.0], rtol=1e-6)
    ls = gn.log_softmax(x, axis=1)
    assert np.isfinite(ls.numpy()[1]).all() and ls.numpy()[0, 0] == 0.0
    (ls[:, 0].sum() + s[:, 1].sum()).backward()
    assert np.isfinite(x.grad).all()
