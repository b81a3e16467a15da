"""Training checkpoints: everything a killed run needs to continue exactly where it stopped.

A checkpoint is written at the end of every epoch (atomically, so a crash mid-write leaves the
previous one). It holds the model, the optimizer's state, the callbacks' state (early
stopping's best weights, a schedule's position), the history, the number of epochs done and
the state of every random generator involved: the data order, the global generator, and
generators owned by layers such as Dropout. Restoring all of it makes a resumed run continue
bit for bit like an uninterrupted one.

A checkpoint also records what wrote it: the model's parameter names and shapes, the
optimizer's class and the parameters it updates, the callbacks' classes. Resuming with a
different model, optimizer or callbacks is an error naming both sides, never a silent merge,
and a checkpoint that does not fit changes nothing: the run is left as it was.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import rng as global_rng
from glassnet.io import FileFormatError, has_safetensors, read_file, write_file


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
        name, n = prefix, 1
        while name in arrays:  # "a/b" as a key and as a path must not overwrite each other
            name, n = f"{prefix}#{n}", n + 1
        arrays[name] = value
        return {"__array__": name}
    if isinstance(value, dict):
        return {str(k): _split(v, f"{prefix}/{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split(v, f"{prefix}/{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _join(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The structure ``_split`` made, each array a fresh copy (KeyError: a missing array)."""
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]].copy()
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


def _optimizer_parameters(trainer: Any) -> list[Any]:
    return [p for group in trainer.optimizer.param_groups for p in group["params"]]


def _setup(trainer: Any, callbacks: list) -> dict[str, Any]:
    """What a run is made of, as a checkpoint records it: model parameters (names, shapes),
    optimizer class and the parameters it updates (by model name), callback classes."""
    names = {id(p): name for name, p in trainer.model.named_parameters()}
    return {
        "model": [[name, list(p.shape)] for name, p in trainer.model.named_parameters()],
        "optimizer": type(trainer.optimizer).__name__,
        "optimizer_parameters": [
            [names.get(id(p), "?"), list(p.shape)] for p in _optimizer_parameters(trainer)
        ],
        "callbacks": [type(c).__name__ for c in callbacks],
    }


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
        "rng": {  # through _split: MT19937's state holds an array
            name: _split(g.bit_generator.state, f"rng/{name}", arrays)
            for name, g in _generators(trainer, loader_rng).items()
        },
        "history": {"history": trainer.history.history, "epoch": trainer.history.epoch},
        "epochs_done": epochs_done,
        "stop_training": trainer.stop_training,
    }
    header = {"kind": "checkpoint", "setup": _setup(trainer, callbacks), "state": state}
    write_file(path, arrays, header)


def restore_checkpoint(path: Path, trainer: Any, callbacks: list, loader_rng: Any) -> int:
    """Load a checkpoint into the trainer; returns the number of epochs already done.

    Everything is checked before anything changes; if applying still fails (a callback
    refusing its state), the trainer, callbacks and generators are put back as they were.

    Raises:
        FileFormatError: the file is malformed, edited or damaged, or was written by a
            different model, optimizer or callbacks (the message names both sides), as
            ``gn.load`` raises it for tensors that do not fit the model.
    """
    arrays, header = read_file(path, kind="checkpoint")
    _check_setup(path, header.get("setup"), _setup(trainer, callbacks))
    try:
        saved = _Saved(header["state"], arrays)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise FileFormatError(
            f"{path}: malformed checkpoint state ({type(error).__name__}: {error})"
        ) from None
    generators = _generators(trainer, loader_rng)
    saved.expected_callbacks = len(callbacks)
    saved.check(path, trainer, generators)
    before = _Snapshot(trainer, callbacks, generators)
    try:
        before.started("model")
        trainer.model.load_state_dict(saved.model)
        before.started("optimizer")
        trainer.optimizer.load_state_dict(saved.optimizer)
        for index, (callback, state) in enumerate(zip(callbacks, saved.callbacks)):
            before.started(index)
            callback.load_state_dict(state)
        before.started("rng")
        for name, state in saved.rng.items():
            generators[name].bit_generator.state = state
    except Exception as error:
        before.restore()
        raise FileFormatError(
            f"{path}: the checkpoint's state does not fit this run ({type(error).__name__}: "
            f"{error}); nothing was changed"
        ) from error
    trainer.history.history = saved.history
    trainer.history.epoch = saved.epoch
    trainer.stop_training = saved.stop_training
    return saved.epochs_done


def _check_setup(path: Path, recorded: Any, current: dict[str, Any]) -> None:
    """The run resuming is the run that wrote the checkpoint: same model parameters, same
    optimizer over the same parameters, same callbacks."""
    if not _is_setup(recorded):
        raise FileFormatError(f"{path}: the checkpoint does not record what wrote it")
    where = f"{path}: the checkpoint was written by"
    afresh = "; to start afresh, delete it or use another checkpoint_dir"
    if recorded["model"] != current["model"]:
        before, now = recorded["model"], current["model"]
        raise FileFormatError(
            f"{where} a model with {_parameters(before)}; this run's model has "
            f"{_parameters(now)}{_first_difference(before, now)}{afresh}"
        )
    if (
        recorded["optimizer"] != current["optimizer"]
        or recorded["optimizer_parameters"] != current["optimizer_parameters"]
    ):
        before, now = recorded["optimizer_parameters"], current["optimizer_parameters"]
        raise FileFormatError(
            f"{where} {recorded['optimizer']} over {_parameters(before)}; this run uses "
            f"{current['optimizer']} over {_parameters(now)}{_first_difference(before, now)}"
            f"{afresh}"
        )
    if recorded["callbacks"] != current["callbacks"]:
        raise FileFormatError(
            f"{path}: saved with callbacks {recorded['callbacks']}, resumed with "
            f"{current['callbacks']} (the same callbacks, in the same order, are needed to "
            f"resume){afresh}"
        )


def _is_setup(setup: Any) -> bool:
    def listing(value: Any) -> bool:
        return isinstance(value, list) and all(
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], list)
            and all(type(d) is int for d in item[1])
            for item in value
        )

    return (
        isinstance(setup, dict)
        and set(setup) == {"model", "optimizer", "optimizer_parameters", "callbacks"}
        and listing(setup["model"])
        and listing(setup["optimizer_parameters"])
        and isinstance(setup["optimizer"], str)
        and isinstance(setup["callbacks"], list)
        and all(isinstance(c, str) for c in setup["callbacks"])
    )


def _first_difference(before: list, now: list) -> str:
    """' (first difference: 1.weight (8, 3) in the checkpoint, (16, 3) now)', or ''."""
    for index in range(max(len(before), len(now))):
        old = before[index] if index < len(before) else None
        new = now[index] if index < len(now) else None
        if old != new:
            shown = [f"{p[0]} {tuple(p[1])}" if p else "nothing" for p in (old, new)]
            return f" (first difference: {shown[0]} in the checkpoint, {shown[1]} now)"
    return ""


def _parameters(listing: list) -> str:
    """'6 parameters (0.weight (2, 32), ...)' for a [[name, shape], ...] listing."""
    shown = ", ".join(f"{n} {tuple(s)}" for n, s in listing[:4])
    more = ", ..." if len(listing) > 4 else ""
    return f"{len(listing)} parameters ({shown}{more})"


class _Saved:
    """A checkpoint's state, unpacked and type-checked (KeyError, TypeError, ValueError...:
    a malformed state)."""

    expected_callbacks = 0

    def __init__(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.model = _join(state["model"], arrays)
        self.optimizer = _join(state["optimizer"], arrays)
        if not isinstance(state["callbacks"], list):
            raise TypeError("the callbacks' states are not a list")
        self.callbacks = [_join(s, arrays) for s in state["callbacks"]]
        self.rng = _join(state["rng"], arrays)
        if not isinstance(self.rng, dict):
            raise TypeError("the generators' states are not a dict")
        self.history = {str(k): [_number(v) for v in c] for k, c in _items(state, "history")}
        self.epoch = [_int(e) for e in state["history"]["epoch"]]
        self.epochs_done = _int(state["epochs_done"])
        self.stop_training = state["stop_training"]
        if not isinstance(self.stop_training, bool) or not isinstance(self.model, dict):
            raise TypeError("stop_training must be a bool and the model state a dict")
        if any(len(column) != len(self.epoch) for column in self.history.values()):
            raise ValueError("the history's columns and epochs differ in length")
        if not 0 <= self.epochs_done <= len(self.epoch):
            raise ValueError(f"{self.epochs_done} epochs done, but {len(self.epoch)} recorded")

    def check(self, path: Path, trainer: Any, generators: dict[str, Any]) -> None:
        """Everything fits the trainer (the setup already matched); else FileFormatError."""
        problem = self._problem(trainer, generators)
        if problem:
            raise FileFormatError(f"{path}: malformed checkpoint state: {problem}")

    def _problem(self, trainer: Any, generators: dict[str, Any]) -> str | None:
        if len(self.callbacks) != self.expected_callbacks:
            return f"{len(self.callbacks)} callback states for {self.expected_callbacks} callbacks"
        expected = dict(trainer.model.state_dict())
        if set(self.model) != set(expected):
            return f"model tensors {sorted(self.model)}, expected {sorted(expected)}"
        for name, value in self.model.items():
            if not isinstance(value, np.ndarray) or value.shape != expected[name].shape:
                return f"model tensor {name!r} is not an array of shape {expected[name].shape}"
            if value.dtype != expected[name].dtype:
                return f"model tensor {name!r} is {value.dtype}, the model's {expected[name].dtype}"
        problem = _optimizer_problem(self.optimizer, trainer)
        if problem:
            return problem
        if set(self.rng) != set(generators):
            return f"random generators {sorted(self.rng)}, this run has {sorted(generators)}"
        for name, state in self.rng.items():
            scratch = type(generators[name].bit_generator)()
            try:
                scratch.state = state
            except Exception as error:
                return f"random generator {name!r}: {type(error).__name__}: {error}"
        return None


def _optimizer_problem(saved: Any, trainer: Any) -> str | None:
    """Why the optimizer's saved state does not fit it (or None): same groups, hyperparameters
    that are numbers, per-parameter state for parameters that exist, arrays of their shapes."""
    optimizer = trainer.optimizer
    if not isinstance(saved, dict) or set(saved) != {"state", "param_groups"}:
        return "the optimizer state is not {'state': ..., 'param_groups': ...}"
    groups = saved["param_groups"]
    if not isinstance(groups, list) or len(groups) != len(optimizer.param_groups):
        return "the optimizer's parameter groups differ"
    start = 0
    for group, mine in zip(groups, optimizer.param_groups):
        count = len(mine["params"])
        if not isinstance(group, dict) or group.get("params") != list(range(start, start + count)):
            return "the optimizer's parameter groups differ"
        start += count
        for key, value in group.items():
            if key != "params" and not _plain(value):
                return f"optimizer hyperparameter {key!r} is {value!r}"
    params = _optimizer_parameters(trainer)
    if not isinstance(saved["state"], dict):
        return "the optimizer's per-parameter state is not a dict"
    for index, state in saved["state"].items():
        if not (index.isdigit() and int(index) < len(params)) or not isinstance(state, dict):
            return f"optimizer state for a parameter {index!r} that does not exist"
        shape = params[int(index)].shape
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                if value.shape not in (shape, ()) or value.dtype.kind not in "biuf":
                    return f"optimizer state {key!r} of parameter {index} has shape {value.shape}"
            elif not _plain(value):
                return f"optimizer state {key!r} of parameter {index} is {value!r}"
    return None


def _plain(value: Any) -> bool:
    """A hyperparameter or step count: a number, bool, None, string, or a list of those."""
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


def _items(state: dict[str, Any], key: str) -> Any:
    history = state[key][key]
    if not isinstance(history, dict):
        raise TypeError("the history is not a dict")
    return history.items()


def _number(value: Any) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"{value!r} in the history is not a number")
    return float(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"{value!r} is not an integer")
    return value


class _Snapshot:
    """The trainer's, callbacks' and generators' state, to put back if a restore fails."""

    def __init__(self, trainer: Any, callbacks: list, generators: dict[str, Any]) -> None:
        self.trainer, self.callbacks, self.generators = trainer, callbacks, generators
        self.model = trainer.model.state_dict()
        self.optimizer = trainer.optimizer.state_dict()
        self.callback_states = [c.state_dict() for c in callbacks]
        self.rng = {name: g.bit_generator.state for name, g in generators.items()}
        self.touched: list[Any] = []

    def started(self, part: Any) -> None:
        """``part`` ("model", "optimizer", a callback's index, "rng") is about to change."""
        self.touched.append(part)

    def restore(self) -> None:
        """Put back every part that was (or was being) changed; a part that refuses its own
        old state was not changed by the failed load either (all loads check first)."""
        for part in self.touched:
            with contextlib.suppress(Exception):
                if part == "model":
                    self.trainer.model.load_state_dict(self.model)
                elif part == "optimizer":
                    self.trainer.optimizer.load_state_dict(self.optimizer)
                elif part == "rng":
                    for name, state in self.rng.items():
                        self.generators[name].bit_generator.state = state
                else:
                    self.callbacks[part].load_state_dict(self.callback_states[part])
