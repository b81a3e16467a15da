"""Making Tensors, with PyTorch's names, signatures and dtype rules: ``tensor``, ``as_tensor``,
``from_numpy``, ``empty``, ``zeros``, ``ones``, ``full``, the ``*_like`` forms, ``eye``,
``arange``, ``linspace``, ``logspace``. The random ones are in ``glassnet.sampling``.

Shapes come as PyTorch takes them: ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros([2, 3])``,
``zeros(size=(2, 3))``, and ``zeros(())`` for a 0-d Tensor. Float results have the default
dtype (float32 unless ``gn.set_default_dtype`` says otherwise). Every function takes
``device=`` (the CPU only) and ``requires_grad=``.

Examples:
    >>> import glassnet as gn
    >>> gn.zeros(2, 3).shape, gn.ones(()).shape, gn.full((2,), 7).dtype
    ((2, 3), (), dtype('int64'))
    >>> gn.arange(3), gn.arange(0, 1, 0.5)
    (Tensor([0, 1, 2], dtype=int64), Tensor([0. , 0.5], dtype=float32))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import dtypes
from glassnet.arguments import check_int
from glassnet.device import check_device
from glassnet.tensor import DTypeLike, Tensor


def shape_of(size: tuple[Any, ...], where: str, keyword: Any = None) -> tuple[int, ...]:
    """The shape given as ``*size`` (ints, or one tuple/list) or as ``size=``, checked.

    Examples:
        >>> shape_of((2, 3), "zeros"), shape_of(((2, 3),), "zeros"), shape_of(((),), "zeros")
        ((2, 3), (2, 3), ())
    """
    if keyword is not None:
        if size:
            raise TypeError(f"{where}: give the shape either as arguments or as size=, not both")
        size = (keyword,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(check_int(where, "size", s) for s in size)


def _make(
    array: np.ndarray, where: str, device: Any, requires_grad: bool, pin_memory: bool = False
) -> Tensor:
    check_device(device, where)
    if pin_memory:
        raise RuntimeError(f"{where}(pin_memory=True): glassnet has no GPU to pin memory for")
    return Tensor(array, requires_grad=requires_grad)


def tensor(
    data: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A new Tensor holding a copy of ``data`` (as ``torch.tensor``): Python floats get the
    default dtype, ints int64, bools bool; NumPy arrays keep theirs.

    Examples:
        >>> import glassnet as gn
        >>> gn.tensor([1.0, 2.0]).dtype, gn.tensor([1, 2]).dtype
        (dtype('float32'), dtype('int64'))
    """
    if isinstance(data, Tensor):
        data = data.data
    array = Tensor(data, dtype=dtype).data
    if array is data or (isinstance(data, np.ndarray) and np.shares_memory(array, data)):
        array = array.copy()
    return _make(array, "tensor", device, requires_grad, pin_memory)


def as_tensor(data: Any, dtype: DTypeLike = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor without a copy when possible: a Tensor of the right dtype is
    returned as it is, a NumPy array of the right dtype is shared."""
    check_device(device, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or dtypes.as_dtype(dtype) == data.dtype):
        return data
    return Tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory: a change to one shows in the other.

    Examples:
        >>> import numpy as np, glassnet as gn
        >>> a = np.zeros(2)
        >>> t = gn.from_numpy(a); a[0] = 5
        >>> t
        Tensor([5., 0.], dtype=float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a np.ndarray, got {type(array).__name__}")
    return Tensor(array)


def _float_dtype(dtype: DTypeLike, where: str) -> np.dtype:
    return dtypes.float_or_default(dtype, where)


def empty(
    *size: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    **kwargs: Any,
) -> Tensor:
    """A Tensor whose values are whatever the memory held (fill it before reading)."""
    shape = shape_of(size, "empty", _size_keyword(kwargs, "empty"))
    array = np.empty(shape, dtype=_float_dtype(dtype, "empty"))
    return _make(array, "empty", device, requires_grad, pin_memory)


def zeros(
    *size: Any, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False, **kw: Any
) -> Tensor:
    """A Tensor of zeros: ``gn.zeros(2, 3)`` or ``gn.zeros((2, 3))``."""
    shape = shape_of(size, "zeros", _size_keyword(kw, "zeros"))
    array = np.zeros(shape, dtype=_float_dtype(dtype, "zeros"))
    return _make(array, "zeros", device, requires_grad)


def ones(
    *size: Any, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False, **kw: Any
) -> Tensor:
    """A Tensor of ones: ``gn.ones(2, 3)`` or ``gn.ones((2, 3))``."""
    shape = shape_of(size, "ones", _size_keyword(kw, "ones"))
    array = np.ones(shape, dtype=_float_dtype(dtype, "ones"))
    return _make(array, "ones", device, requires_grad)


def full(
    size: Any,
    fill_value: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A Tensor filled with ``fill_value``: its dtype is that of the value as PyTorch infers it
    (bool, int64, or the default float dtype) unless ``dtype`` is given."""
    shape = shape_of((size,), "full")
    return _make(
        np.full(shape, _value(fill_value), dtype=_value_dtype(fill_value, dtype, "full")),
        "full",
        device,
        requires_grad,
    )


def scalar_tensor(
    value: Any, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A 0-d Tensor (of the default float dtype unless ``dtype`` is given)."""
    array = np.asarray(_value(value), dtype=_float_dtype(dtype, "scalar_tensor"))
    return _make(array, "scalar_tensor", device, requires_grad)


def _value(value: Any) -> Any:
    return value.item() if isinstance(value, Tensor) else value


def _value_dtype(value: Any, dtype: DTypeLike, where: str) -> np.dtype:
    if dtype is not None:
        return dtypes.as_dtype(dtype, where)
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, float):
        return dtypes.default_dtype()
    return dtypes.as_dtype(np.asarray(value).dtype, where)


def _size_keyword(kwargs: dict[str, Any], where: str) -> Any:
    size = kwargs.pop("size", None)
    for ignored in ("out", "layout", "memory_format"):
        if kwargs.pop(ignored, None) is not None:
            raise TypeError(f"{where}: glassnet does not support {ignored}=")
    if kwargs:
        raise TypeError(f"{where}() got unexpected keyword arguments {sorted(kwargs)}")
    return size


# ----------------------------------------------------------------------------- *_like
def _like_dtype(input: Tensor, dtype: DTypeLike) -> np.dtype:
    return np.asarray(input).dtype if dtype is None else dtypes.as_dtype(dtype)


def zeros_like(
    input: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Zeros of ``input``'s shape and dtype (unless ``dtype`` is given)."""
    array = np.zeros(np.shape(input), dtype=_like_dtype(input, dtype))
    return _make(array, "zeros_like", device, requires_grad)


def ones_like(
    input: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Ones of ``input``'s shape and dtype (unless ``dtype`` is given)."""
    array = np.ones(np.shape(input), dtype=_like_dtype(input, dtype))
    return _make(array, "ones_like", device, requires_grad)


def empty_like(
    input: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """An unfilled Tensor of ``input``'s shape and dtype."""
    array = np.empty(np.shape(input), dtype=_like_dtype(input, dtype))
    return _make(array, "empty_like", device, requires_grad)


def full_like(
    input: Any,
    fill_value: Any,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype (unless ``dtype`` is given)."""
    array = np.full(np.shape(input), _value(fill_value), dtype=_like_dtype(input, dtype))
    return _make(array, "full_like", device, requires_grad)


# ----------------------------------------------------------------------------- ranges
def eye(
    n: int,
    m: int | None = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The identity matrix (n x m)."""
    n = check_int("eye", "n", n)
    m = n if m is None else check_int("eye", "m", m)
    return _make(np.eye(n, m, dtype=_float_dtype(dtype, "eye")), "eye", device, requires_grad)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` (0 when only one number is given) up to ``end`` (excluded) by
    ``step``. PyTorch's dtype rule: int64 when all three are ints, the default float dtype when
    any is a float."""
    start, end, step = _value(start), _value(end), _value(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if dtype is None:
        floats = any(isinstance(v, (float, np.floating)) for v in (start, end, step))
        dtype = dtypes.default_dtype() if floats else np.int64
    else:
        dtype = dtypes.as_dtype(dtype, "arange")
    array = np.arange(start, end, step).astype(dtype)
    return _make(array, "arange", device, requires_grad)


def linspace(
    start: Any,
    end: Any,
    steps: int,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    steps = check_int("linspace", "steps", steps)
    array = np.linspace(_value(start), _value(end), steps, dtype=np.float64)
    return _make(array.astype(_float_dtype(dtype, "linspace")), "linspace", device, requires_grad)


def logspace(
    start: Any,
    end: Any,
    steps: int,
    base: float = 10.0,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in the exponent."""
    steps = check_int("logspace", "steps", steps)
    array = np.logspace(_value(start), _value(end), steps, base=base, dtype=np.float64)
    return _make(array.astype(_float_dtype(dtype, "logspace")), "logspace", device, requires_grad)
