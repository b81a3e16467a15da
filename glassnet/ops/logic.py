"""Tests and logic, not differentiable: ``isnan isinf isfinite isclose allclose equal``,
``logical_and/or/xor/not``, ``bitwise_and/or/xor/not`` (the ``& | ^ ~`` operators).

``equal`` is PyTorch's: one Python bool for "same shape and same values"; the elementwise
comparison is ``eq`` (the ``==`` operator).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops.arithmetic import broadcast_error, promote
from glassnet.tensor import Tensor, as_array, as_tensor


def isnan(input: Any) -> Tensor:
    """True where the value is NaN.

    Examples:
        >>> import glassnet as gn
        >>> gn.isnan(gn.tensor([1.0, float("nan")]))
        Tensor([False,  True], dtype=bool)
    """
    return Tensor(np.isnan(as_array(input)))


def isinf(input: Any) -> Tensor:
    """True where the value is +inf or -inf."""
    return Tensor(np.isinf(as_array(input)))


def isfinite(input: Any) -> Tensor:
    """True where the value is neither infinite nor NaN."""
    return Tensor(np.isfinite(as_array(input)))


def isclose(
    input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> Tensor:
    """|input - other| <= atol + rtol * |other| elementwise (PyTorch's defaults)."""
    a, b = _pair("isclose", input, other)
    return Tensor(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(
    input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> bool:
    """Whether ``isclose`` holds everywhere, a Python bool.

    Examples:
        >>> import glassnet as gn
        >>> gn.allclose(gn.tensor([1.0, 2.0]), gn.tensor([1.0, 2.0 + 1e-7]))
        True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan).data.all())


def equal(input: Any, other: Any) -> bool:
    """True if both have the same shape and the same values, as ``torch.equal`` (a Python
    bool; the elementwise comparison is ``eq``).

    Examples:
        >>> import glassnet as gn
        >>> gn.equal(gn.tensor([1, 2]), gn.tensor([1, 2])), gn.equal(gn.ones(2), gn.ones(3))
        (True, False)
    """
    a, b = as_array(input), as_array(other)
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _pair(op: str, a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    like = a.dtype if isinstance(a, Tensor) else getattr(b, "dtype", None)
    x = as_tensor(a, like=like, op=op).data
    y = as_tensor(b, like=like, op=op).data
    x, y = promote(x, y)
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise broadcast_error(op, x, y) from None
    return x, y


def _integral(op: str, *arrays: np.ndarray) -> None:
    for array in arrays:
        if array.dtype.kind not in "biu":
            raise TypeError(
                f"{op}: needs bool or integer Tensors, got dtype {array.dtype} (for floats use "
                "logical_and/logical_or or comparisons)"
            )


def bitwise_and(input: Any, other: Any) -> Tensor:
    """``input & other`` on bool or integer Tensors (``and`` for bools).

    Examples:
        >>> import glassnet as gn
        >>> gn.tensor([True, False]) & gn.tensor([True, True])
        Tensor([ True, False], dtype=bool)
    """
    a, b = _pair("bitwise_and", input, other)
    _integral("bitwise_and", a, b)
    return Tensor(np.bitwise_and(a, b))


def bitwise_or(input: Any, other: Any) -> Tensor:
    """``input | other`` on bool or integer Tensors."""
    a, b = _pair("bitwise_or", input, other)
    _integral("bitwise_or", a, b)
    return Tensor(np.bitwise_or(a, b))


def bitwise_xor(input: Any, other: Any) -> Tensor:
    """``input ^ other`` on bool or integer Tensors."""
    a, b = _pair("bitwise_xor", input, other)
    _integral("bitwise_xor", a, b)
    return Tensor(np.bitwise_xor(a, b))


def bitwise_not(input: Any) -> Tensor:
    """``~input``: logical not for bools, bitwise not for integers."""
    a = as_array(input)
    _integral("bitwise_not", a)
    return Tensor(np.invert(a))


def logical_and(input: Any, other: Any) -> Tensor:
    """Elementwise ``and`` of the truth values (nonzero is True), a bool Tensor."""
    return Tensor(np.logical_and(*_pair("logical_and", input, other)))


def logical_or(input: Any, other: Any) -> Tensor:
    """Elementwise ``or`` of the truth values, a bool Tensor."""
    return Tensor(np.logical_or(*_pair("logical_or", input, other)))


def logical_xor(input: Any, other: Any) -> Tensor:
    """Elementwise ``xor`` of the truth values, a bool Tensor."""
    return Tensor(np.logical_xor(*_pair("logical_xor", input, other)))


def logical_not(input: Any) -> Tensor:
    """Elementwise ``not`` of the truth values, a bool Tensor."""
    return Tensor(np.logical_not(as_array(input)))
