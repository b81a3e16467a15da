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
        maximize: bool = False,
    ) -> None:
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            nesterov=nesterov,
            weight_decay=weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    # --8<-- [start:sgd-update]
    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        momentum = group["momentum"]
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        if momentum:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = np.array(grad)  # an array even for 0-d
            else:
                b *= momentum
                b += (1.0 - group["dampening"]) * grad
            grad = grad + momentum * b if group["nesterov"] else b
        param -= group["lr"] * grad

    # --8<-- [end:sgd-update]
