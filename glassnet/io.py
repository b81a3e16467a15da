"""Saving and loading: one file per model or checkpoint, never pickle.

A file holds named arrays and a JSON header. The header names the format and its version,
describes the architecture (so library models rebuild without the user's code) and records
every array's dtype, shape and SHA-256; a SHA-256 of the header itself (``header_sha256``)
covers all of that, so an edited or corrupted file is an error and never silently wrong weights.

- With the ``io`` extra (safetensors) the file is a ``.safetensors`` file, the header in its
  ``__metadata__``; without it, a ``.npz``, the header stored as a string array. Loading
  recognises either by its first bytes and reads both without the extra and without pickle.
- Reading checks before it allocates: every array's dtype, shape and byte range against the
  file's size, and the size of a stored architecture against the weights the file holds (a
  small file cannot make ``load`` build a huge model). Any malformed file raises
  :class:`FileFormatError` naming the file and what is wrong.
- Writes are atomic: a temporary file in the same folder (``.model.safetensors.<pid>@<host>.
  <random>.tmp``), flushed to disk, renamed over the target. A crash mid-save leaves the
  previous file intact, and the next save in that folder removes temporaries whose writer has
  died. New files get the usual permissions (the umask decides); a replaced file keeps its own.

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
import io as _io
import json
import math
import os
import re
import secrets
import socket
import stat
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

FORMAT = "glassnet"
#: Version 2 added ``dtypes`` and ``header_sha256``; files of version 1 are refused.
VERSION = 2
_NPZ_HEADER_KEY = "__glassnet__"
#: The longest JSON header read (safetensors' own limit).
MAX_HEADER_BYTES = 100 * 2**20
#: How deeply a header's JSON may nest (a saved architecture nests 4 levels per module).
MAX_HEADER_DEPTH = 100
#: A stored architecture may ask for this many weights beyond what the file holds (lazy layers).
_SPARE_WEIGHTS = 2**16
_SAFETENSORS_DTYPES = {
    "BOOL": "bool",
    "U8": "uint8",
    "I8": "int8",
    "U16": "uint16",
    "I16": "int16",
    "U32": "uint32",
    "I32": "int32",
    "U64": "uint64",
    "I64": "int64",
    "F16": "float16",
    "F32": "float32",
    "F64": "float64",
}
#: The dtypes a glassnet file stores (what both containers hold without pickle).
DTYPES = frozenset(_SAFETENSORS_DTYPES.values())


class FileFormatError(ValueError):
    """A file that is not a glassnet file, is corrupt, truncated or edited, or is of a newer
    version. The message names the file and what is wrong.

    Examples:
        >>> import pathlib, tempfile
        >>> import glassnet as gn
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.safetensors"
        >>> _ = path.write_bytes(b"not a model")
        >>> try:
        ...     gn.load(path)
        ... except gn.io.FileFormatError as error:
        ...     print(str(error).endswith("not a glassnet file (neither safetensors nor .npz)"))
        True
    """


# --------------------------------------------------------------------------- atomic writes
_TEMPORARY = re.compile(
    r"\.(?P<target>.+)\.(?P<pid>[0-9]+)@(?P<host>[0-9a-f]{8})\.[0-9a-f]{8}\.tmp"
)


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (when in doubt, it is)."""
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):  # PermissionError: alive, someone else's
        return True
    return True


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files that saves killed mid-write left in ``folder``.

    Only files named like :func:`atomic_write`'s temporaries, written on this machine by a
    process that no longer exists, are removed; a save still running elsewhere keeps its file.
    Does nothing on systems without POSIX process signals (Windows).

    Returns:
        The files removed.
    """
    if os.name != "posix":
        return []  # os.kill(pid, 0) would be a real signal there
    folder = Path(folder)
    host = _host_tag()
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in names:
        match = _TEMPORARY.fullmatch(name)
        if match is None or match["host"] != host or _process_alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):  # gone already: another save cleaned it first
            if stat.S_ISREG(os.lstat(folder / name).st_mode):
                os.remove(folder / name)
                removed.append(folder / name)
    return removed


def _naming(error: OSError, target: Path) -> OSError:
    """The same kind of error, with a message that names the file being saved."""
    try:
        if error.errno is not None and error.strerror:
            return type(error)(error.errno, f"{error.strerror} (saving)", str(target))
        return type(error)(f"{target}: saving failed: {error}")
    except Exception:  # an OSError subclass with its own constructor
        return OSError(f"{target}: saving failed: {error}")


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere renames cannot be flushed)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot flush a folder; the data itself is on disk
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """Open a temporary file for writing that replaces ``path`` only if the block succeeds.

    The temporary sits beside ``path`` and is named ``.<name>.<pid>@<host>.<random>.tmp``, so a
    leftover is recognisable; every call first removes leftovers whose process has died. A new
    file gets the permissions the umask gives any new file; a replaced file keeps its own.
    Errors name ``path``, and leave any previous file at ``path`` untouched.

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.bin"
        >>> with atomic_write(path) as f:
        ...     _ = f.write(b"all or nothing")
        >>> path.read_bytes()
        b'all or nothing'
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _naming(error, target) from error
    remove_stale_temporaries(target.parent)
    temporary = target.with_name(  # the name shortened: the temporary's must fit too
        f".{target.name[:200]}.{os.getpid()}@{_host_tag()}.{secrets.token_hex(4)}.tmp"
    )
    keep_mode = None
    with contextlib.suppress(OSError):
        existing = os.stat(target)
        if stat.S_ISREG(existing.st_mode):
            keep_mode = stat.S_IMODE(existing.st_mode)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(temporary, flags | getattr(os, "O_CLOEXEC", 0), 0o666)  # umask applies
    except OSError as error:
        raise _naming(error, target) from error
    try:
        with os.fdopen(fd, "wb") as f:
            if keep_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), keep_mode)
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
        _fsync_folder(target.parent)
    except OSError as error:
        raise _naming(error, target) from error
    finally:
        with contextlib.suppress(OSError):
            os.remove(temporary)  # still there only if something failed


# --------------------------------------------------------------------------- plain .npz files
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
    damaged or hostile file raises :class:`FileFormatError` (naming it) rather than allocating
    what it claims. Compressed (``np.savez_compressed``) files are read too.
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


# --------------------------------------------------------------------------- the container
def has_safetensors() -> bool:
    return importlib.util.find_spec("safetensors") is not None


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).data).hexdigest()  # no copy


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _header_digest(header: dict[str, Any]) -> str:
    """SHA-256 of the header's canonical JSON without its own checksum (it lists the arrays'
    digests, so it covers everything in the file)."""
    return hashlib.sha256(
        _canonical({k: v for k, v in header.items() if k != "header_sha256"})
    ).hexdigest()


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def write_file(
    path: str | os.PathLike,
    arrays: dict[str, np.ndarray],
    header: dict[str, Any],
    file_format: str | None = None,
) -> None:
    """Write arrays and a JSON header atomically.

    Everything is checked before the file is touched (names, dtypes, a JSON-able header), so a
    failed save leaves the previous file as it was.

    Args:
        file_format: "safetensors", "npz", or None for the file's suffix (.npz /
            .safetensors), else safetensors when it is installed.
    """
    suffix = Path(path).suffix
    if file_format is None and suffix in (".npz", ".safetensors"):
        file_format = suffix[1:]
    file_format = file_format or ("safetensors" if has_safetensors() else "npz")
    if file_format not in ("safetensors", "npz"):
        raise ValueError(f"{path}: file_format must be 'safetensors' or 'npz', not {file_format!r}")
    arrays = _check_names(path, arrays, npz=file_format == "npz")
    for name, array in arrays.items():
        if array.dtype.name not in DTYPES:
            raise TypeError(
                f"{path}: array {name!r} has dtype {array.dtype}; a glassnet file stores "
                f"{', '.join(sorted(DTYPES))}"
            )
        arrays[name] = array.astype(array.dtype.newbyteorder("<"), copy=False)
    reserved = {"npz": _NPZ_HEADER_KEY, "safetensors": "__metadata__"}[file_format]
    if reserved in arrays:
        raise ValueError(f"{path}: {reserved!r} is a reserved array name")
    full = {
        "format": FORMAT,
        "version": VERSION,
        **header,
        "sha256": {k: _digest(v) for k, v in arrays.items()},
        "shapes": {k: list(v.shape) for k, v in arrays.items()},
        "dtypes": {k: v.dtype.name for k, v in arrays.items()},
    }
    try:  # through JSON and back, so the checksum covers exactly what a reader will see
        full = json.loads(json.dumps(full, default=_json_default))
    except (TypeError, ValueError) as error:
        raise TypeError(f"{path}: the header cannot be saved as JSON: {error}") from None
    full["header_sha256"] = _header_digest(full)
    text = json.dumps(full)
    if file_format == "safetensors":
        try:
            from safetensors.numpy import save
        except ImportError:
            raise ImportError(
                f"{path}: the safetensors format needs: pip install 'glassnet[io]'"
            ) from None
        payload = save(arrays, metadata={FORMAT: text})
        with atomic_write(path) as f:
            f.write(payload)
    else:
        text_array = np.array(text)
        with atomic_write(path) as f:
            _write_npz(f, {**arrays, _NPZ_HEADER_KEY: text_array})


def read_file(
    path: str | os.PathLike, kind: str | None = None
) -> tuple[dict[str, np.ndarray], dict]:
    """Read and verify a file written by :func:`write_file`: (arrays, header).

    Raises:
        FileFormatError: the file is not a glassnet file of this format version, holds a
            different ``kind``, or is corrupt, truncated or edited.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if raw[:2] == b"PK":
        arrays = _read_npz(path, raw, stored_only=True)
        text_array = arrays.pop(_NPZ_HEADER_KEY, None)
        if text_array is None:
            raise FileFormatError(f"{path}: a .npz file, but not one written by glassnet")
        if text_array.dtype.kind != "U" or text_array.shape != ():
            raise FileFormatError(f"{path}: the glassnet header is not a string")
        text = str(text_array[()])
    elif len(raw) >= 9 and raw[8:9] == b"{":
        arrays, text = _read_safetensors(path, raw)
    else:
        raise FileFormatError(f"{path}: not a glassnet file (neither safetensors nor .npz)")
    header = _parse_header(path, text, kind)
    _check_arrays(path, header, arrays)
    return arrays, header


def _parse_header(path: Path, text: str, kind: str | None) -> dict[str, Any]:
    try:
        header = json.loads(text)
    except (ValueError, RecursionError):
        raise FileFormatError(f"{path}: the header is not valid JSON") from None
    if _depth(header) > MAX_HEADER_DEPTH:
        raise FileFormatError(f"{path}: the header nests deeper than {MAX_HEADER_DEPTH} levels")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise FileFormatError(f"{path}: not a glassnet file")
    version = header.get("version")
    if type(version) is not int:
        raise FileFormatError(f"{path}: the header has no valid format version ({version!r})")
    if version > VERSION:
        raise FileFormatError(
            f"{path}: format version {version!r}, but this glassnet reads version {VERSION}: "
            "upgrade glassnet to load it"
        )
    if version < VERSION:
        raise FileFormatError(
            f"{path}: format version {version}, written by a development version of glassnet "
            f"before files were fully checksummed; this glassnet reads version {VERSION}"
        )
    if header.get("header_sha256") != _header_digest(header):
        raise FileFormatError(
            f"{path}: the header was changed or damaged after saving (its checksum does not match)"
        )
    if kind is not None and header.get("kind") != kind:
        raise FileFormatError(f"{path}: holds a {header.get('kind')!r}, not a {kind!r}")
    return header


def _depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_HEADER_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _check_arrays(path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """The stored arrays are exactly those the header lists, of its dtypes, shapes, digests."""
    listed: dict[str, Any] = {}
    for field in ("sha256", "shapes", "dtypes"):
        listed[field] = header.get(field)
        if not isinstance(listed[field], dict) or set(listed[field]) != set(arrays):
            raise FileFormatError(
                f"{path}: the arrays listed in the header ({field}) and those stored differ"
            )
    for name, array in arrays.items():
        dtype, shape = listed["dtypes"][name], listed["shapes"][name]
        if dtype != array.dtype.name:
            raise FileFormatError(
                f"{path}: array {name!r} is stored as {array.dtype.name}, but the header says "
                f"{dtype!r}"
            )
        if shape != list(array.shape) and not (shape == [] and array.shape == (1,)):
            raise FileFormatError(
                f"{path}: array {name!r} is stored with shape {array.shape}, but the header "
                f"says {shape!r}"
            )
        if _digest(array) != listed["sha256"][name]:
            raise FileFormatError(
                f"{path}: array {name!r} is corrupt (its checksum does not match)"
            )
        arrays[name] = array.reshape(()) if shape == [] else array


def _read_safetensors(path: Path, raw: bytes) -> tuple[dict[str, np.ndarray], str]:
    """The arrays and the glassnet header of a safetensors file, every tensor's dtype, shape
    and byte range checked against the file before any array is made."""
    (length,) = struct.unpack("<Q", raw[:8])
    if length > MAX_HEADER_BYTES:
        raise FileFormatError(f"{path}: corrupt safetensors header (it claims {length} bytes)")
    if 8 + length > len(raw):
        raise FileFormatError(
            f"{path}: truncated (the header says {length} bytes, the file is shorter)"
        )
    try:
        table = json.loads(raw[8 : 8 + length].decode("utf-8"))
    except (ValueError, RecursionError):
        raise FileFormatError(f"{path}: corrupt safetensors header") from None
    if not isinstance(table, dict):
        raise FileFormatError(f"{path}: corrupt safetensors header")
    metadata = table.pop("__metadata__", None)
    if not isinstance(metadata, dict) or not isinstance(metadata.get(FORMAT), str):
        raise FileFormatError(f"{path}: a safetensors file, but not one written by glassnet")
    start, size = 8 + length, len(raw) - 8 - length
    spans = []
    for name, entry in table.items():
        dtype, shape, begin, end = _tensor_entry(path, name, entry, size)
        spans.append((begin, end, name, dtype, shape))
    position = 0
    for begin, end, name, _, _ in sorted(spans):
        if begin != position:
            raise FileFormatError(
                f"{path}: corrupt safetensors data (tensor {name!r} starts at byte {begin}, "
                f"expected {position})"
            )
        position = end
    if position != size:
        raise FileFormatError(
            f"{path}: truncated or overlong safetensors data ({size} bytes after the header, "
            f"the tensors take {position})"
        )
    arrays = {}
    for begin, end, name, dtype, shape in spans:
        count = (end - begin) // dtype.itemsize
        data = np.frombuffer(raw, dtype=dtype, count=count, offset=start + begin)
        arrays[name] = data.reshape(shape).copy()
    return arrays, metadata[FORMAT]


def _tensor_entry(path: Path, name: str, entry: Any, size: int) -> tuple[np.dtype, list, int, int]:
    problem = None
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        problem = "is not a tensor description"
    elif not isinstance(entry["dtype"], str) or entry["dtype"] not in _SAFETENSORS_DTYPES:
        problem = f"has the unsupported dtype {entry['dtype']!r}"
    elif not _is_shape(entry["shape"]):
        problem = f"has the invalid shape {entry['shape']!r}"
    elif not (
        isinstance(entry["data_offsets"], list)
        and len(entry["data_offsets"]) == 2
        and all(type(o) is int for o in entry["data_offsets"])
        and 0 <= entry["data_offsets"][0] <= entry["data_offsets"][1] <= size
    ):
        problem = f"has byte offsets {entry['data_offsets']!r} outside the file's {size} bytes"
    if problem is None:
        dtype = np.dtype(_SAFETENSORS_DTYPES[entry["dtype"]]).newbyteorder("<")
        begin, end = entry["data_offsets"]
        if math.prod(entry["shape"]) * dtype.itemsize != end - begin:
            problem = (
                f"of shape {entry['shape']} and dtype {dtype.name} does not fit its "
                f"{end - begin} bytes"
            )
        else:
            return dtype, entry["shape"], begin, end
    raise FileFormatError(f"{path}: corrupt safetensors header: tensor {name!r} {problem}")


def _is_shape(shape: Any) -> bool:
    return (
        isinstance(shape, list)
        and len(shape) <= 32
        and all(type(d) is int and 0 <= d < 2**62 for d in shape)
    )


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
    """The model a :func:`describe` description stands for, freshly initialised.

    Raises:
        FileFormatError: the description is malformed, names an unknown layer type, or a
            layer's constructor refuses its settings.

    Examples:
        >>> from glassnet import nn
        >>> build(describe(nn.Sequential(nn.Linear(2, 3), nn.ReLU())))
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
    """
    return _Builder("the saved architecture", None).build(description)


class _Builder:
    """Builds a description layer by layer, keeping count of the bytes the layers allocate."""

    def __init__(self, where: str, max_bytes: int | None) -> None:
        self.where = where
        self.max_bytes = max_bytes
        self.seen: set[int] = set()
        self.total = 0

    def fail(self, problem: str) -> FileFormatError:
        return FileFormatError(f"{self.where}: {problem}")

    def build(self, description: Any) -> Any:
        from glassnet.nn.module import Module  # here: nn is built on the core, io on nn

        if (
            not isinstance(description, dict)
            or set(description) != {"type", "config"}
            or not isinstance(description["config"], dict)
        ):
            raise self.fail(f"malformed layer description {_short(description)}")
        kind = description["type"]
        cls = Module.find_type(kind) if isinstance(kind, str) else None
        if cls is None:
            raise self.fail(
                f"unknown layer type {_short(kind)} in the saved architecture (a layer class of "
                "your own must be defined, i.e. imported, before loading)"
            )
        config = {k: self.decode(v) for k, v in description["config"].items()}
        try:
            module = cls.from_config(config)
        except Exception as error:  # a constructor given settings it refuses, in any way
            raise self.fail(
                f"the saved architecture cannot be built: {kind}({_short(description['config'])})"
                f" raised {type(error).__name__}: {error}"
            ) from error
        if not isinstance(module, Module):
            raise self.fail(f"{kind}.from_config returned a {type(module).__name__}")
        self.count(module)
        return module

    def decode(self, value: Any) -> Any:
        if isinstance(value, dict) and "module" in value:
            if set(value) != {"module"}:
                raise self.fail(f"malformed nested layer {_short(value)}")
            return self.build(value["module"])
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        return value

    def count(self, module: Any) -> None:
        arrays = [p.data for p in module.parameters()]
        arrays += [np.asarray(b) for _, b in module.named_buffers()]
        for array in arrays:
            if id(array) not in self.seen:
                self.seen.add(id(array))
                self.total += array.nbytes
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise self.fail(
                f"the saved architecture allocates more than {self.total} bytes, far more than "
                f"the file's weights: refusing to build it"
            )


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_description_size(path: Path, description: Any, stored: int, tensors: int) -> None:
    """Refuse, before building, an architecture that asks for far more than the file holds.

    No table of layers: for each layer the product of the integers (>= 2) in its own settings
    bounds what it can ask for (Linear(in, out): in * out; Embedding(n, d): n * d), and the sum
    over layers may not exceed a few times the ``stored`` number of weights; the number of
    layers may not exceed 1000 plus four per stored tensor. A ``dtype`` setting must name a
    numeric dtype.
    """
    limit = 4 * stored + _SPARE_WEIGHTS
    max_layers = 1000 + 4 * tensors
    total = layers = 0
    stack = [description]
    while stack:
        layer = stack.pop()
        if not isinstance(layer, dict) or not isinstance(layer.get("config"), dict):
            return  # malformed: the builder says how
        layers += 1
        if layers > max_layers:
            raise FileFormatError(
                f"{path}: the saved architecture has more than {max_layers} layers for "
                f"{tensors} stored tensors: it was edited or damaged; refusing to build it"
            )
        product = 1
        values = list(layer["config"].items())
        while values:
            key, value = values.pop()
            if isinstance(value, dict) and set(value) == {"module"}:
                stack.append(value["module"])
            elif isinstance(value, dict):
                values.extend(value.items())
            elif isinstance(value, list):
                values.extend((key, v) for v in value)
            elif type(value) is int and value >= 2:
                product = min(product * value, limit + 1)
            elif key == "dtype" and value is not None:
                _check_dtype_setting(path, layer.get("type"), value)
        total += product
        if total > limit:
            raise FileFormatError(
                f"{path}: the saved architecture asks for more than {limit} weights (layer "
                f"{_short(layer.get('type'))} alone for "
                f"{'more than that' if product > limit else product}), but the file holds "
                f"{stored}: it was edited or damaged; refusing to build it"
            )


def _check_dtype_setting(path: Path, layer: Any, value: Any, kinds: str = "biuf") -> None:
    try:
        dtype = np.dtype(value)
    except Exception:
        dtype = None
    if dtype is None or dtype.kind not in kinds or dtype.itemsize > 8:
        raise FileFormatError(
            f"{path}: the saved architecture gives layer {_short(layer)} the dtype "
            f"{_short(value)}, not a {'float' if kinds == 'f' else 'numeric'} dtype"
        )


# --------------------------------------------------------------------------- models
def save(
    model: Any,
    path: str | os.PathLike,
    extra: dict[str, Any] | None = None,
    file_format: str | None = None,
) -> None:
    """Save a model's weights, buffers and architecture to one file, atomically.

    Args:
        model: a Module. Models made of library layers can later be loaded without code;
            others are saved too, and load into an instance with ``gn.load(path, model=...)``.
        extra: JSON-able information to keep beside the model (read back with ``with_extra``).
        file_format: "safetensors" (default when the ``io`` extra is installed) or "npz".
    """
    if extra is not None:
        _check_extra(path, extra)
    dtypes = {str(p.dtype) for p in model.parameters()}
    header = {
        "kind": "model",
        "model": describe(model),
        "dtype": dtypes.pop() if len(dtypes) == 1 else None,
        "extra": extra or {},
    }
    write_file(path, model.state_dict(), header, file_format)


def _check_extra(path: Any, extra: Any) -> None:
    """``extra`` comes back as saved: a dict whose dicts have string keys (JSON turns 1 into
    "1", so {1: ..., "1": ...} would lose a value)."""
    if not isinstance(extra, dict):
        raise TypeError(f"{path}: extra must be a dict, not {type(extra).__name__}")
    stack: list[Any] = [extra]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            keys = [k for k in value if not isinstance(k, str)]
            if keys:
                raise TypeError(
                    f"{path}: extra's dict keys must be strings (JSON has no others), got "
                    f"{_short(keys[0])}"
                )
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)


def load(path: str | os.PathLike, model: Any = None, with_extra: bool = False) -> Any:
    """Load a model saved by :func:`save`.

    Args:
        model: an instance to load the weights into (needed for models with custom layers);
            by default the model is rebuilt from the architecture stored in the file.
        with_extra: also return the ``extra`` dict given to :func:`save`.

    Nothing is changed unless every tensor matches the model by name, shape and kind of dtype:
    a mismatch is a clear error, never a half-loaded model. A rebuilt model takes the stored
    dtypes; an instance keeps its own float precision.

    Raises:
        FileFormatError: the file is malformed, edited or does not fit the model.
    """
    path = Path(path)
    arrays, header = read_file(path, kind="model")
    extra = header.get("extra", {})
    if not isinstance(extra, dict):
        raise FileFormatError(f"{path}: the header's 'extra' is not a dict")
    rebuilt = model is None
    if rebuilt:
        description = header.get("model")
        if description is None:
            raise FileFormatError(
                f"{path}: the model has layers glassnet cannot rebuild by itself; pass an "
                "instance: gn.load(path, model=MyModel())"
            )
        stored = sum(a.size for a in arrays.values())
        _check_description_size(path, description, stored, len(arrays))
        max_bytes = 2 * sum(a.nbytes for a in arrays.values()) + 4 * _SPARE_WEIGHTS
        model = _Builder(str(path), max_bytes).build(description)
        dtype = header.get("dtype")
        if dtype is not None:
            _check_dtype_setting(path, "(the whole model)", dtype, kinds="f")
            model.to(dtype)
    _check_fits(path, model, arrays, exact_dtypes=rebuilt)
    try:
        model.load_state_dict(arrays)
    except (KeyError, ValueError) as error:
        raise FileFormatError(
            f"{path}: the saved tensors do not match the model: {error}"
        ) from None
    return (model, extra) if with_extra else model


def _check_fits(path: Path, model: Any, arrays: dict[str, np.ndarray], exact_dtypes: bool) -> None:
    """Every stored tensor fits the model's tensor of that name: shape, and the kind of dtype
    (a rebuilt model's parameters take the stored float dtype; an instance keeps its own)."""
    targets = {name: p for name, p in model.named_parameters()}
    buffers = dict(model.named_buffers())
    for name in [*targets, *buffers]:  # in the model's order
        array = arrays.get(name)
        if array is None:
            continue  # load_state_dict names every missing and unexpected key
        current = np.asarray(targets[name].data if name in targets else buffers[name])
        if current.shape != array.shape:
            raise FileFormatError(
                f"{path}: the saved tensors do not match the model: {name!r} has shape "
                f"{array.shape} in the file but {current.shape} in the model"
            )
        if current.dtype == array.dtype:
            continue
        if current.dtype.kind != array.dtype.kind or current.dtype.kind != "f":
            raise FileFormatError(
                f"{path}: the saved tensors do not match the model: {name!r} is {array.dtype} "
                f"in the file but {current.dtype} in the model"
            )
        if exact_dtypes and name in targets:
            targets[name].data = targets[name].data.astype(array.dtype)
