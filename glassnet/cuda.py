"""``glassnet.cuda``: there is no GPU in glassnet, so PyTorch's usual checks answer "no".

``gn.cuda.is_available()`` is False, so ``device = "cuda" if gn.cuda.is_available() else "cpu"``
picks the CPU. Seeding CUDA is silently ignored, as PyTorch does on a machine without CUDA.

Examples:
    >>> import glassnet as gn
    >>> gn.cuda.is_available(), gn.cuda.device_count()
    (False, 0)
"""

from __future__ import annotations


def is_available() -> bool:
    """False: glassnet runs on the CPU only."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Ignored (no CUDA), as in PyTorch; seed the CPU with ``gn.manual_seed``."""


def manual_seed_all(seed: int) -> None:
    """Ignored (no CUDA), as in PyTorch."""


def synchronize() -> None:
    """Nothing to wait for on the CPU."""
