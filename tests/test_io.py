import os
import pathlib
import pickle
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError, write_file

FORMATS = ["safetensors", "npz"]
x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)

MODELS = {
    "linear": lambda: nn.Linear(4, 3, rng=0),
    "linear-no-bias": lambda: nn.Linear(4, 3, bias=False, rng=0),
    "bias": lambda: nn.Sequential(nn.Bias(4, init=nn.init.Normal(0, 1))),
    "dense-activations": lambda: nn.Sequential(
        nn.Dense(4, 8, "relu", rng=0), nn.Dense(8, 8, "leaky_relu", rng=1), nn.Dense(8, 8, "elu", rng=2),
        nn.Dense(8, 8, "gelu", rng=3), nn.Dense(8, 8, "tanh", rng=4), nn.Dense(8, 8, "sigmoid", rng=5),
        nn.Dense(8, 8, "softplus", rng=6), nn.Dense(8, 3, "softmax", rng=7)),
    "activations": lambda: nn.Sequential(nn.LeakyReLU(0.3), nn.ELU(0.5), nn.GELU("tanh"), nn.Sin(),
                                         nn.Identity(), nn.LogSoftmax(axis=0), nn.Softmax(axis=1)),
    "batchnorm-dropout": lambda: nn.Sequential(nn.Linear(4, 5, rng=0), nn.BatchNorm1d(5, momentum=0.3),
                                               nn.Dropout(0.4), nn.Linear(5, 2, rng=1)),
    "flatten-nested": lambda: nn.Sequential(nn.Flatten(), nn.Sequential(nn.Dense(4, 3, rng=0), nn.Sequential(nn.Tanh())), name="deep"),
    "lazy": lambda: nn.Sequential(nn.Dense(6, activation="relu"), nn.Dense(2)),
}  # fmt: skip


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_every_layer_type_round_trips_without_code(make, file_format, tmp_path):
    model = make()
    model(x)  # builds lazy layers and moves BatchNorm's running statistics
    path = tmp_path / f"model.{file_format}"
    gn.save(model, path)
    loaded = gn.load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[key], value, err_msg=key)
    model.eval()
    loaded.eval()
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def test_embedding_and_float64_round_trip(tmp_path):
    model = nn.Sequential(nn.Embedding(10, 3, rng=0), nn.Flatten(), nn.Linear(6, 2, rng=1)).double()
    gn.save(model, tmp_path / "m.safetensors")
    loaded = gn.load(tmp_path / "m.safetensors")
    assert loaded[2].weight.dtype == np.float64
    idx = np.array([[1, 9], [0, 3]])
    np.testing.assert_array_equal(loaded(idx).numpy(), model(idx).numpy())


def test_extra_information_travels_with_the_model(tmp_path):
    gn.save(nn.Linear(2, 2), tmp_path / "m.npz", extra={"classes": ["cat", "dog"]})
    _, extra = gn.load(tmp_path / "m.npz", with_extra=True)
    assert extra == {"classes": ["cat", "dog"]}


class Custom(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(3, dtype=np.float32))

    def forward(self, t):
        return t * self.scale


def test_custom_layers_load_into_an_instance(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3), Custom())
    model[1].scale.data[...] = [1, 2, 3]
    gn.save(model, tmp_path / "c.safetensors")
    with pytest.raises(FileFormatError, match=r"pass an instance: gn.load\(path, model="):
        gn.load(tmp_path / "c.safetensors")
    loaded = gn.load(tmp_path / "c.safetensors", model=nn.Sequential(nn.Linear(4, 3), Custom()))
    np.testing.assert_array_equal(loaded[1].scale.numpy(), [1, 2, 3])


def test_tensors_that_do_not_match_the_model_are_refused_before_anything_changes(tmp_path):
    gn.save(nn.Linear(4, 3, rng=0), tmp_path / "m.safetensors")
    target = nn.Linear(4, 5, rng=1)
    before = target.weight.numpy().copy()
    with pytest.raises(
        FileFormatError, match=r"do not match the model.*'weight' has shape \(4, 3\).*\(4, 5\)"
    ):
        gn.load(tmp_path / "m.safetensors", model=target)
    np.testing.assert_array_equal(target.weight.numpy(), before)
    with pytest.raises(FileFormatError, match="missing keys"):
        gn.load(tmp_path / "m.safetensors", model=nn.Sequential(nn.Linear(4, 3)))


@pytest.mark.parametrize("file_format", FORMATS)
def test_truncated_and_corrupted_files_are_clear_errors(file_format, tmp_path):
    path = tmp_path / f"m.{file_format}"
    gn.save(nn.Sequential(nn.Dense(50, 40, rng=0)), path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(FileFormatError, match=r"truncated|corrupt|not a readable"):
        gn.load(path)
    damaged = bytearray(raw)
    damaged[-100] ^= 0x01  # one bit, inside the weights
    path.write_bytes(bytes(damaged))
    with pytest.raises(FileFormatError, match=r"corrupt|CRC|not a readable"):
        gn.load(path)


def test_newer_versions_and_foreign_files_are_refused(tmp_path):
    write_file(tmp_path / "new.npz", {}, {"kind": "model", "version": 99})
    with pytest.raises(FileFormatError, match=r"format version 99.*upgrade glassnet"):
        gn.load(tmp_path / "new.npz")
    np.savez(tmp_path / "plain.npz", w=np.ones(2))
    with pytest.raises(FileFormatError, match="not one written by glassnet"):
        gn.load(tmp_path / "plain.npz")
    (tmp_path / "text.safetensors").write_text("hello")
    with pytest.raises(FileFormatError, match="not a glassnet file"):
        gn.load(tmp_path / "text.safetensors")
    write_file(tmp_path / "ckpt.npz", {}, {"kind": "checkpoint"})
    with pytest.raises(FileFormatError, match="holds a 'checkpoint', not a 'model'"):
        gn.load(tmp_path / "ckpt.npz")


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_crash_while_saving_leaves_the_previous_file_intact(file_format, tmp_path, monkeypatch):
    path = tmp_path / f"m.{file_format}"
    gn.save(nn.Linear(3, 2, rng=0), path)
    before = path.read_bytes()

    def crash(fd):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "fsync", crash)  # the data is written, then the flush to disk fails
    with pytest.raises(OSError, match="disk on fire"):
        gn.save(nn.Linear(3, 2, rng=1), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind


class Evil:
    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(os.environ["GLASSNET_PWNED"]),))


def test_a_malicious_pickle_disguised_as_a_model_is_refused_without_running(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    monkeypatch.setenv("GLASSNET_PWNED", str(marker))
    payload = pickle.dumps(Evil())
    for name in ("model.npz", "model.safetensors", "checkpoint.npz"):
        (tmp_path / name).write_bytes(payload)
        with pytest.raises(FileFormatError):
            gn.load(tmp_path / name)
    with zipfile.ZipFile(tmp_path / "inner.npz", "w") as archive:  # a pickle inside an .npz member
        archive.writestr("__glassnet__.npy", payload)
        archive.writestr("weight.npy", payload)
    with pytest.raises(FileFormatError):
        gn.load(tmp_path / "inner.npz")
    np.savez(tmp_path / "objects.npz", __glassnet__=np.array([Evil()], dtype=object))
    with pytest.raises(FileFormatError):
        gn.load(tmp_path / "objects.npz")
    assert not marker.exists()
    pickle.loads(payload)  # the payload is real: unpickling it does run code
    assert marker.exists()
