import numpy as np
import pytest

import glassnet as gn
from glassnet import data, nn, optim
from glassnet.train import Callback, EarlyStopping, History, Trainer


def blobs(seed=0, n=200):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(0, 0.6, (n, 2)) + np.array([[0, 0], [3, 0], [0, 3]])[y]
    return X.astype(np.float32), y


def small_model(seed=0):
    return nn.Sequential(nn.Dense(2, 16, "relu", rng=seed), nn.Dense(16, 3, rng=seed + 1))


def test_fit_returns_keras_style_history_and_learns():
    X, y = blobs()
    model = small_model()
    model.compile("adam", "cross_entropy", metrics=["accuracy"], lr=0.05)
    history = model.fit(X, y, epochs=5, batch_size=32, validation_data=blobs(1), rng=0, verbose=0)
    assert isinstance(history, History) and history.epoch == [0, 1, 2, 3, 4]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 5 for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(*blobs(2))["accuracy"] > 0.9


def test_val_loss_equals_evaluate_loss_exactly_with_a_short_last_batch():
    X, y = blobs(n=103)
    Xv, yv = blobs(5, n=77)
    trainer = Trainer(small_model(), "sgd", "cross_entropy", lr=0.1)
    history = trainer.fit(X, y, epochs=1, batch_size=10, validation_data=(Xv, yv), verbose=0, rng=0)
    for batch_size in (7, 30, 1000):
        assert trainer.evaluate(Xv, yv, batch_size=batch_size)["loss"] == pytest.approx(
            history.history["val_loss"][0], rel=1e-6
        )
    whole = nn.CrossEntropyLoss()(trainer.predict(Xv), yv).item()
    assert trainer.evaluate(Xv, yv, batch_size=7)["loss"] == pytest.approx(whole, rel=1e-6)


def test_same_seed_gives_identical_weights_and_history():
    def run():
        gn.manual_seed(42)
        model = nn.Sequential(nn.Dense(2, 16, "relu"), nn.Dropout(0.3), nn.Dense(16, 3))
        model.compile("adam", "cross_entropy", ["accuracy"], lr=0.01)
        history = model.fit(*blobs(), epochs=3, batch_size=16, rng=7, verbose=0)
        return model.state_dict(), history.history

    (w1, h1), (w2, h2) = run(), run()
    assert h1 == h2
    for key in w1:
        np.testing.assert_array_equal(w1[key], w2[key])


def test_evaluate_and_predict_leave_the_mode_as_it_was():
    model = nn.Sequential(nn.Dense(2, 4), nn.Dropout(0.5), nn.Dense(4, 3))
    model.compile("sgd", "cross_entropy")
    X, y = blobs(n=20)
    model.train()
    model.evaluate(X, y)
    model.predict(X)
    assert all(m.training for m in model.modules())
    model.eval()
    model.evaluate(X, y)
    model.predict(X)
    assert not any(m.training for m in model.modules())
    assert model.predict(X).shape == (20, 3) and not gn.tensor(model.predict(X)).requires_grad


def test_predict_without_compile_and_in_batches():
    model = small_model()
    X = blobs(n=25)[0]
    np.testing.assert_allclose(model.predict(X, batch_size=4), model.predict(X), rtol=1e-6)


def test_nan_loss_stops_with_epoch_and_batch():
    X, y = blobs(n=64)
    X[40] = np.nan
    model = small_model()
    model.compile("sgd", "cross_entropy")
    with pytest.raises(FloatingPointError, match="epoch 1, batch 3"):
        model.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)


def test_regression_with_one_dimensional_targets_and_validation_split():
    X, y = data.datasets.make_regression_curve(300, noise=0.1, rng=0)
    model = nn.Sequential(nn.Dense(1, 32, "tanh", rng=0), nn.Dense(32, 1, rng=1))
    model.compile("adam", "mse", ["r2"], lr=0.02)
    history = model.fit(
        X / 5, y.reshape(-1), epochs=60, batch_size=32, validation_split=0.2, verbose=0, rng=0
    )
    assert history.history["val_r2"][-1] > 0.95


def test_eval_every_records_nan_between_evaluations():
    X, y = blobs(n=40)
    model = small_model()
    model.compile("sgd", "cross_entropy", lr=0.1)
    history = model.fit(X, y, epochs=4, eval_every=2, validation_data=(X, y), verbose=0)
    val = history.history["val_loss"]
    assert np.isnan(val[0]) and np.isfinite(val[1]) and np.isnan(val[2]) and np.isfinite(val[3])


def test_train_step_can_be_overridden_for_a_custom_loop():
    class CountingTrainer(Trainer):
        steps = 0

        def train_step(self, x, y):
            CountingTrainer.steps += 1
            return super().train_step(x, y)

    X, y = blobs(n=50)
    CountingTrainer(small_model(), "adam", "cross_entropy").fit(
        X, y, epochs=2, batch_size=10, verbose=0
    )
    assert CountingTrainer.steps == 10


def test_lazy_layers_get_their_optimizer_after_the_first_forward():
    model = nn.Sequential(nn.Dense(8, activation="relu"), nn.Dense(3))
    model.compile("adam", "cross_entropy", lr=0.05)
    model.fit(*blobs(), epochs=2, verbose=0)
    assert model.num_parameters() == 2 * 8 + 8 + 8 * 3 + 3


def test_binary_classification_metrics_see_probabilities_from_logits():
    X, y = data.datasets.make_moons(200, noise=0.1, rng=0)
    model = nn.Sequential(nn.Dense(2, 16, "tanh", rng=0), nn.Dense(16, 1, rng=1))
    model.compile("adam", "bce_with_logits", ["accuracy"], lr=0.05)
    model.fit(X, y, epochs=80, batch_size=32, verbose=0, rng=0)
    assert model.evaluate(X, y)["accuracy"] > 0.95


def test_errors_are_explained():
    with pytest.raises(RuntimeError, match="compile"):
        small_model().fit(*blobs())
    trainer = Trainer(small_model(), optim.SGD(small_model().parameters()), "cross_entropy")
    with pytest.raises(ValueError, match="200 samples but y has 3"):
        trainer.fit(blobs()[0], [0, 1, 2])


def test_callbacks_see_every_stage():
    seen = []

    class Recorder(Callback):
        def on_train_begin(self, logs):
            seen.append("begin")

        def on_epoch_end(self, epoch, logs):
            seen.append(("epoch", epoch, sorted(logs)))

        def on_train_end(self, logs):
            seen.append("end")

    model = small_model()
    model.compile("sgd", "cross_entropy")
    model.fit(*blobs(n=20), epochs=2, callbacks=[Recorder()], verbose=0)
    assert seen == ["begin", ("epoch", 0, ["loss"]), ("epoch", 1, ["loss"]), "end"]


def test_verbose_output(capsys):
    model = small_model()
    model.compile("sgd", "cross_entropy", ["accuracy"])
    model.fit(*blobs(n=20), epochs=2, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 2/2") and "accuracy" in lines[1]
    model.fit(*blobs(n=20), epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_early_stopping_is_importable_from_train():
    assert EarlyStopping().tracker.mode == "min"
    assert EarlyStopping(monitor="val_accuracy").tracker.mode == "max"
