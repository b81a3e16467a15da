"""Checks of constructor arguments, so a bad setting fails at once with its name in the message
("Linear: out_features must be an int >= 0, got -1") instead of deep inside NumPy later.

A leaf module: it imports nothing from glassnet, so any file may use it.

Examples:
    >>> from glassnet.arguments import check_int
    >>> check_int("Linear", "out_features", 3)
    3
    >>> check_int("Linear", "out_features", 2.5)
    Traceback (most recent call last):
    ...
    TypeError: Linear: out_features must be an int, got float 2.5
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def check_int(owner: str, name: str, value: Any, minimum: int | None = 0) -> int:
    """``value`` as an int, refusing bools, floats and anything below ``minimum`` (None: no
    lower bound).

    Raises:
        TypeError: not an integer (a bool or a float such as 3.0 is refused too).
        ValueError: smaller than ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: {name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{owner}: {name} must be an int >= {minimum}, got {value}")
    return int(value)


def check_number(
    owner: str,
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite float within the given bounds (inclusive unless ``*_open``).

    Raises:
        TypeError: not a real number (a bool or a string is refused).
        ValueError: NaN, infinite, or outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if not math.isfinite(number) or too_low or too_high:
        left = "(" if low_open or low is None else "["
        right = ")" if high_open or high is None else "]"
        span = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
        raise ValueError(f"{owner}: {name} must be a finite number in {span}, got {value!r}")
    return number


def check_bool(owner: str, name: str, value: Any) -> bool:
    """``value`` if it is a bool (or NumPy bool); a TypeError otherwise ("no" is not False)."""
    if not isinstance(value, (bool, np.bool_)):
        kind = type(value).__name__
        raise TypeError(f"{owner}: {name} must be True or False, got {kind} {value!r}")
    return bool(value)


def check_float_dtype(owner: str, value: Any, why: str) -> np.dtype:
    """``value`` as a NumPy float dtype; ``why`` says why only floats will do.

    Examples:
        >>> from glassnet.arguments import check_float_dtype
        >>> check_float_dtype("Normal", "int32", "weights are floats")
        Traceback (most recent call last):
        ...
        TypeError: Normal: dtype must be a float dtype (weights are floats), got int32
    """
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"{owner}: {value!r} is not a dtype") from None
    if dtype.kind != "f":
        raise TypeError(f"{owner}: dtype must be a float dtype ({why}), got {dtype}")
    return dtype
