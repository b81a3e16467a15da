"""glassnet: a glass-box deep-learning library on NumPy.

PyTorch programs run with ``import glassnet as torch``: Tensors, dtypes (``gn.float32``,
``gn.long`` ...), ``device="cpu"``, creation functions, ``manual_seed``, in-place ops and
``glassnet.autograd`` follow PyTorch's names and rules; where glassnet cannot follow, an error
says so.

Examples:
    >>> import glassnet as gn
    >>> x = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    Tensor([2., 4., 6.], dtype=float32)
"""

import numpy as _np  # noqa: I001

from glassnet.tensor import Size, Tensor
from glassnet.creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    scalar_tensor,
    tensor,
    zeros,
    zeros_like,
)
from glassnet.sampling import (
    bernoulli,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
from glassnet.autograd import (
    Context,
    GradientTape,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from glassnet.autograd.engine import grad
from glassnet.autograd.function import Function
from glassnet.checking import (
    GradientCheckError,
    check_layer_gradients,
    check_same,
    gradcheck,
)
from glassnet.device import device, get_default_device, set_default_device
from glassnet.dtypes import (
    bfloat16,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from glassnet.errors import ExportError, FileFormatError, GraphFreedError, ShapeError
from glassnet.ops import *  # noqa: F403  (every op in function form: gn.exp, gn.matmul, ...)
from glassnet.ops import __all__ as _ops_all
from glassnet.rng import Generator, default_generator, initial_seed, manual_seed, seed
from glassnet.io import load, save
from glassnet.onnx_export import export_onnx
from glassnet.backends import accelerator
from glassnet.utility import is_floating_point, is_tensor, numel, set_printoptions

# The packages built on the core:
from glassnet import (
    autograd,
    backends,
    cuda,
    data,
    keras,
    linalg,
    metrics,
    models,
    nn,
    optim,
    scalar,
    train,
    utils,
    viz,
)

__version__ = "0.1.0"

__all__ = [
    "Context",
    "Function",
    "ExportError",
    "FileFormatError",
    "Generator",
    "GradientCheckError",
    "GradientTape",
    "GraphFreedError",
    "ShapeError",
    "Size",
    "Tensor",
    "arange",
    "as_tensor",
    "bernoulli",
    "bfloat16",
    "check_layer_gradients",
    "check_same",
    "default_generator",
    "device",
    "empty",
    "empty_like",
    "enable_grad",
    "export_onnx",
    "eye",
    "finfo",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "get_default_device",
    "get_default_dtype",
    "grad",
    "gradcheck",
    "iinfo",
    "inference_mode",
    "initial_seed",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_floating_point",
    "is_grad_enabled",
    "is_tensor",
    "linspace",
    "load",
    "logspace",
    "manual_seed",
    "multinomial",
    "no_grad",
    "normal",
    "numel",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "save",
    "scalar_tensor",
    "seed",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "set_printoptions",
    "tensor",
    "uint8",
    "zeros",
    "zeros_like",
    "accelerator",
    "autograd",
    "backends",
    "cuda",
    "data",
    "metrics",
    "nn",
    "optim",
    "scalar",
    "train",
    "viz",
    "keras",
    "linalg",
    "models",
    "utils",
    *_ops_all,
]

# PyTorch's short dtype names, as in ``torch``. Set last and left out of __all__: in this
# file they shadow Python's float, int and bool (nothing below uses those), and
# ``from glassnet import *`` must not shadow them in the importer's namespace.
float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
bool = _np.bool_
