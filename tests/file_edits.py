"""Edit saved glassnet files the way a careless tool or a hostile sender would: the JSON header
(with or without fixing its checksum afterwards), the safetensors tensor table, raw bytes.

Independent of glassnet.io's reader (only ``json``, ``struct``, ``zipfile`` and NumPy's .npy
writer), so the tests check io.py against another reading of the formats.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

NPZ_HEADER = "__glassnet__.npy"


def split_safetensors(raw: bytes) -> tuple[dict, bytes]:
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + length]), raw[8 + length :]


def join_safetensors(table: dict, data: bytes) -> bytes:
    text = json.dumps(table).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def resign(header: dict) -> dict:
    """The header with ``header_sha256`` recomputed, as a forger would (canonical JSON)."""
    body = {k: v for k, v in header.items() if k != "header_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return {**body, "header_sha256": hashlib.sha256(text.encode()).hexdigest()}


def read_header(path: Path) -> dict:
    raw = path.read_bytes()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            member = io.BytesIO(archive.read(NPZ_HEADER))
        return json.loads(str(np.lib.format.read_array(member, allow_pickle=False)[()]))
    table, _ = split_safetensors(raw)
    return json.loads(table["__metadata__"]["glassnet"])


def edit_header_text(path: Path, edit: Callable[[str], str]) -> None:
    """Replace the glassnet header's JSON text by ``edit(text)``, leaving everything else."""
    raw = path.read_bytes()
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        text = str(np.lib.format.read_array(io.BytesIO(members[NPZ_HEADER]))[()])
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, np.array(edit(text)), allow_pickle=False)
        members[NPZ_HEADER] = buffer.getvalue()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        path.write_bytes(out.getvalue())
    else:
        table, data = split_safetensors(raw)
        table["__metadata__"]["glassnet"] = edit(table["__metadata__"]["glassnet"])
        path.write_bytes(join_safetensors(table, data))


def edit_header(path: Path, edit: Callable[[dict], Any], sign: bool = False) -> None:
    """Apply ``edit`` to the parsed header (in place, or return a replacement) and write it
    back; ``sign``: recompute the header checksum so only deeper checks can catch the edit."""

    def change(text: str) -> str:
        header = json.loads(text)
        result = edit(header)
        header = header if result is None else result
        if sign and isinstance(header, dict):
            header = resign(header)
        return json.dumps(header)

    edit_header_text(path, change)


def edit_tensor_table(path: Path, edit: Callable[[dict], None]) -> None:
    """Change a safetensors file's own tensor table (dtype, shape, data_offsets)."""
    table, data = split_safetensors(path.read_bytes())
    edit(table)
    path.write_bytes(join_safetensors(table, data))
