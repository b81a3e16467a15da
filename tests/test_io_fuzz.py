"""Fuzzing the readers: damaged and edited files of every kind give FileFormatError, quickly,
without allocating much more than the file's size, and never load something else silently.

Files: saved models (.safetensors and .npz), training checkpoints (both formats) and plain
.npz array files. Damage: byte flips, truncations, edits of the JSON header (left as edited,
or with its checksum recomputed as a forger would), of the safetensors tensor table and of
the .npy headers inside an .npz.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError, load_arrays, save_arrays
from glassnet.train import EarlyStopping
from glassnet.train.checkpoint import restore_checkpoint
from tests.file_edits import edit_header, edit_tensor_table

KINDS = ["model.safetensors", "model.npz", "checkpoint.safetensors", "checkpoint.npz", "arrays.npz"]
ARRAYS = {"x": np.arange(12.0).reshape(3, 4), "i": np.arange(5, dtype=np.int32), "s": np.array(2.5)}


class Samples:
    """One file of each kind, and what loading it must give."""

    def __init__(self, folder):
        self.folder = folder
        model = nn.Sequential(
            nn.Dense(3, 4, "tanh", rng=0), nn.BatchNorm1d(4), nn.Dense(4, 2, rng=1)
        )
        model(np.ones((5, 3)))
        for suffix in ("safetensors", "npz"):
            gn.save(model, folder / f"model.{suffix}")
        self.model = model.eval()
        X, y = gn.data.datasets.make_spiral(40, rng=0)
        self.runs = {}
        for suffix in ("safetensors", "npz"):
            gn.manual_seed(0)
            trained = nn.Sequential(nn.Dense(2, 6, "relu", rng=0), nn.Dense(6, 3, rng=1))
            trained.compile("adam", "cross_entropy", lr=0.01)
            run = folder / f"run-{suffix}"
            run.mkdir()
            if suffix == "npz":
                (run / "checkpoint.npz").touch()  # checkpoint_path keeps the format it finds
            trained.fit(
                X,
                y,
                epochs=2,
                batch_size=20,
                rng=1,
                verbose=0,
                callbacks=[EarlyStopping(monitor="loss")],
                checkpoint_dir=run,
                overwrite=suffix == "npz",  # the empty file above only chose the format
            )
            self.runs[suffix] = (trained._trainer, trained.state_dict())
        save_arrays(ARRAYS, folder / "arrays.npz")
        self.raw = {kind: self._original(kind).read_bytes() for kind in KINDS}

    def _original(self, kind):
        if kind.startswith("checkpoint"):
            found = sorted((self.folder / f"run-{kind.split('.')[1]}").glob("checkpoint.*"))
            assert len(found) == 1
            return found[0]
        return self.folder / kind

    def target(self, kind):
        return self.folder / f"fuzzed-{kind}"

    def load(self, kind, path, exact):
        """Load ``path``; when it loads and ``exact``, it must be what was saved."""
        if kind.startswith("model"):
            loaded = gn.load(path).eval()
            if exact:
                assert repr(loaded) == repr(self.model)
                expected = self.model.state_dict()
                for key, value in loaded.state_dict().items():
                    np.testing.assert_array_equal(value, expected[key])
                    assert value.dtype == expected[key].dtype
        elif kind.startswith("checkpoint"):
            trainer, state = self.runs[kind.split(".")[1]]
            callback = EarlyStopping()
            callback.set_trainer(trainer)
            callback.on_train_begin({})
            restore_checkpoint(path, trainer, [callback], np.random.default_rng(1))
            if exact:
                for key, value in trainer.model.state_dict().items():
                    np.testing.assert_array_equal(value, state[key])
        else:
            arrays = load_arrays(path)
            if exact:
                assert set(arrays) == set(ARRAYS)
                for key, value in arrays.items():
                    np.testing.assert_array_equal(value, ARRAYS[key])
                    assert value.dtype == ARRAYS[key].dtype


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return Samples(tmp_path_factory.mktemp("fuzz"))


def check(samples, kind, data=None, exact=True):
    """Loading the fuzzed file (``data``, or what is already on disk) succeeds with the saved
    contents or raises FileFormatError naming it; quickly, and allocating little."""
    path = samples.target(kind)
    if data is not None:
        path.write_bytes(data)
    size = path.stat().st_size
    start = time.monotonic()
    tracemalloc.start()
    try:
        samples.load(kind, path, exact)
    except FileFormatError as error:
        assert str(path) in str(error)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.monotonic() - start < 5.0
    assert peak < 8 * size + 2**20, f"{peak} bytes allocated to read a {size}-byte file"


def test_the_unfuzzed_samples_load(samples):
    for kind in KINDS:
        check(samples, kind, samples.raw[kind])


flips = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=4
)


@pytest.mark.parametrize("kind", KINDS)
@given(flips=flips)
def test_byte_flips(samples, kind, flips):
    data = bytearray(samples.raw[kind])
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    check(samples, kind, bytes(data))


@pytest.mark.parametrize("kind", KINDS)
@given(keep=st.floats(0, 1, exclude_max=True), tail=st.binary(max_size=16))
def test_truncations(samples, kind, keep, tail):
    raw = samples.raw[kind]
    check(samples, kind, raw[: int(keep * len(raw))] + tail)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([0, 1, -1, 2**31, 2**63, 10**9, "float32", "int8", "object", "V9", "Tanh"])
    | st.floats()
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every path (tuple of keys and indices) into a parsed JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _edit(document, choose, value, delete):
    """Replace (or delete) the value at one path of ``document``; returns the new document."""
    paths = list(_paths(document))
    path = paths[choose % len(paths)]
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@pytest.mark.parametrize("kind", KINDS)
@given(choose=st.integers(0, 10**6), value=json_values, delete=st.booleans(), sign=st.booleans())
def test_json_edits(samples, kind, choose, value, delete, sign):
    path = samples.target(kind)
    path.write_bytes(samples.raw[kind])
    if kind == "arrays.npz":
        _edit_npy_header(path, choose, value, delete)  # zip's CRC is recomputed: a forgery
        check(samples, kind, exact=False)
        return
    if kind.endswith(".safetensors") and choose % 3 == 0:  # the safetensors tensor table
        edit_tensor_table(path, lambda table: _edit(table, choose // 3, value, delete))
        check(samples, kind, exact=True)
        return
    edit_header(path, lambda header: _edit(header, choose, value, delete), sign=sign)
    check(samples, kind, exact=not sign)


def _edit_npy_header(path, choose, value, delete):
    """Edit the header dict of one .npy member of an .npz ({'descr', 'fortran_order', 'shape'})."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = sorted(members)[choose % len(members)]
    member = io.BytesIO(members[name])
    np.lib.format.read_magic(member)
    header = np.lib.format.read_array_header_1_0(member)
    data = member.read()
    fields = {
        "descr": np.lib.format.dtype_to_descr(header[2]),
        "fortran_order": header[1],
        "shape": header[0],
    }
    key = sorted(fields)[choose % 3]
    if delete:
        del fields[key]
    else:
        fields[key] = tuple(value) if isinstance(value, list) else value
    text = repr(fields).encode("latin1", "replace")
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    members[name] = b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member_name, content in members.items():
            archive.writestr(member_name, content)
    path.write_bytes(out.getvalue())


def test_json_edit_helpers_reach_every_part_of_a_header(samples):
    header = json.loads(json.dumps({"a": [1, {"b": 2}], "c": None}))
    assert len(list(_paths(header))) == 6
    assert _edit(header, 3, "x", False) == {"a": [1, "x"], "c": None}


architecture_values = (
    json_values
    | st.integers(-(10**6), 10**6)
    | st.sampled_from(
        [
            {"module": {"type": "Linear", "config": {"in_features": 4, "out_features": 3}}},
            {"type": "Sequential", "config": {"layers": []}},
            {"module": {}},
            {"module": None},
        ]
    )
)


@pytest.mark.parametrize("kind", ["model.safetensors", "model.npz"])
@given(choose=st.integers(0, 10**6), value=architecture_values, delete=st.booleans())
def test_architecture_edits_re_signed(samples, kind, choose, value, delete):
    path = samples.target(kind)
    path.write_bytes(samples.raw[kind])

    def edit(header):
        header["model"] = _edit(header["model"], choose, value, delete)

    edit_header(path, edit, sign=True)
    check(samples, kind, exact=False)
