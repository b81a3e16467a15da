"""Optimizers and learning-rate schedules: ``from glassnet import optim``.

Examples:
    >>> import glassnet as gn
    >>> from glassnet import nn, optim
    >>> model = nn.Linear(3, 1, rng=0)
    >>> opt = optim.get("adam", model.parameters(), lr=1e-2)
    >>> loss = model(np.ones((4, 3))).sum()
    >>> opt.zero_grad(); loss.backward(); opt.step()
"""

from collections.abc import Iterable
from typing import Any

from glassnet.optim import lr_scheduler
from glassnet.optim.adagrad import Adagrad
from glassnet.optim.adam import Adam
from glassnet.optim.adamw import AdamW
from glassnet.optim.clip import clip_grad_norm_, clip_grad_value_
from glassnet.optim.optimizer import Optimizer
from glassnet.optim.rmsprop import RMSprop
from glassnet.optim.sgd import SGD

OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
}


def get(optimizer: str | Optimizer, params: Iterable[Any], **hyperparameters: Any) -> Optimizer:
    """An optimizer from a Keras-style name ("adam", "sgd", ...) or an Optimizer (returned)."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[optimizer.lower()](params, **hyperparameters)


__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "clip_grad_norm_",
    "clip_grad_value_",
    "get",
    "lr_scheduler",
]  # fmt: skip
