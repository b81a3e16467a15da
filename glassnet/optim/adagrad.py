"""Adagrad: per-parameter steps that shrink with the sum of squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad, PyTorch's update rule, at step t (from 1):

    g = g + weight_decay * p
    lr_t = lr / (1 + (t - 1) * lr_decay)
    s = s + g^2                                   (s starts at initial_accumulator_value)
    p = p - lr_t * g / (sqrt(s) + eps)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(param, group["initial_accumulator_value"])  # s
        state["step"] += 1
        t = state["step"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr_t = group["lr"] / (1.0 + (t - 1) * group["lr_decay"])
        s = state["sum"]
        s += grad * grad
        param -= lr_t * grad / (np.sqrt(s) + group["eps"])
