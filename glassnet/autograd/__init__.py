"""The autograd machinery, in the order a reader meets it.

- ``glassnet.autograd.graph``: who joins the graph (grad mode per thread, tracking, tensor
  versions, hooks);
- ``glassnet.autograd.function``: ``Function``, one op with a hand-written forward and
  backward, and ``Context``, its graph node;
- ``glassnet.autograd.engine``: the backward pass, one walk with three callers
  (``loss.backward()``, ``gn.grad``/``GradientTape``, ``Module.backward``).
"""

from glassnet.autograd.engine import GradientTape, grad
from glassnet.autograd.function import Context, Function
from glassnet.autograd.graph import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = [
    "Context",
    "Function",
    "GradientTape",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]
