"""Small package-level functions PyTorch programs call: ``is_tensor``, ``is_floating_point``,
``numel``, ``set_printoptions``.

Examples:
    >>> import glassnet as gn
    >>> gn.is_tensor(gn.zeros(2)), gn.is_floating_point(gn.zeros(2)), gn.numel(gn.zeros(2, 3))
    (True, True, 6)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.tensor import Tensor, set_print_precision


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a glassnet Tensor (a NumPy array is not)."""
    return isinstance(obj, Tensor)


def is_floating_point(tensor: Tensor) -> bool:
    """Whether the Tensor holds floating-point numbers."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"is_floating_point: expected a Tensor, got {type(tensor).__name__}")
    return tensor.is_floating_point()


def numel(tensor: Tensor) -> int:
    """The number of elements of a Tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"numel: expected a Tensor, got {type(tensor).__name__}")
    return tensor.numel()


def set_printoptions(
    precision: int | None = None,
    threshold: int | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """PyTorch's print options: ``precision`` for Tensors' repr, the rest passed on to
    ``np.set_printoptions`` (which Tensors print with).

    ``profile`` is "default" (precision 4), "short" (2) or "full" (no summarising);
    ``sci_mode=False`` turns scientific notation off (NumPy's ``suppress=True``).
    """
    options: dict[str, Any] = {}
    if profile is not None:
        presets: dict[str, dict[str, Any]] = {
            "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
            "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
            "full": {"precision": 4, "threshold": np.inf, "edgeitems": 3, "linewidth": 80},
        }
        if profile not in presets:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(presets)}")
        options.update(presets[profile])
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
    }
    options.update({k: v for k, v in given.items() if v is not None})
    if sci_mode is not None:
        options["suppress"] = not sci_mode
    if "precision" in options:
        set_print_precision(options.pop("precision"))
    np.set_printoptions(**options)
