"""examples/mnist_cnn.py runs top to bottom (on a subset here; the full run is in the report)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mnist_cnn.py"


@pytest.mark.slow
def test_mnist_cnn_example_trains_on_a_subset(mnist_dir):
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--data-dir", str(mnist_dir), "--subset", "1000", "--epochs", "1"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Conv2d(1 -> 16, 3x3)" in done.stdout and "(None, 32, 7, 7)" in done.stdout
    assert (
        float(re.search(r"test accuracy ([\d.]+)", done.stdout).group(1)) > 0.2
    )  # 8 steps: well above chance (0.1)
