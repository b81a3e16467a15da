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
  [FileFormatError][glassnet.io.FileFormatError] naming the file and what is wrong.
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

from glassnet.errors import FileFormatError
from glassnet.io.architecture import build, describe
from glassnet.io.arrays import load_arrays, save_arrays
from glassnet.io.atomic import atomic_write, remove_stale_temporaries
from glassnet.io.container import (
    DTYPES,
    FORMAT,
    MAX_HEADER_BYTES,
    MAX_HEADER_DEPTH,
    VERSION,
    has_safetensors,
    read_file,
    write_file,
)
from glassnet.io.models import load, save

__all__ = [
    "DTYPES",
    "FORMAT",
    "MAX_HEADER_BYTES",
    "MAX_HEADER_DEPTH",
    "VERSION",
    "FileFormatError",
    "atomic_write",
    "build",
    "describe",
    "has_safetensors",
    "load",
    "load_arrays",
    "read_file",
    "remove_stale_temporaries",
    "save",
    "save_arrays",
    "write_file",
]
