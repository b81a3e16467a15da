"""``.grad`` is a Tensor (PyTorch), with its NumPy array one attribute away."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim


def test_grad_is_a_tensor_that_stays_the_same_object():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    g = x.grad
    assert isinstance(g, gn.Tensor) and g is x.grad and not g.requires_grad
    assert isinstance(g.data, np.ndarray) and g.numpy() is g.data and np.asarray(g) is g.data
    np.testing.assert_allclose(np.asarray(x.grad), [2.0, 4.0])
    (x * 3).sum().backward()  # accumulates into the same Tensor
    assert x.grad is g
    np.testing.assert_allclose(g.data, [5.0, 7.0])


def test_setting_grad_accepts_tensors_arrays_and_none_with_checks():
    w = gn.zeros(2, requires_grad=True)
    g = gn.tensor([1.0, 2.0])
    w.grad = g
    assert w.grad is g
    w.grad = np.array([3.0, 4.0])  # float64 array: cast to the parameter's float32
    assert isinstance(w.grad, gn.Tensor) and w.grad.dtype == np.float32
    w.grad = None
    assert w.grad is None
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        w.grad = np.zeros(3)
    with pytest.raises(TypeError, match="int64"):
        w.grad = np.zeros(2, dtype=np.int64)


def test_manual_sgd_updates_the_parameter_in_place():
    w = gn.tensor([1.0, -2.0], requires_grad=True)
    array = w.data
    (w * w).sum().backward()
    with gn.no_grad():
        w -= 0.25 * w.grad
    assert w.data is array and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.data, [0.5, -1.0])
    w.grad.zero_()
    np.testing.assert_allclose(np.asarray(w.grad), [0.0, 0.0])


def test_optimizers_and_clipping_still_read_the_gradient_array():
    model = nn.Linear(3, 2, rng=0)
    before = [p.data.copy() for p in model.parameters()]
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = np.ones((4, 3), dtype=np.float32)
    model(x).sum().backward()
    grads = [np.asarray(p.grad).copy() for p in model.parameters()]
    opt.step()
    for p, b, g in zip(model.parameters(), before, grads):
        np.testing.assert_allclose(p.data, b - 0.1 * g, rtol=1e-6)
    assert all(g is None or isinstance(g, np.ndarray) for g in model.gradients().values())


def test_hooks_receive_a_tensor():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g) or g * 2)
    (x * x).sum().backward()
    assert isinstance(seen[0], gn.Tensor)
    np.testing.assert_allclose(np.asarray(x.grad), [4.0, 8.0])


def test_retain_grad_gives_a_non_leaf_its_gradient_tensor():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 2).retain_grad()
    assert h.retains_grad
    (h * h).sum().backward()
    assert isinstance(h.grad, gn.Tensor)
    np.testing.assert_allclose(np.asarray(h.grad), [4.0, 8.0])
