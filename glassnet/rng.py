"""Randomness: a global generator for convenience, an explicit one where reproducibility matters.

Every random thing in glassnet takes ``rng``: a ``np.random.Generator``, a ``gn.Generator``, an
int seed, or None for the global generator that ``manual_seed`` resets. The creation functions
also take PyTorch's ``generator=`` (a ``gn.Generator``).

``gn.Generator`` is PyTorch's face on a NumPy generator: ``manual_seed``, ``seed``,
``initial_seed``; its NumPy generator is ``generator.numpy``. The numbers differ from PyTorch's
(another algorithm), the reproducibility is the same.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np


def _seed(seed: object, where: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{where}: a seed must be an int >= 0, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"{where}: a seed must be an int >= 0, got {seed}")
    return int(seed)


class Generator:
    """A random generator, as ``torch.Generator``: ``gn.Generator().manual_seed(0)``.

    Attribute lookups it does not know (``normal``, ``integers``, ``permutation`` ...) go to the
    NumPy generator, so it also works wherever glassnet takes a ``np.random.Generator``.

    Examples:
        >>> import glassnet as gn
        >>> g = gn.Generator().manual_seed(7)
        >>> a = gn.rand(3, generator=g)
        >>> bool((a == gn.rand(3, generator=g.manual_seed(7))).all())
        True
    """

    def __init__(self, device: Any = "cpu") -> None:
        from glassnet.device import check_device

        self.device = check_device(device, "Generator")
        self.seed()

    def manual_seed(self, seed: int) -> Generator:
        """Restart from ``seed``; returns the generator (so it chains)."""
        self._initial_seed = _seed(seed, "manual_seed")
        self.numpy = np.random.default_rng(self._initial_seed)
        return self

    def seed(self) -> int:
        """Restart from a fresh nondeterministic seed, and return it."""
        seed = secrets.randbits(63)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed of the last ``manual_seed`` (or ``seed``)."""
        return self._initial_seed

    def get_state(self) -> dict[str, Any]:
        """The NumPy bit generator's state (a dict, not PyTorch's byte tensor)."""
        return dict(self.numpy.bit_generator.state)

    def set_state(self, state: dict[str, Any]) -> Generator:
        self.numpy.bit_generator.state = state
        return self

    def __getattr__(self, name: str) -> Any:
        if name == "numpy":  # not set yet: a failed __init__
            raise AttributeError(name)
        return getattr(self.numpy, name)


RngLike = np.random.Generator | Generator | int | None

default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Reset the global generator, so code that passes ``rng=None`` becomes reproducible.

    Returns the global ``Generator`` (as PyTorch); it also answers NumPy's generator methods.

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
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global generator nondeterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global generator started from."""
    return default_generator.initial_seed()


def get_rng(rng: RngLike = None) -> np.random.Generator:
    """Turn an ``rng`` argument into a NumPy Generator (a seed makes a fresh one; None is the
    global one)."""
    if rng is None:
        return default_generator.numpy
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, Generator):
        return rng.numpy
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(_seed(rng, "rng"))
    raise TypeError(
        "rng must be a numpy.random.Generator, an int seed, None or a glassnet.Generator; "
        f"got {type(rng).__name__}"
    )


def pick_rng(rng: RngLike, generator: Generator | None, where: str) -> np.random.Generator:
    """The generator of a function taking both glassnet's ``rng=`` and PyTorch's ``generator=``."""
    if generator is not None:
        if rng is not None:
            raise TypeError(f"{where}: pass rng= or generator=, not both")
        if not isinstance(generator, (Generator, np.random.Generator)):
            raise TypeError(
                f"{where}: generator must be a glassnet.Generator, got {type(generator).__name__}"
            )
        return get_rng(generator)
    return get_rng(rng)
