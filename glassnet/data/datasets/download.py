"""Downloading files safely: checked against a published MD5 and written atomically.

A download goes to a temporary file in the target folder and is renamed into place only once
it is complete and its checksum matches, so an interrupted or corrupted download never leaves a
file that looks finished.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


class DownloadError(OSError):
    """No mirror delivered the file intact."""


def md5_of(path: str | os.PathLike) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where datasets are kept: ``$GLASSNET_DATA``, else ``~/.cache/glassnet``."""
    return Path(os.environ.get("GLASSNET_DATA") or Path.home() / ".cache" / "glassnet")


def download(
    filename: str, md5: str, folder: Path, mirrors: Sequence[str], timeout: float = 60.0
) -> Path:
    """Fetch ``filename`` from the first mirror that serves it with the right MD5."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    problems = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{filename}.", suffix=".part")
        try:
            with (
                os.fdopen(fd, "wb") as out,
                urllib.request.urlopen(url, timeout=timeout) as response,
            ):
                for block in iter(lambda: response.read(1 << 20), b""):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            got = md5_of(temporary)
            if got != md5:
                problems.append(f"{url}: MD5 {got} does not match the published {md5}")
                continue
            os.replace(temporary, target)
            return target
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            problems.append(f"{url}: {error}")
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    raise DownloadError(f"could not download {filename}:\n  " + "\n  ".join(problems))
