"""``glassnet data``: what the data folder holds (each dataset's folder, size, whether it is
complete), and ``--fetch NAME`` to download a dataset ahead of time."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from glassnet.cli.checks import UsageError
from glassnet.data.datasets.download import DATA_VARIABLE, cache_dir
from glassnet.data.datasets.mnist import IDX_SETS, fetch


def _size(nbytes: int) -> str:
    """``11.6 MB``: bytes for people."""
    value = float(nbytes)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def data(args: argparse.Namespace) -> int:
    if args.data_dir is not None and not Path(args.data_dir).expanduser().is_dir():
        raise UsageError(f"--data-dir {args.data_dir}: no such folder")
    base = cache_dir(args.data_dir)
    for name in args.fetch or []:
        key = name.strip().lower().replace("_", "-")
        if key not in IDX_SETS:
            raise UsageError(
                f"--fetch {name}: glassnet downloads {', '.join(IDX_SETS)}; scikit-learn's sets "
                "come with scikit-learn and the synthetic ones are generated"
            )
    for name in args.fetch or []:
        key = name.strip().lower().replace("_", "-")
        folder = fetch(key, args.data_dir)
        print(f"{key}: ready in {folder}")
    if args.data_dir is not None:
        source = "from --data-dir"
    elif os.environ.get(DATA_VARIABLE):
        source = f"from ${DATA_VARIABLE}"
    else:
        source = f"the default; --data-dir or ${DATA_VARIABLE} choose another"
    print(f"data folder: {base} ({source})")
    folders = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    known = {folder for spec in IDX_SETS.values() for folder in spec.names}
    for key, spec in IDX_SETS.items():
        folder = spec.folder(args.data_dir)
        present = [f for f in spec.files if (folder / f).exists() or (folder / f[:-3]).exists()]
        if not present:
            print(f"  {key:<16} not downloaded ('glassnet data --fetch {key}')")
            continue
        state = (
            "complete"
            if len(present) == len(spec.files)
            else (f"incomplete: {len(present)} of {len(spec.files)} files")
        )
        total = sum(p.stat().st_size for p in _files(folder))
        print(f"  {key:<16} {_size(total):>9}  {folder}  ({state})")
    for folder in folders:
        if folder.name in known:
            continue
        files = _files(folder)
        total = sum(p.stat().st_size for p in files)
        count = f"{len(files)} file" + "s" * (len(files) != 1)
        print(f"  {folder.name:<16} {_size(total):>9}  {folder}  ({count})")
    return 0
