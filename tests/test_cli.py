import re
import subprocess
import sys

import pytest

from glassnet.cli import main


def test_train_defaults_to_digits_and_reports_accuracy(capsys, tmp_path):
    model_path = tmp_path / "digits.safetensors"
    assert main(["train", "--epochs", "10", "--quiet", "--save", str(model_path)]) == 0
    out = capsys.readouterr().out
    accuracy = float(re.search(r"test accuracy (\d\.\d+)", out).group(1))
    assert accuracy >= 0.95 and model_path.exists()
    assert main(["evaluate", "--model", str(model_path)]) == 0
    assert f"accuracy {accuracy:.4f}" in capsys.readouterr().out  # the same model, the same split


def test_train_regression_and_plot(capsys, tmp_path):
    plot = tmp_path / "curves.png"
    assert main(["train", "--dataset", "diabetes", "--epochs", "30", "--hidden", "16",
                 "--quiet", "--plot", str(plot)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "test r2" in out and "rmse" in out and plot.stat().st_size > 1000


def test_progress_shows_the_summary_and_epochs(capsys):
    assert main(["train", "--dataset", "iris", "--epochs", "3", "--hidden", "8"]) == 0
    out = capsys.readouterr().out
    assert 'Model: "mlp-iris"' in out and "epoch 3/3" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--dataset", "imagenet"], "invalid choice: 'imagenet'"),
        (["train", "--hidden", "12,abc"], "--hidden takes sizes"),
        (["train", "--lr", "-1"], "must be positive"),
        (["train", "--epochs", "zero"], "expected a number"),
        (["evaluate"], "required: --model"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_evaluate_a_missing_or_foreign_file_exits_2(tmp_path, capsys):
    assert main(["evaluate", "--model", str(tmp_path / "nope.npz")]) == 2
    assert "no such file" in capsys.readouterr().err
    foreign = tmp_path / "foreign.npz"
    import numpy as np

    np.savez(foreign, a=np.ones(2))
    assert main(["evaluate", "--model", str(foreign)]) == 2
    assert "not one written by glassnet" in capsys.readouterr().err


def test_python_dash_m_and_info():
    done = subprocess.run(
        [sys.executable, "-m", "glassnet", "info"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("glassnet ") and "optional extras" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "glassnet", "train", "--batch-size", "0"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
