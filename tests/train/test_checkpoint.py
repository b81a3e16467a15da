import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError
from glassnet.optim import lr_scheduler
from glassnet.train import Callback, EarlyStopping, LambdaCallback, LearningRateScheduler
from tests.file_edits import edit_header


class Interrupt(Exception):
    pass


def train(folder, interrupt_at=None, epochs=12):
    gn.manual_seed(0)
    X, y = gn.data.datasets.make_spiral(300, rng=0)
    model = nn.Sequential(nn.Dense(2, 32, "relu"), nn.Dropout(0.2, rng=3), nn.Dense(32, 3))
    model.compile("adam", "cross_entropy", ["accuracy"], lr=0.01)

    def maybe_interrupt(epoch):
        if epoch == interrupt_at:
            raise Interrupt

    callbacks = [EarlyStopping(patience=50, restore_best_weights=True),
                 LearningRateScheduler(lr_scheduler.StepLR(model._trainer.optimizer if model._trainer.optimizer else
                                                           _prepared_optimizer(model, X), 4, 0.5)),
                 LambdaCallback(on_epoch_begin=maybe_interrupt)]  # fmt: skip
    history = model.fit(X, y, epochs=epochs, batch_size=32, rng=5, verbose=0, validation_data=(X, y),
                        callbacks=callbacks, checkpoint_dir=folder, resume=True)  # fmt: skip
    return model.state_dict(), history.history


def _prepared_optimizer(model, X):
    model._trainer._ensure_optimizer(X[:32])
    return model._trainer.optimizer


def test_an_interrupted_run_resumes_bit_for_bit(tmp_path):
    reference_weights, reference_history = train(tmp_path / "straight")
    for stop in (3, 7, 10):
        with pytest.raises(Interrupt):
            train(tmp_path / "interrupted", interrupt_at=stop)
    weights, history = train(tmp_path / "interrupted")
    assert history == reference_history and len(history["loss"]) == 12
    for key, value in reference_weights.items():
        np.testing.assert_array_equal(weights[key], value, err_msg=key)


def test_resume_needs_a_checkpoint_dir():
    model = nn.Linear(2, 2)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="checkpoint_dir"):
        model.fit(np.ones((4, 2)), np.ones((4, 2)), resume=True, verbose=0)


SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    import glassnet as gn
    from glassnet import nn
    from glassnet.train import EarlyStopping, LambdaCallback

    folder, out = sys.argv[1], sys.argv[2]
    gn.manual_seed(0)
    X, y = gn.data.datasets.make_spiral(600, rng=0)
    model = nn.Sequential(nn.Dense(2, 64, "relu"), nn.Dropout(0.2), nn.Dense(64, 64, "tanh"), nn.Dense(64, 3))
    model.compile("adam", "cross_entropy", ["accuracy"], lr=0.005)
    slow = LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(0.05))  # a wider window to be killed in
    history = model.fit(X, y, epochs=25, batch_size=16, rng=1, verbose=0, validation_split=0.2,
                        callbacks=[EarlyStopping(patience=30, restore_best_weights=True), slow],
                        checkpoint_dir=folder, resume=True)
    gn.save(model, out + ".safetensors")
    with open(out + ".json", "w") as f:
        json.dump(history.history, f)
    """
)


@pytest.mark.slow
def test_a_run_killed_at_random_points_ends_identical_to_an_uninterrupted_one(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    run = [sys.executable, str(script)]
    subprocess.run(
        [*run, str(tmp_path / "straight"), str(tmp_path / "reference")], check=True, timeout=300
    )

    chooser = random.Random(0)
    checkpoint = tmp_path / "killed" / "checkpoint.safetensors"
    kills = 0
    for _attempt in range(60):
        before = checkpoint.stat().st_mtime_ns if checkpoint.exists() else None
        process = subprocess.Popen([*run, str(tmp_path / "killed"), str(tmp_path / "result")])
        deadline = time.monotonic() + 120
        # Wait for progress (a new checkpoint) so every attempt moves on, then kill at a random moment.
        while process.poll() is None and time.monotonic() < deadline:
            if checkpoint.exists() and checkpoint.stat().st_mtime_ns != before:
                break
            time.sleep(0.01)
        time.sleep(chooser.uniform(0.0, 0.4))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        elif process.returncode == 0:
            break
        else:
            pytest.fail(f"the training script failed with exit code {process.returncode}")
    else:
        pytest.fail("the run never finished")
    assert kills >= 2, "the kills should land mid-run several times"
    assert json.loads((tmp_path / "result.json").read_text()) == json.loads(
        (tmp_path / "reference.json").read_text()
    )
    reference, result = (
        gn.load(tmp_path / "reference.safetensors"),
        gn.load(tmp_path / "result.safetensors"),
    )
    for key, value in reference.state_dict().items():
        np.testing.assert_array_equal(result.state_dict()[key], value, err_msg=key)
    assert os.path.exists(tmp_path / "killed")


# --------------------------------------------------------------------------- resuming another run
class Recorder(Callback):
    """A callback with array state (names that collide when flattened) that can refuse to load."""

    def __init__(self, refuse=False):
        self.refuse = refuse
        self.state = {"a/b": np.zeros(2), "a": {"b": np.ones(3)}, "seen": 0}

    def on_epoch_end(self, epoch, logs):
        self.state["seen"] += 1
        self.state["a"]["b"] = self.state["a"]["b"] + 1

    def state_dict(self):
        return self.state

    def load_state_dict(self, state):
        if self.refuse:
            raise RuntimeError("this callback refuses its saved state")
        self.state = state


def small_run(folder, optimizer="adam", hidden=8, callbacks=None, epochs=2):
    gn.manual_seed(0)
    X, y = gn.data.datasets.make_spiral(60, rng=0)
    model = nn.Sequential(nn.Dense(2, hidden, "relu", rng=0), nn.Dense(hidden, 3, rng=1))
    model.compile(optimizer, "cross_entropy", lr=0.01)
    callbacks = [Recorder()] if callbacks is None else callbacks
    model.fit(
        X,
        y,
        epochs=epochs,
        batch_size=20,
        rng=1,
        verbose=0,
        callbacks=callbacks,
        checkpoint_dir=folder,
        resume=True,
    )
    return model


def fresh_weights(hidden=8):
    gn.manual_seed(0)
    model = nn.Sequential(nn.Dense(2, hidden, "relu", rng=0), nn.Dense(hidden, 3, rng=1))
    return model.state_dict()


def assert_untouched(model, hidden=8):
    for key, value in fresh_weights(hidden).items():
        np.testing.assert_array_equal(model.state_dict()[key], value, err_msg=key)


def test_resuming_with_another_optimizer_is_an_error_naming_both(tmp_path):
    small_run(tmp_path)
    with pytest.raises(
        FileFormatError,
        match=r"checkpoint.\w+: the checkpoint was written by Adam over "
        r"4 parameters \(0.kernel \(2, 8\).*; this run uses SGD over 4 "
        r"parameters.*delete it or use another checkpoint_dir",
    ):
        small_run(tmp_path, optimizer="sgd")


def test_resuming_with_another_model_is_an_error_naming_both(tmp_path):
    small_run(tmp_path)
    with pytest.raises(
        FileFormatError,
        match=r"written by a model with 4 parameters \(0.kernel "
        r"\(2, 8\).*this run's model has 4 parameters \(0.kernel \(2, 16\)",
    ):
        small_run(tmp_path, hidden=16)


def test_resuming_with_other_callbacks_is_an_error_naming_both(tmp_path):
    small_run(tmp_path)
    with pytest.raises(
        FileFormatError,
        match=r"saved with callbacks \['Recorder'\], resumed with "
        r"\['EarlyStopping', 'Recorder'\]",
    ):
        small_run(tmp_path, callbacks=[EarlyStopping(patience=5), Recorder()])


def test_a_checkpoint_that_fails_to_apply_changes_nothing(tmp_path):
    small_run(tmp_path)
    model = nn.Sequential(nn.Dense(2, 8, "relu", rng=0), nn.Dense(8, 3, rng=1))
    refusing = Recorder(refuse=True)
    with pytest.raises(FileFormatError, match=r"does not fit this run.*refuses its saved state"):
        gn.manual_seed(0)
        X, y = gn.data.datasets.make_spiral(60, rng=0)
        model.compile("adam", "cross_entropy", lr=0.01)
        model.fit(
            X,
            y,
            epochs=2,
            batch_size=20,
            rng=1,
            verbose=0,
            callbacks=[refusing],
            checkpoint_dir=tmp_path,
            resume=True,
        )
    assert_untouched(model)
    assert model._trainer.optimizer.state == {}  # no Adam moments merged in
    assert refusing.state["seen"] == 0


def test_array_state_whose_names_collide_when_flattened_survives(tmp_path):
    small_run(tmp_path, epochs=2)
    recorder = Recorder()
    small_run(tmp_path, callbacks=[recorder], epochs=2)  # resumes: nothing left to train
    assert recorder.state["seen"] == 2
    np.testing.assert_array_equal(recorder.state["a/b"], np.zeros(2))
    np.testing.assert_array_equal(recorder.state["a"]["b"], np.full(3, 3.0))


def _state(header):
    return header["state"]


CHECKPOINT_EDITS = {
    "epochs_done a string": lambda h: _state(h).update(epochs_done="2"),
    "epochs_done negative": lambda h: _state(h).update(epochs_done=-1),
    "epochs_done beyond history": lambda h: _state(h).update(epochs_done=9),
    "stop_training a string": lambda h: _state(h).update(stop_training="no"),
    "history a list": lambda h: _state(h)["history"].update(history=[1]),
    "history text": lambda h: _state(h)["history"]["history"].update(loss=["0.5", "0.4"]),
    "history short": lambda h: _state(h)["history"]["history"].update(loss=[0.5]),
    "state missing": lambda h: h.pop("state") and None,
    "model state a list": lambda h: _state(h).update(model=[]),
    "missing array": lambda h: _state(h)["model"].update({"0.bias": {"__array__": "nope"}}),
    "array name a list": lambda h: _state(h)["model"].update({"0.bias": {"__array__": []}}),
    "model tensor swapped": lambda h: _state(h)["model"].update(
        {"0.bias": _state(h)["model"]["1.bias"]}
    ),
    "optimizer state index": lambda h: _state(h)["optimizer"]["state"].update({"9": {"step": 1}}),
    "optimizer state key": lambda h: _state(h)["optimizer"]["state"].update({"x": {}}),
    "optimizer moment shape": lambda h: _state(h)["optimizer"]["state"]["0"].update(
        exp_avg=_state(h)["optimizer"]["state"]["1"]["exp_avg"]
    ),
    "optimizer hyperparameter": lambda h: _state(h)["optimizer"]["param_groups"][0].update(
        lr={"a": 1}
    ),
    "optimizer groups": lambda h: _state(h)["optimizer"]["param_groups"][0].update(
        params=[3, 2, 1, 0]
    ),
    "optimizer a list": lambda h: _state(h).update(optimizer=[]),
    "rng garbage": lambda h: _state(h)["rng"].update(loader={"bit_generator": "PCG64", "state": 5}),
    "rng other generator": lambda h: _state(h)["rng"].update(loader={"bit_generator": "MT19937"}),
    "rng missing": lambda h: _state(h)["rng"].pop("loader") and None,
    "callbacks a dict": lambda h: _state(h).update(callbacks={}),
    "setup missing": lambda h: h.pop("setup") and None,
    "setup garbage": lambda h: h["setup"].update(model=[["0.kernel"]]),
    "callback state garbage": lambda h: _state(h)["callbacks"][0].update(
        seen={"__array__": "nope"}
    ),
}


@pytest.mark.parametrize("edit", CHECKPOINT_EDITS.values(), ids=CHECKPOINT_EDITS.keys())
def test_every_malformed_checkpoint_is_a_file_format_error_naming_it_and_changes_nothing(
    edit, tmp_path
):
    small_run(tmp_path)
    path = next(tmp_path.glob("checkpoint.*"))
    edit_header(path, edit, sign=True)
    model = nn.Sequential(nn.Dense(2, 8, "relu", rng=0), nn.Dense(8, 3, rng=1))
    gn.manual_seed(0)
    X, y = gn.data.datasets.make_spiral(60, rng=0)
    model.compile("adam", "cross_entropy", lr=0.01)
    with pytest.raises(FileFormatError, match=re.escape(str(path))):
        model.fit(
            X,
            y,
            epochs=2,
            batch_size=20,
            rng=1,
            verbose=0,
            callbacks=[Recorder()],
            checkpoint_dir=tmp_path,
            resume=True,
        )
    assert_untouched(model)


def test_generators_whose_state_holds_an_array_are_checkpointed(tmp_path):
    def interrupt_at_epoch_2(epoch):
        if epoch == 2:
            raise Interrupt

    def run(folder, callbacks=()):
        gn.manual_seed(0)
        X, y = gn.data.datasets.make_spiral(60, rng=0)
        dropout_rng = np.random.Generator(np.random.MT19937(2))  # its state holds an array
        model = nn.Sequential(
            nn.Dense(2, 8, "relu", rng=0), nn.Dropout(0.3, rng=dropout_rng), nn.Dense(8, 3, rng=1)
        )
        model.compile("adam", "cross_entropy", lr=0.01)
        loader_rng = np.random.Generator(np.random.MT19937(1))
        history = model.fit(
            X,
            y,
            epochs=4,
            batch_size=20,
            rng=loader_rng,
            verbose=0,
            callbacks=list(callbacks),
            checkpoint_dir=tmp_path / folder,
            resume=True,
        )
        return model.state_dict(), history.history

    reference_weights, reference_history = run("straight", [LambdaCallback()])
    with pytest.raises(Interrupt):
        run("interrupted", [LambdaCallback(on_epoch_begin=interrupt_at_epoch_2)])
    weights, history = run("interrupted", [LambdaCallback()])
    assert history == reference_history and len(history["loss"]) == 4
    for key, value in reference_weights.items():
        np.testing.assert_array_equal(weights[key], value, err_msg=key)
