"""Gradient clipping, applied between ``backward()`` and ``step()``.

``glassnet.optim.clip_grad_norm_`` returns the norm as a float (to log it);
``glassnet.nn.utils.clip_grad_norm_`` is PyTorch's, which returns it as a Tensor. Both read
and scale the gradients in place through ``np.asarray(p.grad)`` (no copy).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.tensor import Tensor


def _parameters(params: Any) -> list[Tensor]:
    """A single Tensor or an iterable of them, as PyTorch accepts."""
    return [params] if isinstance(params, Tensor) else list(params)


def total_grad_norm(
    params: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False
) -> float:
    """Scale all gradients together so their joint ``norm_type`` norm is at most ``max_norm``
    (PyTorch's factor ``max_norm / (norm + 1e-6)``, capped at 1); the norm before clipping.

    Raises:
        RuntimeError: ``error_if_nonfinite`` and the norm is nan or infinite (as PyTorch).
    """
    grads = [np.asarray(p.grad) for p in _parameters(params) if p.grad is not None]
    if not grads:
        return 0.0
    norm_type = float(norm_type)
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{total}, so they cannot be clipped; pass error_if_nonfinite=False to scale anyway"
        )
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= scale
    return total


def clip_grad_norm_(params: Iterable[Tensor], max_norm: float, norm_type: float = 2.0) -> float:
    """Scale all gradients together so their joint norm is at most ``max_norm``.

    Returns the norm before clipping (useful to log).

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import optim
        >>> w = gn.tensor([3.0, 4.0], requires_grad=True)
        >>> w.grad = np.array([3.0, 4.0], dtype=np.float32)
        >>> optim.clip_grad_norm_([w], max_norm=1.0)
        5.0
        >>> np.asarray(w.grad).round(3)
        array([0.6, 0.8], dtype=float32)
    """
    return total_grad_norm(params, max_norm, norm_type)


def clip_grad_value_(params: Iterable[Tensor], clip_value: float, foreach: Any = None) -> None:
    """Clip every gradient element to [-clip_value, clip_value], in place."""
    for p in _parameters(params):
        if p.grad is not None:
            grad = np.asarray(p.grad)
            np.clip(grad, -clip_value, clip_value, out=grad)
