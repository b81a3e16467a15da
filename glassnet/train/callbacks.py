"""Callbacks: code that runs at points of the training loop (Keras' design).

A callback gets ``self.trainer`` (and so ``trainer.model``) before training starts and may
set ``trainer.stop_training = True`` to end training after the current epoch.
"""

from __future__ import annotations

import csv
import inspect
import math
import numbers
import os
import string
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from glassnet.io import save


def caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside glassnet (the line
    of user code that called ``fit`` or ``compile``), however deep inside glassnet it is made."""
    package = str(Path(__file__).resolve().parents[1]) + os.sep
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


class Callback:
    """Base class: override any of the hooks. ``self.model`` is the model being trained
    (Keras' name), ``self.trainer`` the Trainer running it."""

    trainer: Any = None

    def set_trainer(self, trainer: Any) -> None:
        self.trainer = trainer

    @property
    def model(self) -> Any:
        return None if self.trainer is None else self.trainer.model

    def on_train_begin(self, logs: dict[str, float]) -> None: ...

    def on_epoch_begin(self, epoch: int) -> None: ...

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None: ...

    def on_train_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        """Keras' name for ``on_batch_end`` (called right after it)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None: ...

    def on_train_end(self, logs: dict[str, float]) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint must keep for a resumed run to continue identically."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


_MAXIMIZED = ("acc", "accuracy", "r2", "f1", "precision", "recall")


class _Monitor:
    """Tracks the best value of one logged quantity ("min" or "max"; "auto" from its name).

    A quantity that is never logged would leave the callback silently idle: a training value
    ("loss", "accuracy") missing at an epoch's end is an error, and a validation value
    ("val_...", logged only on evaluated epochs) that no epoch logged is a warning at the end.
    """

    def __init__(self, owner: str, monitor: str, mode: str, min_delta: float) -> None:
        if mode == "auto":
            mode = "max" if monitor.removeprefix("val_") in _MAXIMIZED else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"{owner}: mode must be 'min', 'max' or 'auto', got {mode!r}")
        if not math.isfinite(min_delta):
            raise ValueError(f"{owner}: min_delta must be a finite number, got {min_delta}")
        self.owner, self.monitor, self.mode, self.min_delta = owner, monitor, mode, abs(min_delta)
        self.best = math.inf if mode == "min" else -math.inf
        self.seen: set[str] = set()
        self.logged = False

    def value(self, logs: dict[str, float]) -> float | None:
        self.seen.update(logs)
        if self.monitor not in logs and not self.monitor.startswith("val_"):
            raise ValueError(
                f"{self.owner}: monitor={self.monitor!r} is not logged; the logs have "
                f"{sorted(logs)}"
            )
        value = logs.get(self.monitor)
        self.logged = self.logged or value is not None
        return None if value is None or value != value else float(value)  # NaN: not evaluated

    def warn_if_never_logged(self) -> None:
        if self.seen and not self.logged:
            warnings.warn(
                f"{self.owner} did nothing: no epoch logged {self.monitor!r} (pass "
                f"validation_data= or validation_split= to fit, or monitor one of "
                f"{sorted(self.seen)})",
                UserWarning,
                stacklevel=caller_stacklevel(),
            )
        self.seen, self.logged = set(), False

    def improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved (by more than ``min_delta``) for ``patience``
    evaluated epochs, as Keras' EarlyStopping.

    With ``restore_best_weights=True``, stopping puts back the weights of the best epoch: the
    classic "keep the best model, stop when validation loss rises" (as in Keras, a run that
    ends without stopping keeps its last weights). ``baseline``: the patience only restarts
    on values better than it. ``start_from_epoch``: the first epochs are not watched (a
    warm-up).

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
        baseline: float | None = None,
        start_from_epoch: int = 0,
        verbose: int = 0,
    ) -> None:
        self.tracker = _Monitor("EarlyStopping", monitor, mode, min_delta)
        if baseline is not None and not math.isfinite(baseline):
            raise ValueError(f"EarlyStopping: baseline must be a finite number, got {baseline}")
        if isinstance(start_from_epoch, bool) or not isinstance(start_from_epoch, numbers.Integral):
            raise TypeError(
                f"EarlyStopping: start_from_epoch must be an int, got {start_from_epoch!r}"
            )
        self.baseline: float | None = baseline
        self.start_from_epoch: int = int(start_from_epoch)
        self.verbose: int = verbose
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral):
            raise TypeError(f"EarlyStopping: patience must be an int, got {patience!r}")
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be 0 or more, got {patience}")
        self.patience: int = int(patience)
        self.restore_best_weights: bool = restore_best_weights

    def on_train_begin(self, logs: dict[str, float]) -> None:
        self.tracker.best = math.inf if self.tracker.mode == "min" else -math.inf
        self.wait = 0
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        value = self.tracker.value(logs)
        if value is None or epoch < self.start_from_epoch:
            return
        self.wait += 1
        if self.tracker.improves(value):
            self.tracker.best = value
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_state = self.trainer.model.state_dict()
            if self.baseline is None or self._beats(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.trainer.stop_training = True
            if self.restore_best_weights and self.best_state is not None:
                self.trainer.model.load_state_dict(self.best_state)
            if self.verbose:
                print(f"Epoch {epoch + 1}: early stopping", flush=True)

    def _beats(self, value: float, reference: float) -> bool:
        delta = self.tracker.min_delta
        return (
            value < reference - delta if self.tracker.mode == "min" else value > reference + delta
        )

    def on_train_end(self, logs: dict[str, float]) -> None:
        self.tracker.warn_if_never_logged()

    def state_dict(self) -> dict[str, Any]:
        return {
            "best": self.tracker.best,
            "wait": self.wait,
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
            "best_state": self.best_state,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.tracker.best = state["best"]
        self.wait, self.best_epoch = state["wait"], state["best_epoch"]
        self.stopped_epoch, self.best_state = state["stopped_epoch"], state["best_state"]


class ModelCheckpoint(Callback):
    """Save the model after an epoch: every epoch, or only when ``monitor`` improves
    (``save_best_only``). As in Keras, ``filepath`` may name ``{epoch}`` (counted from 1) and
    any logged value, with a format: ``"model-{epoch:02d}-{val_loss:.2f}.keras"``.

    A keras.Sequential is saved with ``model.save`` (compile settings and optimizer state
    included), any other model with ``gn.save``; ``save_weights_only=True`` writes the
    weights (and architecture) alone. Files are written atomically. To resume a killed run,
    use ``fit(checkpoint_dir=...)`` instead.
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
    ) -> None:
        self.path = str(filepath)
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(self.path) if f is not None]
        except ValueError as error:
            raise ValueError(f"ModelCheckpoint: filepath {self.path!r}: {error}") from None
        if any(not f.isidentifier() for f in fields):
            raise ValueError(
                f"ModelCheckpoint: filepath {self.path!r} may hold {{epoch}} and logged names "
                f"such as {{val_loss:.2f}}, got the placeholder(s) {fields}"
            )
        self.tracker = _Monitor("ModelCheckpoint", monitor, mode, 0.0)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.verbose = verbose

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.save_best_only:
            value = self.tracker.value(logs)
            if value is None or not self.tracker.improves(value):
                return
            self.tracker.best = value
        try:
            path = self.path.format(**{**logs, "epoch": epoch + 1})
        except KeyError as error:
            raise KeyError(
                f"ModelCheckpoint: filepath {self.path!r} names {error}, which is not logged at "
                f"epoch {epoch + 1}; the logs have {sorted(logs)}"
            ) from None
        model = self.trainer.model
        if not self.save_weights_only and hasattr(model, "save_weights"):
            model.save(path)  # a Keras model: compile settings and optimizer state too
        else:
            save(model, path)
        if self.verbose:
            print(f"Epoch {epoch + 1}: saving model to {path}", flush=True)

    def on_train_end(self, logs: dict[str, float]) -> None:
        if self.save_best_only:
            self.tracker.warn_if_never_logged()

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.tracker.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.tracker.best = state["best"]


class LearningRateScheduler(Callback):
    """Set the learning rate each epoch from ``schedule(epoch, lr) -> lr``, or step an
    ``optim.lr_scheduler`` object at the end of each epoch."""

    def __init__(self, schedule: Any, verbose: int = 0) -> None:
        self.verbose = verbose
        if not (callable(schedule) or hasattr(schedule, "step")):
            raise TypeError(
                "LearningRateScheduler: schedule must be a function (epoch, lr) -> lr or an "
                f"optim.lr_scheduler object, got {type(schedule).__name__}"
            )
        self.schedule = schedule

    def on_epoch_begin(self, epoch: int) -> None:
        if callable(self.schedule) and not hasattr(self.schedule, "step"):
            for group in self.trainer.optimizer.param_groups:
                if _positional_count(self.schedule) >= 2:
                    given = self.schedule(epoch, group["lr"])
                else:  # Keras also takes schedule(epoch)
                    given = self.schedule(epoch)
                try:
                    lr = float(given)
                except (TypeError, ValueError):
                    lr = math.nan
                if not (math.isfinite(lr) and lr >= 0):
                    raise ValueError(
                        f"LearningRateScheduler: the schedule gave lr={given!r} for epoch "
                        f"{epoch + 1}; a learning rate must be a finite number >= 0"
                    )
                group["lr"] = lr

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
    """Append one row per epoch (epoch and every logged value) to a CSV file.

    A value first logged after the first epoch (validation every few epochs, a learning rate
    added by a callback) gets its own column: the file is rewritten with the wider header, the
    earlier rows left empty there. With ``append=True`` the rows of an earlier run are kept
    under the union of both runs' columns.
    """

    def __init__(self, path: str | os.PathLike, separator: str = ",", append: bool = False) -> None:
        if isinstance(separator, bool):  # CSVLogger(path, True): the old place of append
            separator, append = ",", separator
        self.path = str(path)
        self.append = append
        self.separator = separator

    def on_train_begin(self, logs: dict[str, float]) -> None:
        self.keys: list[str] | None = None
        folder = os.path.dirname(self.path) or "."
        if not os.path.isdir(folder):  # found now, not after the first epoch
            raise FileNotFoundError(f"CSVLogger: the folder of {self.path} does not exist")
        if not self.append and os.path.exists(self.path):
            os.remove(self.path)

    def _read(self) -> tuple[list[str], list[dict[str, str]]]:
        if not os.path.exists(self.path):
            return [], []
        with open(self.path, newline="") as f:
            reader = csv.DictReader(f, delimiter=self.separator)
            rows = list(reader)
            return [k for k in reader.fieldnames or [] if k != "epoch"], rows

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.keys is None:
            self.keys = self._read()[0]  # an appended file's columns, or none
        new_keys = sorted(k for k in logs if k not in self.keys)
        row = {"epoch": epoch + 1, **logs}
        if new_keys or not os.path.exists(self.path):
            _, rows = self._read()
            self.keys = [*self.keys, *new_keys]
            with open(self.path, "w", newline="") as f:
                writer = csv.DictWriter(
                    f, ["epoch", *self.keys], restval="", delimiter=self.separator
                )
                writer.writeheader()
                writer.writerows([*rows, row])
            return
        with open(self.path, "a", newline="") as f:
            csv.DictWriter(f, ["epoch", *self.keys], restval="", delimiter=self.separator).writerow(
                row
            )


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``;
    ``on_epoch_begin`` may take ``(epoch)`` or Keras' ``(epoch, logs)``."""

    def __init__(
        self,
        on_train_begin: Callable[..., Any] | None = None,
        on_epoch_begin: Callable[..., Any] | None = None,
        on_batch_end: Callable[..., Any] | None = None,
        on_epoch_end: Callable[..., Any] | None = None,
        on_train_end: Callable[..., Any] | None = None,
        on_train_batch_end: Callable[..., Any] | None = None,
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
        if on_epoch_begin is not None and _positional_count(on_epoch_begin) >= 2:
            self.on_epoch_begin = lambda epoch: on_epoch_begin(epoch, {})  # type: ignore[method-assign]
        if on_train_batch_end is not None:
            self.on_train_batch_end = on_train_batch_end  # type: ignore[method-assign]


def _positional_count(function: Callable[..., Any]) -> int:
    """How many positional arguments ``function`` takes (Keras' hooks take ``logs`` too)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 1
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(p.kind in kinds for p in parameters)


class TerminateOnNaN(Callback):
    """Stop training, as Keras does, at the first batch whose loss is NaN or inf (without
    it, ``fit`` raises FloatingPointError there). The step with that loss is not taken."""

    terminates_on_nan = True

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
            self.trainer.stop_training = True
