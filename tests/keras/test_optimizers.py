"""Keras optimizers: Keras' defaults and update rules, checked against the formulas."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import keras


def steps(optimizer, grads, start=(1.0, -2.0)):
    """Apply ``grads`` (one array per step) to a parameter; return its values after each."""
    w = gn.tensor(np.array(start), requires_grad=True)
    opt = optimizer.build([w])
    values = []
    for g in grads:
        w.grad = np.array(g, dtype=w.dtype)
        opt.step()
        values.append(w.numpy().copy())
    return values


GRADS = [np.array([0.5, -1.0]), np.array([0.2, 0.3]), np.array([-0.4, 0.1])]


def test_adam_follows_keras_epsilon_placement():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    got = steps(keras.optimizers.Adam(learning_rate=lr, epsilon=eps), GRADS)
    p, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        np.testing.assert_allclose(got[t - 1], p, rtol=1e-12)


def test_adamw_decays_decoupled_with_keras_default():
    opt = keras.optimizers.AdamW(learning_rate=0.1)
    assert opt.get_config()["weight_decay"] == 0.004
    got = steps(opt, [np.zeros(2)])  # zero gradient: only the decay moves the weights
    np.testing.assert_allclose(got[0], np.array([1.0, -2.0]) * (1 - 0.1 * 0.004), rtol=1e-12)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_takes_the_root_of_v_plus_epsilon(centered):
    lr, rho, eps, momentum = 0.01, 0.9, 1e-7, 0.5
    opt = keras.optimizers.RMSprop(lr, rho=rho, momentum=momentum, centered=centered)
    got = steps(opt, GRADS)
    p, v, a, b = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), np.zeros(2)
    for i, g in enumerate(GRADS):
        v = rho * v + (1 - rho) * g * g
        a = rho * a + (1 - rho) * g
        denominator = v - a * a + eps if centered else v + eps
        b = momentum * b + lr * g / np.sqrt(denominator)
        p = p - b
        np.testing.assert_allclose(got[i], p, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_matches_keras_velocity_form(nesterov):
    lr, momentum = 0.1, 0.9
    got = steps(keras.optimizers.SGD(lr, momentum=momentum, nesterov=nesterov), GRADS)
    p, velocity = np.array([1.0, -2.0]), np.zeros(2)
    for i, g in enumerate(GRADS):
        velocity = momentum * velocity - lr * g
        p = p + momentum * velocity - lr * g if nesterov else p + velocity
        np.testing.assert_allclose(got[i], p, rtol=1e-12)


def test_learning_rate_property_reads_and_sets_the_built_optimizer():
    opt = keras.optimizers.Adam(learning_rate=0.5)
    w = gn.tensor([1.0], requires_grad=True)
    built = opt.build([w])
    opt.learning_rate = 0.25
    assert built.param_groups[0]["lr"] == 0.25 and opt.learning_rate == 0.25
    assert opt.build([w]) is built and opt.iterations == 0
    w.grad = np.ones(1)
    built.step()
    assert opt.iterations == 1


def test_get_and_bad_arguments():
    assert isinstance(keras.optimizers.get("RMSprop"), keras.optimizers.RMSprop)
    assert keras.optimizers.get("adam", learning_rate=0.2).learning_rate == 0.2
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        keras.optimizers.Adam(learning_rate="fast")
