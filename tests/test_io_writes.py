"""Saving: permissions, temporaries of dead writers, a killed save, failed saves that keep the
old file."""

import errno
import io
import os
import secrets
import signal
import stat
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError, load_arrays, save_arrays, write_file

FORMATS = ["safetensors", "npz"]


def test_files_are_created_with_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
            os.umask(umask)
            for name in (f"m{umask}.safetensors", f"m{umask}.npz"):
                gn.save(nn.Linear(2, 2), tmp_path / name)
                assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == mode, (name, oct(umask))
            save_arrays({"x": np.ones(2)}, tmp_path / f"a{umask}.npz")
            assert stat.S_IMODE(os.stat(tmp_path / f"a{umask}.npz").st_mode) == mode
        os.umask(0o022)
        os.chmod(tmp_path / "m18.safetensors", 0o640)  # a replaced file keeps its own mode
        gn.save(nn.Linear(2, 2), tmp_path / "m18.safetensors")
        assert stat.S_IMODE(os.stat(tmp_path / "m18.safetensors").st_mode) == 0o640
    finally:
        os.umask(previous)


def _host_tag():
    return gn.io.atomic._host_tag()  # looked up when called: the tests below run on older code too


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftover(folder, pid, host=None):
    name = f".model.safetensors.{pid}@{host or _host_tag()}.{secrets.token_hex(4)}.tmp"
    (folder / name).write_bytes(b"half a model")
    return folder / name


@pytest.mark.skipif(os.name != "posix", reason="liveness is checked with POSIX signals")
def test_the_next_save_removes_temporaries_of_dead_writers_only(tmp_path):
    dead = _leftover(tmp_path, _dead_pid())
    mine = _leftover(tmp_path, os.getpid())
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = _leftover(tmp_path, sleeper.pid)
        elsewhere = _leftover(tmp_path, _dead_pid(), host="0badf00d")  # another machine's
        unrelated = tmp_path / ".model.safetensors.x1y2z3.tmp"  # not ours: no pid
        unrelated.write_bytes(b"?")
        gn.save(nn.Linear(2, 2), tmp_path / "other.npz")
        assert not dead.exists()
        assert mine.exists() and alive.exists() and elsewhere.exists() and unrelated.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    save_arrays({"x": np.ones(1)}, tmp_path / "x.npz")  # the sleeper is gone now
    assert not alive.exists() and mine.exists()


KILLED_WRITER = """
import sys, time
from glassnet.io import atomic_write
with atomic_write(sys.argv[1]) as f:
    f.write(b"x" * 100000)
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and POSIX liveness checks")
def test_a_save_killed_mid_write_leaves_a_recognisable_temporary_that_the_next_save_removes(
    tmp_path,
):
    target = tmp_path / "model.safetensors"
    gn.save(nn.Linear(2, 2, rng=0), target)
    before = target.read_bytes()
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE
    )
    assert writer.stdout.readline() == b"writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    leftovers = [p for p in tmp_path.iterdir() if p.name != target.name]
    assert [p.name.split(".")[3] for p in leftovers] == [f"{writer.pid}@{_host_tag()}"]
    assert target.read_bytes() == before  # the old file is intact
    gn.save(nn.Linear(2, 2, rng=1), tmp_path / "next.safetensors")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.safetensors", "next.safetensors"]


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_save_that_fails_mid_write_keeps_the_old_file_and_names_it(
    file_format, tmp_path, monkeypatch
):
    path = tmp_path / f"m.{file_format}"
    gn.save(nn.Linear(3, 2, rng=0), path)
    before = path.read_bytes()
    real_write = os.fdopen

    class FullDisk:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def __getattr__(self, name):
            return getattr(self.f, name)

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FullDisk(real_write(fd, mode)))
    with pytest.raises(OSError, match="No space left on device") as caught:
        gn.save(nn.Linear(3, 2, rng=1), path)
    assert str(path) in str(caught.value) and caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


def test_arrays_that_cannot_be_stored_are_refused_before_the_old_file_is_touched(tmp_path):
    path = tmp_path / "arrays.npz"
    save_arrays({"x": np.arange(3)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"arrays.npz: array 'bad' holds Python objects"):
        save_arrays({"x": np.arange(3), "bad": np.array([{"a": 1}], dtype=object)}, path)
    assert path.read_bytes() == before
    model_path = tmp_path / "m.safetensors"
    gn.save(nn.Linear(2, 2), model_path)
    before = model_path.read_bytes()
    with pytest.raises(TypeError, match=r"m.safetensors: the header cannot be saved as JSON"):
        gn.save(nn.Linear(2, 2), model_path, extra={"when": object()})
    with pytest.raises(TypeError, match=r"m.safetensors: extra must be a dict, not list"):
        gn.save(nn.Linear(2, 2), model_path, extra=["unloadable"])
    with pytest.raises(TypeError, match=r"m.safetensors: extra's dict keys must be strings.*1"):
        gn.save(nn.Linear(2, 2), model_path, extra={"labels": {1: "one", "1": "uno"}})
    with pytest.raises(TypeError, match=r"m.safetensors: array 'c' has dtype complex128"):
        write_file(model_path, {"c": np.ones(2, complex)}, {"kind": "model"})
    with pytest.raises(ValueError, match=r"m.safetensors: file_format must be 'safetensors' or"):
        gn.save(nn.Linear(2, 2), model_path, file_format="hdf5")
    with pytest.raises(ValueError, match=r"m.safetensors: array names must be non-empty"):
        write_file(model_path, {"": np.ones(2)}, {"kind": "model"})
    assert model_path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["arrays.npz", "m.safetensors"]


def test_any_array_name_survives_a_plain_npz_file(tmp_path):
    arrays = {"file": np.ones(2), "allow_pickle": np.arange(3), "a/b": np.zeros((2, 2), np.float16)}
    save_arrays(arrays, tmp_path / "a.npz")
    loaded = load_arrays(tmp_path / "a.npz")
    assert set(loaded) == set(arrays)
    for name, value in arrays.items():
        np.testing.assert_array_equal(loaded[name], value)
        assert loaded[name].dtype == value.dtype
    with np.load(tmp_path / "a.npz", allow_pickle=False) as archive:  # still a standard .npz
        np.testing.assert_array_equal(archive["file"], arrays["file"])


def test_load_arrays_reads_compressed_files_and_refuses_pickles_and_lies(tmp_path):
    np.savez_compressed(tmp_path / "c.npz", x=np.arange(1000.0), s=np.array("text"))
    loaded = load_arrays(tmp_path / "c.npz")
    np.testing.assert_array_equal(loaded["x"], np.arange(1000.0))
    np.savez(tmp_path / "p.npz", x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(FileFormatError, match=r"p.npz: array 'x' holds pickled Python objects"):
        load_arrays(tmp_path / "p.npz")
    header = io.BytesIO()  # a .npy header that claims 10**10 numbers in a tiny member
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**10,)}
    )
    with zipfile.ZipFile(tmp_path / "big.npz", "w") as archive:
        archive.writestr("x.npy", header.getvalue() + b"\0" * 64)
    tracemalloc.start()
    try:
        with pytest.raises(
            FileFormatError, match=r"big.npz: array 'x' of shape \(10000000000,\) needs"
        ):
            load_arrays(tmp_path / "big.npz")
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()
