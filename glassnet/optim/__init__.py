"""Optimizers and learning-rate schedules: ``from glassnet import optim``.

Examples:
    >>> import glassnet as gn
    >>> from glassnet import nn, optim
    >>> model = nn.Linear(3, 1, rng=0)
    >>> opt = optim.get("adam", model.parameters(), lr=1e-2)
    >>> loss = model(np.ones((4, 3))).sum()
    >>> opt.zero_grad(); loss.backward(); opt.step()
"""

from glassnet.optim import lr_scheduler
from glassnet.optim.adagrad import Adagrad
from glassnet.optim.adam import Adam
from glassnet.optim.adamw import AdamW
from glassnet.optim.clip import clip_grad_norm_, clip_grad_value_
from glassnet.optim.optimizer import Optimizer
from glassnet.optim.rmsprop import RMSprop
from glassnet.optim.sgd import SGD
from glassnet.registry import Registry

OPTIMIZERS = Registry(
    "optimizer",
    {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad},
    accepts=lambda value: isinstance(value, Optimizer),
)

#: ``get(optimizer_or_name, params, **hyperparameters)``: an optimizer from a Keras-style name
#: ("adam", "sgd", ...) made over ``params``, or an Optimizer (returned as it is).
get = OPTIMIZERS.get

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
]
