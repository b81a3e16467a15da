"""``torch.nn.utils``' helpers: gradient clipping and parameters as one vector.

Examples:
    >>> import glassnet as gn
    >>> from glassnet import nn
    >>> w = nn.Parameter([3.0, 4.0])
    >>> w.grad = np.array([3.0, 4.0], dtype=np.float32)
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
    Tensor(5., dtype=float32)
    >>> nn.utils.parameters_to_vector([w, nn.Parameter([[1.0]])]).numpy()
    array([3., 4., 1.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import ShapeError
from glassnet.optim.clip import _parameters, clip_grad_value_, total_grad_norm
from glassnet.tensor import Tensor

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
]


def clip_grad_norm_(
    parameters: Any,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: Any = None,
) -> Tensor:
    """Scale the gradients together so their joint norm is at most ``max_norm``; returns the
    total norm before clipping as a Tensor, as PyTorch (``foreach`` is accepted and ignored).

    Raises:
        RuntimeError: ``error_if_nonfinite`` and the norm is nan or infinite.
    """
    params = _parameters(parameters)
    total = total_grad_norm(params, float(max_norm), norm_type, error_if_nonfinite)
    dtype = next((p.dtype for p in params if p.grad is not None), np.dtype(np.float32))
    return Tensor(np.asarray(total, dtype=dtype))


def parameters_to_vector(parameters: Any) -> Tensor:
    """Every parameter's values, flattened and joined into one 1-D Tensor (a copy)."""
    params = _parameters(parameters)
    if not params:
        return Tensor(np.zeros(0, dtype=np.float32))
    return Tensor(np.concatenate([np.asarray(p.data).reshape(-1) for p in params]))


def vector_to_parameters(vec: Any, parameters: Any) -> None:
    """Write the 1-D ``vec`` back into the parameters, in order, in place.

    Raises:
        TypeError: ``vec`` is not 1-D.
        ShapeError: its length is not the parameters' total size.
    """
    values = np.asarray(vec.data if isinstance(vec, Tensor) else vec)
    if values.ndim != 1:
        raise TypeError(f"vector_to_parameters: expected a 1-D vector, got shape {values.shape}")
    params = _parameters(parameters)
    total = sum(p.size for p in params)
    if values.size != total:
        raise ShapeError(
            f"vector_to_parameters: the vector has {values.size} values but the parameters "
            f"hold {total}"
        )
    start = 0
    for p in params:
        p.data[...] = values[start : start + p.size].reshape(p.shape)
        graph.bump_version(p)
        start += p.size
