"""load_tiny_shakespeare: a local copy, a download from a local HTTP mirror, corrupt copies."""

import functools
import hashlib
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from glassnet.data.datasets.download import DownloadError
from glassnet.data.datasets.shakespeare import MD5, SIZE, load_tiny_shakespeare

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tinyshakespeare"


@pytest.fixture(scope="module")
def shakespeare_dir() -> Path:
    folder = Path(os.environ.get("GLASSNET_SHAKESPEARE_DIR") or SHARED)
    if not (folder / "input.txt").exists():
        pytest.skip(f"tiny shakespeare input.txt not found in {folder}")
    return folder


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, shakespeare_dir):
    """A local HTTP mirror on 127.0.0.1 serving a copy of input.txt."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(shakespeare_dir / "input.txt", served / "input.txt")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_local_copy(shakespeare_dir):
    text = load_tiny_shakespeare(shakespeare_dir, download=False)
    assert len(text) == SIZE and text.startswith("First Citizen:\n")
    assert len(set(text)) == 65


def test_download_verifies_and_caches(tmp_path, mirror, monkeypatch):
    _, url = mirror
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "cache"))
    dead = "http://127.0.0.1:9"  # nothing listens there: the next mirror is tried
    text = load_tiny_shakespeare(mirrors=[dead, url])
    cached = tmp_path / "cache" / "tinyshakespeare"
    assert os.listdir(cached) == ["input.txt"]
    assert hashlib.md5(text.encode()).hexdigest() == MD5
    assert load_tiny_shakespeare(mirrors=[dead]) == text  # from the cache


def test_a_corrupted_download_is_rejected_and_leaves_nothing(tmp_path, mirror):
    served, url = mirror
    (served / "input.txt").write_text("To be, or not to be")
    with pytest.raises(DownloadError, match="MD5"):
        load_tiny_shakespeare(tmp_path / "a" / "b", mirrors=[url])
    assert not (tmp_path / "a").exists()


def test_missing_without_download_and_corrupt_local_copy(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        load_tiny_shakespeare(tmp_path, download=False)
    (tmp_path / "input.txt").write_text("hello")
    with pytest.raises(ValueError, match="corrupt"):
        load_tiny_shakespeare(tmp_path)
