"""dtypes as PyTorch names them: ``gn.float32`` is ``np.float32`` itself, so a Tensor's ``dtype``
(a NumPy dtype) compares equal to it, and NumPy code can take it as it is.

PyTorch's short aliases live at package level too: ``gn.float`` (float32), ``gn.double``,
``gn.half``, ``gn.long``, ``gn.int``, ``gn.short``, ``gn.bool``. They are set in
``glassnet/__init__.py`` after everything else, so they shadow Python's ``float``, ``int`` and
``bool`` in that one file only (code inside glassnet imports its own names and never sees them),
and ``from glassnet import *`` does not export them.

The default dtype (float32 unless ``set_default_dtype`` changes it) is what Python floats and the
creation functions (``zeros``, ``rand``, ``arange(0.5)`` ...) give, as in PyTorch.

Examples:
    >>> import numpy as np, glassnet as gn
    >>> gn.tensor([1.0]).dtype == gn.float32, gn.float is gn.float32, gn.long is np.int64
    (True, True, True)
    >>> gn.tensor([1.0]).double().type()
    'glassnet.DoubleTensor'
"""

from __future__ import annotations

from typing import Any

import numpy as np

float16 = np.float16
float32 = np.float32
float64 = np.float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
uint8 = np.uint8
bool_ = np.bool_
bfloat16 = "bfloat16"  # NumPy has none: as_dtype names it in an error (None would mean "default")

# PyTorch's aliases, spelled as they are in ``torch`` (exported from glassnet/__init__.py).
ALIASES: dict[str, Any] = {
    "float": np.float32,
    "double": np.float64,
    "half": np.float16,
    "long": np.int64,
    "int": np.int32,
    "short": np.int16,
    "bool": np.bool_,
}

# ``Tensor.type()``: PyTorch's legacy names of the CPU tensor types.
TYPE_NAMES: dict[np.dtype, str] = {
    np.dtype(np.float16): "glassnet.HalfTensor",
    np.dtype(np.float32): "glassnet.FloatTensor",
    np.dtype(np.float64): "glassnet.DoubleTensor",
    np.dtype(np.int8): "glassnet.CharTensor",
    np.dtype(np.uint8): "glassnet.ByteTensor",
    np.dtype(np.int16): "glassnet.ShortTensor",
    np.dtype(np.int32): "glassnet.IntTensor",
    np.dtype(np.int64): "glassnet.LongTensor",
    np.dtype(np.bool_): "glassnet.BoolTensor",
}
_BY_TYPE_NAME = {name: dtype for dtype, name in TYPE_NAMES.items()}
_BY_TYPE_NAME.update({name.replace("glassnet.", "torch."): d for name, d in _BY_TYPE_NAME.items()})

_default = np.dtype(np.float32)


def as_dtype(dtype: Any, where: str = "dtype") -> np.dtype:
    """Any way of naming a dtype (``gn.float32``, ``np.float64``, ``"float32"``, Python's
    ``float`` / ``int`` / ``bool`` as PyTorch reads them: float64, int64, bool, or a type name
    such as ``"glassnet.LongTensor"``) as a NumPy dtype glassnet can hold.

    Raises:
        TypeError: a dtype a Tensor cannot hold (complex, strings, objects, bfloat16).

    Examples:
        >>> import glassnet as gn
        >>> as_dtype(gn.double), as_dtype("glassnet.IntTensor"), as_dtype(float)
        (dtype('float64'), dtype('int32'), dtype('float64'))
    """
    if isinstance(dtype, str) and dtype in _BY_TYPE_NAME:
        return _BY_TYPE_NAME[dtype]
    if dtype is None or (isinstance(dtype, str) and dtype == "bfloat16"):
        raise TypeError(f"{where}: glassnet has no dtype {dtype!r} (NumPy has no bfloat16)")
    try:
        result = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"{where}: {dtype!r} is not a dtype") from error
    if result.kind not in "biuf":
        raise TypeError(f"{where}: a Tensor holds bool, integer or float numbers, not {result}")
    return result


def is_dtype(value: Any) -> bool:
    """Whether ``value`` names a dtype (so ``x.to(value)`` means a cast, not a device)."""
    if isinstance(value, np.dtype):
        return True
    if isinstance(value, type):
        return issubclass(value, np.generic) or value in (float, int, bool)
    return isinstance(value, str) and (value in _BY_TYPE_NAME or value == bfloat16)


def type_name(dtype: np.dtype) -> str:
    """PyTorch's name of the tensor type for this dtype: ``'glassnet.FloatTensor'``."""
    return TYPE_NAMES.get(np.dtype(dtype), f"glassnet.{np.dtype(dtype).name}")


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype of Python floats and of the float creation functions (float32 at start).

    Raises:
        TypeError: a dtype that is not float16, float32 or float64 (as in PyTorch).

    Examples:
        >>> import glassnet as gn
        >>> gn.set_default_dtype(gn.float64)
        >>> gn.tensor([1.5]).dtype, gn.zeros(2).dtype
        (dtype('float64'), dtype('float64'))
        >>> gn.set_default_dtype(gn.float32)
    """
    global _default
    result = as_dtype(dtype, "set_default_dtype")
    if result.kind != "f":
        raise TypeError(
            f"set_default_dtype: only floating-point dtypes can be the default, got {result}"
        )
    _default = result


def get_default_dtype() -> Any:
    """The dtype Python floats and float creation functions give (``gn.float32`` at start)."""
    return _default.type


def default_dtype() -> np.dtype:
    """The default dtype as a NumPy dtype (for code inside glassnet)."""
    return _default


def float_or_default(dtype: Any, where: str = "dtype") -> np.dtype:
    """``dtype`` as a NumPy dtype, or the default float dtype when it is None."""
    return _default if dtype is None else as_dtype(dtype, where)


def is_floating_point(tensor: Any) -> bool:
    """Whether a Tensor (or array) holds floating-point numbers."""
    return np.asarray(tensor).dtype.kind == "f"


finfo = np.finfo
iinfo = np.iinfo
