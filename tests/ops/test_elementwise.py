import math

import numpy as np
import pytest
from hypothesis import given

import glassnet as gn
from glassnet.ops.elementwise import erf_series
from tests.helpers import broadcastable_pairs, check_op, seeds, shapes, values


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _leaky_relu(x):
    return np.where(x > 0, x, 0.1 * x)


def _elu(x):
    return np.where(x > 0, x, 1.5 * np.expm1(x))


def _gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


# (name, function, NumPy reference, value range, distance kept from the kink at 0)
UNARY = [
    ("exp", gn.exp, np.exp, (-2, 2), 0),
    ("log", gn.log, np.log, (0.2, 3), 0),
    ("sqrt", gn.sqrt, np.sqrt, (0.2, 3), 0),
    ("abs", gn.abs, np.abs, (-2, 2), 0.05),
    ("sin", gn.sin, np.sin, (-3, 3), 0),
    ("cos", gn.cos, np.cos, (-3, 3), 0),
    ("tanh", gn.tanh, np.tanh, (-3, 3), 0),
    ("sigmoid", gn.sigmoid, _sigmoid, (-5, 5), 0),
    ("relu", gn.relu, lambda x: np.maximum(x, 0), (-2, 2), 0.05),
    ("leaky_relu", lambda x: gn.leaky_relu(x, 0.1), _leaky_relu, (-2, 2), 0.05),
    ("elu", lambda x: gn.elu(x, 1.5), _elu, (-2, 2), 0.05),
    ("gelu", gn.gelu, _gelu, (-3, 3), 0),
    ("gelu_tanh", lambda x: gn.gelu(x, "tanh"), _gelu_tanh, (-3, 3), 0),
    ("softplus", gn.softplus, lambda x: np.log1p(np.exp(x)), (-5, 5), 0),
    ("neg", lambda x: -x, np.negative, (-2, 2), 0),
    ("clip", lambda x: gn.clip(x, -0.5, 0.75), lambda x: np.clip(x, -0.5, 0.75), (-1, 1), 0),
]  # fmt: skip


@pytest.mark.parametrize("name, fn, reference, bounds, gap", UNARY, ids=[u[0] for u in UNARY])
@given(shape=shapes, seed=seeds)
def test_unary_ops(name, fn, reference, bounds, gap, shape, seed):
    rng = np.random.default_rng(seed)
    x = values(rng, shape, *bounds, away_from_zero=gap)
    if name == "clip":  # keep finite differences off the clip boundaries
        x = np.where(np.abs(np.abs(x - 0.125) - 0.625) < 0.01, 0.0, x)
    check_op(fn, reference, x)


def test_method_forms_match_function_forms():
    x = gn.tensor([[-1.0, 0.5], [2.0, -3.0]])
    for name in ["exp", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "gelu", "elu"]:
        np.testing.assert_array_equal(getattr(x, name)().numpy(), getattr(gn, name)(x).numpy())
    np.testing.assert_array_equal(x.leaky_relu(0.2).numpy(), gn.leaky_relu(x, 0.2).numpy())
    np.testing.assert_array_equal(x.clip(0, 1).numpy(), gn.clip(x, 0, 1).numpy())


@given(pair=broadcastable_pairs, seed=seeds)
def test_where_routes_gradients_and_broadcasts(pair, seed):
    rng = np.random.default_rng(seed)
    a, b = (values(rng, s) for s in pair.input_shapes)
    condition = rng.random(pair.result_shape) > 0.5
    check_op(lambda x, y: gn.where(condition, x, y), lambda x, y: np.where(condition, x, y), a, b)


def test_where_needs_a_bool_condition():
    with pytest.raises(TypeError, match="bool"):
        gn.where(np.array([1, 0]), gn.ones(2), gn.zeros(2))


def test_maximum_splits_ties_evenly():
    a = gn.tensor([1.0, 2.0], requires_grad=True)
    b = gn.tensor([1.0, 1.0], requires_grad=True)
    gn.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0])


def test_kinks_take_the_conventional_subgradient():
    x = gn.tensor([0.0, 0.0], requires_grad=True)
    (gn.relu(x) + gn.abs(x)).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


@pytest.mark.parametrize("fn", [gn.sigmoid, gn.softplus, gn.elu, gn.tanh, gn.gelu])
def test_stable_for_inputs_of_magnitude_1e4(fn):
    x = gn.tensor([-1e4, -50.0, 0.0, 50.0, 1e4], requires_grad=True)
    out = fn(x)
    out.sum().backward()
    assert np.isfinite(out.numpy()).all() and np.isfinite(x.grad).all()


def test_sigmoid_and_softplus_extremes_are_exact():
    x = gn.tensor([-1e4, 1e4], dtype=np.float64)
    np.testing.assert_array_equal(gn.sigmoid(x).numpy(), [0.0, 1.0])
    np.testing.assert_allclose(gn.softplus(x).numpy(), [0.0, 1e4])


def test_erf_fallback_matches_math_erf_to_1e_7():
    x = np.linspace(-8, 8, 4001)
    expected = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(erf_series(x) - expected)) < 1e-7


def test_gelu_without_scipy_uses_the_fallback(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name.startswith("scipy"):
            raise ImportError("scipy hidden by the test")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    x = np.linspace(-4, 4, 17)
    np.testing.assert_allclose(gn.gelu(gn.tensor(x)).numpy(), _gelu(x), atol=1e-7)


def test_unknown_gelu_approximation():
    with pytest.raises(ValueError, match="approximate"):
        gn.gelu(gn.ones(2), approximate="fast")


def test_comparisons_return_bool_tensors_without_gradient():
    x = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    checks = {
        "<": (x < 2, [True, False, False]),
        "<=": (x <= 2, [True, True, False]),
        ">": (x > 2, [False, False, True]),
        ">=": (x >= 2, [False, True, True]),
        "==": (x == 2, [False, True, False]),
        "!=": (x != 2, [True, False, True]),
    }
    for name, (result, want) in checks.items():
        assert result.dtype == np.bool_ and not result.requires_grad, name
        np.testing.assert_array_equal(result.numpy(), want)
    assert {x: 1}[x] == 1  # Tensors stay hashable despite elementwise ==
