import functools
import gzip
import http.server
import os
import shutil
import threading
import time

import numpy as np
import pytest

from glassnet.data.datasets import DownloadError, IDXError, load_fashion_mnist, load_mnist, read_idx
from glassnet.data.datasets.mnist import MNIST_FILES


def test_mnist_shapes_dtypes_and_first_labels(mnist_dir):
    (X, y), (Xt, yt) = load_mnist(root=mnist_dir, download=False)
    assert X.shape == (60000, 784) and Xt.shape == (10000, 784)
    assert X.dtype == np.float32 and 0.0 <= X.min() and X.max() == 1.0
    assert y.shape == (60000,) and yt.shape == (10000,)
    assert y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(y).tolist()[:3] == [5923, 6742, 5958]


def test_mnist_unflattened_and_raw(mnist_dir):
    (X, _), _ = load_mnist(root=mnist_dir, download=False, flatten=False, normalize=False)
    assert X.shape == (60000, 1, 28, 28) and X.dtype == np.uint8 and X.max() == 255


def test_fashion_mnist(fashion_mnist_dir):
    (X, y), (Xt, yt) = load_fashion_mnist(root=fashion_mnist_dir, download=False)
    assert (
        X.shape == (60000, 784)
        and Xt.shape == (10000, 784)
        and set(np.unique(y)) == set(yt) == set(range(10))
    )


def _write(path, payload):
    path.write_bytes(payload)
    return path


def test_idx_reader_rejects_corrupt_and_truncated_files(tmp_path):
    good = bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + bytes(range(6))
    np.testing.assert_array_equal(read_idx(_write(tmp_path / "a", good)), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(
        read_idx(_write(tmp_path / "b.gz", gzip.compress(good))), [[0, 1, 2], [3, 4, 5]]
    )
    with pytest.raises(IDXError, match="truncated: header declares shape \\(2, 3\\)"):
        read_idx(_write(tmp_path / "c", good[:-1]))
    with pytest.raises(IDXError, match="longer than its header says"):
        read_idx(_write(tmp_path / "d", good + b"\x00"))
    with pytest.raises(IDXError, match="not an IDX file"):
        read_idx(_write(tmp_path / "e", b"\x12\x34" + good[2:]))
    with pytest.raises(IDXError, match="gzip data is corrupt"):
        read_idx(_write(tmp_path / "f.gz", gzip.compress(good)[:-8]))


def test_missing_files_without_download_name_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        load_mnist(root=tmp_path, download=False)


def test_corrupt_local_file_is_refused(tmp_path, mnist_dir):
    for name in MNIST_FILES:
        shutil.copy(mnist_dir / name, tmp_path / name)
    data = bytearray((tmp_path / "train-labels-idx1-ubyte.gz").read_bytes())
    data[100] ^= 0xFF
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="corrupt"):
        load_mnist(root=tmp_path, download=False)


class _Handler(http.server.SimpleHTTPRequestHandler):
    truncate: set = set()

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        if os.path.basename(self.path) in self.truncate:  # announce the full length, send half
            outputfile.write(source.read()[:1000])
            return
        shutil.copyfileobj(source, outputfile)


@pytest.fixture
def mirror(tmp_path, mnist_dir):
    """A local HTTP mirror on 127.0.0.1 serving copies of the MNIST files."""
    served = tmp_path / "served"
    served.mkdir()
    for name in MNIST_FILES:
        shutil.copy(mnist_dir / name, served / name)
    _Handler.truncate = set()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(served))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_from_a_mirror_verifies_and_caches(tmp_path, mirror, monkeypatch):
    _, url = mirror
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "cache"))
    dead = "http://127.0.0.1:9"  # nothing listens there: the next mirror is tried
    (X, y), _ = load_mnist(mirrors=[dead, url])
    assert X.shape == (60000, 784) and y[:3].tolist() == [5, 0, 4]
    cached = sorted(os.listdir(tmp_path / "cache" / "mnist"))
    assert cached == sorted(MNIST_FILES)  # no temporary files left behind
    (X2, _), _ = load_mnist(mirrors=[dead])  # second time: from the cache, no download
    np.testing.assert_array_equal(X, X2)


def test_a_corrupted_download_is_rejected_and_leaves_nothing(tmp_path, mirror):
    served, url = mirror
    payload = bytearray((served / "t10k-labels-idx1-ubyte.gz").read_bytes())
    payload[50] ^= 0xFF
    (served / "t10k-labels-idx1-ubyte.gz").write_bytes(bytes(payload))
    target = tmp_path / "target"
    with pytest.raises(
        DownloadError,
        match=r"MD5 \w+ does not match the published ec29112dd5afa0611ce80d1b7f02629c",
    ):
        load_mnist(root=target, mirrors=[url])
    assert not target.exists()  # the three good files fetched before it are removed too


def test_an_interrupted_download_never_looks_complete(tmp_path, mirror):
    _, url = mirror
    _Handler.truncate = {"train-images-idx3-ubyte.gz"}
    target = tmp_path / "target"
    target.mkdir()  # a folder that existed before stays, empty as it was
    with pytest.raises(DownloadError, match=r"closed after 1000 of \d+ bytes") as info:
        load_mnist(root=target, mirrors=[url])
    assert "attempt 2 of 2" in str(info.value)  # retried once
    assert os.listdir(target) == []  # nothing half-written remains


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    """Announces 100 kB, then trickles 50 bytes every 20 ms ("trickle", 40 s in all) or sends
    10 bytes and stalls ("stall") until the test releases it."""

    mode = "trickle"
    requests: list = []
    release = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            if self.mode == "stall":
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                self.release.wait(60)
                return
            for _ in range(2000):
                if self.release.is_set():
                    return
                self.wfile.write(b"x" * 50)
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:  # the client gave up and closed the connection
            pass


@pytest.fixture
def slow_mirror():
    _SlowHandler.requests = []
    _SlowHandler.release = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _SlowHandler.release.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", ["trickle", "stall"])
def test_a_slow_or_stalled_server_meets_the_deadline_and_leaves_nothing(
    mode, slow_mirror, tmp_path, monkeypatch
):
    _SlowHandler.mode = mode
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLASSNET_DATA", str(cache))
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"incomplete after 0\.8 s") as info:
        load_mnist(mirrors=[slow_mirror], timeout=0.8)
    elapsed = time.monotonic() - started
    assert 1.6 <= elapsed < 4.0  # two attempts of 0.8 s each, not the 40 s of the whole file
    assert _SlowHandler.requests == ["/train-images-idx3-ubyte.gz"] * 2  # one retry
    message = str(info.value)
    assert "attempt 1 of 2" in message and "attempt 2 of 2" in message
    assert "root=" in message and "--data-dir" in message and "$GLASSNET_DATA" in message
    assert not cache.exists()  # no empty or partial cache folder


def test_the_deadline_comes_from_the_environment(slow_mirror, tmp_path, monkeypatch):
    _SlowHandler.mode = "stall"
    monkeypatch.setenv("GLASSNET_DOWNLOAD_TIMEOUT", "0.5")
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"incomplete after 0\.5 s"):
        load_fashion_mnist(root=tmp_path / "f", mirrors=[slow_mirror])
    assert time.monotonic() - started < 3.0 and not (tmp_path / "f").exists()
    monkeypatch.setenv("GLASSNET_DOWNLOAD_TIMEOUT", "soon")
    with pytest.raises(ValueError, match=r"\$GLASSNET_DOWNLOAD_TIMEOUT must be a number"):
        load_mnist(root=tmp_path / "g", mirrors=[slow_mirror])
    assert not (tmp_path / "g").exists()


@pytest.mark.parametrize(
    "timeout, error, message",
    [
        (0, ValueError, "timeout must be a positive number of seconds, got 0"),
        (-1.0, ValueError, "timeout must be a positive number"),
        (float("nan"), ValueError, "timeout must be a positive number"),
        (float("inf"), ValueError, "timeout must be a positive number"),
        ("300", TypeError, "timeout must be a number of seconds"),
    ],
)
def test_bad_timeouts_are_refused_before_anything_is_created(timeout, error, message, tmp_path):
    with pytest.raises(error, match=message):
        load_mnist(root=tmp_path / "new", mirrors=["http://127.0.0.1:9"], timeout=timeout)
    assert not (tmp_path / "new").exists()


def test_a_missing_file_on_the_mirror_is_not_retried(tmp_path, mirror):
    served, url = mirror
    (served / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DownloadError, match=r"HTTP 404") as info:
        load_mnist(root=tmp_path / "t", mirrors=url)  # a single string is one mirror
    assert "attempt 1 of" not in str(info.value) and not (tmp_path / "t").exists()


def test_root_that_is_a_file_is_named(tmp_path):
    path = tmp_path / "mnist.gz"
    path.write_bytes(b"")
    with pytest.raises(NotADirectoryError, match=r"mnist\.gz is a file, not a folder"):
        load_mnist(root=path)


def test_a_huge_declared_shape_is_reported_exactly(tmp_path):
    # three sizes of 2**32 - 1: their product overflows int64, which NumPy would wrap around
    header = bytes([0, 0, 8, 3]) + b"\xff\xff\xff\xff" * 3
    with pytest.raises(IDXError, match=f"truncated: .*\\({(2**32 - 1) ** 3} bytes of data\\)"):
        read_idx(_write(tmp_path / "huge", header + b"\x00" * 10))


def test_a_tilde_in_glassnet_data_or_root_means_the_home_folder(tmp_path, monkeypatch):
    from glassnet.data.datasets import cache_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GLASSNET_DATA", "~/datasets")
    assert cache_dir() == tmp_path / "datasets"  # not a folder named "~" in the working dir
    with pytest.raises(FileNotFoundError, match=f"is not in {tmp_path}/idx"):
        load_mnist(root="~/idx", download=False)
