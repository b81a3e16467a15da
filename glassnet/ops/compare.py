"""Comparisons: elementwise, broadcasting, returning bool Tensors that carry no gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops.arithmetic import broadcast_error
from glassnet.tensor import Tensor, as_tensor


def _compare(ufunc: np.ufunc, a: Any, b: Any) -> Tensor:
    like = a.dtype if isinstance(a, Tensor) else getattr(b, "dtype", None)
    a_array = as_tensor(a, like=like, op=ufunc.__name__).data
    b_array = as_tensor(b, like=like, op=ufunc.__name__).data
    try:
        return Tensor(ufunc(a_array, b_array))
    except ValueError:
        raise broadcast_error(ufunc.__name__, a_array, b_array) from None


def less(a: Any, b: Any) -> Tensor:
    """``a < b`` as a bool Tensor.

    Examples:
        >>> import glassnet as gn
        >>> gn.tensor([1.0, 2.0]) < 1.5
        Tensor([ True, False], dtype=bool)
    """
    return _compare(np.less, a, b)


def less_equal(a: Any, b: Any) -> Tensor:
    """``a <= b`` as a bool Tensor."""
    return _compare(np.less_equal, a, b)


def greater(a: Any, b: Any) -> Tensor:
    """``a > b`` as a bool Tensor."""
    return _compare(np.greater, a, b)


def greater_equal(a: Any, b: Any) -> Tensor:
    """``a >= b`` as a bool Tensor."""
    return _compare(np.greater_equal, a, b)


def equal(a: Any, b: Any) -> Tensor:
    """``a == b`` elementwise, as a bool Tensor."""
    return _compare(np.equal, a, b)


def not_equal(a: Any, b: Any) -> Tensor:
    """``a != b`` elementwise, as a bool Tensor."""
    return _compare(np.not_equal, a, b)


# PyTorch's short names. ``gn.equal`` is PyTorch's whole-Tensor test (glassnet.ops.logic);
# the elementwise ``==`` is ``eq`` (this module's ``equal``).
eq, ne, lt, le, gt, ge = equal, not_equal, less, less_equal, greater, greater_equal
