"""Small generated datasets for experiments and tutorials: ``(X, y)`` arrays, seeded."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet.rng import RngLike, get_rng


def _count(where: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{where}: {name} must be at least 1, got {value}")
    return int(value)


def _finite(where: str, name: str, value: Any, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number, got {value!r}")
    if not math.isfinite(value) or (minimum is not None and value < minimum):
        bound = "a finite number" if minimum is None else f"a finite number >= {minimum:g}"
        raise ValueError(f"{where}: {name} must be {bound}, got {value}")
    return float(value)


def make_spiral(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, rng: RngLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: X (N, 2) float32, y (N,) int64.

    The samples come shuffled (by ``rng``), so the tail that ``validation_split`` takes holds
    every class.

    Examples:
        >>> from glassnet.data.datasets import make_spiral
        >>> X, y = make_spiral(300, 3, rng=0)
        >>> X.shape, np.bincount(y).tolist()
        ((300, 2), [100, 100, 100])
    """
    n_samples = _count("make_spiral", "n_samples", n_samples)
    n_classes = _count("make_spiral", "n_classes", n_classes)
    noise = _finite("make_spiral", "noise", noise, minimum=0)
    generator = get_rng(rng)
    y = np.repeat(np.arange(n_classes), -(-n_samples // n_classes))[:n_samples]
    radius = np.tile(np.linspace(0.0, 1.0, -(-n_samples // n_classes)), n_classes)[:n_samples]
    angle = y * (2 * np.pi / n_classes) + radius * 4.0 + generator.normal(0, noise, n_samples)
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    order = generator.permutation(n_samples)  # generated arm by arm: shuffle the classes
    return X[order].astype(np.float32), y[order].astype(np.int64)


def make_moons(
    n_samples: int = 200, noise: float = 0.1, rng: RngLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: X (N, 2) float32, y (N,) int64 in {0, 1}, shuffled."""
    n_samples = _count("make_moons", "n_samples", n_samples)
    noise = _finite("make_moons", "noise", noise, minimum=0)
    generator = get_rng(rng)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer = np.linspace(0, np.pi, n_outer)
    inner = np.linspace(0, np.pi, n_inner)
    X = np.concatenate(
        [
            np.stack([np.cos(outer), np.sin(outer)], axis=1),
            np.stack([1 - np.cos(inner), 0.5 - np.sin(inner)], axis=1),
        ]
    )
    X = X + generator.normal(0, noise, X.shape)
    y = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])
    order = generator.permutation(n_samples)
    return X[order].astype(np.float32), y[order].astype(np.int64)


def make_regression_curve(
    n_samples: int = 200,
    noise: float = 1.0,
    low: float = -5.0,
    high: float = 5.0,
    fn: Callable[[np.ndarray], np.ndarray] | None = None,
    rng: RngLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of a curve, y = x^2 + 3x by default: X (N, 1), y (N, 1), float32, at
    random (unsorted) x."""
    where = "make_regression_curve"
    n_samples = _count(where, "n_samples", n_samples)
    noise = _finite(where, "noise", noise, minimum=0)
    if not _finite(where, "low", low) < _finite(where, "high", high):
        raise ValueError(f"{where}: low must be below high, got low={low}, high={high}")
    generator = get_rng(rng)
    curve = fn if fn is not None else (lambda x: x**2 + 3 * x)
    X = generator.uniform(low, high, (n_samples, 1))
    y = curve(X) + generator.normal(0, noise, X.shape)
    return X.astype(np.float32), y.astype(np.float32)
