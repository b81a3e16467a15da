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
        square_avg *= alpha
        square_avg += (1.0 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += (1.0 - alpha) * grad
            denominator = np.sqrt(square_avg - grad_avg * grad_avg) + group["eps"]
        else:
            denominator = np.sqrt(square_avg) + group["eps"]
        if group["momentum"]:
            buffer = state["momentum_buffer"]
            buffer *= group["momentum"]
            buffer += grad / denominator
            param -= group["lr"] * buffer
        else:
            param -= group["lr"] * grad / denominator
