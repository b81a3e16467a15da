import functools
import gzip
import http.server
import os
import shutil
import threading

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
    assert "t10k-labels-idx1-ubyte.gz" not in os.listdir(target)
    assert not [name for name in os.listdir(target) if name.startswith(".")]


def test_an_interrupted_download_never_looks_complete(tmp_path, mirror):
    _, url = mirror
    _Handler.truncate = {"train-images-idx3-ubyte.gz"}
    target = tmp_path / "target"
    with pytest.raises(DownloadError, match=r"train-images-idx3-ubyte\.gz"):
        load_mnist(root=target, mirrors=[url])
    assert (
        sorted(os.listdir(target)) == []
    )  # train-images fails first: nothing half-written remains
