"""Encodings of class indices: ``one_hot``. Not differentiable (the input is integers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int
from glassnet.tensor import Tensor, as_array


def one_hot_array(
    labels: Any, num_classes: int | None = -1, dtype: Any = np.int64, op: str = "one_hot"
) -> np.ndarray:
    """The one-hot array of integer ``labels``: shape (...) -> (..., num_classes).

    ``num_classes`` of -1 (or None) means the largest label + 1. Only the output is allocated
    (``np.eye(num_classes)[labels]`` would build a num_classes x num_classes table first).
    ``op`` names the caller in error messages.
    """
    labels = as_array(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{op}: needs integer class indices, got dtype {labels.dtype}")
    num_classes = -1 if num_classes is None else check_int(op, "num_classes", num_classes, -1)
    if num_classes == -1:
        if not labels.size:
            raise ValueError(f"{op}: cannot infer num_classes from no labels; pass it")
        num_classes = int(labels.max()) + 1
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{op}: class values must lie in [0, {num_classes}), got values from "
            f"{labels.min()} to {labels.max()}"
        )
    out = np.zeros((*labels.shape, num_classes), dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Class indices of any shape (...) to one-hot vectors (..., num_classes), an int64 Tensor,
    as ``torch.nn.functional.one_hot`` (``num_classes=-1``: the largest index + 1).

    Examples:
        >>> import glassnet as gn
        >>> gn.one_hot(np.array([[0, 2]]), 3)
        Tensor([[[1, 0, 0],
                 [0, 0, 1]]], dtype=int64)
    """
    return Tensor(one_hot_array(tensor, num_classes))
