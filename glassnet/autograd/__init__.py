"""The autograd machinery: the Function base class and the one graph walker (the engine)."""

from glassnet.autograd.engine import GradientTape, enable_grad, grad, is_grad_enabled, no_grad
from glassnet.autograd.function import Context, Function

__all__ = [
    "Context",
    "Function",
    "GradientTape",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
]
