"""LayerNorm / RMSNorm: values from NumPy formulas, gradients against float64 differences."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.nn.normalization import LayerNorm, RMSNorm
from glassnet.ops.layer_norm import layer_norm, rms_norm


def _layer_norm(x, axes, w=None, b=None, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def _rms_norm(x, axes, w=None, eps=1e-6):
    y = x / np.sqrt((x**2).mean(axis=axes, keepdims=True) + eps)
    return y * (1 if w is None else w)


def _t(a):
    return gn.tensor(a, requires_grad=True)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("affine", ["none", "weight", "both"])
def test_layer_norm_values_and_gradients_over_the_last_axis(shape, affine):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(shape), rng.standard_normal(4), rng.standard_normal(4)
    w = None if affine == "none" else w
    b = b if affine == "both" else None
    got = layer_norm(gn.tensor(x), 4, None if w is None else gn.tensor(w), b)
    np.testing.assert_allclose(got.numpy(), _layer_norm(x, (-1,), w, b), rtol=1e-10)
    inputs = [_t(x)] + [_t(p) for p in (w, b) if p is not None]

    def fn(x, *params):
        weight = params[0] if w is not None else None
        bias = params[-1] if b is not None else None
        return layer_norm(x, (4,), weight, bias)

    assert gn.gradcheck(fn, inputs)


def test_layer_norm_over_two_axes_with_eps():
    rng = np.random.default_rng(1)
    x, w, b = (
        rng.standard_normal((2, 3, 4)),
        rng.standard_normal((3, 4)),
        rng.standard_normal((3, 4)),
    )
    got = layer_norm(gn.tensor(x), (3, 4), gn.tensor(w), gn.tensor(b), eps=0.1)
    np.testing.assert_allclose(got.numpy(), _layer_norm(x, (-2, -1), w, b, 0.1), rtol=1e-10)
    assert gn.gradcheck(lambda *t: layer_norm(t[0], (3, 4), t[1], t[2], 0.1), [_t(x), _t(w), _t(b)])


def test_rms_norm_values_and_gradients():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(
        rms_norm(gn.tensor(x), 4, gn.tensor(w), 1e-6).numpy(), _rms_norm(x, (-1,), w), rtol=1e-10
    )
    assert gn.gradcheck(lambda a, b: rms_norm(a, 4, b, 1e-6), [_t(x), _t(w)])
    assert gn.gradcheck(lambda a: rms_norm(a, (3, 4)), [_t(x)])


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    x = np.zeros((1, 3), dtype=np.float32)
    x[0, 0] = 1e-4
    got = rms_norm(gn.tensor(x), 3).numpy()[0, 0]
    eps = np.finfo(np.float32).eps
    assert got == pytest.approx(1e-4 / np.sqrt(1e-8 / 3 + eps), rel=1e-4)


def test_float32_stays_float32():
    x = _t(np.array([[1, 2, 3, 4], [4, 0, 1, 1]], dtype=np.float32))
    ln = LayerNorm(4)
    y = ln(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert np.asarray(x.grad).dtype == np.float32
    assert np.asarray(ln.weight.grad).dtype == np.float32


def test_layer_norm_module_parameters_and_options():
    assert [n for n, _ in LayerNorm(5).named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in LayerNorm(5, bias=False).named_parameters()] == ["weight"]
    assert list(LayerNorm((2, 5), elementwise_affine=False).parameters()) == []
    ln = LayerNorm((2, 3))
    assert ln.weight.shape == (2, 3) and np.all(ln.weight.numpy() == 1)
    assert np.all(ln.bias.numpy() == 0)
    x = np.arange(12.0).reshape(2, 2, 3)
    np.testing.assert_allclose(ln(x).numpy(), _layer_norm(x, (-2, -1)), rtol=1e-5, atol=1e-6)


def test_module_gradients_reach_weight_and_bias():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4))
    g = rng.standard_normal((2, 3, 4))
    ln = LayerNorm(4).double()
    ln(x).backward(g)
    xhat = _layer_norm(x, (-1,))
    np.testing.assert_allclose(np.asarray(ln.weight.grad), (g * xhat).sum(axis=(0, 1)), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(ln.bias.grad), g.sum(axis=(0, 1)), rtol=1e-10)
    norm = RMSNorm(4).double()
    norm(x).backward(g)
    np.testing.assert_allclose(
        np.asarray(norm.weight.grad),
        (g * _rms_norm(x, (-1,), eps=np.finfo(float).eps)).sum(axis=(0, 1)),
    )


def test_state_dict_round_trip():
    ln = LayerNorm(3)
    ln.weight.data[...] = [1.0, 2.0, 3.0]
    twin = LayerNorm(3)
    twin.load_state_dict(ln.state_dict())
    np.testing.assert_array_equal(twin.weight.numpy(), [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: layer_norm(gn.ones(2, 3), 4), ShapeError, r"\(2, 3\) does not end in"),
        (lambda: layer_norm(gn.ones(2, 3), 3, gn.ones(2)), ShapeError, "weight of shape"),
        (lambda: layer_norm(gn.ones(2, 3), 0), ValueError, "normalized_shape"),
        (lambda: rms_norm(gn.ones(3), (2, 3)), ShapeError, "does not end in"),
        (lambda: LayerNorm(0), ValueError, "normalized_shape"),
        (lambda: LayerNorm(3, eps=-1.0), ValueError, "eps"),
        (lambda: LayerNorm(3, bias="no"), TypeError, "bias"),
        (lambda: RMSNorm(3, elementwise_affine=1), TypeError, "elementwise_affine"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
