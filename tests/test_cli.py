import re
import subprocess
import sys

import pytest

import glassnet as gn
from glassnet import nn
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
    argv = ["train", "--dataset", "diabetes", "--epochs", "30", "--hidden", "16", "--quiet"]
    assert main([*argv, "--plot", str(plot)]) == 0
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


# ------------------------------------------------------------------ user errors: one line, exit 2
def run(argv, capsys):
    """main(argv) as the shell sees it: (exit code, stdout, stderr)."""
    try:
        code = main(argv)
    except SystemExit as exit_info:
        code = exit_info.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *messages, expected=2):
    assert code == expected, err
    assert len(err.strip().splitlines()) == 1, err  # no usage block, no traceback
    assert "Traceback" not in err and "usage:" not in err
    for message in messages:
        assert message in err, err


QUICK = ["--dataset", "moons", "--epochs", "2", "--hidden", "8", "--quiet"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--hidden", "256,,x"], "--hidden takes sizes like 256,128, not '256,,x'"),
        (["train", "--hidden", "99999999"], "--hidden sizes must be between 1 and 65536"),
        (["train", "--hidden", "8,0"], "--hidden sizes must be between 1"),
        (["train", "--epochs", "-1"], "argument --epochs: must be positive, got -1"),
        (["train", "--epochs", "2.5"], "argument --epochs: expected a number, got '2.5'"),
        (["train", "--batch-size", "0"], "argument --batch-size: must be positive, got 0"),
        (["train", "--lr", "nan"], "argument --lr: must be a finite number, got nan"),
        (["train", "--lr", "inf"], "argument --lr: must be a finite number, got inf"),
        (["train", "--seed", "-1"], "argument --seed: must be 0 or more, got -1"),
        (["train", "--dataset", "imagenet"], "invalid choice: 'imagenet'"),
        (["train", "--dataset", "iris", "--data-dir", "."], "--data-dir applies to mnist"),
        (["train", "--dataset", "mnist", "--data-dir", "/no/such/dir"], "no such folder"),
        (["evaluate", "--model", "m.npz", "--data-dir", "/no/such"], "m.npz: no such file"),
        (["train", "--plot", "curves.xyz"], "matplotlib cannot write .xyz files; use one of"),
        (["train", "--resume"], "--resume needs --checkpoint-dir"),
        (["train", "--overwrite"], "--overwrite needs --checkpoint-dir"),
        (["train", "--resume", "--overwrite"], "not allowed with argument --resume"),
        (["info", "--verbose"], "unrecognized arguments: --verbose"),
        (["evaluate", "--model"], "expected one argument"),
    ],
)
def test_every_bad_argument_is_one_line_and_exit_2(argv, message, capsys):
    code, out, err = run(argv, capsys)
    assert_one_line_error(code, err, message)
    assert out == ""


@pytest.fixture(scope="module")
def moons_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "moons.npz"
    assert main(["train", *QUICK, "--save", str(path)]) == 0
    return path


def test_the_saved_model_records_the_data_it_was_trained_on(moons_model):
    _, extra = gn.load(moons_model, with_extra=True)
    assert extra["data"] == {"name": "moons", "features": 2, "classes": 2}


@pytest.mark.parametrize(
    "dataset, message",
    [
        ("spiral", "--dataset spiral has 3 classes but the model (trained on moons) predicts 2"),
        ("iris", "--dataset iris has 4 features but the model (trained on moons) takes 2"),
        ("diabetes", "diabetes is a regression dataset but the model (trained on moons) does"),
    ],
)
def test_evaluating_on_data_the_model_was_not_trained_for_exits_2(
    moons_model, dataset, message, capsys
):
    code, out, err = run(["evaluate", "--model", str(moons_model), "--dataset", dataset], capsys)
    assert_one_line_error(code, err, message)
    assert "accuracy" not in out


def test_evaluate_on_its_own_dataset_still_works(moons_model, capsys):
    code, out, _ = run(["evaluate", "--model", str(moons_model)], capsys)
    assert code == 0 and out.startswith("moons.npz on moons: accuracy ")


def test_files_that_are_not_models_of_glassnet_train_exit_2(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    plain = tmp_path / "plain.npz"
    gn.save(nn.Sequential(nn.Dense(2, 2)), plain)  # a model, but without the CLI's record
    odd = tmp_path / "odd.npz"
    gn.save(nn.Sequential(nn.Dense(2, 2)), odd, extra={"config": {"nonsense": 1}, "x_mean": [0]})
    cases = [
        (tmp_path / "missing.npz", "no such file"),
        (tmp_path, "is a folder, not a model file"),
        (text, "not a glassnet file"),
        (plain, "not a model saved by 'glassnet train --save'"),
        (odd, "not a model saved by 'glassnet train --save'"),
    ]
    for path, message in cases:
        code, _, err = run(["evaluate", "--model", str(path)], capsys)
        assert_one_line_error(code, err, message)


def test_an_unwritable_save_or_plot_path_fails_before_training(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cases = [
        (["--save", str(blocker / "model.npz")], "a-file is a file, not a folder"),
        (["--save", str(tmp_path)], "is a folder; give a file name"),
        (["--plot", str(blocker / "sub" / "curves.png")], "a-file is a file, not a folder"),
    ]
    if sys.platform.startswith("linux"):  # unwritable even for root
        cases.append((["--save", "/proc/glassnet-test/model.npz"], "cannot write in /proc"))
    for extra, message in cases:
        code, out, err = run(["train", *QUICK, *extra], capsys)
        assert_one_line_error(code, err, extra[1], message)
        assert "trained in" not in out  # refused before training
    nested = tmp_path / "new" / "deeper" / "model.npz"  # missing folders are created
    assert run(["train", *QUICK, "--save", str(nested)], capsys)[0] == 0 and nested.exists()


def test_a_checkpoint_is_resumed_or_overwritten_never_replaced_silently(tmp_path, capsys):
    folder = tmp_path / "run"
    argv = ["train", *QUICK, "--checkpoint-dir", str(folder)]
    assert run(argv, capsys)[0] == 0
    (checkpoint,) = [p for p in folder.iterdir() if p.name.startswith("checkpoint")]
    saved = checkpoint.read_bytes()
    code, out, err = run(argv, capsys)
    assert_one_line_error(code, err, "holds the checkpoint of an earlier run", "--resume")
    assert "--overwrite" in err and "trained in" not in out
    assert checkpoint.read_bytes() == saved
    code, _, err = run([*argv, "--resume", "--lr", "0.5"], capsys)
    assert_one_line_error(code, err, "was written with --lr 0.01", "--overwrite")
    code, out, _ = run([*argv, "--resume"], capsys)
    assert code == 0 and "nothing to train: the checkpoint holds all 2 epochs" in out
    code, out, _ = run([*argv, "--resume", "--epochs", "3"], capsys)
    assert code == 0 and "(1 epochs" not in out and "trained in" in out
    code, out, _ = run([*argv, "--overwrite", "--lr", "0.5"], capsys)
    assert code == 0 and checkpoint.read_bytes() != saved
    code, _, err = run(["train", *QUICK, "--checkpoint-dir", str(checkpoint)], capsys)
    assert_one_line_error(code, err, "is a file, not a folder")


@pytest.mark.filterwarnings("ignore:overflow", "ignore:invalid value")
def test_a_diverging_run_is_one_line_and_exit_1(capsys):
    code, _, err = run(["train", *QUICK, "--lr", "1e30"], capsys)
    assert_one_line_error(code, err, "FloatingPointError: the loss is nan", expected=1)


def test_a_failed_download_is_one_line_naming_the_way_out(tmp_path, capsys, monkeypatch):
    from glassnet.data.datasets import DownloadError, mnist

    def unreachable(filename, *args, **kwargs):
        raise DownloadError(f"could not download {filename}:\n  http://mirror: timed out")

    monkeypatch.setattr(mnist, "download", unreachable)  # no network in tests
    code, _, err = run(["train", "--dataset", "mnist", "--data-dir", str(tmp_path)], capsys)
    assert_one_line_error(code, err, "DownloadError", "--data-dir", "timed out", expected=1)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    import glassnet.cli as cli

    def interrupted(data_dir, seed):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.DATASETS["moons"], "load", interrupted)
    code, _, err = run(["train", *QUICK], capsys)
    assert_one_line_error(code, err, "interrupted", expected=130)
