"""Randomness: a global generator for convenience, an explicit one where reproducibility matters.

Every random thing in glassnet takes ``rng``: a ``np.random.Generator``, an int seed, or None for
the global generator that ``manual_seed`` resets.
"""

from __future__ import annotations

import numpy as np

RngLike = np.random.Generator | int | None

_global_rng = np.random.default_rng()


def _seed(seed: object, where: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{where}: a seed must be an int >= 0, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"{where}: a seed must be an int >= 0, got {seed}")
    return int(seed)


def manual_seed(seed: int) -> np.random.Generator:
    """Reset the global generator, so code that passes ``rng=None`` becomes reproducible.

    Raises:
        TypeError: a seed that is not an int (a float, a string, None).
        ValueError: a negative seed.

    Examples:
        >>> import glassnet as gn
        >>> _ = gn.manual_seed(0); a = gn.randn(3)
        >>> _ = gn.manual_seed(0); b = gn.randn(3)
        >>> bool((a.numpy() == b.numpy()).all())
        True
    """
    global _global_rng
    _global_rng = np.random.default_rng(_seed(seed, "manual_seed"))
    return _global_rng


def get_rng(rng: RngLike = None) -> np.random.Generator:
    """Turn an ``rng`` argument into a Generator (a seed makes a fresh one; None is the global)."""
    if rng is None:
        return _global_rng
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(_seed(rng, "rng"))
    raise TypeError(
        f"rng must be a numpy.random.Generator, an int seed or None; got {type(rng).__name__}"
    )
