"""The autograd machinery, in the order a reader meets it.

- ``glassnet.autograd.graph``: who joins the graph (grad mode per thread, tracking, tensor
  versions, hooks);
- ``glassnet.autograd.function``: ``Function``, one op with a hand-written forward and
  backward, and ``Context``, its graph node;
- ``glassnet.autograd.engine``: the backward pass, one walk with three callers
  (``loss.backward()``, ``gn.grad``/``GradientTape``, ``Module.backward``);
- ``glassnet.autograd.pytorch_style``: the same things as PyTorch programs call them:
  ``glassnet.autograd.Function`` (written with Tensors, unlike ``glassnet.Function``, written
  with NumPy arrays), ``glassnet.autograd.grad`` (a tuple of Tensors) and
  ``glassnet.autograd.backward``.
"""

from glassnet.autograd.engine import GradientTape
from glassnet.autograd.function import Context
from glassnet.autograd.graph import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from glassnet.autograd.pytorch_style import Function, FunctionCtx, backward, grad

__all__ = [
    "Context",
    "Function",
    "FunctionCtx",
    "GradientTape",
    "backward",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]
