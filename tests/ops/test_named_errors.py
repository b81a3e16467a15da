"""Bad arguments give a glassnet error naming the op and the shapes (never a bare NumPy error),
and arguments that used to give silently wrong results are now refused or right."""

import numpy as np
import pytest

import glassnet as gn

X = gn.ones(2, 3, 4)


@pytest.mark.parametrize(
    "call, op",
    [
        (lambda: gn.sum(X, axis=5), "sum"),
        (lambda: X.mean(axis=-4), "mean"),
        (lambda: gn.max(X, axis=3), "max"),
        (lambda: gn.min(X, axis=(0, 0)), "min"),
        (lambda: gn.var(X, axis=7), "var"),
        (lambda: gn.logsumexp(X, axis=3), "logsumexp"),
        (lambda: gn.argmax(X, axis=3), "argmax"),
        (lambda: gn.argmin(X, axis=-5), "argmin"),
        (lambda: gn.softmax(X, axis=3), "softmax"),
        (lambda: gn.log_softmax(X, axis=-4), "log_softmax"),
        (lambda: gn.unsqueeze(X, 5), "unsqueeze"),
        (lambda: gn.flatten(X, 0, 5), "flatten"),
        (lambda: gn.squeeze(X, 5), "squeeze"),
        (lambda: gn.split(X, 2, axis=7), "split"),
        (lambda: gn.concatenate([X, X], axis=3), "concatenate"),
        (lambda: gn.stack([X, X], axis=-5), "stack"),
        (lambda: gn.pad(X, ((1, 1), (1, 1))), "pad"),
        (lambda: gn.linear(gn.ones(4, 3), gn.ones(3, 2), gn.ones(3)), "linear"),
        (lambda: gn.where(np.ones(5, dtype=bool), gn.ones(2, 3), 0.0), "where"),
    ],
)
def test_bad_axes_and_shapes_raise_shape_error_naming_the_op(call, op):
    with pytest.raises(gn.ShapeError, match=rf"^{op}: "):
        call()


def test_concatenate_and_stack_blame_the_axis_not_the_shapes():
    with pytest.raises(gn.ShapeError, match=r"(axis|dim) 3 is out of range"):
        gn.concatenate([X, X], axis=3)  # it said the (equal) shapes did not fit
    assert gn.stack([X, X], axis=-1).shape == (2, 3, 4, 2)
    assert gn.concatenate([X, X], axis=-1).shape == (2, 3, 8)


def test_where_error_names_the_condition_shape():
    with pytest.raises(gn.ShapeError, match=r"condition \(5,\)"):
        gn.where(np.ones(5, dtype=bool), gn.ones(2, 3), 0.0)


def test_empty_max_names_the_op():
    with pytest.raises(ValueError, match=r"^max of an empty Tensor"):
        gn.max(gn.zeros(0))


def test_flatten_with_start_after_end_is_refused_not_a_new_axis():
    # it used to reshape (2, 3, 4) into (2, 3, 1, 4)
    with pytest.raises(gn.ShapeError, match="start_dim 2 comes after end_dim 1"):
        gn.flatten(X, 2, 1)
    assert gn.flatten(X, -2, -1).shape == (2, 12)


def test_expand_minus_one_on_a_new_axis_is_refused():
    # it used to read x.shape[-1] for the new axis and give (3, 3)
    with pytest.raises(gn.ShapeError, match="-1 is not allowed"):
        gn.expand(gn.ones(3), -1, 3)
    assert gn.expand(gn.ones(1, 3), 2, -1).shape == (2, 3)


def test_clip_of_integers_with_float_bounds_gives_floats():
    # the bounds were cast to the integers' dtype: clip([0, 1, 2], 0.5, 1.5) gave [0, 1, 1]
    out = gn.clip(gn.tensor([0, 1, 2]), 0.5, 1.5)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), [0.5, 1.0, 1.5])
    assert gn.clip(gn.tensor([0, 1, 5]), 1, 3).tolist() == [1, 1, 3]


def test_linear_with_scalar_bias_still_works():
    x = gn.randn(4, 3, dtype="float64", requires_grad=True, rng=0)
    w = gn.randn(3, 2, dtype="float64", requires_grad=True, rng=1)
    b = gn.tensor(0.5, dtype="float64", requires_grad=True)
    assert gn.gradcheck(gn.linear, [x, w, b])


def test_leaky_relu_of_integers_is_float32_not_float64():
    out = gn.leaky_relu(gn.tensor([-1, 2]), 0.5)
    assert out.dtype == np.float32
    assert out.tolist() == [-0.5, 2.0]
