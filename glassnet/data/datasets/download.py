"""Downloading files safely: checked against a published MD5, written atomically, on a deadline.

A download goes to a temporary file in the target folder and is renamed into place only once
it is complete and its checksum matches, so an interrupted or corrupted download never leaves a
file that looks finished. Each attempt at a file must finish within one deadline for the whole
file (``timeout`` seconds, default ``$GLASSNET_DOWNLOAD_TIMEOUT`` or 300), so a server that
stalls or trickles bytes cannot hang the caller; a failed attempt is retried once.
"""

from __future__ import annotations

import hashlib
import http.client
import math
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The environment variable holding the default deadline (seconds per file) for downloads.
TIMEOUT_VARIABLE = "GLASSNET_DOWNLOAD_TIMEOUT"
#: The deadline when neither ``timeout=`` nor the environment variable sets one.
DEFAULT_TIMEOUT = 300.0
#: The environment variable naming the folder where datasets are cached.
DATA_VARIABLE = "GLASSNET_DATA"


class DownloadError(OSError):
    """No mirror delivered the file intact in time."""


class _Permanent(Exception):
    """A failure that a second attempt at the same mirror would only repeat."""


def md5_of(path: str | os.PathLike) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder: ``data_dir`` if given, else ``$GLASSNET_DATA``, else
    ``~/.cache/glassnet`` (``~`` expanded). It holds one folder per dataset, named after it,
    with the files under their original names: ``mnist/train-images-idx3-ubyte.gz``, ...

    Examples:
        >>> from glassnet.data.datasets import cache_dir
        >>> cache_dir("~/data").name
        'data'
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    return Path(os.environ.get(DATA_VARIABLE) or Path.home() / ".cache" / "glassnet").expanduser()


def dataset_folder(names: Sequence[str], data_dir: str | os.PathLike | None = None) -> Path:
    """The folder of one dataset inside the data folder: the first of ``names`` (spellings such
    as ``fashion-mnist`` and ``fashion_mnist``) that exists, else the first one.

    Examples:
        >>> from glassnet.data.datasets.download import dataset_folder
        >>> dataset_folder(["fashion-mnist", "fashion_mnist"], "/data").as_posix()
        '/data/fashion-mnist'
    """
    base = cache_dir(data_dir)
    for name in names:
        if (base / name).is_dir():
            return base / name
    return base / names[0]


def download_timeout(timeout: float | None = None) -> float:
    """The deadline in seconds for downloading one file: ``timeout`` if given, else
    ``$GLASSNET_DOWNLOAD_TIMEOUT``, else 300.

    Raises:
        ValueError: when the value is not a positive, finite number of seconds.

    Examples:
        >>> from glassnet.data.datasets.download import download_timeout
        >>> download_timeout(2), download_timeout(None) > 0
        (2.0, True)
    """
    source = "timeout"
    if timeout is None:
        text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        source = f"${TIMEOUT_VARIABLE}"
        try:
            timeout = float(text)
        except ValueError:
            raise ValueError(f"{source} must be a number of seconds, got {text!r}") from None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"{source} must be a number of seconds, got {timeout!r}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"{source} must be a positive number of seconds, got {timeout}")
    return float(timeout)


def _bound_next_read(response: Any, seconds: float) -> None:
    """Let the next socket read wait at most ``seconds``. ``urlopen``'s timeout bounds every
    read separately; http.client keeps the socket at ``response.fp.raw._sock``."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 1e-3))


def _fetch(url: str, out: Any, seconds: float) -> None:
    """Copy ``url`` into the open file ``out``, all of it within ``seconds``."""
    deadline = time.monotonic() + seconds
    try:
        response = urllib.request.urlopen(url, timeout=seconds)
    except urllib.error.HTTPError as error:
        if error.code < 500:  # 404 and the like: asking again will not help
            raise _Permanent(f"{url}: HTTP {error.code} {error.reason}") from None
        raise
    with response:
        expected = response.headers.get("Content-Length")
        received = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"incomplete after {seconds:g} s ({received} bytes received)")
            _bound_next_read(response, remaining)
            try:
                block = response.read1(1 << 16)  # whatever has arrived: never waits for more
            except TimeoutError:
                raise TimeoutError(
                    f"incomplete after {seconds:g} s ({received} bytes received)"
                ) from None
            if not block:
                break
            out.write(block)
            received += len(block)
    if expected is not None and expected.isdigit() and received != int(expected):
        raise ConnectionError(f"the connection closed after {received} of {expected} bytes")


def download(
    filename: str,
    md5: str,
    folder: Path,
    mirrors: Sequence[str] | str,
    timeout: float | None = None,
    attempts: int = 2,
) -> Path:
    """Fetch ``filename`` from the first mirror that serves it with the right MD5.

    Args:
        filename: the file's name, appended to each mirror's URL.
        md5: its published MD5 sum.
        folder: where to put it (created if missing).
        mirrors: base URLs, tried in order (a single string is one mirror).
        timeout: seconds each attempt may take for the whole file (see
            [download_timeout][glassnet.data.datasets.download.download_timeout]).
        attempts: tries per mirror (the default, 2, is one retry); a file with the wrong MD5 or
            an HTTP error below 500 is not retried.

    Raises:
        DownloadError: listing what went wrong at each mirror.
    """
    seconds = download_timeout(timeout)
    mirrors = [mirrors] if isinstance(mirrors, str) else list(mirrors)
    if not mirrors:
        raise ValueError(f"download: no mirrors to fetch {filename} from")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    problems = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        for attempt in range(1, attempts + 1):
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{filename}.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    _fetch(url, out, seconds)
                    out.flush()
                    os.fsync(out.fileno())
                got = md5_of(temporary)
                if got != md5:
                    raise _Permanent(f"{url}: MD5 {got} does not match the published {md5}")
                os.replace(temporary, target)
                return target
            except _Permanent as error:
                problems.append(str(error))
                break
            except (OSError, http.client.HTTPException) as error:  # TimeoutError, URLError too
                problems.append(f"{url} (attempt {attempt} of {attempts}): {error}")
            finally:
                if os.path.exists(temporary):
                    os.remove(temporary)
    raise DownloadError(
        f"could not download {filename} (each attempt may take {seconds:g} s; "
        f"${TIMEOUT_VARIABLE} or timeout= change that):\n  " + "\n  ".join(problems)
    )
