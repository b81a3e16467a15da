"""glassnet: a glass-box deep-learning library on NumPy.

Examples:
    >>> import glassnet as gn
    >>> x = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    array([2., 4., 6.], dtype=float32)
"""

from glassnet.tensor import Tensor  # noqa: I001
from glassnet.creation import arange, eye, full, ones, rand, randn, tensor, zeros
from glassnet.autograd import (
    Context,
    Function,
    GradientTape,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from glassnet.checking import (
    GradientCheckError,
    check_layer_gradients,
    check_same,
    gradcheck,
)
from glassnet.errors import ExportError, FileFormatError, GraphFreedError, ShapeError
from glassnet.ops import *  # noqa: F403  (every op in function form: gn.exp, gn.matmul, ...)
from glassnet.ops import __all__ as _ops_all
from glassnet.rng import manual_seed
from glassnet.io import load, save
from glassnet.onnx_export import export_onnx
from glassnet import data, metrics, nn, optim, scalar, train, viz  # built on the core

__version__ = "0.1.0"

__all__ = [
    "Context",
    "Function",
    "ExportError",
    "FileFormatError",
    "GradientCheckError",
    "GradientTape",
    "GraphFreedError",
    "ShapeError",
    "Tensor",
    "arange",
    "check_layer_gradients",
    "check_same",
    "enable_grad",
    "export_onnx",
    "eye",
    "full",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "load",
    "manual_seed",
    "no_grad",
    "ones",
    "rand",
    "randn",
    "save",
    "set_grad_enabled",
    "tensor",
    "zeros",
    "data",
    "metrics",
    "nn",
    "optim",
    "scalar",
    "train",
    "viz",
    *_ops_all,
]
