"""Adam: adaptive moment estimation."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.optim.optimizer import Optimizer


class Adam(Optimizer):
    """Adam, PyTorch's update rule. With g the gradient and t the step (from 1):

        g = g + weight_decay * p                  (L2 penalty; AdamW decouples it)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                     (amsgrad only; used in place of v)
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)   (bias corrections)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import optim
        >>> w = gn.tensor([1.0], requires_grad=True)
        >>> opt = optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w.numpy().round(6)  # the first Adam step moves by lr, whatever the gradient's size
        array([0.9], dtype=float32)
    """

    decoupled_weight_decay = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None:
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{type(self).__name__}: betas must be a pair, got {betas!r}")
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)  # m: the first moment
            state["exp_avg_sq"] = np.zeros_like(param)  # v: the second moment
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        if self.decoupled_weight_decay:
            param *= 1.0 - lr * group["weight_decay"]
        elif group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        tmp = self.scratch(param)  # intermediates go here: nothing is allocated per step
        # m = beta1 * m + (1 - beta1) * g
        m *= beta1
        m += np.multiply(grad, 1.0 - beta1, out=tmp)
        # v = beta2 * v + (1 - beta2) * g^2
        v *= beta2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - beta2
        v += tmp
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        # p = p - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^t) and
        # v_hat = v / (1 - beta2^t), the bias corrections applied to scalars as PyTorch does:
        denominator = np.sqrt(v, out=tmp)
        denominator /= math.sqrt(1.0 - beta2**t)
        denominator += eps
        step = np.divide(m, denominator, out=tmp)
        step *= lr / (1.0 - beta1**t)
        param -= step
