"""PyTorch's elementwise activations: values from NumPy formulas, gradients checked in float64
against numerical ones, including just beside each kink."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.nn import functional as F

ALPHA, SCALE = 1.6732632423543772, 1.0507009873554805


def sig(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.log1p(np.exp(x))


# name: (functional call, module, NumPy formula, kinks)
CASES = {
    "relu6": (F.relu6, nn.ReLU6(), lambda x: np.clip(x, 0, 6), (0.0, 6.0)),
    "hardtanh": (
        lambda x: F.hardtanh(x, -2.0, 0.5),
        nn.Hardtanh(-2.0, 0.5),
        lambda x: np.clip(x, -2, 0.5),
        (-2.0, 0.5),
    ),
    "selu": (F.selu, nn.SELU(), lambda x: SCALE * np.where(x > 0, x, ALPHA * np.expm1(x)), (0.0,)),
    "celu": (
        lambda x: F.celu(x, 0.7),
        nn.CELU(0.7),
        lambda x: np.where(x > 0, x, 0.7 * np.expm1(x / 0.7)),
        (0.0,),
    ),
    "elu": (
        lambda x: F.elu(x, 0.5),
        nn.ELU(0.5),
        lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
        (0.0,),
    ),
    "leaky_relu": (
        lambda x: F.leaky_relu(x, 0.2),
        nn.LeakyReLU(negative_slope=0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        (0.0,),
    ),
    "silu": (F.silu, nn.SiLU(), lambda x: x * sig(x), ()),
    "mish": (F.mish, nn.Mish(), lambda x: x * np.tanh(softplus(x)), ()),
    "hardswish": (F.hardswish, nn.Hardswish(), lambda x: x * np.clip(x + 3, 0, 6) / 6, (-3.0, 3.0)),
    "hardsigmoid": (
        F.hardsigmoid,
        nn.Hardsigmoid(),
        lambda x: np.clip(x + 3, 0, 6) / 6,
        (-3.0, 3.0),
    ),
    "softplus": (
        lambda x: F.softplus(x, 2.0, 3.0),
        nn.Softplus(2.0, 3.0),
        lambda x: np.where(2 * x > 3, x, softplus(2 * x) / 2),
        (),
    ),
    "softsign": (F.softsign, nn.Softsign(), lambda x: x / (1 + np.abs(x)), ()),
    "tanhshrink": (F.tanhshrink, nn.Tanhshrink(), lambda x: x - np.tanh(x), ()),
    "logsigmoid": (F.logsigmoid, nn.LogSigmoid(), lambda x: np.log(sig(x)), ()),
    "softshrink": (
        lambda x: F.softshrink(x, 0.5),
        nn.Softshrink(0.5),
        lambda x: np.where(np.abs(x) > 0.5, x - 0.5 * np.sign(x), 0.0),
        (-0.5, 0.5),
    ),
    "hardshrink": (
        lambda x: F.hardshrink(x, 0.5),
        nn.Hardshrink(0.5),
        lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
        (-0.5, 0.5),
    ),
    "threshold": (
        lambda x: F.threshold(x, 0.1, 20.0),
        nn.Threshold(0.1, 20.0),
        lambda x: np.where(x > 0.1, x, 20.0),
        (0.1,),
    ),
    "gelu-tanh": (
        lambda x: F.gelu(x, approximate="tanh"),
        nn.GELU("tanh"),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
        (),
    ),
}


def points(kinks):
    base = [-4.0, -1.3, -0.2, 0.3, 1.7, 4.5]
    beside = [k + d for k in kinks for d in (-1e-3, 1e-3)]
    return np.array(base + beside)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_the_formula_and_module_equals_function(name):
    function, module, formula, kinks = CASES[name]
    x = points(kinks)
    np.testing.assert_allclose(
        function(gn.tensor(x, dtype="float64")).numpy(), formula(x), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(module(x).numpy(), formula(x), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_numerical_ones_beside_the_kinks(name):
    function, _, _, kinks = CASES[name]
    x = gn.tensor(points(kinks).reshape(2, -1), dtype="float64", requires_grad=True)
    assert gn.gradcheck(function, [x])


def test_stable_for_large_inputs_and_keep_float32():
    x = gn.tensor([-1e4, 1e4])
    for function in (F.silu, F.mish, F.logsigmoid, F.selu, F.softplus, F.softsign):
        y = function(x)
        assert y.dtype == np.float32 and np.isfinite(y.numpy()).all(), function


def test_prelu_learns_one_slope_per_channel():
    prelu = nn.PReLU(num_parameters=3, init=0.1).double()
    x = np.random.default_rng(0).standard_normal((4, 3, 2))
    expected = np.where(x > 0, x, 0.1 * x)
    np.testing.assert_allclose(prelu(x).numpy(), expected)
    xt = gn.tensor(x, requires_grad=True)
    assert gn.gradcheck(lambda a, w: F.prelu(a, w), [xt, prelu.weight])
    prelu(x).sum().backward()
    np.testing.assert_allclose(
        np.asarray(prelu.weight.grad), np.where(x > 0, 0, x).sum(axis=(0, 2))
    )
    single = nn.PReLU().double()
    assert gn.gradcheck(lambda a, w: F.prelu(a, w), [xt, single.weight])
    with pytest.raises(gn.ShapeError, match="one per channel"):
        nn.PReLU(5)(np.ones((2, 3)))


def test_softmax_modules_take_dim_and_identity_takes_anything():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(nn.Softmax(dim=0)(x).numpy().sum(axis=0), [1, 1, 1])
    np.testing.assert_allclose(np.exp(nn.LogSoftmax(1)(x).numpy()).sum(axis=1), [1, 1])
    np.testing.assert_allclose(nn.Softmin(1)(x).numpy(), nn.Softmax(1)(-x).numpy())
    assert nn.Identity(54, unused="x")(x).numpy() is not None
    with pytest.warns(UserWarning, match="Implicit dimension"):
        out = F.softmax(gn.tensor(np.zeros((2, 3, 4))))
    np.testing.assert_allclose(out.numpy().sum(axis=0), np.ones((3, 4)))  # PyTorch: dim 0 for 3-d
    assert F.softmax(gn.tensor(x), dim=1, dtype=np.float64).dtype == np.float64


def test_keras_names_reach_the_new_activations():
    assert isinstance(nn.get_activation("swish"), nn.SiLU)
    assert isinstance(nn.Dense(3, 2, "selu").activation, nn.SELU)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="min_val"):
        F.hardtanh(gn.ones(2), 1.0, -1.0)
    with pytest.raises(ValueError, match="alpha must not be 0"):
        nn.CELU(0.0)
    with pytest.raises(ValueError, match="beta must not be 0"):
        nn.Softplus(0.0)
