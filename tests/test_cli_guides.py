"""What the command line tells a newcomer: validation and early stopping by default, help texts
with defaults and examples, curves and model files explained, one data folder."""

import functools
import http.server
import re
import shutil
import threading

import pytest

from glassnet.cli import main
from glassnet.data.datasets import load_fashion_mnist, load_mnist
from glassnet.data.datasets.mnist import IDX_SETS, MNIST_FILES

QUICK = ["--dataset", "moons", "--epochs", "3", "--hidden", "8"]


def run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_info:
        code = exit_info.code
    out, err = capsys.readouterr()
    return code, out, err


def test_train_holds_out_a_validation_split_and_stops_early_by_default(capsys):
    code, out, _ = run(["train", *QUICK], capsys)
    assert code == 0
    assert "10% held out for validation, early stopping (patience 20)" in out
    assert "val_loss" in out and "val_accuracy" in out
    assert re.fullmatch(r"test accuracy \d\.\d{4}", out.strip().splitlines()[-1])


def test_no_validation_and_no_early_stopping_on_request(capsys):
    code, out, _ = run(["train", *QUICK, "--validation-split", "0"], capsys)
    assert code == 0 and "3 epochs, no validation" in out and "val_loss" not in out
    code, out, _ = run(["train", *QUICK, "--no-early-stopping"], capsys)
    assert code == 0 and "3 epochs, 10% held out for validation" in out
    assert "early stopping" not in out


@pytest.mark.parametrize(
    "value, message",
    [("1", "must be at least 0 and below 1, got 1"), ("half", "expected a fraction like 0.1")],
)
def test_a_bad_validation_split_is_one_line(value, message, capsys):
    code, out, err = run(["train", "--validation-split", value], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and out == ""


def test_the_help_gives_each_default_and_examples(capsys):
    code, out, _ = run(["train", "--help"], capsys)
    assert code == 0
    assert "(default: digits" in out and "(default: adam)" in out and "(default: 0)" in out
    assert "defaults per dataset" in out and "diabetes" in out and "examples:" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("diabetes"))
    assert row.split()[1:4] == ["regression", "64", "1000"]
    for command in ("data", "info", "evaluate"):
        code, out, _ = run([command, "--help"], capsys)
        assert code == 0 and "example" in out


def test_diabetes_defaults_reach_what_the_example_script_reaches(capsys):
    code, out, _ = run(["train", "--dataset", "diabetes", "--quiet"], capsys)
    assert code == 0
    r2 = float(re.search(r"test r2 ([-\d.]+)", out).group(1))
    assert r2 > 0.48  # examples/diabetes_regression.py: about 0.48; without validation, 0.09


def test_plot_without_a_path_saves_next_to_the_run(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["train", *QUICK, "--quiet", "--plot"], capsys)
    assert code == 0 and (tmp_path / "moons-curves.png").stat().st_size > 1000
    assert "saved the training curves to moons-curves.png" in out
    assert out.strip().splitlines()[-1].startswith("test accuracy ")


def test_fashion_mnist_is_spelled_either_way(capsys):
    code, _, err = run(["train", "--dataset", "fashion-mnist", "--data-dir", "/no/such"], capsys)
    assert code == 2 and "--data-dir /no/such: no such folder" in err


def test_info_on_a_model_shows_its_layers_data_metrics_and_checksums(tmp_path, capsys):
    path = tmp_path / "moons.npz"
    assert run(["train", *QUICK, "--quiet", "--save", str(path)], capsys)[0] == 0
    code, out, _ = run(["info", str(path)], capsys)
    assert code == 0, out
    assert "checksums: OK" in out and 'Model: "mlp-moons"' in out
    assert "trained on: moons (2 features, 2 classes)" in out
    assert re.search(r"metrics: \d+ epochs; test accuracy \d\.\d{4}", out)
    assert "800 training samples (10% of them held out for validation), 200 test samples" in out
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    code, out, _ = run(["info", str(path)], capsys)
    assert code == 1 and "checksums: FAILED" in out


def test_info_on_a_missing_file_is_one_line(tmp_path, capsys):
    code, _, err = run(["info", str(tmp_path / "nope.npz")], capsys)
    assert code == 2 and "nope.npz: no such file" in err


# ------------------------------------------------------------------------ one data folder
def test_data_lists_each_set_where_and_how_big(tmp_path, capsys, mnist_dir):
    shutil.copytree(mnist_dir, tmp_path / "mnist")
    (tmp_path / "fashion_mnist").mkdir()
    shutil.copy(mnist_dir / "t10k-labels-idx1-ubyte.gz", tmp_path / "fashion_mnist")
    (tmp_path / "tinyshakespeare").mkdir()
    (tmp_path / "tinyshakespeare" / "input.txt").write_text("First Citizen:\n")
    code, out, _ = run(["data", "--data-dir", str(tmp_path)], capsys)
    assert code == 0
    assert f"data folder: {tmp_path} (from --data-dir)" in out
    assert re.search(rf"mnist +\d+\.\d MB +{tmp_path}/mnist +\(complete\)", out)
    assert f"{tmp_path}/fashion_mnist  (incomplete: 1 of 4 files)" in out
    assert re.search(r"tinyshakespeare +15 bytes .*\(1 file\)", out)


def test_data_in_an_empty_folder_says_how_to_fetch(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path))
    code, out, _ = run(["data"], capsys)
    assert code == 0 and "(from $GLASSNET_DATA)" in out
    assert "mnist            not downloaded ('glassnet data --fetch mnist')" in out
    code, _, err = run(["data", "--fetch", "digits"], capsys)
    assert code == 2 and "--fetch digits: glassnet downloads mnist, fashion-mnist" in err


@pytest.fixture
def mnist_mirror(tmp_path, mnist_dir):
    served = tmp_path / "served"
    shutil.copytree(mnist_dir, served)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(served))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_data_fetches_a_set_ahead_of_time(tmp_path, capsys, monkeypatch, mnist_mirror):
    monkeypatch.setattr(IDX_SETS["mnist"], "mirrors", (mnist_mirror,))
    cache = tmp_path / "cache"
    cache.mkdir()
    code, out, _ = run(["data", "--data-dir", str(cache), "--fetch", "mnist"], capsys)
    assert code == 0, out
    assert f"mnist: ready in {cache}/mnist" in out and "(complete)" in out
    assert sorted(p.name for p in (cache / "mnist").iterdir()) == sorted(MNIST_FILES)
    (X, _), _ = load_mnist(data_dir=cache, download=False)  # data_dir= finds them
    assert X.shape == (60000, 784)


def test_loaders_take_data_dir_and_either_fashion_folder_name(tmp_path, fashion_mnist_dir):
    shutil.copytree(fashion_mnist_dir, tmp_path / "fashion_mnist")
    (X, _), _ = load_fashion_mnist(data_dir=tmp_path, download=False)
    assert X.shape == (60000, 784)
    with pytest.raises(ValueError, match=r"root= .* or data_dir=, not both"):
        load_mnist(root=tmp_path, data_dir=tmp_path)


def test_the_older_mnist_variable_still_works(tmp_path, monkeypatch, mnist_dir):
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("GLASSNET_MNIST_DIR", str(mnist_dir))
    (X, _), _ = load_mnist(download=False)
    assert X.shape == (60000, 784)
