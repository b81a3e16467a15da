"""The small real datasets that scikit-learn ships (no download): ``(X, y)`` NumPy arrays.

Needs the ``datasets`` extra: ``pip install "glassnet[datasets]"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _sklearn_datasets() -> Any:
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(
            "this dataset comes from scikit-learn: pip install 'glassnet[datasets]'"
        ) from None
    return datasets


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """8x8 images of digits: X (1797, 64) float32 scaled to [0, 1], y (1797,) int64 in 0..9."""
    bunch = _sklearn_datasets().load_digits()
    return (bunch.data / 16.0).astype(np.float32), bunch.target.astype(np.int64)


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    """Iris flowers: X (150, 4) float32, y (150,) int64 in 0..2."""
    bunch = _sklearn_datasets().load_iris()
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """Breast-cancer diagnosis: X (569, 30) float32, y (569,) int64 (1 = benign)."""
    bunch = _sklearn_datasets().load_breast_cancer()
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


def load_wine() -> tuple[np.ndarray, np.ndarray]:
    """Wine cultivars: X (178, 13) float32, y (178,) int64 in 0..2."""
    bunch = _sklearn_datasets().load_wine()
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


def load_diabetes() -> tuple[np.ndarray, np.ndarray]:
    """Diabetes progression (regression): X (442, 10) float32, y (442,) float32."""
    bunch = _sklearn_datasets().load_diabetes()
    return bunch.data.astype(np.float32), bunch.target.astype(np.float32)
