"""Reading model files of format version 2, written before ``nn.Linear`` took PyTorch's layout.

Version 2 stored a ``Linear``'s weight as (in_features, out_features) and a ``Dense``'s
parameters as ``linear.weight``/``linear.bias``. The model being loaded says which arrays those
are (its modules' types, not the arrays' shapes, decide), so a square weight is transposed
because it belongs to a Linear, never by guessing.

Examples:
    >>> from glassnet import nn
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.Dense(3, 1))
    >>> old = {"0.weight": np.zeros((2, 3)), "0.bias": np.zeros(3),
    ...        "1.linear.weight": np.zeros((3, 1)), "1.linear.bias": np.zeros(1)}
    >>> {k: v.shape for k, v in upgrade_v2_arrays(old, model).items()}
    {'0.weight': (3, 2), '0.bias': (3,), '1.kernel': (3, 1), '1.bias': (1,)}
"""

from __future__ import annotations

from typing import Any

import numpy as np


def upgrade_v2_arrays(arrays: dict[str, np.ndarray], model: Any) -> dict[str, np.ndarray]:
    """The arrays of a version-2 file under version 3's names and layouts, for ``model``."""
    from glassnet.nn.dense import Dense
    from glassnet.nn.layers import Linear

    renamed: dict[str, str] = {}
    transposed: set[str] = set()
    for name, module in model.named_modules():
        prefix = f"{name}." if name else ""
        if isinstance(module, Dense):
            renamed[f"{prefix}linear.weight"] = f"{prefix}kernel"
            renamed[f"{prefix}linear.bias"] = f"{prefix}bias"
        elif isinstance(module, Linear):
            transposed.add(f"{prefix}weight")
    upgraded = {}
    for key, array in arrays.items():
        if key in transposed and array.ndim == 2:
            array = np.ascontiguousarray(array.T)
        upgraded[renamed.get(key, key)] = array
    return upgraded
