"""fit's Keras options (sample_weight, class_weight, initial_epoch, validation_split's tail and
its class check) and evaluate's Keras return value."""

import warnings

import numpy as np
import pytest

from glassnet import nn, optim
from glassnet.train import Trainer


def linear_model():
    layer = nn.Linear(2, 1, rng=0)
    return nn.Sequential(layer), layer


def test_sample_weight_gives_keras_weighted_mean_loss():
    model, _ = linear_model()
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    y = np.array([[1.0], [-1.0], [2.0]], np.float32)
    w = np.array([1.0, 0.0, 3.0])
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.0), "mse")
    value, output = trainer.train_step(X, y, w)
    expected = np.sum(w * (output[:, 0] - y[:, 0]) ** 2) / 3  # sum(w_i loss_i) / batch size
    assert value == pytest.approx(expected, rel=1e-6)


def test_sample_weight_scales_the_gradient_like_the_loss():
    X = np.ones((4, 2), np.float32)
    y = np.zeros((4, 1), np.float32)
    steps = []
    for weights in (None, np.full(4, 2.0)):
        model, layer = linear_model()
        model.compile(optim.SGD(model.parameters(), lr=0.1), "mse")
        before = layer.weight.numpy().copy()
        model.fit(X, y, epochs=1, batch_size=4, shuffle=False, sample_weight=weights, verbose=0)
        steps.append(layer.weight.numpy() - before)
    np.testing.assert_allclose(steps[1], 2 * steps[0], rtol=1e-5)


def test_class_weight_multiplies_each_class_loss():
    model = nn.Sequential(nn.Linear(2, 2, rng=0))
    X = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    y = np.array([0, 1])
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.0), "cross_entropy")
    logits = model(X).numpy()
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    per_sample = -log_probs[[0, 1], y]
    from glassnet.train.weights import sample_weights

    weights = sample_weights(y, None, {0: 1.0, 1: 5.0}, trainer.loss_fn)
    np.testing.assert_allclose(weights, [1.0, 5.0])
    value, _ = trainer.train_step(X, y, weights)
    assert value == pytest.approx((per_sample[0] + 5 * per_sample[1]) / 2, rel=1e-5)


def test_class_weight_errors_name_the_problem():
    model = nn.Sequential(nn.Linear(2, 2, rng=0)).compile("sgd", "cross_entropy")
    X, y = np.ones((3, 2)), np.array([0, 1, 2])
    with pytest.raises(ValueError, match=r"class\(es\) \[2\]"):
        model.fit(X, y, class_weight={0: 1.0, 1: 2.0}, verbose=0)
    with pytest.raises(ValueError, match="one weight per sample"):
        model.fit(X, y, sample_weight=np.ones(2), verbose=0)
    regression = nn.Sequential(nn.Linear(2, 1, rng=0)).compile("sgd", "mse")
    with pytest.raises(ValueError, match="classification loss"):
        regression.fit(X, np.ones(3), class_weight={0: 1.0}, verbose=0)


def test_initial_epoch_numbers_epochs_as_keras():
    model, _ = linear_model()
    model.compile("sgd", "mse")
    history = model.fit(np.ones((4, 2)), np.ones(4), epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]
    with pytest.raises(ValueError, match="initial_epoch or checkpoint_dir"):
        model.fit(np.ones((4, 2)), np.ones(4), initial_epoch=1, checkpoint_dir="x", verbose=0)


def test_validation_split_takes_the_tail_and_warns_of_unseen_classes():
    model = nn.Sequential(nn.Linear(2, 3, rng=0)).compile("sgd", "cross_entropy")
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.array([0] * 4 + [1] * 4 + [2] * 2)  # sorted by class: the tail is all class 2
    with pytest.warns(UserWarning, match=r"class\(es\) \[2\]"):
        history = model.fit(X, y, validation_split=0.2, epochs=1, verbose=0)
    assert "val_loss" in history.history
    shuffled = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X, shuffled, validation_split=0.2, epochs=1, verbose=0)


def test_validation_split_holds_out_exactly_the_last_samples():
    seen = []

    class Recorder(nn.Module):
        def forward(self, x):
            seen.append(x.numpy().copy())
            return x

    model = nn.Sequential(Recorder(), nn.Linear(1, 1, rng=0)).compile("sgd", "mse")
    X = np.arange(10, dtype=np.float32).reshape(10, 1)
    model.fit(X, X, validation_split=0.3, epochs=1, batch_size=10, shuffle=False, verbose=0)
    np.testing.assert_array_equal(seen[-1][:, 0], [7, 8, 9])  # the validation pass
    np.testing.assert_array_equal(seen[-2][:, 0], np.arange(7))  # the training batch


def test_evaluate_returns_keras_scalar_list_or_dict():
    X, y = np.eye(2, dtype=np.float32), np.array([0, 1])
    plain = nn.Sequential(nn.Linear(2, 2, rng=0)).compile("sgd", "cross_entropy")
    loss = plain.evaluate(X, y)
    assert isinstance(loss, float)
    with_metrics = nn.Sequential(nn.Linear(2, 2, rng=0)).compile(
        "sgd", "cross_entropy", metrics=["accuracy", "acc"]
    )
    values = with_metrics.evaluate(X, y, verbose=0)
    scores = with_metrics.evaluate(X, y, return_dict=True)
    assert values == [scores["loss"], scores["accuracy"], scores["acc"]]
    assert values[0] == pytest.approx(loss)
    with pytest.raises(TypeError, match=r"return_dict=True"):
        values["accuracy"]  # the old dict habit gets a pointer to the dict
    assert with_metrics.predict(X, verbose=0).shape == (2, 2)
