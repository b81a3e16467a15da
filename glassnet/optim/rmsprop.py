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
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        if alpha > 1:
            raise ValueError(f"RMSprop: alpha must lie in [0, 1], got {alpha}")
        super().__init__(params, defaults)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        alpha, eps = group["alpha"], group["eps"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        if not state:
            state["square_avg"] = np.zeros_like(param)  # s
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)  # a
            if group["momentum"]:
                state["momentum_buffer"] = np.zeros_like(param)  # b
        s = state["square_avg"]
        s *= alpha
        s += (1.0 - alpha) * grad * grad
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1.0 - alpha) * grad
            d = np.sqrt(s - a * a) + eps
        else:
            d = np.sqrt(s) + eps
        if group["momentum"]:
            b = state["momentum_buffer"]
            b *= group["momentum"]
            b += grad / d
            param -= group["lr"] * b
        else:
            param -= group["lr"] * grad / d
