"""PyTorch's ``dim=``/``keepdim=`` next to NumPy's ``axis=``/``keepdims=``: one place decides.

The rule of glassnet: called the PyTorch way (``dim=`` or a positional dim) an op means what
PyTorch means; called with ``axis=``/``keepdims=`` it means what NumPy means. Where the two agree
(``sum``, ``mean``) both spellings simply work; where they differ (``max``, ``var``, ``split``,
``squeeze``) the op asks ``reduce_args`` which style the caller used.

Examples:
    >>> from glassnet.ops.dims import reduce_args
    >>> reduce_args("sum", dim=1, keepdim=True)
    (1, True, 'torch')
    >>> reduce_args("sum", axis=(0, 1))
    ((0, 1), False, 'numpy')
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from glassnet.errors import ShapeError


class _Unset:
    """The default of ``axis=``/``keepdims=``: tells "not given" apart from ``axis=None``."""

    def __repr__(self) -> str:
        return "<unset>"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


def reduce_args(
    op: str,
    dim: Any = None,
    keepdim: Any = False,
    axis: Any = UNSET,
    keepdims: Any = UNSET,
) -> tuple[Any, bool, str]:
    """``(axis, keepdims, style)`` of a reduction called with either spelling.

    ``style`` is ``"numpy"`` when ``axis=`` or ``keepdims=`` was given, else ``"torch"``.
    Giving both ``dim`` and ``axis`` (or ``keepdim`` and ``keepdims``) is an error.
    """
    numpy_style = axis is not UNSET or keepdims is not UNSET
    if axis is not UNSET and dim is not None:
        raise TypeError(f"{op}: give dim= (PyTorch) or axis= (NumPy), not both")
    if keepdims is not UNSET and keepdim is not False:
        raise TypeError(f"{op}: give keepdim= (PyTorch) or keepdims= (NumPy), not both")
    chosen = axis if axis is not UNSET else dim
    if isinstance(chosen, list):
        chosen = tuple(chosen)
    kept = keepdims if keepdims is not UNSET else keepdim
    return chosen, bool(kept), "numpy" if numpy_style else "torch"


def one_dim(op: str, dim: Any, ndim: int, shape: tuple[int, ...]) -> int:
    """``dim`` in [0, ndim) (a 0-d Tensor accepts 0 and -1, as PyTorch); else a ShapeError."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r}")
    try:
        return normalize_axis_index(int(dim), max(ndim, 1))
    except ValueError:  # NumPy's AxisError
        raise ShapeError(
            f"{op}: dim {dim} is out of range for a Tensor of shape {shape} "
            f"(valid: {-max(ndim, 1)} to {max(ndim, 1) - 1})"
        ) from None


def pick(op: str, first: Any, first_name: str, second: Any, second_name: str) -> Any:
    """The one of two aliases that was given (``dim`` or ``axis``); an error if both were."""
    if first is not UNSET and second is not UNSET:
        raise TypeError(f"{op}: give {first_name}= or {second_name}=, not both")
    return second if first is UNSET else first
