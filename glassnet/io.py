"""Saving and loading: one file per model or checkpoint, never pickle.

A file holds named arrays and a JSON header. The header names the format and its version,
describes the architecture (so library models rebuild without the user's code) and carries a
SHA-256 of every array, so a corrupted file is an error and never silently wrong weights.

- With the ``io`` extra (safetensors) the file is a ``.safetensors`` file, the header in its
  ``__metadata__``; without it, a ``.npz`` read with ``allow_pickle=False``, the header stored as
  a string array. Loading recognises either by its first bytes.
- Writes are atomic: a temporary file in the same folder, flushed to disk, renamed over the
  target. A crash mid-save leaves the previous file intact.

Examples:
    >>> import tempfile, pathlib
    >>> import glassnet as gn
    >>> from glassnet import nn
    >>> model = nn.Sequential(nn.Dense(4, 8, "relu", rng=0), nn.Dense(8, 2, rng=1))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.safetensors"
    >>> gn.save(model, path)
    >>> same = gn.load(path)                     # rebuilt from the file alone
    >>> bool((same(np.ones((1, 4))).numpy() == model(np.ones((1, 4))).numpy()).all())
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

FORMAT = "glassnet"
VERSION = 1
_NPZ_HEADER_KEY = "__glassnet__"


class FileFormatError(ValueError):
    """A file that is not a glassnet file, is corrupt or truncated, or is of a newer version."""


# --------------------------------------------------------------------------- atomic writes
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
    """Write named arrays to a plain ``.npz`` file, atomically."""
    with atomic_write(path) as f:
        named: dict[str, Any] = {k: np.asarray(v) for k, v in arrays.items()}
        np.savez(f, **named)


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of a ``.npz`` file (never unpickling anything)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise FileFormatError(f"{path}: not a readable array file ({error})") from None


# --------------------------------------------------------------------------- the container
def has_safetensors() -> bool:
    return importlib.util.find_spec("safetensors") is not None


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def write_file(path: str | os.PathLike, arrays: dict[str, np.ndarray], header: dict[str, Any],
               file_format: str | None = None) -> None:  # fmt: skip
    """Write arrays and a JSON header atomically. ``file_format``: "safetensors", "npz", or None
    for the file's suffix (.npz / .safetensors), else safetensors when it is installed."""
    suffix = Path(path).suffix
    if file_format is None and suffix in (".npz", ".safetensors"):
        file_format = suffix[1:]
    file_format = file_format or ("safetensors" if has_safetensors() else "npz")
    arrays = {k: np.asarray(v, order="C") for k, v in arrays.items()}  # keeps 0-d arrays 0-d
    header = {"format": FORMAT, "version": VERSION, **header,
              "sha256": {k: _digest(v) for k, v in arrays.items()},
              "shapes": {k: list(v.shape) for k, v in arrays.items()}}  # fmt: skip
    text = json.dumps(header)
    if file_format == "safetensors":
        try:
            from safetensors.numpy import save
        except ImportError:
            raise ImportError("the safetensors format needs: pip install 'glassnet[io]'") from None
        payload = save(arrays, metadata={FORMAT: text})
        with atomic_write(path) as f:
            f.write(payload)
    elif file_format == "npz":
        if _NPZ_HEADER_KEY in arrays:
            raise ValueError(f"{_NPZ_HEADER_KEY!r} is a reserved array name")
        save_arrays({**arrays, _NPZ_HEADER_KEY: np.array(text)}, path)
    else:
        raise ValueError(f"file_format must be 'safetensors' or 'npz', not {file_format!r}")


def read_file(
    path: str | os.PathLike, kind: str | None = None
) -> tuple[dict[str, np.ndarray], dict]:
    """Read and verify a file written by :func:`write_file`: (arrays, header)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    if raw[:2] == b"PK":
        arrays = load_arrays(path)
        if _NPZ_HEADER_KEY not in arrays:
            raise FileFormatError(f"{path}: a .npz file, but not one written by glassnet")
        text = str(arrays.pop(_NPZ_HEADER_KEY))
    elif len(raw) >= 9 and raw[8:9] == b"{":
        arrays, text = _read_safetensors(path, raw)
    else:
        raise FileFormatError(f"{path}: not a glassnet file (it is neither safetensors nor .npz)")
    try:
        header = json.loads(text)
    except json.JSONDecodeError:
        raise FileFormatError(f"{path}: the header is not valid JSON") from None
    if header.get("format") != FORMAT:
        raise FileFormatError(f"{path}: not a glassnet file")
    if not isinstance(header.get("version"), int) or header["version"] > VERSION:
        raise FileFormatError(
            f"{path}: format version {header.get('version')!r}, but this glassnet reads versions "
            f"up to {VERSION}: upgrade glassnet to load it"
        )
    if kind is not None and header.get("kind") != kind:
        raise FileFormatError(f"{path}: holds a {header.get('kind')!r}, not a {kind!r}")
    expected = header.get("sha256", {})
    if set(expected) != set(arrays):
        raise FileFormatError(f"{path}: the arrays listed in the header and those stored differ")
    for name, array in arrays.items():
        if _digest(array) != expected[name]:
            raise FileFormatError(
                f"{path}: array {name!r} is corrupt (its checksum does not match)"
            )
    shapes = header.get("shapes", {})  # safetensors keeps 0-d arrays as shape (1,)
    arrays = {k: v.reshape(shapes[k]) if k in shapes else v for k, v in arrays.items()}
    return arrays, header


def _read_safetensors(path: Path, raw: bytes) -> tuple[dict[str, np.ndarray], str]:
    (length,) = struct.unpack("<Q", raw[:8])
    if 8 + length > len(raw):
        raise FileFormatError(
            f"{path}: truncated (the header says {length} bytes, the file is shorter)"
        )
    try:
        metadata = json.loads(raw[8 : 8 + length]).get("__metadata__") or {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise FileFormatError(f"{path}: corrupt safetensors header") from None
    if FORMAT not in metadata:
        raise FileFormatError(f"{path}: a safetensors file, but not one written by glassnet")
    try:
        from safetensors.numpy import load
    except ImportError:
        raise ImportError(f"{path} is a safetensors file: pip install 'glassnet[io]'") from None
    try:
        arrays = load(raw)
    except Exception as error:  # safetensors raises its own error type for damaged files
        raise FileFormatError(f"{path}: corrupt or truncated safetensors data ({error})") from None
    return arrays, metadata[FORMAT]


# --------------------------------------------------------------------------- architectures
def describe(module: Any) -> dict[str, Any] | None:
    """A JSON-able description of a library model, or None if some layer cannot be described."""
    config = module.get_config()
    if config is None:
        return None

    def encode(value: Any) -> Any:
        if hasattr(value, "get_config"):
            inner = describe(value)
            if inner is None:
                raise _NotDescribable
            return {"module": inner}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        return value

    try:
        return {"type": module.type_name(), "config": {k: encode(v) for k, v in config.items()}}
    except _NotDescribable:
        return None


class _NotDescribable(Exception):
    pass


def build(description: dict[str, Any]) -> Any:
    """The model a :func:`describe` description stands for, freshly initialised."""
    from glassnet.nn.module import Module  # here: nn is built on the core, io on nn

    def decode(value: Any) -> Any:
        if isinstance(value, dict) and "module" in value:
            return build(value["module"])
        if isinstance(value, list):
            return [decode(v) for v in value]
        return value

    kind = description.get("type")
    cls = Module.find_type(kind) if isinstance(kind, str) else None
    if cls is None:
        raise FileFormatError(
            f"unknown layer type {kind!r} in the saved architecture (a layer class of your own "
            "must be defined, i.e. imported, before loading)"
        )
    return cls.from_config({k: decode(v) for k, v in description["config"].items()})


# --------------------------------------------------------------------------- models
def save(model: Any, path: str | os.PathLike, extra: dict[str, Any] | None = None,
         file_format: str | None = None) -> None:  # fmt: skip
    """Save a model's weights, buffers and architecture to one file, atomically.

    Args:
        model: a Module. Models made of library layers can later be loaded without code;
            others are saved too, and load into an instance with ``gn.load(path, model=...)``.
        extra: JSON-able information to keep beside the model (read back with ``with_extra``).
        file_format: "safetensors" (default when the ``io`` extra is installed) or "npz".
    """
    dtypes = {str(p.dtype) for p in model.parameters()}
    header = {
        "kind": "model",
        "model": describe(model),
        "dtype": dtypes.pop() if len(dtypes) == 1 else None,
        "extra": extra or {},
    }
    write_file(path, model.state_dict(), header, file_format)


def load(path: str | os.PathLike, model: Any = None, with_extra: bool = False) -> Any:
    """Load a model saved by :func:`save`.

    Args:
        model: an instance to load the weights into (needed for models with custom layers);
            by default the model is rebuilt from the architecture stored in the file.
        with_extra: also return the ``extra`` dict given to :func:`save`.

    Nothing is changed unless every tensor matches the model by name and shape: a mismatch is
    a clear error, never a half-loaded model.
    """
    arrays, header = read_file(path, kind="model")
    if model is None:
        if header.get("model") is None:
            raise FileFormatError(
                f"{path}: the model has layers glassnet cannot rebuild by itself; pass an "
                "instance: gn.load(path, model=MyModel())"
            )
        model = build(header["model"])
        if header.get("dtype"):
            model.to(header["dtype"])
    try:
        model.load_state_dict(arrays)
    except (KeyError, ValueError) as error:
        raise FileFormatError(
            f"{path}: the saved tensors do not match the model: {error}"
        ) from None
    return (model, header.get("extra", {})) if with_extra else model
