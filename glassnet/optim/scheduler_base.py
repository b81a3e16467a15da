"""``LRScheduler``: the base of the learning-rate schedules, with PyTorch's protocol.

A schedule sets each parameter group's ``lr`` when made (epoch 0) and at every ``step()``.
As in PyTorch, ``step()`` uses the recursive ("chainable") form of the schedule, which
multiplies the group's current rate, so schedules can be combined (``ChainedScheduler``); a
``step(epoch)`` with an explicit epoch (deprecated in PyTorch) uses the closed form.
``optimizer.step()`` must come before ``scheduler.step()``: the other order skips the first
value of the schedule, and a UserWarning says so, as PyTorch's.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

from glassnet.optim.optimizer import Optimizer

EPOCH_DEPRECATION = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler."
)


def track_optimizer_steps(optimizer: Any) -> None:
    """Wrap ``optimizer.step`` (once) so schedules can tell whether it was called."""
    if getattr(optimizer.step, "counts_for_schedulers", False):
        return
    original = optimizer.step

    @functools.wraps(original)
    def step(*args: Any, **kwargs: Any) -> Any:
        optimizer.opt_called = True
        return original(*args, **kwargs)

    step.counts_for_schedulers = True  # type: ignore[attr-defined]
    optimizer.step = step


class LRScheduler:
    """Base class: subclasses give ``get_lr()`` (the recursive form, from each group's
    current ``lr``) and, when they have one, ``_get_closed_form_lr()``; or, simpler,
    ``lr_at(base_lr, epoch)``, a closed formula used for both.

    Args:
        optimizer: the Optimizer whose rates are set.
        last_epoch: -1 to start; the index of the last epoch to resume (the groups must then
            hold their ``initial_lr``, as after a saved optimizer is loaded).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} is not an Optimizer: got {optimizer!r}")
        self.optimizer = optimizer
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming an optimizer"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in groups]
        self.last_epoch = last_epoch
        track_optimizer_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self.step()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} defines neither get_lr nor lr_at")

    def get_lr(self) -> list[float]:
        """The rates for ``last_epoch`` (the recursive form in PyTorch's schedules)."""
        return [self.lr_at(base, self.last_epoch) for base in self.base_lrs]

    def _closed_form(self) -> list[float]:
        closed = getattr(self, "_get_closed_form_lr", None)
        return closed() if closed is not None else self.get_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or go to ``epoch``) and set each group's learning rate."""
        if self._step_count == 1 and not getattr(self.optimizer, "opt_called", False):
            warnings.warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. Call "
                "`optimizer.step()` first, then `lr_scheduler.step()`: the other order skips "
                "the first value of the learning rate schedule.",
                UserWarning,
                stacklevel=2,
            )
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            warnings.warn(EPOCH_DEPRECATION, UserWarning, stacklevel=2)
            self.last_epoch = epoch
            values = self._closed_form()
        self._set(values)

    def _set(self, values: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as the last step set it."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (and functions, which cannot be saved)."""
        return {k: v for k, v in vars(self).items() if k != "optimizer" and not callable(v)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        vars(self).update(state)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch})"
