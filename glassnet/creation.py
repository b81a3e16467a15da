"""Making Tensors: ``gn.tensor``, ``zeros``, ``ones``, ``full``, ``eye``, ``arange``, ``randn``,
``rand``, with PyTorch's dtype rules (Python floats become float32)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.rng import RngLike, get_rng
from glassnet.tensor import DTypeLike, Tensor


def tensor(data: Any, requires_grad: bool = False, dtype: DTypeLike = None) -> Tensor:
    """Make a Tensor (see ``Tensor`` for the dtype rules).

    Examples:
        >>> import glassnet as gn
        >>> gn.tensor([1.0, 2.0]).dtype, gn.tensor([1, 2]).dtype
        (dtype('float32'), dtype('int64'))
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def _shape(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def zeros(*shape: Any, dtype: DTypeLike = np.float32, requires_grad: bool = False) -> Tensor:
    """A Tensor of zeros: ``gn.zeros(2, 3)`` or ``gn.zeros((2, 3))``."""
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape: Any, dtype: DTypeLike = np.float32, requires_grad: bool = False) -> Tensor:
    """A Tensor of ones: ``gn.ones(2, 3)`` or ``gn.ones((2, 3))``."""
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def full(shape: Any, value: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A Tensor filled with ``value`` (float32 for a Python float)."""
    if dtype is None:
        dtype = np.float32 if isinstance(value, float) else np.asarray(value).dtype
    return Tensor(np.full(shape, value, dtype=dtype), requires_grad=requires_grad)


def eye(
    n: int, m: int | None = None, dtype: DTypeLike = np.float32, requires_grad: bool = False
) -> Tensor:
    """The identity matrix (n x m)."""
    return Tensor(np.eye(n, m, dtype=dtype), requires_grad=requires_grad)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: DTypeLike = None) -> Tensor:
    """Evenly spaced values, as ``np.arange`` (float32 when any argument is a Python float)."""
    if stop is None:
        start, stop = 0, start
    if dtype is None and any(isinstance(v, float) for v in (start, stop, step)):
        dtype = np.float32
    return Tensor(np.arange(start, stop, step, dtype=dtype))


def randn(
    *shape: Any, rng: RngLike = None, dtype: DTypeLike = np.float32, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples; ``rng`` as everywhere (Generator, seed or None for the global)."""
    data = get_rng(rng).standard_normal(_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad=requires_grad)


def rand(
    *shape: Any, rng: RngLike = None, dtype: DTypeLike = np.float32, requires_grad: bool = False
) -> Tensor:
    """Uniform samples in [0, 1)."""
    data = get_rng(rng).random(_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad=requires_grad)
