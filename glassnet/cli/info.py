"""``glassnet info``: the installation (versions, optional extras, the data folder), or with a
model file, what that model is: its layers, the data it was trained on, its metrics and whether
the file's checksums match."""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import platform
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__, data
from glassnet.cli.checks import UsageError
from glassnet.io import FileFormatError, load

EXTRAS = {
    "scipy": "all",
    "sklearn": "datasets",
    "matplotlib": "viz",
    "graphviz": "viz",
    "safetensors": "io",
    "onnx": "onnx",
    "onnxruntime": "onnx",
}


def info(args: argparse.Namespace) -> int:
    if args.model is not None:
        return model_info(Path(args.model))
    print(f"glassnet {__version__} (Python {platform.python_version()}, NumPy {np.__version__})")
    print("optional extras:")
    for module, extra in EXTRAS.items():
        if importlib.util.find_spec(module) is None:
            print(f"  {module:<12} not installed (pip install 'glassnet[{extra}]')")
        else:
            name = "scikit-learn" if module == "sklearn" else module
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "installed"
            print(f"  {module:<12} {version}")
    print(f"  {'dot':<12} {shutil.which('dot') or 'not found (graph pictures need graphviz)'}")
    print(f"datasets are kept in {data.datasets.cache_dir()} ('glassnet data' lists them)")
    return 0


def model_info(path: Path) -> int:
    """Print what a saved model is; exit code 1 when its checksums do not match."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder, not a model file")
    print(f"{path} ({path.stat().st_size:,} bytes)")
    try:
        model, extra = load(path, with_extra=True)
    except FileFormatError as error:
        message = " ".join(str(error).split())
        print(f"checksums: FAILED, the file cannot be trusted: {message}")
        return 1
    print("checksums: OK (the header and every tensor match their SHA-256 sums)")
    summary = getattr(model, "summary", None)
    print(summary() if callable(summary) else repr(model))
    for line in _described(extra):
        print(line)
    return 0


def _described(extra: dict[str, Any]) -> list[str]:
    """What ``glassnet train --save`` recorded; a file saved otherwise shows its extra keys."""
    described = extra.get("data")
    if not isinstance(described, dict):
        keys = ", ".join(sorted(extra)) or "nothing"
        return [f"trained on: not recorded (extra data in the file: {keys})"]
    shape = f"{described.get('features')} features"
    if described.get("classes"):
        shape += f", {described['classes']} classes"
    lines = [f"trained on: {described.get('name')} ({shape})"]
    training = extra.get("training")
    if isinstance(training, dict):
        held = training.get("validation_split") or 0
        lines.append(
            f"  {training.get('training_samples')} training samples ({held:.0%} of them held "
            f"out for validation), {training.get('test_samples')} test samples"
        )
        scores = training.get("test") or {}
        shown = ", ".join(f"{k} {v:.4f}" for k, v in scores.items())
        lines.append(f"metrics: {training.get('epochs')} epochs; test {shown}")
    else:
        lines.append("metrics: not recorded")
    config = extra.get("config")
    if isinstance(config, dict):
        hidden = ",".join(str(h) for h in config.get("hidden", [])) or "''"
        lines.append(
            f"rebuild: glassnet train --dataset {config.get('dataset')} --hidden {hidden} "
            f"--activation {config.get('activation')} --seed {config.get('seed')}"
        )
    return lines
