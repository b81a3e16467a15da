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
    assert model.evaluate(*blobs(2), return_dict=True)["accuracy"] > 0.9


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


@pytest.mark.filterwarnings("ignore:overflow", "ignore:invalid value")
def test_nan_loss_stops_with_epoch_and_batch():
    X, y = blobs(n=64)
    X[40] = 3e38  # finite, but the layer's output overflows: the loss becomes NaN
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
    assert model.evaluate(X, y, return_dict=True)["accuracy"] > 0.95


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


# ------------------------------------------------------------------ bad inputs are named errors
def _with_nan(X):
    X = X.copy()
    X[7, 1] = np.nan
    return X


def _with_inf(y):
    y = y.astype(np.float32)
    y[3] = np.inf
    return y


X200, Y200 = blobs()
FIT_ERRORS = [
    (dict(X=X200[:0], y=Y200[:0]), ValueError, "fit: X is empty"),
    (dict(X=X200, y=Y200[:150]), ValueError, "fit: X has 200 samples but y has 150"),
    (dict(X=_with_nan(X200)), ValueError, r"fit: X holds NaN or inf \(first at sample 7\)"),
    (dict(X=np.float32(1.0), y=[0]), ValueError, "fit: X must hold samples"),
    (dict(X=[[1.0, 2.0], [3.0]], y=[0, 1]), ValueError, "fit: X is not a regular array"),
    (dict(y=None), TypeError, "fit: needs targets y"),
    (dict(epochs=-1), ValueError, "fit: epochs must be at least 0, got -1"),
    (dict(epochs=2.5), TypeError, "fit: epochs must be an int"),
    (dict(batch_size=0), ValueError, "fit: batch_size must be at least 1, got 0"),
    (dict(batch_size=-5), ValueError, "fit: batch_size must be at least 1"),
    (dict(eval_every=0), ValueError, "fit: eval_every must be at least 1"),
    (dict(validation_split=1.0), ValueError, r"validation_split must be in \[0, 1\), got 1.0"),
    (dict(validation_split=-0.2), ValueError, r"validation_split must be in \[0, 1\)"),
    (dict(validation_split=float("nan")), ValueError, r"validation_split must be in \[0, 1\)"),
    (dict(validation_split="0.2"), TypeError, "validation_split must be a number"),
    (dict(validation_split=0.001), ValueError, "leaves 0 for validation and 200 for training"),
    (dict(validation_split=0.2, validation_data=blobs(1)), ValueError, "not both"),
    (dict(validation_data=(X200[:, :1], Y200)), ValueError, r"shape \(1,\) but X has \(2,\)"),
    (dict(validation_data=(_with_nan(X200), Y200)), ValueError, "validation_data X holds NaN"),
    (dict(validation_data=(X200, Y200[:5])), ValueError, "validation_data y has 5"),
    (dict(validation_data=X200), TypeError, r"validation_data must be a pair \(X_val, y_val\)"),
    (dict(callbacks=[EarlyStopping]), TypeError, "pass an instance: EarlyStopping()"),
    (dict(overwrite=True), ValueError, r"fit\(overwrite=True\) needs checkpoint_dir="),
]


@pytest.mark.parametrize("arguments, error, message", FIT_ERRORS)
def test_bad_fit_arguments_are_named_before_training(arguments, error, message):
    arguments = {"X": X200, "y": Y200, "verbose": 0, **arguments}
    model = small_model()
    before = model.state_dict()
    model.compile("sgd", "cross_entropy", lr=0.1)
    with pytest.raises(error, match=message):
        model.fit(**arguments)
    for key, value in model.state_dict().items():  # nothing was trained
        np.testing.assert_array_equal(value, before[key])
    assert model._trainer.history.epoch == []


def test_regression_targets_with_inf_are_refused():
    X, y = data.datasets.make_regression_curve(50, rng=0)
    model = nn.Sequential(nn.Dense(1, 4, rng=0), nn.Dense(4, 1, rng=1))
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"fit: y holds NaN or inf \(first at sample 3\)"):
        model.fit(X, _with_inf(y), verbose=0)
    with pytest.raises(ValueError, match="evaluate: y holds NaN or inf"):
        model.evaluate(X, _with_inf(y))


def test_zero_epochs_trains_nothing_and_says_so_in_the_history():
    model = small_model()
    model.compile("sgd", "cross_entropy")
    history = model.fit(X200, Y200, epochs=0, verbose=0)
    assert history.epoch == [] and history.history == {}


@pytest.mark.parametrize(
    "X, y, batch_size, error, message",
    [
        (X200[:0], Y200[:0], None, ValueError, "evaluate: X is empty"),
        (X200, Y200[:10], None, ValueError, "evaluate: X has 200 samples but y has 10"),
        (_with_nan(X200), Y200, None, ValueError, "evaluate: X holds NaN or inf"),
        (X200, Y200, 0, ValueError, "evaluate: batch_size must be at least 1, got 0"),
        (X200, None, None, TypeError, "evaluate: needs targets y"),
    ],
)
def test_bad_evaluate_arguments(X, y, batch_size, error, message):
    model = small_model()
    model.compile("sgd", "cross_entropy", ["accuracy"])
    with pytest.raises(error, match=message):
        model.evaluate(X, y, batch_size=batch_size)


@pytest.mark.parametrize(
    "X, batch_size, error, message",
    [
        (X200[:0], 1000, ValueError, "predict: X is empty"),
        (_with_nan(X200), 1000, ValueError, r"predict: X holds NaN or inf \(first at sample 7\)"),
        (X200, 0, ValueError, "predict: batch_size must be at least 1"),
        (X200, 2.0, TypeError, "predict: batch_size must be an int"),
    ],
)
def test_bad_predict_arguments(X, batch_size, error, message):
    with pytest.raises(error, match=message):
        small_model().predict(X, batch_size=batch_size)


# ------------------------------------------------------------------ checkpoints are not lost
def _checkpointed_fit(folder, epochs=2, **options):
    model = small_model()
    model.compile("adam", "cross_entropy", lr=0.05)
    return model, model.fit(
        X200, Y200, epochs=epochs, rng=0, verbose=0, checkpoint_dir=folder, **options
    )


def test_an_existing_checkpoint_is_never_replaced_silently(tmp_path):
    _checkpointed_fit(tmp_path)
    (checkpoint,) = list(tmp_path.iterdir())
    saved = checkpoint.read_bytes()
    with pytest.raises(FileExistsError, match=r"resume=True .* overwrite=True") as info:
        _checkpointed_fit(tmp_path)
    assert str(checkpoint) in str(info.value)
    assert checkpoint.read_bytes() == saved  # the earlier run is intact
    with pytest.raises(ValueError, match="pass one"):
        _checkpointed_fit(tmp_path, resume=True, overwrite=True)
    _, history = _checkpointed_fit(tmp_path, epochs=3, overwrite=True)  # starts over
    assert history.epoch == [0, 1, 2] and checkpoint.read_bytes() != saved
    _, resumed = _checkpointed_fit(tmp_path, epochs=3, resume=True)  # all done: nothing to do
    assert resumed.epoch == [0, 1, 2]


def test_a_checkpoint_dir_that_is_a_file_is_refused_before_training(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match=r"checkpoint_dir .*a-file is a file"):
        _checkpointed_fit(path)


# ------------------------------------------------------------------ softmax before a logits loss
@pytest.mark.parametrize(
    "layers, loss, names",
    [
        ([nn.Dense(2, 3, rng=0), nn.Softmax()], "cross_entropy", ["Softmax", "layer '1'"]),
        (
            [nn.Dense(2, 8, "relu", rng=0), nn.Dense(8, 3, activation="softmax", rng=1)],
            nn.CrossEntropyLoss(),
            ["Softmax", "layer '1.activation'", "sparse_categorical_crossentropy"],
        ),
        (
            [nn.Dense(2, 1, rng=0), nn.Sigmoid()],
            "bce_with_logits",
            ["BCEWithLogitsLoss", "Sigmoid", '"binary_crossentropy"'],
        ),
        (
            [nn.Sequential(nn.Dense(2, 1, rng=0), nn.Dense(1, 1, "sigmoid", rng=1))],
            nn.BCEWithLogitsLoss(),
            ["layer '0.1.activation'", "drop the final activation"],
        ),
    ],
)
def test_an_activation_before_a_logits_loss_warns_once(layers, loss, names):
    model = nn.Sequential(layers)
    with pytest.warns(UserWarning, match="takes logits") as record:
        model.compile("sgd", loss)
    assert len(record) == 1 and record[0].filename == __file__  # points at the caller
    assert all(name in str(record[0].message) for name in names)
    with pytest.warns(UserWarning, match="takes logits") as record:
        Trainer(model, "sgd", loss)
    assert len(record) == 1 and record[0].filename == __file__


@pytest.mark.parametrize(
    "layers, loss",
    [
        ([nn.Dense(2, 3, rng=0)], "cross_entropy"),
        ([nn.Dense(2, 3, rng=0), nn.Softmax()], "categorical_crossentropy"),
        ([nn.Dense(2, 1, "sigmoid", rng=0)], "bce"),
        ([nn.Dense(2, 3, "softmax", rng=0), nn.Dense(3, 3, rng=1)], "cross_entropy"),
        ([nn.Dense(2, 3, rng=0), nn.LogSoftmax()], "nll"),
    ],
)
def test_no_warning_when_the_loss_fits_the_last_layer(layers, loss, recwarn):
    model = nn.Sequential(layers)
    model.compile("sgd", loss)
    targets = {"bce": Y200 % 2, "categorical_crossentropy": data.to_one_hot(Y200, 3)}
    model.fit(X200, targets.get(loss, Y200), epochs=1, verbose=0)
    assert not [w for w in recwarn if "takes logits" in str(w.message)]


# ------------------------------------------------------------------ Trainer arguments
def test_classes_instead_of_objects_and_ignored_options_are_named():
    with pytest.raises(TypeError, match=r"got the class CrossEntropyLoss, pass an instance"):
        Trainer(small_model(), "sgd", nn.CrossEntropyLoss)
    with pytest.raises(TypeError, match=r"got the class SGD: pass its name"):
        Trainer(small_model(), optim.SGD, "cross_entropy", lr=0.1)
    model = small_model()
    with pytest.raises(TypeError, match=r"options \(lr=5.0\) apply to an optimizer given by name"):
        model.compile(optim.SGD(model.parameters(), lr=0.1), "cross_entropy", lr=5.0)
    with pytest.raises(ValueError, match="optimizer option lr=nan must be finite"):
        Trainer(small_model(), "sgd", "cross_entropy", lr=float("nan"))
    with pytest.raises(TypeError, match="model must be a Module, got str"):
        Trainer("model", "sgd", "cross_entropy")


def test_a_single_metric_name_is_one_metric_not_its_letters():
    model = small_model()
    model.compile("adam", "cross_entropy", metrics="accuracy", lr=0.05)
    history = model.fit(X200, Y200, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}


def test_weights_that_diverge_in_the_last_step_are_caught():
    # one batch per epoch: the loss is finite before the step, the step makes NaN weights
    model = small_model()
    model.compile(optim.SGD(model.parameters(), lr=1e38), "cross_entropy")
    with np.errstate(all="ignore"):
        with pytest.raises(FloatingPointError, match=r"the weight '.*' holds NaN or inf after"):
            model.fit(X200 * 1e10, Y200, epochs=1, batch_size=200, verbose=0)


def test_a_metric_that_returns_no_number_is_named():
    model = small_model()
    model.compile("sgd", "cross_entropy", metrics=[lambda t, p: p[:2]])
    with pytest.raises(TypeError, match=r"the metric <lambda> returned ndarray \(2, 3\), not a"):
        model.fit(X200, Y200, epochs=1, verbose=0)


def test_a_tilde_in_checkpoint_dir_means_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    _checkpointed_fit("~/run")
    assert any(p.name.startswith("checkpoint") for p in (tmp_path / "run").iterdir())
    assert not (tmp_path / "~").exists()


def test_a_single_callback_need_not_be_in_a_list():
    stop = EarlyStopping(monitor="loss", patience=0, min_delta=10.0)  # stops after epoch 2
    model = small_model()
    model.compile("sgd", "cross_entropy")
    assert model.fit(X200, Y200, epochs=5, callbacks=stop, verbose=0).epoch == [0, 1]
