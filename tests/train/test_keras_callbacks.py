"""Callbacks with Keras' semantics, driven with scripted logs epoch by epoch."""

import types

import numpy as np
import pytest

import glassnet as gn
from glassnet import keras, nn
from glassnet.train import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, TerminateOnNaN


def fake_trainer(lr=1.0):
    model = nn.Sequential(nn.Linear(1, 1, rng=0))
    optimizer = gn.optim.SGD(model.parameters(), lr=lr)
    return types.SimpleNamespace(model=model, optimizer=optimizer, stop_training=False)


def drive(callback, values, monitor="val_loss", trainer=None):
    """Feed ``values`` as the monitored quantity; return the epoch training stopped at."""
    trainer = trainer or fake_trainer()
    callback.set_trainer(trainer)
    callback.on_train_begin({})
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {"loss": 1.0, monitor: value})
        if trainer.stop_training:
            return epoch
    callback.on_train_end({})
    return None


def test_early_stopping_patience_and_min_delta():
    assert drive(EarlyStopping(patience=2), [5, 4, 4.5, 4.2, 3]) == 3
    assert drive(EarlyStopping(patience=2, min_delta=0.5), [5, 4.8, 4.6, 1]) == 2
    assert drive(EarlyStopping(patience=0), [5, 6]) == 1  # never at epoch 0, as Keras


def test_early_stopping_baseline_and_start_from_epoch():
    # values improve but never beat the baseline, so the wait is never reset (Keras checks
    # the patience on epochs without improvement only)
    assert drive(EarlyStopping(patience=2, baseline=1.0), [5, 4, 3, 3.5]) == 3
    assert drive(EarlyStopping(patience=2), [5, 4, 3, 3.5]) is None
    assert drive(EarlyStopping(patience=1, start_from_epoch=3), [1, 2, 3, 4, 5]) == 4
    maximize = EarlyStopping(monitor="val_accuracy", patience=1)
    assert drive(maximize, [0.5, 0.6, 0.55], monitor="val_accuracy") == 2


def test_early_stopping_restores_only_when_it_stops():
    trainer = fake_trainer()
    weight = trainer.model[0].weight
    stop = EarlyStopping(patience=5, restore_best_weights=True)
    stop.set_trainer(trainer)
    stop.on_train_begin({})
    for epoch, value in enumerate([3.0, 1.0, 2.0]):
        weight.data[...] = epoch
        stop.on_epoch_end(epoch, {"val_loss": value})
    stop.on_train_end({})
    assert weight.numpy().item() == 2.0  # not stopped: the last weights, as Keras
    stopping = EarlyStopping(patience=1, restore_best_weights=True)
    stopping.set_trainer(trainer)
    stopping.on_train_begin({})
    for epoch, value in enumerate([3.0, 1.0, 2.0]):
        weight.data[...] = epoch
        stopping.on_epoch_end(epoch, {"val_loss": value})
    assert trainer.stop_training and weight.numpy().item() == 1.0  # epoch 1's weights


def test_reduce_lr_on_plateau_follows_keras_table():
    trainer = fake_trainer(lr=1.0)
    reduce = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.2, min_delta=0.0)
    reduce.set_trainer(trainer)
    reduce.on_train_begin({})
    rates = []
    for epoch, value in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]):
        logs = {"val_loss": value}
        reduce.on_epoch_end(epoch, logs)
        rates.append(trainer.optimizer.param_groups[0]["lr"])
        assert logs["learning_rate"] is not None
    # Keras' order: a cooldown epoch first counts the cooldown down (1 -> 0), then, out of
    # cooldown, counts a bad epoch. Epoch 0 sets the best; 1, 2 wait -> 0.5; 3, 4 -> 0.25;
    # 5, 6 -> 0.2 (min_lr, not 0.125); 7 improves; 8, 9 wait but 0.2 is the floor.
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]


def test_terminate_on_nan_stops_fit_instead_of_raising():
    X = np.array([[1.0], [2.0], [np.float32(1e30)]], np.float32)
    model = nn.Sequential(nn.Linear(1, 1, rng=0)).compile("sgd", "mse", lr=1.0)
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(FloatingPointError):
        model.fit(X, X, epochs=3, batch_size=1, shuffle=False, verbose=0)
    model = nn.Sequential(nn.Linear(1, 1, rng=0)).compile("sgd", "mse", lr=1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(
            X, X, epochs=3, batch_size=1, shuffle=False, verbose=0, callbacks=[TerminateOnNaN()]
        )
    assert len(history.epoch) == 1 and np.isnan(history.history["loss"][0])
    assert np.isfinite(model[0].weight.numpy()).all()


def test_model_checkpoint_formats_logged_values_and_saves_keras_models(tmp_path):
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    X = np.ones((4, 1), np.float32)
    check = ModelCheckpoint(tmp_path / "m-{epoch:02d}-{loss:.3f}.keras")
    model.fit(X, X, epochs=2, verbose=0, callbacks=[check])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n[:5] for n in names] == ["m-01-", "m-02-"]
    loaded = keras.models.load_model(tmp_path / names[1])
    assert isinstance(loaded.optimizer, keras.optimizers.SGD)  # saved with model.save
    weights_only = ModelCheckpoint(tmp_path / "w.npz", save_weights_only=True)
    model.fit(X, X, epochs=1, verbose=0, callbacks=[weights_only])
    assert isinstance(gn.load(tmp_path / "w.npz"), nn.Module)
    missing = ModelCheckpoint(tmp_path / "m-{val_loss:.2f}.npz")
    with pytest.raises(KeyError, match="names 'val_loss', which is not logged"):
        model.fit(X, X, epochs=1, verbose=0, callbacks=[missing])


def test_callback_model_is_the_model_being_trained():
    seen = []

    class Watcher(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(self.model)
            self.model.stop_training = True

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(np.ones((2, 1)), np.ones(2), epochs=5, verbose=0, callbacks=[Watcher()])
    assert seen == [model] and len(history.epoch) == 1


def test_keras_forms_of_lambda_callback_schedule_and_csv_logger(tmp_path):
    import csv

    from glassnet.train import CSVLogger, LambdaCallback, LearningRateScheduler

    model = nn.Sequential(nn.Linear(1, 1, rng=0)).compile("sgd", "mse", lr=0.5)
    seen = []
    hooks = LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(("begin", epoch, logs)),
        on_train_batch_end=lambda batch, logs: seen.append(("batch", batch)),
    )
    rates = []
    schedule = LearningRateScheduler(lambda epoch: 0.1 * (epoch + 1), verbose=0)
    watch = LambdaCallback(on_epoch_end=lambda e, logs: rates.append(logs["lr"]))
    path = tmp_path / "log.csv"
    model.fit(
        np.ones((2, 1)), np.ones(2), epochs=2, batch_size=2, verbose=0,
        callbacks=[hooks, schedule, watch, CSVLogger(path, separator=";")],
    )  # fmt: skip
    assert seen == [("begin", 0, {}), ("batch", 0), ("begin", 1, {}), ("batch", 0)]
    assert rates == pytest.approx([0.1, 0.2])
    rows = list(csv.reader(path.open(), delimiter=";"))
    assert rows[0] == ["epoch", "loss", "lr"] and len(rows) == 3
