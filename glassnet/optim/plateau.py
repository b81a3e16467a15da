"""``ReduceLROnPlateau``: PyTorch's schedule driven by a metric (import it from
``glassnet.optim.lr_scheduler``; Keras' callback of that name is ``glassnet.train``'s)."""

from __future__ import annotations

import math
from typing import Any

from glassnet.optim.optimizer import Optimizer


class ReduceLROnPlateau:
    """Multiply the learning rate by ``factor`` once the metric given to ``step(metric)`` has
    not improved for more than ``patience`` epochs; ``cooldown`` epochs pass after a cut
    before counting again; rates never go below ``min_lr`` (one value, or one per group), and
    a cut smaller than ``eps`` is skipped. PyTorch's values exactly.

    A value improves on the best when (``threshold_mode="rel"``, mode "min") it is below
    ``best * (1 - threshold)``; "abs": below ``best - threshold``; mode "max" mirrors both.
    As in PyTorch the relative test uses ``best`` as it is, so for a negative ``best`` in
    mode "min" the margin points the other way: use ``threshold_mode="abs"`` for metrics
    that can be negative.

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import optim
        >>> opt = optim.SGD([gn.ones(1, requires_grad=True)], lr=1.0)
        >>> plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> for loss in [1.0, 1.0, 1.0]:
        ...     plateau.step(loss)
        >>> plateau.get_last_lr()
        [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        count = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != count:
                raise ValueError(f"expected {count} min_lrs, got {len(min_lr)}")
            self.min_lrs = [float(v) for v in min_lr]
        else:
            self.min_lrs = [float(min_lr)] * count
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.eps = cooldown, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def is_better(self, a: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: Any) -> None:
        """Record this epoch's metric (a validation loss, say) and cut the rate if due."""
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, low in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, low)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "optimizer"}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
