"""glassnet train --model cnn / a spec / a .py file, and --model gpt with glassnet sample."""

import os
import re
from pathlib import Path

import numpy as np
import pytest

from glassnet.cli import gpt_command, main
from glassnet.cli.models import SpecError, build_spec, image_shape, mnist_cnn


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_default_cnn_is_the_examples_network():
    model = mnist_cnn()
    names = [type(layer).__name__ for layer in model]
    assert names == [
        *("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten"),
        *("Linear", "ReLU", "Dropout", "Linear"),
    ]
    assert model[7].in_features == 32 * 7 * 7 and model[7].out_features == 128
    assert model(np.zeros((2, 1, 28, 28), np.float32)).shape == (2, 10)


@pytest.mark.parametrize(
    "spec, params",
    [
        ("fc5", 1 * 4 * 4 * 5 + 5 + 5 * 3 + 3),  # flatten 16, dense 5, output 3
        ("conv2-pool", 1 * 2 * 9 + 2 + 2 * 2 * 2 * 3 + 3),  # 2 x 2 x 2 after the pool
        ("mlp:4,2", 16 * 4 + 4 + 4 * 2 + 2 + 2 * 3 + 3),
        ("mlp", 16 * 3 + 3),
    ],
)
def test_specs_build_the_layers_they_name(spec, params):
    model = build_spec(spec, image=(1, 4, 4), classes=3)
    assert sum(p.size for p in model.parameters()) == params
    assert model(np.zeros((2, 1, 4, 4), np.float32)).shape == (2, 3)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("conv8-bogus", "'bogus' in 'conv8-bogus': expected convN, pool"),
        ("convx", "'convx': expected conv followed by a number"),
        ("fc8-conv4", "a convolution cannot follow a fully connected layer"),
        ("pool-pool-pool", "'pool' needs an image of at least 2x2, got 1x1"),
        ("drop1.5", "the dropout probability must be in [0, 1)"),
        ("conv0", "channels must be between 1"),
        ("mlp:4,0", "mlp sizes must be between 1"),
    ],
)
def test_bad_specs_name_the_wrong_part(spec, message):
    with pytest.raises(SpecError, match=re.escape(message)):
        build_spec(spec, image=(1, 4, 4), classes=3)


def test_image_shape_needs_square_images():
    assert image_shape(784) == (1, 28, 28)
    with pytest.raises(SpecError, match="needs square images; this dataset has 10 features"):
        image_shape(10)


def test_a_cnn_trains_saves_and_evaluates_on_digits(capsys, tmp_path):
    path = tmp_path / "cnn.npz"
    argv = ["train", "--model", "conv4-pool-fc16", "--epochs", "2", "--save", str(path)]
    code, out, _ = run(argv, capsys)
    assert code == 0 and 'Model: "spec"' in out
    accuracy = float(re.search(r"test accuracy (\d\.\d+)\n$", out).group(1))
    assert accuracy > 0.25  # chance is 0.1
    code, out, _ = run(["evaluate", "--model", str(path)], capsys)
    assert code == 0 and f"accuracy {accuracy:.4f}" in out  # images again, the same model


def test_a_model_file_defining_build_model(capsys, tmp_path):
    file = tmp_path / "net.py"
    file.write_text(
        "from glassnet import nn\n"
        "def build_model():\n"
        "    return nn.Sequential([nn.Flatten(), nn.Linear(64, 10)])\n"
    )
    code, out, _ = run(["train", "--model", str(file), "--epochs", "2", "--quiet"], capsys)
    assert code == 0 and out.splitlines()[-1].startswith("test accuracy")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--model", "cnn", "--hidden", "8"], "--hidden applies to --model mlp, not cnn"),
        (["--model", "cnn", "--dataset", "diabetes"], "only 'mlp' trains on diabetes"),
        (["--model", "cnn", "--dataset", "wine"], "needs square images; this dataset has 13"),
        (["--model", "fc8-conv4"], "a convolution cannot follow"),
        (["--model", "nothing.py"], "nothing.py: no such file"),
        (["--iterations", "3"], "--iterations applies to --model gpt only"),
        (["--model", "gpt"], "--model gpt trains on --dataset tiny-shakespeare, not digits"),
        (["--dataset", "tiny-shakespeare", "--model", "cnn"], "trains --model gpt, not cnn"),
        (["--dataset", "tiny-shakespeare", "--epochs", "2"], "--epochs does not apply"),
        (
            ["--dataset", "tiny-shakespeare", "--n-embd", "10", "--n-head", "4"],
            "--n-embd 10 must be a multiple of --n-head 4",
        ),
        (["--dataset", "tiny-shakespeare", "--optimizer", "sgd"], "trains with adamw"),
    ],
)
def test_model_option_errors_exit_2_before_training(argv, message, capsys):
    code, _, err = run(["train", *argv], capsys)
    assert code == 2 and message in err and len(err.splitlines()) == 1


TINY_GPT = ["--n-layer", "1", "--n-head", "2", "--n-embd", "8", "--block-size", "8"]


@pytest.fixture
def tiny_text(monkeypatch):
    text = "ROMEO:\nBut soft, what light through yonder window breaks?\n" * 20
    monkeypatch.setattr(gpt_command, "_load_text", lambda args: text)
    return text


def test_gpt_trains_saves_and_samples(tiny_text, capsys, tmp_path):
    path = tmp_path / "gpt.npz"
    argv = ["train", "--dataset", "tiny-shakespeare", *TINY_GPT, "--batch-size", "4"]
    code, out, _ = run(
        [*argv, "--iterations", "6", "--eval-interval", "3", "--save", str(path)], capsys
    )
    assert code == 0
    lines = out.splitlines()
    assert [line.split(" - ")[0] for line in lines if "val_loss" in line] == [
        "iteration 3/6",
        "iteration 6/6",
    ]
    assert re.fullmatch(r"val loss \d+\.\d{4}", lines[-1]) and path.exists()
    sample = ["sample", str(path), "--prompt", "ROMEO:", "--tokens", "12", "--top-k", "3"]
    code, first, _ = run([*sample, "--seed", "1"], capsys)
    assert code == 0 and first.startswith("ROMEO:") and len(first) == len("ROMEO:") + 12 + 1
    assert set(first[:-1]) <= set(tiny_text)
    assert run([*sample, "--seed", "1"], capsys)[1] == first  # the seed fixes the draw
    code, _, err = run([*sample, "--prompt", "JULIET~"], capsys)
    assert code == 2 and "characters the model never saw: 'IJLTU~'" in err


def test_the_lr_warms_up_then_decays_to_a_tenth():
    factor = gpt_command.warmup_cosine(iterations=20, warmup=4, min_fraction=0.1)
    factors = np.array([factor(step) for step in range(21)])
    np.testing.assert_allclose(factors[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    assert np.all(np.diff(factors[4:]) <= 0) and factors[-1] == pytest.approx(0.1)
    assert factors[12] == pytest.approx(0.55)  # half way down the cosine


def test_sample_refuses_a_file_that_is_not_a_gpt(capsys, tmp_path):
    path = tmp_path / "digits.npz"
    assert main(["train", "--epochs", "1", "--quiet", "--save", str(path)]) == 0
    capsys.readouterr()
    code, _, err = run(["sample", str(path)], capsys)
    assert code == 2 and "holds no GPT config" in err
    code, _, err = run(["sample", str(tmp_path / "none.npz")], capsys)
    assert code == 2 and "no such file" in err


DATA = os.environ.get("GLASSNET_DATA")


@pytest.mark.skipif(
    not DATA or not (Path(DATA) / "tinyshakespeare" / "input.txt").exists(),
    reason="needs tiny Shakespeare in $GLASSNET_DATA/tinyshakespeare",
)
def test_gpt_on_tiny_shakespeare(capsys):
    argv = ["train", "--dataset", "tiny-shakespeare", *TINY_GPT, "--iterations", "4", "--quiet"]
    code, out, _ = run(argv, capsys)
    assert code == 0 and re.fullmatch(r"val loss \d+\.\d{4}", out.strip())
    assert float(out.split()[-1]) == pytest.approx(np.log(65), abs=0.2)  # 65 characters


def test_a_model_file_defining_a_module_subclass(capsys, tmp_path):
    file = tmp_path / "custom.py"
    file.write_text(
        "from glassnet import nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.flat, self.out = nn.Flatten(), nn.Linear(64, 10)\n"
        "    def forward(self, x):\n"
        "        return self.out(self.flat(x))\n"
        "model = Net()\n"
    )
    code, out, _ = run(["train", "--model", str(file), "--epochs", "2"], capsys)
    assert code == 0 and out.splitlines()[-1].startswith("test accuracy")


def test_a_model_file_without_a_model_exits_2(capsys, tmp_path):
    file = tmp_path / "empty.py"
    file.write_text("x = 1\n")
    code, _, err = run(["train", "--model", str(file)], capsys)
    assert code == 2 and "defines neither 'model' nor 'build_model()'" in err


def test_evaluate_points_a_gpt_to_sample(tiny_text, capsys, tmp_path):
    path = tmp_path / "gpt.npz"
    argv = ["train", "--dataset", "tiny-shakespeare", *TINY_GPT, "--iterations", "1"]
    assert main([*argv, "--quiet", "--save", str(path)]) == 0
    code, _, err = run(["evaluate", "--model", str(path)], capsys)
    assert code == 2 and f"a GPT; 'glassnet sample {path}' continues a prompt" in err


def test_models_other_than_the_mlp_anneal_the_learning_rate_by_a_cosine():
    import argparse
    import math

    from glassnet.cli.commands import _anneals, _cosine, _plan

    schedule = _cosine(0.01, 4)
    assert [schedule(e) for e in range(4)] == pytest.approx(
        [
            0.01,
            0.01 * (1 + math.cos(math.pi / 4)) / 2,
            0.005,
            0.01 * (1 + math.cos(3 * math.pi / 4)) / 2,
        ]
    )
    cnn = argparse.Namespace(model="cnn", lr=0.001, epochs=10, validation_split=0.0)
    assert _anneals(cnn) and "cosine" in _plan(cnn, stopping=False)
    for mlp in (None, "mlp", "mlp:64,32"):
        plain = argparse.Namespace(model=mlp, lr=0.001, epochs=10, validation_split=0.0)
        assert not _anneals(plain) and "cosine" not in _plan(plain, stopping=False)
