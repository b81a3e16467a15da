"""The command line's argument checks: every user error is found here, before any training, and
becomes one line on stderr with exit code 2."""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glassnet.cli.datasets import DATASETS, IDX_DATASETS
from glassnet.io import has_safetensors
from glassnet.train.checkpoint import checkpoint_path


class UsageError(ValueError):
    """A bad command-line argument: reported in one line, exit code 2."""


MAX_WIDTH = 1 << 16  # a hidden layer wider than this is a typo, not a model


def _parse_hidden(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes sizes like 256,128, not {text!r}"
        ) from None
    if any(not 0 < s <= MAX_WIDTH for s in sizes):
        raise argparse.ArgumentTypeError(
            f"--hidden sizes must be between 1 and {MAX_WIDTH}, got {text!r}"
        )
    return sizes


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction like 0.1, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _writable_file(option: str, text: str) -> Path:
    """A file path that can be written later (its folder exists or can be created, and is
    writable), checked now so that a long run does not fail at its end."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise UsageError(f"{option} {text}: is a folder; give a file name")
    _writable_folder(option, text, path.parent)
    return path


def _writable_folder(option: str, text: str, folder: Path) -> None:
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise UsageError(f"{option} {text}: {existing} is a file, not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".glassnet-probe-"):
            pass
    except OSError as error:
        raise UsageError(
            f"{option} {text}: cannot write in {existing} ({error.strerror or error})"
        ) from None


def _check_data_dir(data_dir: str | None, dataset: str) -> None:
    """--data-dir only for the datasets read from files, and a folder that exists (a typo
    would otherwise become a new folder that the download fills)."""
    if data_dir is None:
        return
    if dataset not in IDX_DATASETS:
        raise UsageError(f"--data-dir applies to {' and '.join(IDX_DATASETS)}, not {dataset}")
    if not Path(data_dir).expanduser().is_dir():
        raise UsageError(
            f"--data-dir {data_dir}: no such folder (create it to download the files into it)"
        )


def _resolve_defaults(args: argparse.Namespace) -> None:
    """Fill the options left out with the dataset's defaults (``glassnet train --help``)."""
    if args.model is None:
        args.model = "mlp"
    elif args.model != "mlp" and args.hidden is not None:
        raise UsageError(f"--hidden applies to --model mlp, not {args.model} (try mlp:256,128)")
    if args.model.endswith(".py") and not Path(args.model).expanduser().is_file():
        raise UsageError(f"--model {args.model}: no such file")
    spec = DATASETS[args.dataset]
    if args.epochs is None and args.model != "mlp":
        from glassnet.cli.models import CNN_EPOCHS

        args.epochs = CNN_EPOCHS.get(args.dataset)
    for name in ("hidden", "lr", "epochs", "batch_size", "validation_split", "patience"):
        if getattr(args, name) is None:
            setattr(args, name, getattr(spec, name))
    if args.plot == "":  # --plot without a path
        args.plot = f"{args.dataset}-curves.png"


def _check_plot_format(text: str) -> None:
    """The image format matplotlib will pick from the file's suffix (png without one)."""
    from matplotlib.figure import Figure

    suffix = Path(text).suffix.lstrip(".").lower()
    formats = Figure().canvas.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise UsageError(
            f"--plot {text}: matplotlib cannot write .{suffix} files; use one of "
            f"{', '.join(sorted(formats))}"
        )


def _check_train_arguments(args: argparse.Namespace) -> None:
    """Everything about the arguments that can fail, checked before any data is loaded."""
    _resolve_defaults(args)
    _check_data_dir(args.data_dir, args.dataset)
    if args.save:
        args.save = str(_writable_file("--save", args.save))
        if Path(args.save).suffix == ".safetensors" and not has_safetensors():
            raise UsageError(
                f"--save {args.save}: the safetensors format needs pip install 'glassnet[io]' "
                "(or save to a .npz file)"
            )
    if args.plot:
        args.plot = str(_writable_file("--plot", args.plot))
        if importlib.util.find_spec("matplotlib") is None:
            raise UsageError("--plot needs matplotlib: pip install 'glassnet[viz]'")
        _check_plot_format(args.plot)
    if args.checkpoint_dir is None:
        for flag, value in (("--resume", args.resume), ("--overwrite", args.overwrite)):
            if value:
                raise UsageError(f"{flag} needs --checkpoint-dir")
        return
    folder = Path(args.checkpoint_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--checkpoint-dir {args.checkpoint_dir}: is a file, not a folder")
    _writable_folder("--checkpoint-dir", args.checkpoint_dir, folder)
    if checkpoint_path(folder).exists() and not (args.resume or args.overwrite):
        raise UsageError(
            f"--checkpoint-dir {args.checkpoint_dir} holds the checkpoint of an earlier run: "
            "add --resume to continue it or --overwrite to start over"
        )
    if args.resume:
        _check_same_run(args, folder)


#: What a resumed run must share with the run it continues (--epochs may grow).
RUN_OPTIONS = (
    *("dataset", "model", "hidden", "activation", "optimizer", "lr", "batch_size", "seed"),
    "validation_split",
)


RUN_FILE = "glassnet-run.json"


def _run_options(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in RUN_OPTIONS}


def _check_same_run(args: argparse.Namespace, folder: Path) -> None:
    """Refuse to resume a checkpoint with other options than the run that wrote it: a
    different model would not load, and a different --lr or --batch-size would be silently
    replaced by, or mixed with, the saved run's."""
    try:
        saved = json.loads((folder / RUN_FILE).read_text())
    except (OSError, ValueError):
        return  # a checkpoint written by fit(checkpoint_dir=...) itself
    current = _run_options(args)
    differing = [n for n in RUN_OPTIONS if n in saved and saved[n] != current[n]]
    if differing:
        shown = ", ".join(f"--{n.replace('_', '-')} {_shown(saved[n])}" for n in differing)
        raise UsageError(
            f"--resume: the checkpoint in {args.checkpoint_dir} was written with {shown}; "
            "resume with the same options, or start over with --overwrite"
        )


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "''"
    return str(value)
