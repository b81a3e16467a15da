"""Plain ``.npz`` files of named arrays, written atomically and read without pickle: every
member's header, dtype and size is checked before anything is allocated."""

from __future__ import annotations

import io as _io
import math
import os
import stat
import struct
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np

from glassnet.errors import FileFormatError
from glassnet.io.atomic import atomic_write


def _check_names(path: Any, arrays: dict[str, Any], npz: bool) -> dict[str, np.ndarray]:
    """The arrays as C-ordered ndarrays, after checking that each can be stored and read back."""
    checked = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or not name or "\x00" in name:
            raise ValueError(f"{path}: array names must be non-empty strings, not {name!r}")
        if npz and zipfile.ZipInfo(name + ".npy").filename != name + ".npy":
            raise ValueError(f"{path}: the array name {name!r} does not survive a .npz file")
        array = np.asarray(value, order="C")
        if array.dtype.hasobject:
            raise TypeError(
                f"{path}: array {name!r} holds Python objects (dtype {array.dtype}); glassnet "
                "stores numbers only (objects would need pickle)"
            )
        checked[name] = array
    return checked


def _write_npz(f: IO[bytes], arrays: dict[str, np.ndarray]) -> None:
    """What ``np.savez`` writes (uncompressed), without pickle and with any array names."""
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def save_arrays(arrays: dict[str, Any], path: str | os.PathLike) -> None:
    """Write named arrays to a plain ``.npz`` file, atomically (``np.load`` reads it).

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "arrays.npz"
        >>> save_arrays({"x": np.arange(3), "file": np.ones(2)}, path)
        >>> sorted(load_arrays(path))
        ['file', 'x']
    """
    named = _check_names(path, arrays, npz=True)
    with atomic_write(path) as f:
        _write_npz(f, named)


def _read_bytes(path: Path) -> bytes:
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):  # /dev/zero or a pipe would never end
            raise FileFormatError(f"{path}: not a regular file")
        return path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{path}: a folder, not a file") from None


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of a ``.npz`` file, never unpickling anything.

    Each array's header is checked against the archive before its memory is allocated, so a
    damaged or hostile file raises [FileFormatError][glassnet.io.FileFormatError] (naming it)
    rather than allocating what it claims. Compressed (``np.savez_compressed``) files are read too.
    """
    path = Path(path)
    return _read_npz(path, _read_bytes(path), stored_only=False)


_DEFLATE_MAX_RATIO = 1032  # deflate cannot expand data more than this


def _read_npz(path: Path, raw: bytes, stored_only: bool) -> dict[str, np.ndarray]:
    try:
        with zipfile.ZipFile(_io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) != _zip_entry_count(raw):
                raise FileFormatError(
                    f"{path}: the archive's directory lists {len(infos)} members, its end "
                    f"record {_zip_entry_count(raw)}"
                )
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                raise FileFormatError(f"{path}: the archive lists an array twice")
            if sum(info.compress_size for info in infos) > len(raw):
                raise FileFormatError(f"{path}: the archive's members overlap or overrun it")
            for info in infos:
                _check_member(path, info, stored_only)
            arrays = {}
            for info in infos:
                with archive.open(info) as member:
                    arrays[info.filename[: -len(".npy")]] = _read_npy(path, info, member)
            return arrays
    except FileFormatError:
        raise
    except Exception as error:  # zipfile and numpy raise many kinds for damaged archives
        raise FileFormatError(
            f"{path}: not a readable .npz file ({type(error).__name__}: {error})"
        ) from None


def _zip_entry_count(raw: bytes) -> int:
    """How many members a zip archive's end record announces (zipfile reads the directory by
    its size and ignores the count, so a damaged size would silently hide members)."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 65535))
    if end < 0 or len(raw) - end < 22:
        raise ValueError("no end of central directory record")
    total = struct.unpack("<H", raw[end + 10 : end + 12])[0]
    if total != 0xFFFF:
        return total
    locator = end - 20  # a zip64 archive: the count is in its own end record
    if locator < 0 or raw[locator : locator + 4] != b"PK\x06\x07":
        raise ValueError("no zip64 end of central directory locator")
    record = struct.unpack("<Q", raw[locator + 8 : locator + 16])[0]
    if raw[record : record + 4] != b"PK\x06\x06":
        raise ValueError("no zip64 end of central directory record")
    return struct.unpack("<Q", raw[record + 32 : record + 40])[0]


def _check_member(path: Path, info: zipfile.ZipInfo, stored_only: bool) -> None:
    name = info.filename
    if not name.endswith(".npy"):
        raise FileFormatError(f"{path}: the archive holds {name!r}, which is not an array")
    if info.flag_bits & 0x1:
        raise FileFormatError(f"{path}: member {name!r} is encrypted")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size != info.compress_size:
            raise FileFormatError(f"{path}: member {name!r} has inconsistent sizes")
    elif info.compress_type == zipfile.ZIP_DEFLATED and not stored_only:
        if info.file_size > _DEFLATE_MAX_RATIO * info.compress_size + 64:
            raise FileFormatError(f"{path}: member {name!r} claims an impossible size")
    else:
        raise FileFormatError(
            f"{path}: member {name!r} uses an unsupported compression ({info.compress_type})"
        )


def _read_npy(path: Path, info: zipfile.ZipInfo, member: Any) -> np.ndarray:
    name = info.filename[: -len(".npy")]
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise FileFormatError(f"{path}: array {name!r} has an unsupported .npy version {version}")
    if dtype.hasobject:
        raise FileFormatError(
            f"{path}: array {name!r} holds pickled Python objects, which glassnet never loads"
        )
    if dtype.itemsize == 0 or len(shape) > 32:
        raise FileFormatError(f"{path}: array {name!r} has an unusable dtype or shape")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != info.file_size - member.tell():
        raise FileFormatError(
            f"{path}: array {name!r} of shape {shape} needs {nbytes} bytes, but its member "
            f"holds {info.file_size - member.tell()}"
        )
    buffer = bytearray(nbytes)
    if member.readinto(buffer) != nbytes or member.read(1):  # read(1) also checks the CRC
        raise FileFormatError(f"{path}: array {name!r} is truncated or overlong")
    array = np.frombuffer(buffer, dtype=dtype)
    return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)
