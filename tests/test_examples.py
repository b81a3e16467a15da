"""The example scripts run top to bottom and print their final metrics."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str, env: dict | None = None) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / script)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fit_a_curve():
    out = run("fit_a_curve.py")
    assert float(re.search(r"noiseless curve: ([\d.]+)", out).group(1)) < 0.5


def test_breast_cancer_logistic():
    out = run("breast_cancer_logistic.py")
    assert float(re.search(r"test accuracy ([\d.]+)", out).group(1)) >= 0.95


def test_diabetes_regression():
    out = run("diabetes_regression.py")
    scores = [float(v) for v in re.findall(r"test R\^2 ([-\d.]+)", out)]
    assert len(scores) == 2 and all(s > 0.3 for s in scores)


def test_custom_layer_is_one_file_that_trains_saves_loads_and_exports():
    out = run("custom_layer.py")
    first, last = (
        float(v) for v in re.search(r"training loss: ([\d.]+) -> ([\d.]+)", out).groups()
    )
    assert last < first / 10
    assert "Swish(16)" in out and "(None, 16)" in out
    assert "loaded model gives the same predictions: True" in out
    assert re.search(r"exported to ONNX: [\d,]+ bytes|ONNX export skipped", out)


@pytest.mark.slow
def test_mnist_mlp(mnist_dir):
    out = run("mnist_mlp.py", {"GLASSNET_DATA": str(mnist_dir.parent), "GLASSNET_MNIST_DIR": ""})
    assert float(re.search(r"test accuracy ([\d.]+)", out).group(1)) >= 0.975
