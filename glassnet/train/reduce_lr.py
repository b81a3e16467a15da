"""Keras' ``ReduceLROnPlateau`` callback (PyTorch's schedule of that name is
``optim.lr_scheduler.ReduceLROnPlateau``, stepped by hand with the metric)."""

from __future__ import annotations

import math
import numbers
from typing import Any

from glassnet.train.callbacks import Callback, _Monitor


class ReduceLROnPlateau(Callback):
    """Keras' ReduceLROnPlateau: multiply the learning rate by ``factor`` once ``monitor``
    has not improved by more than ``min_delta`` for ``patience`` evaluated epochs; then wait
    ``cooldown`` epochs before counting again. Rates never go below ``min_lr``. The rate is
    logged as "learning_rate".

    Examples:
        >>> from glassnet.train import ReduceLROnPlateau
        >>> reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor}")
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"ReduceLROnPlateau: {name} must be an int >= 0, got {value!r}")
        self.tracker = _Monitor("ReduceLROnPlateau", monitor, mode, min_delta)
        self.factor, self.patience, self.verbose = float(factor), int(patience), verbose
        self.cooldown, self.min_lr = int(cooldown), float(min_lr)
        self.wait = self.cooldown_counter = 0

    def on_train_begin(self, logs: dict[str, float]) -> None:
        self.tracker.best = math.inf if self.tracker.mode == "min" else -math.inf
        self.wait = self.cooldown_counter = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        groups = self.trainer.optimizer.param_groups
        logs["learning_rate"] = groups[0]["lr"]
        value = self.tracker.value(logs)
        if value is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.tracker.improves(value):
            self.tracker.best = value
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                for group in groups:
                    if group["lr"] > self.min_lr:
                        group["lr"] = max(group["lr"] * self.factor, self.min_lr)
                if self.verbose:
                    print(f"Epoch {epoch + 1}: reducing learning rate to {groups[0]['lr']}.")
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def on_train_end(self, logs: dict[str, float]) -> None:
        self.tracker.warn_if_never_logged()

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.tracker.best, "wait": self.wait, "cooldown": self.cooldown_counter}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.tracker.best, self.wait = state["best"], state["wait"]
        self.cooldown_counter = state["cooldown"]
