import csv

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
    model = nn.Sequential(nn.Dense(1, 128, "tanh", rng=seed), nn.Dense(128, 128, "tanh", rng=seed + 1),
                          nn.Dense(128, 1, rng=seed + 2))  # fmt: skip
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
    assert model.evaluate(Xv, yv)["loss"] == pytest.approx(val[best], rel=1e-6)


def test_early_stopping_without_restore_keeps_the_last_weights():
    model, X, y, Xv, yv = overfitting_problem()
    stop = EarlyStopping(patience=5)
    history = model.fit(
        X, y, epochs=400, batch_size=20, validation_data=(Xv, yv), callbacks=[stop], verbose=0
    )
    assert model.evaluate(Xv, yv)["loss"] == pytest.approx(
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
    assert model.evaluate(Xv, yv)["loss"] == pytest.approx(
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
