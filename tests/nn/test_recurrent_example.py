"""Recurrent models learn: a small GRU/LSTM remembers the previous input, and the character
LSTM example runs end to end on tiny Shakespeare (a few iterations of a tiny configuration)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet import optim
from glassnet.nn.recurrent import GRU, LSTM, RNN

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("model_type", [RNN, LSTM, GRU])
def test_a_recurrent_model_learns_to_recall_the_previous_input(model_type):
    """Target y_t = x_{t-1}: only the hidden state can carry it, so the loss falls only if
    the gradients through time are right."""
    rng = np.random.default_rng(0)
    model = model_type(1, 8, batch_first=True, rng=0)
    head = gn.randn(8, 1, rng=1, requires_grad=True)
    params = [*model.parameters(), head]
    opt = optim.Adam(params, lr=0.03)
    losses = []
    for _ in range(80):
        x = rng.uniform(-1, 1, (16, 6, 1)).astype(np.float32)
        target = np.concatenate([np.zeros((16, 1, 1), np.float32), x[:, :-1]], axis=1)
        output, _ = model(x)
        loss = ((output @ head - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < 0.2 * np.mean(losses[:10])


def test_char_lstm_example_runs_and_reports_val_loss_and_time():
    data = Path(os.environ.get("GLASSNET_DATA") or ROOT.parent / "shared" / "data")
    text = data / "tinyshakespeare" / "input.txt"
    if not text.is_file():
        pytest.skip(f"{text} not found: set GLASSNET_DATA")
    tiny = "--iterations 40 --lr 0.01 --batch 4 --context 16 --hidden 16 --eval-every 20 --eval-batches 1"
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "char_lstm.py"), "--data", str(text),
         *tiny.split(), "--sample", "40"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        float(re.search(r"final val loss ([\d.]+)", done.stdout).group(1)) < 3.5
    )  # ln 65 = 4.17 at the start
    assert re.search(r"time per iteration \d+ ms", done.stdout)
    assert "sample:" in done.stdout
