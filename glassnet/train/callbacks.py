"""Callbacks: code that runs at points of the training loop (Keras' design).

A callback gets ``self.trainer`` (and so ``trainer.model``) before training starts and may
set ``trainer.stop_training = True`` to end training after the current epoch.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Callable
from typing import Any

from glassnet.io import save


class Callback:
    """Base class: override any of the hooks."""

    trainer: Any = None

    def set_trainer(self, trainer: Any) -> None:
        self.trainer = trainer

    def on_train_begin(self, logs: dict[str, float]) -> None: ...

    def on_epoch_begin(self, epoch: int) -> None: ...

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None: ...

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None: ...

    def on_train_end(self, logs: dict[str, float]) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint must keep for a resumed run to continue identically."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


_MAXIMIZED = ("acc", "accuracy", "r2", "f1", "precision", "recall")


class _Monitor:
    """Tracks the best value of one logged quantity ("min" or "max"; "auto" from its name)."""

    def __init__(self, monitor: str, mode: str, min_delta: float) -> None:
        if mode == "auto":
            mode = "max" if monitor.removeprefix("val_") in _MAXIMIZED else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min', 'max' or 'auto', got {mode!r}")
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.best = math.inf if mode == "min" else -math.inf

    def value(self, logs: dict[str, float]) -> float | None:
        value = logs.get(self.monitor)
        return None if value is None or value != value else float(value)  # NaN: not evaluated

    def improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` evaluated epochs.

    With ``restore_best_weights=True`` the model ends training with the weights of its best
    epoch: the classic "keep the best model, stop when validation loss rises".

    Examples:
        >>> from glassnet.train import EarlyStopping
        >>> stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 0,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        self.tracker = _Monitor(monitor, mode, min_delta)
        self.patience = patience
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, logs: dict[str, float]) -> None:
        self.tracker.best = math.inf if self.tracker.mode == "min" else -math.inf
        self.wait = 0
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        value = self.tracker.value(logs)
        if value is None:
            return
        if self.tracker.improves(value):
            self.tracker.best = value
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best_weights:
                self.best_state = self.trainer.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.trainer.stop_training = True

    def on_train_end(self, logs: dict[str, float]) -> None:
        if self.restore_best_weights and self.best_state is not None:
            self.trainer.model.load_state_dict(self.best_state)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.tracker.best, "wait": self.wait, "best_epoch": self.best_epoch,
                "stopped_epoch": self.stopped_epoch, "best_state": self.best_state}  # fmt: skip

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.tracker.best = state["best"]
        self.wait, self.best_epoch = state["wait"], state["best_epoch"]
        self.stopped_epoch, self.best_state = state["stopped_epoch"], state["best_state"]


class ModelCheckpoint(Callback):
    """Save the model (``gn.save``: weights and architecture) after an epoch: every epoch, or
    only when ``monitor`` improves. ``path`` may contain ``{epoch}`` (counted from 1). Files
    are written atomically. To resume a killed run, use ``fit(checkpoint_dir=...)`` instead.
    """

    def __init__(
        self, path: str | os.PathLike, monitor: str = "val_loss", save_best_only: bool = False,
        mode: str = "auto",
    ) -> None:  # fmt: skip
        self.path = str(path)
        self.tracker = _Monitor(monitor, mode, 0.0)
        self.save_best_only = save_best_only

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.save_best_only:
            value = self.tracker.value(logs)
            if value is None or not self.tracker.improves(value):
                return
            self.tracker.best = value
        save(self.trainer.model, self.path.format(epoch=epoch + 1))

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.tracker.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.tracker.best = state["best"]


class LearningRateScheduler(Callback):
    """Set the learning rate each epoch from ``schedule(epoch, lr) -> lr``, or step an
    ``optim.lr_scheduler`` object at the end of each epoch."""

    def __init__(self, schedule: Any) -> None:
        self.schedule = schedule

    def on_epoch_begin(self, epoch: int) -> None:
        if callable(self.schedule) and not hasattr(self.schedule, "step"):
            for group in self.trainer.optimizer.param_groups:
                group["lr"] = float(self.schedule(epoch, group["lr"]))

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if hasattr(self.schedule, "step"):
            self.schedule.step()
        logs["lr"] = self.trainer.optimizer.param_groups[0]["lr"]

    def state_dict(self) -> dict[str, Any]:
        return self.schedule.state_dict() if hasattr(self.schedule, "state_dict") else {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if hasattr(self.schedule, "load_state_dict"):
            self.schedule.load_state_dict(state)


class CSVLogger(Callback):
    """Append one row per epoch (epoch and every logged value) to a CSV file."""

    def __init__(self, path: str | os.PathLike, append: bool = False) -> None:
        self.path = str(path)
        self.append = append

    def on_train_begin(self, logs: dict[str, float]) -> None:
        self.keys: list[str] | None = None
        if not self.append and os.path.exists(self.path):
            os.remove(self.path)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        new_file = not os.path.exists(self.path)
        if self.keys is None:
            self.keys = sorted(logs)
        with open(self.path, "a", newline="") as f:
            writer = csv.writer(f)
            if new_file:
                writer.writerow(["epoch", *self.keys])
            writer.writerow([epoch + 1, *(logs.get(k, "") for k in self.keys)])


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(
        self,
        on_train_begin: Callable[..., Any] | None = None,
        on_epoch_begin: Callable[..., Any] | None = None,
        on_batch_end: Callable[..., Any] | None = None,
        on_epoch_end: Callable[..., Any] | None = None,
        on_train_end: Callable[..., Any] | None = None,
    ) -> None:
        hooks = {
            "on_train_begin": on_train_begin,
            "on_epoch_begin": on_epoch_begin,
            "on_batch_end": on_batch_end,
            "on_epoch_end": on_epoch_end,
            "on_train_end": on_train_end,
        }
        for name, hook in hooks.items():
            if hook is not None:
                setattr(self, name, hook)
