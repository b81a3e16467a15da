"""Training checkpoints: everything a killed run needs to continue exactly where it stopped.

A checkpoint is written at the end of every epoch (atomically, so a crash mid-write leaves the
previous one). It holds the model, the optimizer's state, the callbacks' state (early
stopping's best weights, a schedule's position), the history, the number of epochs done and
the state of every random generator involved: the data order, the global generator, and
generators owned by layers such as Dropout. Restoring all of it makes a resumed run continue
bit for bit like an uninterrupted one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import rng as global_rng
from glassnet.io import has_safetensors, read_file, write_file


def checkpoint_path(folder: str | os.PathLike) -> Path:
    """The checkpoint file in ``folder`` (an existing one of either format, else a new name)."""
    folder = Path(folder)
    for name in ("checkpoint.safetensors", "checkpoint.npz"):
        if (folder / name).exists():
            return folder / name
    return folder / ("checkpoint.safetensors" if has_safetensors() else "checkpoint.npz")


def _split(value: Any, prefix: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-able structure with each array replaced by a reference into ``arrays``."""
    if isinstance(value, np.ndarray):
        arrays[prefix] = value
        return {"__array__": prefix}
    if isinstance(value, dict):
        return {str(k): _split(v, f"{prefix}/{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split(v, f"{prefix}/{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _join(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        return {k: _join(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays) for v in value]
    return value


def _generators(trainer: Any, loader_rng: np.random.Generator) -> dict[str, np.random.Generator]:
    found = {"global": global_rng.get_rng(None), "loader": loader_rng}
    for name, module in trainer.model.named_modules():
        generator = module.__dict__.get("_rng")
        if isinstance(generator, np.random.Generator):
            found[f"module:{name}"] = generator
    return found


def save_checkpoint(
    path: Path, trainer: Any, callbacks: list, loader_rng: Any, epochs_done: int
) -> None:
    arrays: dict[str, np.ndarray] = {}
    state = {
        "model": _split(trainer.model.state_dict(), "model", arrays),
        "optimizer": _split(trainer.optimizer.state_dict(), "optimizer", arrays),
        "callbacks": [
            _split(c.state_dict(), f"callbacks/{i}", arrays) for i, c in enumerate(callbacks)
        ],
        "rng": {
            name: g.bit_generator.state for name, g in _generators(trainer, loader_rng).items()
        },
        "history": {"history": trainer.history.history, "epoch": trainer.history.epoch},
        "epochs_done": epochs_done,
        "stop_training": trainer.stop_training,
    }
    write_file(path, arrays, {"kind": "checkpoint", "state": state})


def restore_checkpoint(path: Path, trainer: Any, callbacks: list, loader_rng: Any) -> int:
    """Load a checkpoint into the trainer; returns the number of epochs already done."""
    arrays, header = read_file(path, kind="checkpoint")
    state = header["state"]
    if len(state["callbacks"]) != len(callbacks):
        raise ValueError(
            f"{path}: saved with {len(state['callbacks'])} callbacks, resumed with {len(callbacks)}"
        )
    trainer.model.load_state_dict(_join(state["model"], arrays))
    trainer.optimizer.load_state_dict(_join(state["optimizer"], arrays))
    for callback, saved in zip(callbacks, state["callbacks"]):
        callback.load_state_dict(_join(saved, arrays))
    generators = _generators(trainer, loader_rng)
    for name, saved in state["rng"].items():
        if name in generators:
            generators[name].bit_generator.state = saved
    trainer.history.history = state["history"]["history"]
    trainer.history.epoch = state["history"]["epoch"]
    trainer.stop_training = state["stop_training"]
    return int(state["epochs_done"])
