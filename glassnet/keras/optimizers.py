"""Keras' optimizers: made without parameters (``keras.optimizers.Adam(learning_rate=1e-3)``)
and built over the model's weights by ``fit``, with Keras' defaults and Keras' update rules.

Keras and PyTorch differ in two details, and these classes follow Keras:
- Adam/AdamW add ``epsilon`` (default 1e-7) to ``sqrt(v)`` before the bias correction,
  ``p -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)``;
- RMSprop takes the root of ``v + epsilon``: ``p -= lr * g / sqrt(v + epsilon)``.
SGD's momentum (``v = momentum * v - lr * g; p += v``) is PyTorch's rule for a constant rate.
``weight_decay`` is decoupled in every Keras optimizer (``p -= lr * weight_decay * p``).

Examples:
    >>> from glassnet import keras
    >>> opt = keras.optimizers.Adam(learning_rate=0.01)
    >>> opt.learning_rate
    0.01
    >>> keras.optimizers.get("sgd").get_config()["learning_rate"]
    0.01
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet import optim


class _KerasAdamRule(optim.Adam):
    """Adam with Keras' epsilon placement (see the module docstring); decoupled decay."""

    decoupled_weight_decay = True

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        param *= 1.0 - lr * group["weight_decay"]
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        tmp = self.scratch(param)
        m *= beta1
        m += np.multiply(grad, 1.0 - beta1, out=tmp)
        v *= beta2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - beta2
        v += tmp
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        denominator = np.sqrt(v, out=tmp)
        denominator += eps
        step = np.divide(m, denominator, out=tmp)
        step *= lr * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        param -= step


class _KerasRMSpropRule(optim.RMSprop):
    """RMSprop with Keras' ``sqrt(v + epsilon)``; decoupled decay."""

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        alpha, eps, lr = group["alpha"], group["eps"], group["lr"]
        if not state:
            state["square_avg"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
            if group["momentum"]:
                state["momentum_buffer"] = np.zeros_like(param)
        param *= 1.0 - lr * group["weight_decay"]
        s = state["square_avg"]
        s *= alpha
        s += (1.0 - alpha) * grad * grad
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1.0 - alpha) * grad
            increment = lr * grad / np.sqrt(s - a * a + eps)
        else:
            increment = lr * grad / np.sqrt(s + eps)
        if group["momentum"]:
            b = state["momentum_buffer"]
            b *= group["momentum"]
            b += increment
            increment = b
        param -= increment


class _KerasSGDRule(optim.SGD):
    """SGD with decoupled weight decay, as Keras applies it."""

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        decay = group["weight_decay"]
        if decay:
            param *= 1.0 - group["lr"] * decay
        super().update(param, grad, state, {**group, "weight_decay": 0.0})


class Optimizer:
    """A Keras optimizer: its settings now, the glassnet optimizer once ``build`` is called."""

    rule: type[optim.Optimizer] = optim.Optimizer
    default_learning_rate = 0.001

    def __init__(self, learning_rate: float | None = None, **settings: Any) -> None:
        lr = self.default_learning_rate if learning_rate is None else learning_rate
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.number)):
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a number, got {lr!r} (schedules "
                "go in callbacks.LearningRateScheduler)"
            )
        self.settings = {"learning_rate": float(lr), **settings}
        self.optimizer: optim.Optimizer | None = None

    def torch_options(self) -> dict[str, Any]:
        """The settings under the glassnet optimizer's argument names."""
        raise NotImplementedError

    def build(self, params: Iterable[Any]) -> optim.Optimizer:
        """The glassnet optimizer over ``params`` (once; later calls return the same one)."""
        if self.optimizer is None:
            self.optimizer = self.rule(params, **self.torch_options())
        return self.optimizer

    @property
    def learning_rate(self) -> float:
        if self.optimizer is not None:
            return float(self.optimizer.param_groups[0]["lr"])
        return float(self.settings["learning_rate"])

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.settings["learning_rate"] = float(value)
        if self.optimizer is not None:
            for group in self.optimizer.param_groups:
                group["lr"] = float(value)

    lr = learning_rate

    @property
    def iterations(self) -> int:
        """The number of steps taken (Keras' ``optimizer.iterations``)."""
        if self.optimizer is None or not self.optimizer.state:
            return 0
        return max(int(s.get("step", 0)) for s in self.optimizer.state.values())

    def get_config(self) -> dict[str, Any]:
        return {"name": type(self).__name__.lower(), **self.settings}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        settings = {k: v for k, v in config.items() if k != "name"}
        return cls(**settings)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.settings.items())
        return f"keras.optimizers.{type(self).__name__}({shown})"


class SGD(Optimizer):
    """Keras' SGD: ``learning_rate=0.01``, ``momentum``, ``nesterov``, ``weight_decay``."""

    rule = _KerasSGDRule
    default_learning_rate = 0.01

    def __init__(
        self,
        learning_rate: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(
            learning_rate, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay
        )

    def torch_options(self) -> dict[str, Any]:
        s = self.settings
        return dict(
            lr=s["learning_rate"],
            momentum=s["momentum"],
            nesterov=s["nesterov"],
            weight_decay=s["weight_decay"] or 0.0,
        )


class Adam(Optimizer):
    """Keras' Adam: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7``."""

    rule = _KerasAdamRule
    default_weight_decay: float | None = None

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(
            learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=self.default_weight_decay if weight_decay is None else weight_decay,
        )

    def torch_options(self) -> dict[str, Any]:
        s = self.settings
        return dict(
            lr=s["learning_rate"],
            betas=(s["beta_1"], s["beta_2"]),
            eps=s["epsilon"],
            amsgrad=s["amsgrad"],
            weight_decay=s["weight_decay"] or 0.0,
        )


class AdamW(Adam):
    """Keras' AdamW: Adam with ``weight_decay=0.004`` (decoupled)."""

    default_weight_decay = 0.004


class RMSprop(Optimizer):
    """Keras' RMSprop: ``learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7``."""

    rule = _KerasRMSpropRule

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(
            learning_rate,
            rho=rho,
            momentum=momentum,
            epsilon=epsilon,
            centered=centered,
            weight_decay=weight_decay,
        )

    def torch_options(self) -> dict[str, Any]:
        s = self.settings
        return dict(
            lr=s["learning_rate"],
            alpha=s["rho"],
            momentum=s["momentum"],
            eps=s["epsilon"],
            centered=s["centered"],
            weight_decay=s["weight_decay"] or 0.0,
        )


_BY_NAME: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
}


def get(identifier: Any, **settings: Any) -> Optimizer:
    """A Keras optimizer from a name ("adam", "sgd", "rmsprop", "adamw"), with ``settings``
    such as ``learning_rate=``, or an optimizer object (returned as it is).

    Raises:
        ValueError: for an unknown name (the known ones are listed).
    """
    if isinstance(identifier, Optimizer):
        if settings:
            raise TypeError(
                f"keras.optimizers.get: settings {sorted(settings)} apply to an optimizer given "
                "by name; an optimizer object takes them in its constructor"
            )
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()](**settings)
    raise ValueError(
        f"keras.optimizers: unknown optimizer {identifier!r}; glassnet has {sorted(_BY_NAME)}"
    )


def deserialize(config: dict[str, Any]) -> Optimizer:
    """The optimizer ``get_config()`` describes."""
    return _BY_NAME[config["name"]].from_config(config)


__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "deserialize", "get"]
