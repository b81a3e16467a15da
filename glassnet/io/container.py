"""The glassnet file: named arrays plus a JSON header (format, version, each array's dtype,
shape and SHA-256, and a SHA-256 of the header itself), as safetensors or ``.npz``."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.errors import FileFormatError
from glassnet.io.arrays import _check_names, _read_bytes, _read_npz, _write_npz
from glassnet.io.atomic import atomic_write

FORMAT = "glassnet"


#: Version 2 added ``dtypes`` and ``header_sha256``; files of version 1 are refused.
#: Version 3: ``nn.Linear.weight`` is stored as (out_features, in_features), PyTorch's layout,
#: and ``nn.Dense`` holds ``kernel``/``bias`` (version 2: ``linear.weight``/``linear.bias``,
#: Linear weights as (in, out)). ``gn.load`` converts a version-2 model file as it reads it
#: (``glassnet.io.upgrade``); other readers ask for version 3.
VERSION = 3


_NPZ_HEADER_KEY = "__glassnet__"


#: The longest JSON header read (safetensors' own limit).
MAX_HEADER_BYTES = 100 * 2**20


#: How deeply a header's JSON may nest (a saved architecture nests 4 levels per module).
MAX_HEADER_DEPTH = 100


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
    path: str | os.PathLike, kind: str | None = None, oldest: int = VERSION
) -> tuple[dict[str, np.ndarray], dict]:
    """Read and verify a file written by [write_file][glassnet.io.container.write_file]:
    (arrays, header).

    Args:
        kind: the ``kind`` the header must name ("model", "checkpoint"), or None for any.
        oldest: the oldest format version the caller can convert (the header's ``version``
            says which it got); older files are refused.

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
    header = _parse_header(path, text, kind, oldest)
    _check_arrays(path, header, arrays)
    return arrays, header


def _parse_header(path: Path, text: str, kind: str | None, oldest: int) -> dict[str, Any]:
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
    if version < 2:
        raise FileFormatError(
            f"{path}: format version {version}, written by a development version of glassnet "
            f"before files were fully checksummed; this glassnet reads version {VERSION}"
        )
    if version < oldest:
        raise FileFormatError(
            f"{path}: format version {version} (before nn.Linear took PyTorch's (out, in) "
            f"layout) holds a {header.get('kind')!r}, which this glassnet cannot convert; it "
            f"reads version {VERSION} (gn.load converts version-2 model files)"
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
