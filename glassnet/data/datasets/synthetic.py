"""Small generated datasets for experiments and tutorials: ``(X, y)`` arrays, seeded."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassnet.rng import RngLike, get_rng


def make_spiral(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, rng: RngLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: X (N, 2) float32, y (N,) int64.

    Examples:
        >>> from glassnet.data.datasets import make_spiral
        >>> X, y = make_spiral(300, 3, rng=0)
        >>> X.shape, np.bincount(y).tolist()
        ((300, 2), [100, 100, 100])
    """
    generator = get_rng(rng)
    y = np.repeat(np.arange(n_classes), -(-n_samples // n_classes))[:n_samples]
    radius = np.tile(np.linspace(0.0, 1.0, -(-n_samples // n_classes)), n_classes)[:n_samples]
    angle = y * (2 * np.pi / n_classes) + radius * 4.0 + generator.normal(0, noise, n_samples)
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return X.astype(np.float32), y.astype(np.int64)


def make_moons(
    n_samples: int = 200, noise: float = 0.1, rng: RngLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: X (N, 2) float32, y (N,) int64 in {0, 1}."""
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
    """Noisy samples of a curve, y = x^2 + 3x by default: X (N, 1), y (N, 1), float32."""
    generator = get_rng(rng)
    curve = fn if fn is not None else (lambda x: x**2 + 3 * x)
    X = generator.uniform(low, high, (n_samples, 1))
    y = curve(X) + generator.normal(0, noise, X.shape)
    return X.astype(np.float32), y.astype(np.float32)
