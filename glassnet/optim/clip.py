"""Gradient clipping, applied between ``backward()`` and ``step()``."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from glassnet.tensor import Tensor


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
        >>> w.grad.round(3)
        array([0.6, 0.8], dtype=float32)
    """
    grads = [np.asarray(p.grad) for p in params if p.grad is not None]
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= scale
    return total


def clip_grad_value_(params: Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element to [-clip_value, clip_value], in place."""
    for p in params:
        if p.grad is not None:
            np.clip(np.asarray(p.grad), -clip_value, clip_value, out=np.asarray(p.grad))
