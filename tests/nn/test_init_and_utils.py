"""nn.init's in-place functions (PyTorch fans) and nn.utils' clipping and vectors."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim


def test_fans_follow_the_pytorch_layout():
    assert nn.init.calculate_fan_in_and_fan_out(nn.Linear(30, 10).weight) == (30, 10)
    assert nn.init._calculate_fan_in_and_fan_out(gn.zeros(8, 4, 3, 3)) == (36, 72)
    with pytest.raises(gn.ShapeError, match="2 or more dimensions"):
        nn.init.xavier_uniform_(nn.Parameter(np.zeros(3)))


def test_bounds_and_spreads_of_the_random_fillers():
    w = nn.Linear(400, 100).weight  # (100, 400): fan_in 400, fan_out 100
    nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=0)
    assert np.abs(w.numpy()).max() <= 1 / math.sqrt(400) + 1e-7
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=1)
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 100), rel=0.05)
    nn.init.xavier_uniform_(w, gain=2.0, generator=2)
    assert np.abs(w.numpy()).max() <= 2 * math.sqrt(6 / 500) + 1e-7
    nn.init.xavier_normal_(w, generator=3)
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 500), rel=0.05)
    nn.init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5, generator=4)
    assert np.abs(w.numpy()).max() <= 0.5 and w.numpy().std() > 0.2
    nn.init.uniform_(w, -0.1, 0.1, generator=5)
    assert -0.1 <= w.numpy().min() < w.numpy().max() <= 0.1
    nn.init.normal_(w, 3.0, 0.01, generator=6)
    assert w.numpy().mean() == pytest.approx(3.0, abs=0.01)


def test_deterministic_fillers_write_in_place_and_return_the_tensor():
    layer = nn.Linear(3, 2)
    same = layer.weight.data
    assert nn.init.constant_(layer.weight, 0.5) is layer.weight
    assert layer.weight.data is same and (same == 0.5).all()
    np.testing.assert_array_equal(nn.init.eye_(layer.weight).numpy(), np.eye(2, 3))
    assert not nn.init.zeros_(layer.bias).numpy().any()
    assert (nn.init.ones_(layer.bias).numpy() == 1).all()
    q = nn.init.orthogonal_(nn.Parameter(np.zeros((3, 5))), gain=2.0, generator=0).numpy()
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(3), atol=1e-5)


def test_calculate_gain_as_pytorch():
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("selu") == 0.75 and nn.init.calculate_gain("conv2d") == 1
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        nn.init.calculate_gain("swishy")


def with_grads(*grads):
    params = [nn.Parameter(np.zeros_like(np.asarray(g, dtype=np.float32))) for g in grads]
    for p, g in zip(params, grads):
        p.grad = np.asarray(g, dtype=np.float32)
    return params


def test_clip_grad_norm_returns_a_tensor_and_scales_in_place():
    params = with_grads([3.0, 0.0], [[4.0]])
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, gn.Tensor) and total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(np.asarray(params[0].grad), [0.6, 0.0], rtol=1e-5)
    params = with_grads([3.0, -4.0])
    assert nn.utils.clip_grad_norm_(params[0], 10.0, norm_type="inf").item() == 4.0
    assert optim.clip_grad_norm_(with_grads([3.0, 4.0]), 1.0) == pytest.approx(5.0)  # float
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        nn.utils.clip_grad_norm_(with_grads([np.inf]), 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_vectors():
    params = with_grads([3.0, -4.0, 0.5])
    nn.utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(np.asarray(params[0].grad), [1.0, -1.0, 0.5])
    model = nn.Linear(2, 2)
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (6,)
    nn.utils.vector_to_parameters(gn.tensor(np.arange(6.0)), model.parameters())
    np.testing.assert_array_equal(model.weight.numpy(), [[0, 1], [2, 3]])
    np.testing.assert_array_equal(model.bias.numpy(), [4, 5])
    with pytest.raises(gn.ShapeError, match="6"):
        nn.utils.vector_to_parameters(np.zeros(5), model.parameters())
