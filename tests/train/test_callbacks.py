import csv
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.optim import lr_scheduler
from glassnet.train import (
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
)


def overfitting_problem(seed=0):
    """Few noisy samples and a wide network trained long: validation loss falls, then rises."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (20, 1)).astype(np.float32)
    y = (np.sin(3 * X) + rng.normal(0, 0.3, X.shape)).astype(np.float32)
    Xv = rng.uniform(-1, 1, (200, 1)).astype(np.float32)
    yv = np.sin(3 * Xv).astype(np.float32)
    model = nn.Sequential(
        nn.Dense(1, 128, "tanh", rng=seed),
        nn.Dense(128, 128, "tanh", rng=seed + 1),
        nn.Dense(128, 1, rng=seed + 2),
    )
    model.compile("adam", "mse", lr=0.01)
    return model, X, y, Xv, yv


def test_early_stopping_restores_the_best_weights():
    model, X, y, Xv, yv = overfitting_problem()
    stop = EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
    history = model.fit(
        X, y, epochs=400, batch_size=20, validation_data=(Xv, yv), callbacks=[stop], verbose=0
    )
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert stop.stopped_epoch is not None and len(val) < 400  # it overfit, and stopped
    assert stop.best_epoch == best and len(val) == best + 21
    assert min(val) < val[-1]
    assert model.evaluate(Xv, yv, return_dict=True)["loss"] == pytest.approx(val[best], rel=1e-6)


def test_early_stopping_without_restore_keeps_the_last_weights():
    model, X, y, Xv, yv = overfitting_problem()
    stop = EarlyStopping(patience=5)
    history = model.fit(
        X, y, epochs=400, batch_size=20, validation_data=(Xv, yv), callbacks=[stop], verbose=0
    )
    assert model.evaluate(Xv, yv, return_dict=True)["loss"] == pytest.approx(
        history.history["val_loss"][-1], rel=1e-6
    )


def test_model_checkpoint_saves_best_only_and_loads_back(tmp_path):
    model, X, y, Xv, yv = overfitting_problem()
    path = tmp_path / "best.npz"
    check = ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    history = model.fit(
        X, y, epochs=60, batch_size=20, validation_data=(Xv, yv), callbacks=[check], verbose=0
    )
    saved = gn.load(path)  # the architecture comes from the file
    assert set(saved.state_dict()) == set(model.state_dict())
    model.load_state_dict(saved.state_dict())
    assert model.evaluate(Xv, yv, return_dict=True)["loss"] == pytest.approx(
        min(history.history["val_loss"]), rel=1e-6
    )
    every = ModelCheckpoint(tmp_path / "epoch-{epoch}.npz")
    model.fit(X, y, epochs=2, callbacks=[every], verbose=0)
    assert sorted(p.name for p in tmp_path.glob("epoch-*.npz")) == ["epoch-61.npz", "epoch-62.npz"]


def test_learning_rate_scheduler_with_a_function_and_a_schedule():
    model, X, y, _, _ = overfitting_problem()
    rates = []
    seen = LambdaCallback(
        on_epoch_begin=lambda e: rates.append(model._trainer.optimizer.param_groups[0]["lr"])
    )
    model.fit(
        X,
        y,
        epochs=3,
        callbacks=[LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1)), seen],
        verbose=0,
    )
    assert rates == pytest.approx([0.1, 0.05, 0.1 / 3])
    schedule = lr_scheduler.StepLR(model._trainer.optimizer, step_size=1, gamma=0.5)
    history = model.fit(X, y, epochs=3, callbacks=[LearningRateScheduler(schedule)], verbose=0)
    base = 0.1 / 3  # the rate the first schedule left behind
    assert history.history["lr"][-3:] == pytest.approx([base / 2, base / 4, base / 8])


def test_csv_logger_writes_a_row_per_epoch(tmp_path):
    model, X, y, Xv, yv = overfitting_problem()
    path = tmp_path / "log.csv"
    model.fit(X, y, epochs=3, validation_data=(Xv, yv), callbacks=[CSVLogger(path)], verbose=0)
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "loss", "val_loss"] and [r[0] for r in rows[1:]] == ["1", "2", "3"]


def small_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, :1] * 2 - X[:, 1:]).astype(np.float32)
    model = nn.Sequential(nn.Dense(2, 4, "tanh", rng=0), nn.Dense(4, 1, rng=1))
    model.compile("sgd", "mse", ["r2"], lr=0.05)
    return model, X, y


def test_csv_logger_keeps_values_that_first_appear_later(tmp_path):
    model, X, y = small_problem()
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    # validation only every 2nd epoch: the first epoch has no val_ values yet
    options = dict(eval_every=2, validation_data=(X, y), verbose=0)
    model.fit(X, y, epochs=4, callbacks=[logger], **options)
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == ["epoch", "loss", "r2", "val_loss", "val_r2"]
    assert [r["val_loss"] == "" for r in rows] == [True, False, True, False]
    assert float(rows[3]["val_r2"]) == pytest.approx(model._trainer.history.history["val_r2"][3])


def test_csv_logger_appends_under_the_union_of_columns(tmp_path):
    model, X, y = small_problem()
    path = tmp_path / "log.csv"
    model.fit(X, y, epochs=1, callbacks=[CSVLogger(path)], verbose=0)
    appending = CSVLogger(path, append=True)
    model.fit(X, y, epochs=1, validation_data=(X, y), callbacks=[appending], verbose=0)
    rows = list(csv.DictReader(path.open()))
    assert [r["epoch"] for r in rows] == ["1", "2"] and rows[0]["val_loss"] == ""
    assert float(rows[1]["val_loss"]) > 0 and float(rows[1]["loss"]) > 0


@pytest.mark.parametrize("kind", ["EarlyStopping", "ModelCheckpoint"])
def test_a_monitored_value_that_is_never_logged_is_not_silently_ignored(kind, tmp_path):
    def make(monitor):
        if kind == "EarlyStopping":
            return EarlyStopping(monitor=monitor)
        return ModelCheckpoint(tmp_path / "m.npz", monitor=monitor, save_best_only=True)

    model, X, y = small_problem()
    with pytest.raises(ValueError, match=rf"{kind}: monitor='acuracy' is not logged; the logs"):
        model.fit(X, y, epochs=2, callbacks=[make("acuracy")], verbose=0)
    with pytest.warns(UserWarning, match=rf"{kind} did nothing: no epoch logged 'val_loss'") as rec:
        model.fit(X, y, epochs=2, callbacks=[make("val_loss")], verbose=0)
    assert rec[0].filename == __file__  # points at the fit call
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # logged on some epochs only: fine
        options = dict(eval_every=2, validation_data=(X, y), verbose=0)
        model.fit(X, y, epochs=2, callbacks=[make("val_loss")], **options)


def test_bad_callback_arguments_are_named():
    with pytest.raises(ValueError, match="EarlyStopping: patience must be 0 or more, got -1"):
        EarlyStopping(patience=-1)
    with pytest.raises(TypeError, match="EarlyStopping: patience must be an int"):
        EarlyStopping(patience=2.5)
    with pytest.raises(ValueError, match="EarlyStopping: mode must be"):
        EarlyStopping(mode="best")
    with pytest.raises(ValueError, match=r"may hold \{epoch\} and logged names"):
        ModelCheckpoint("model-{0}.npz")
    with pytest.raises(TypeError, match="schedule must be a function"):
        LearningRateScheduler(0.01)


@pytest.mark.parametrize("bad", [float("nan"), -0.1, None])
def test_a_schedule_giving_a_bad_learning_rate_stops_at_that_epoch(bad):
    model, X, y = small_problem()
    schedule = LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else bad)
    with pytest.raises(ValueError, match=rf"gave lr={bad!r} for epoch 3"):
        model.fit(X, y, epochs=4, callbacks=[schedule], verbose=0)
    assert len(model._trainer.history.epoch) == 2


def test_csv_logger_in_a_missing_folder_fails_before_training(tmp_path):
    model, X, y = small_problem()
    with pytest.raises(FileNotFoundError, match=r"CSVLogger: the folder of .*log\.csv does not"):
        model.fit(X, y, epochs=2, callbacks=[CSVLogger(tmp_path / "nope" / "log.csv")], verbose=0)
    assert model._trainer.history.epoch == []
