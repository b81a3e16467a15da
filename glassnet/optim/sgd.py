"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer


class SGD(Optimizer):
    """SGD, PyTorch's update rule. With g the gradient at step t:

        g = g + weight_decay * p
        b = g                                 (first step)
        b = momentum * b + (1 - dampening) * g (later steps)
        g = g + momentum * b  if nesterov else b     (when momentum > 0)
        p = p - lr * g

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import optim
        >>> w = gn.tensor([1.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w.numpy()
        array([0.8], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError("SGD: lr, momentum and weight_decay must be >= 0")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay)  # fmt: skip
        super().__init__(params, defaults)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        momentum = group["momentum"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        work = self.work(param)
        direction = grad
        if momentum:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = grad.copy()
            else:
                buffer *= momentum
                buffer += np.multiply(grad, 1.0 - group["dampening"], out=work)
            if group["nesterov"]:
                direction = np.multiply(buffer, momentum, out=work)
                direction += grad
            else:
                direction = buffer
        param -= np.multiply(direction, group["lr"], out=work)
