"""RMSprop: divide the step by a running root mean square of the gradient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop, PyTorch's update rule:

    g = g + weight_decay * p
    s = alpha * s + (1 - alpha) * g^2
    a = alpha * a + (1 - alpha) * g;  d = sqrt(s - a^2) + eps   (centered)
    d = sqrt(s) + eps                                          (otherwise)
    b = momentum * b + g / d;  p = p - lr * b                  (momentum > 0)
    p = p - lr * g / d                                         (otherwise)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        if lr < 0 or eps < 0 or momentum < 0 or weight_decay < 0 or not 0 <= alpha <= 1:
            raise ValueError("RMSprop: lr, eps, momentum, weight_decay >= 0 and alpha in [0, 1]")
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered)  # fmt: skip
        super().__init__(params, defaults)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        alpha = group["alpha"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        if not state:
            state["square_avg"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
            if group["momentum"]:
                state["momentum_buffer"] = np.zeros_like(param)
        square_avg = state["square_avg"]
        work = self.work(param)
        square_avg *= alpha
        np.multiply(grad, grad, out=work)
        work *= 1.0 - alpha
        square_avg += work
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += np.multiply(grad, 1.0 - alpha, out=work)
            denominator = np.multiply(grad_avg, grad_avg, out=work)
            np.subtract(square_avg, denominator, out=denominator)
            np.sqrt(denominator, out=denominator)
        else:
            denominator = np.sqrt(square_avg, out=work)
        denominator += group["eps"]
        change = np.divide(grad, denominator, out=work)
        if group["momentum"]:
            buffer = state["momentum_buffer"]
            buffer *= group["momentum"]
            buffer += change
            change = np.multiply(buffer, group["lr"], out=work)
        else:
            change *= group["lr"]
        param -= change
