import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.optim import lr_scheduler
from glassnet.train import EarlyStopping, LambdaCallback, LearningRateScheduler


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
