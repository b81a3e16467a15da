import os
import pathlib
import pickle
import re
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError, load_arrays, write_file
from tests.file_edits import edit_header, edit_header_text, edit_tensor_table

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
        FileFormatError, match=r"do not match the model.*'weight' has shape \(3, 4\).*\(5, 4\)"
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
    damaged[len(raw) // 2] ^= 0x01  # one bit, inside the weights
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


# --------------------------------------------------------------------------- edited headers
def small_model():
    return nn.Sequential(nn.Dense(4, 8, "relu", rng=0), nn.Dense(8, 2, rng=1))


def saved(tmp_path, file_format="safetensors", model=None):
    path = tmp_path / f"model.{file_format}"
    gn.save(model or small_model(), path)
    return path


def refused(path, match=""):
    """gn.load(path) raises FileFormatError naming the file (and matching ``match``)."""
    with pytest.raises(FileFormatError) as caught:
        gn.load(path)
    assert str(path) in str(caught.value)
    assert re.search(match, str(caught.value)), str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("sign", [False, True], ids=["edited", "edited-and-re-signed"])
def test_a_header_dtype_edited_to_int8_is_refused_not_loaded_truncated(file_format, sign, tmp_path):
    path = saved(tmp_path, file_format)
    edit_header(path, lambda h: h.update(dtype="int8"), sign=sign)
    refused(path, "changed or damaged" if not sign else "not a float dtype")


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_checksum_covers_the_architecture_and_extra(file_format, tmp_path):
    path = saved(tmp_path, file_format)
    edit_header(
        path,
        lambda h: h["model"]["config"]["layers"][0]["module"]["config"].update(
            activation={"module": {"type": "Tanh", "config": {}}}
        ),
    )
    refused(path, r"header was changed or damaged after saving")
    path = saved(tmp_path, file_format)
    edit_header(path, lambda h: h["extra"].update(classes=["dog", "cat"]))
    refused(path, r"header was changed or damaged")


def test_the_stored_dtype_must_be_the_one_the_header_records(tmp_path):
    path = saved(tmp_path)  # float32 weights; int32 has the same size and the same bytes
    edit_tensor_table(path, lambda table: table["0.kernel"].update(dtype="I32"))
    refused(path, r"'0.kernel' is stored as int32, but the header says 'float32'")


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda t: t["0.kernel"].update(shape=[4, 80000]), "does not fit its 128 bytes"),
        (lambda t: t["0.kernel"].update(data_offsets=[0, 10**12]), "outside the file"),
        (lambda t: t["0.kernel"].update(data_offsets=[4, 132]), "starts at byte"),
        (lambda t: t["0.kernel"].update(shape=[-4, -8]), "invalid shape"),
        (lambda t: t["0.kernel"].update(shape="big"), "invalid shape"),
        (lambda t: t["0.kernel"].update(dtype="BF16"), "unsupported dtype"),
        (
            lambda t: t.update(extra={"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}),
            "starts at byte",
        ),
        (lambda t: t.pop("0.bias"), "starts at byte|after the header"),
        (lambda t: t.update({"__metadata__": "x"}), "not one written by glassnet"),
    ],
)
def test_every_tensor_range_is_checked_against_the_file_before_allocating(edit, match, tmp_path):
    path = saved(tmp_path)
    edit_tensor_table(path, edit)
    tracemalloc.start()
    try:
        refused(path, match)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * path.stat().st_size + 2**20


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_that_never_ends_is_refused_without_reading_it(tmp_path):
    for load in (gn.load, load_arrays):
        with pytest.raises(FileFormatError, match="/dev/zero: not a regular file"):
            load("/dev/zero")
    with pytest.raises(IsADirectoryError, match="a folder, not a file"):
        gn.load(tmp_path)


def test_a_safetensors_header_length_beyond_the_file_is_refused(tmp_path):
    path = saved(tmp_path)
    raw = path.read_bytes()
    for length in (2**63, 2**40, len(raw)):
        path.write_bytes(struct.pack("<Q", length) + raw[8:])
        refused(path, "corrupt safetensors header|truncated")


# --------------------------------------------------------------------------- huge architectures
@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("sign", [False, True], ids=["edited", "edited-and-re-signed"])
def test_a_small_file_cannot_make_load_allocate_a_huge_model(file_format, sign, tmp_path):
    path = saved(tmp_path, file_format)
    size = path.stat().st_size

    def grow(header):
        first = header["model"]["config"]["layers"][0]["module"]["config"]
        first.update(in_features=4000, out_features=3000)  # 48 MB of weights, 12M numbers

    edit_header(path, grow, sign=sign)
    tracemalloc.start()
    try:
        refused(path, "changed or damaged" if not sign else "asks for more than .* weights")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * size + 2**20, f"{peak} bytes allocated to read a {size}-byte file"


def test_many_layers_each_modest_cannot_add_up_to_a_huge_model(tmp_path):
    # BatchNorm1d(n) allocates 4n numbers while its settings say n: the size check lets it
    # through, and the running count of what the built layers hold stops it.
    path = saved(tmp_path)
    layers = [{"module": {"type": "BatchNorm1d", "config": {"num_features": 16000}}}] * 4

    def replace(header):
        header["model"] = {"type": "Sequential", "config": {"layers": layers, "name": "x"}}

    edit_header(path, replace, sign=True)
    tracemalloc.start()
    try:
        refused(path, r"allocates more than \d+ bytes, far more than the file's weights")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20


def test_a_small_file_cannot_make_load_build_thousands_of_layers(tmp_path):
    path = saved(tmp_path)
    relu = {"module": {"type": "ReLU", "config": {}}}
    many = {"type": "Sequential", "config": {"layers": [relu] * 20000, "name": "wide"}}
    edit_header(path, lambda header: header.update(model=many), sign=True)
    tracemalloc.start()
    try:
        refused(path, r"more than 1016 layers for 4 stored tensors")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The header alone is 1 MB of JSON; Python's parsed objects take ~15x that. No modules.
    assert peak < 32 * path.stat().st_size


def test_sizes_too_large_to_print_are_refused_too(tmp_path):
    path = saved(tmp_path)
    sizes = {"sizes": [2**70] * 300}  # the product has ~6000 digits: more than str() allows
    edit_header(path, lambda h: _first_layer(h)["config"].update(sizes), sign=True)
    refused(path, r"alone for more than that")


def test_a_config_dtype_that_is_not_numeric_is_refused_before_building(tmp_path):
    path = saved(tmp_path)

    def hostile_dtype(header):
        header["model"]["config"]["layers"][0]["module"]["config"]["dtype"] = "V100000000"

    edit_header(path, hostile_dtype, sign=True)
    refused(path, "gives layer 'Dense' the dtype 'V100000000', not a numeric dtype")


# --------------------------------------------------------------------------- malformed headers
def _first_layer(header):
    return header["model"]["config"]["layers"][0]["module"]


def _deep(levels):
    value = 1
    for _ in range(levels):
        value = [value]
    return value


def _drop(mapping, key):
    del mapping[key]


HEADER_EDITS = {
    "unknown keyword": (lambda h: _first_layer(h)["config"].update(colour="red"), r"TypeError"),
    "negative size": (lambda h: _first_layer(h)["config"].update(out_features=-8), r"ValueError"),
    "string size": (
        lambda h: _first_layer(h)["config"].update(out_features="8"),
        r"cannot be built",
    ),
    "float size": (
        lambda h: _first_layer(h)["config"].update(out_features=8.5),
        r"cannot be built",
    ),
    "list size": (lambda h: _first_layer(h)["config"].update(out_features=[8]), r"cannot be built"),
    "moderately deep nesting": (
        lambda h: _first_layer(h)["config"].update(out_features=_deep(150)),
        r"nests deeper",
    ),
    "no config": (lambda h: _drop(_first_layer(h), "config"), r"malformed layer description"),
    "config a list": (
        lambda h: _first_layer(h).update(config=[1, 2]),
        r"malformed layer description",
    ),
    "type a number": (lambda h: _first_layer(h).update(type=7), r"unknown layer type 7"),
    "type unknown": (
        lambda h: _first_layer(h).update(type="Conv9d"),
        r"unknown layer type 'Conv9d'",
    ),
    "type a loss": (lambda h: _first_layer(h).update(type="MSELoss", config={}), r"do not match"),
    "model a string": (lambda h: h.update(model="Sequential"), r"malformed layer description"),
    "layers not a list": (lambda h: h["model"]["config"].update(layers=5), r"cannot be built"),
    "nested module with extras": (
        lambda h: h["model"]["config"]["layers"][0].update(x=1),
        r"malformed nested layer",
    ),
    "header a list": (lambda h: [h], r"not a glassnet file"),
    "version a string": (lambda h: h.update(version="2"), r"no valid format version"),
    "version 1": (lambda h: h.update(version=1), r"format version 1, written by a development"),
    "version true": (lambda h: h.update(version=True), r"no valid format version"),
    "sha256 a list": (lambda h: h.update(sha256=[]), r"arrays listed in the header \(sha256\)"),
    "shapes missing": (lambda h: _drop(h, "shapes"), r"arrays listed in the header \(shapes\)"),
    "shape wrong": (
        lambda h: h["shapes"].update({"0.kernel": [8, 4]}),
        r"stored with shape \(4, 8\)",
    ),
    "dtype wrong": (
        lambda h: h["dtypes"].update({"0.kernel": "float64"}),
        r"stored as float32",
    ),
    "digest wrong": (
        lambda h: h["sha256"].update({"0.bias": "0" * 64}),
        r"'0.bias' is corrupt",
    ),
    "extra a list": (lambda h: h.update(extra=[1]), r"'extra' is not a dict"),
    "kind checkpoint": (
        lambda h: h.update(kind="checkpoint"),
        r"holds a 'checkpoint', not a 'model'",
    ),
    "model dtype object": (lambda h: h.update(dtype="object"), r"not a float dtype"),
    "model dtype nonsense": (lambda h: h.update(dtype={"a": 1}), r"not a float dtype"),
    "huge int": (
        lambda h: _first_layer(h)["config"].update(out_features=10**200),
        r"asks for more than",
    ),
}


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("edit, match", HEADER_EDITS.values(), ids=HEADER_EDITS.keys())
def test_every_malformed_header_is_a_file_format_error_naming_the_file(
    edit, match, file_format, tmp_path
):
    path = saved(tmp_path, file_format)
    edit_header(path, edit, sign=True)
    refused(path, match)


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_header_that_is_not_json_or_not_text_is_refused(file_format, tmp_path):
    deep = '{"format": "glassnet", "version": 2, "x": ' + "[" * 5000 + "]" * 5000 + "}"
    for text in ("{", "[" * 100000, deep, "NaN", '"just a string"', "\udcff"):
        path = saved(tmp_path, file_format)
        edit_header_text(path, lambda _, text=text: text)
        refused(path, "not valid JSON|not a glassnet file|corrupt")


def test_a_model_instance_keeps_its_precision_but_never_takes_another_kind(tmp_path):
    path = saved(tmp_path, model=nn.Linear(3, 2, rng=0).double())
    loaded = gn.load(path, model=nn.Linear(3, 2, rng=1))  # float64 file -> float32 instance
    assert loaded.weight.dtype == np.float32
    np.testing.assert_allclose(loaded.weight.numpy(), gn.load(path).weight.numpy(), rtol=1e-6)
    assert gn.load(path).weight.dtype == np.float64  # rebuilt: the stored dtype
    write_file(
        path,
        {"weight": np.ones((2, 3), np.int8), "bias": np.ones(2, np.int8)},
        {"kind": "model", "model": None, "dtype": None, "extra": {}},
    )
    target = nn.Linear(3, 2, rng=1)
    before = target.weight.numpy().copy()
    with pytest.raises(FileFormatError, match=r"'weight' is int8 in the file but float32"):
        gn.load(path, model=target)
    np.testing.assert_array_equal(target.weight.numpy(), before)


def test_mixed_precision_models_are_rebuilt_with_each_stored_dtype(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2, rng=0).double(), nn.Linear(2, 2, rng=1))
    gn.save(model, tmp_path / "m.safetensors")
    loaded = gn.load(tmp_path / "m.safetensors")
    assert [p.dtype for p in loaded.parameters()] == [p.dtype for p in model.parameters()]
    np.testing.assert_array_equal(loaded[0].weight.numpy(), model[0].weight.numpy())


# --------------------------------------------------------------------------- writing
