"""Saving and loading without pickle: NumPy ``.npz`` files written atomically.

A write goes to a temporary file in the same folder, is flushed to disk, then renamed over
the target, so a crash mid-save leaves the previous file intact. Loading uses
``allow_pickle=False``: a file can hold arrays only, never code.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """Open a temporary file for writing that replaces ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def save_arrays(arrays: dict[str, Any], path: str | os.PathLike) -> None:
    """Write named arrays to a ``.npz`` file atomically.

    Example:
        >>> import tempfile, pathlib
        >>> from glassnet.io import save_arrays, load_arrays
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "weights.npz"
        >>> save_arrays({"w": np.ones(2)}, path)
        >>> load_arrays(path)["w"]
        array([1., 1.])
    """
    with atomic_write(path) as f:
        named: dict[str, Any] = {k: np.asarray(v) for k, v in arrays.items()}
        np.savez(f, **named)


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of a ``.npz`` file (never unpickling anything)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as error:
        raise ValueError(f"{path}: not a plain array file ({error})") from None
