"""Adagrad: per-parameter steps that shrink with the sum of squared gradients."""

from __future__ import annotations

import math
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
    ) -> None:
        if min(lr, lr_decay, weight_decay, initial_accumulator_value, eps) < 0 or math.isnan(lr):
            raise ValueError("Adagrad: every hyperparameter must be >= 0")
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)  # fmt: skip
        super().__init__(params, defaults)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr = group["lr"] / (1.0 + (state["step"] - 1) * group["lr_decay"])
        work = self.work(param)
        state["sum"] += np.multiply(grad, grad, out=work)
        denominator = np.sqrt(state["sum"], out=work)
        denominator += group["eps"]
        change = np.divide(grad, denominator, out=work)
        change *= lr
        param -= change
