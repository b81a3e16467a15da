import numpy as np
import pytest

import glassnet as gn


def test_dtype_rules_follow_pytorch():
    assert gn.tensor([1.0, 2.0]).dtype == np.float32
    assert gn.tensor(1.5).dtype == np.float32
    assert gn.tensor([1, 2]).dtype == np.int64
    assert gn.tensor([True, False]).dtype == np.bool_
    assert gn.tensor(np.zeros(2, dtype=np.float64)).dtype == np.float64
    assert gn.tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert gn.tensor(np.float64(2.0)).dtype == np.float64


def test_numpy_style_properties():
    x = gn.zeros(2, 3)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and isinstance(x.size, int)
    assert len(x) == 2 and x.dtype == np.float32 and x.is_leaf and x.grad_fn is None


def test_array_protocol_on_numpy_2():
    x = gn.tensor([1.0, 2.0])
    as64 = np.asarray(x, np.float64)
    assert as64.dtype == np.float64
    assert np.asarray(x) is x.numpy()
    copy = np.array(x, copy=True)
    copy[0] = 9
    assert x.numpy()[0] == 1.0


def test_only_float_tensors_require_grad():
    with pytest.raises(TypeError, match="float"):
        gn.tensor([1, 2], requires_grad=True)
    assert gn.tensor([1.0], requires_grad=True).requires_grad


def test_detach_item_tolist_numpy():
    x = gn.tensor([[2.0]], requires_grad=True)
    y = (x * 3).detach()
    assert not y.requires_grad and y.is_leaf and y.item() == 6.0 and y.tolist() == [[6.0]]


def test_repr_shows_values_dtype_and_history():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "Tensor([1., 2.], dtype=float32, requires_grad=True)"
    assert repr(x * 2) == "Tensor([2., 4.], dtype=float32, grad_fn=<MulOp>)"


def test_constructors():
    assert gn.zeros((2, 3)).shape == (2, 3) and gn.ones(4).numpy().sum() == 4
    assert gn.full((2,), 7.0).dtype == np.float32 and gn.full((2,), 7).dtype == np.int64
    np.testing.assert_array_equal(gn.eye(2).numpy(), np.eye(2))
    assert gn.arange(5).dtype == np.int64 and gn.arange(0.0, 1.0, 0.25).shape == (4,)
    assert gn.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert (
        gn.randn(3, 4, rng=0).shape == (3, 4) and gn.rand(2, dtype=np.float64).dtype == np.float64
    )


def test_randomness_is_reproducible_with_seeds_and_generators():
    np.testing.assert_array_equal(gn.randn(5, rng=7).numpy(), gn.randn(5, rng=7).numpy())
    gn.manual_seed(3)
    a = gn.rand(4).numpy()
    gn.manual_seed(3)
    np.testing.assert_array_equal(a, gn.rand(4).numpy())
    rng = np.random.default_rng(1)
    assert not np.array_equal(gn.rand(4, rng=rng).numpy(), gn.rand(4, rng=rng).numpy())
    with pytest.raises(TypeError, match="rng"):
        gn.rand(2, rng="seed")


def test_requires_grad_propagates_through_ops():
    w = gn.ones(2, requires_grad=True)
    assert (w * 2).requires_grad and not (gn.ones(2) * 2).requires_grad
    assert not (w > 0).requires_grad
