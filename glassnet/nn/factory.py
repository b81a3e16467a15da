"""PyTorch's factory arguments for layers: ``dtype=`` and ``device=``.

``nn.Linear(3, 2, dtype=gn.float64, device="cpu")`` works as in PyTorch. glassnet computes on
the CPU only, so any other device is a clear error rather than a silent CPU run.

Examples:
    >>> from glassnet.nn.factory import layer_dtype, check_device
    >>> layer_dtype("Linear", "float64")
    dtype('float64')
    >>> check_device("Linear", "cpu")
    >>> check_device("Linear", "cuda")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Linear: device='cuda' is not available: glassnet computes on the CPU only ...
"""

from __future__ import annotations

from typing import Any

import numpy as np


def as_numpy_dtype(value: Any) -> np.dtype:
    """A NumPy dtype from a NumPy dtype, a name ("float32"), a Python type, or a dtype object
    that names one (``glassnet.float64``, whose ``str`` is "glassnet.float64")."""
    try:
        return np.dtype(value)
    except TypeError:
        name = str(value).rsplit(".", 1)[-1]
        try:
            return np.dtype(name)
        except TypeError:
            raise TypeError(f"{value!r} is not a dtype") from None


def layer_dtype(layer: str, dtype: Any) -> np.dtype:
    """The float dtype of a layer's parameters (float32 when None).

    Raises:
        TypeError: not a dtype, or not a float one (parameters require gradients).
    """
    if dtype is None:
        return np.dtype(np.float32)
    try:
        result = as_numpy_dtype(dtype)
    except TypeError:
        raise TypeError(f"{layer}: dtype={dtype!r} is not a dtype") from None
    if result.kind != "f":
        raise TypeError(
            f"{layer}: dtype must be a float dtype (parameters require gradients), got {result}"
        )
    return result


def is_cpu(device: Any) -> bool:
    """Whether ``device`` names the CPU: None, "cpu", "cpu:0", or a device object whose
    ``type`` (or ``str``) is "cpu"."""
    if device is None:
        return True
    name = getattr(device, "type", device)
    return (isinstance(name, str) and name.split(":")[0] == "cpu") or str(device) == "cpu"


def check_device(layer: str, device: Any) -> None:
    """Accept the CPU (PyTorch's ``device=`` factory argument); anything else is an error."""
    if not is_cpu(device):
        raise ValueError(
            f"{layer}: device={str(device)!r} is not available: glassnet computes on the CPU "
            "only (use device='cpu' or leave it out)"
        )
