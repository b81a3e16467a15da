"""Batches from arrays: ``for xb, yb in DataLoader(X, y, batch_size=128, shuffle=True)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

import numpy as np

from glassnet.rng import RngLike, get_rng


@runtime_checkable
class Dataset(Protocol):
    """Anything with a length whose ``__getitem__`` takes an integer array of indices and
    returns that batch (an array, or a tuple of arrays). Fetching whole batches at once keeps
    the loop over samples inside NumPy."""

    def __len__(self) -> int: ...

    def __getitem__(self, indices: np.ndarray) -> Any: ...


class DataLoader:
    """Iterate over mini-batches of ``X`` (and ``y``), optionally shuffled each epoch.

    The data is never copied as a whole: unshuffled batches are slices (views); shuffled ones
    gather just the batch's rows.

    Args:
        X: an array (samples along the first axis) or a :class:`Dataset`.
        y: targets, same length as X (optional).
        batch_size: samples per batch; the last batch may be smaller unless ``drop_last``.
        shuffle: draw a new order every epoch, from ``rng``.
        rng: Generator, seed or None (the global generator).

    Examples:
        >>> from glassnet.data import DataLoader
        >>> loader = DataLoader(np.arange(10), np.arange(10) * 2, batch_size=4)
        >>> len(loader), [yb.tolist() for _, yb in loader]
        (3, [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]])
    """

    def __init__(
        self,
        X: Any,
        y: Any = None,
        batch_size: int = 32,
        shuffle: bool = False,
        drop_last: bool = False,
        rng: RngLike = None,
    ) -> None:
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.X = X if isinstance(X, Dataset) and not isinstance(X, np.ndarray) else np.asarray(X)
        self.y = None if y is None else np.asarray(y)
        if self.y is not None and len(self.y) != len(self.X):
            raise ValueError(f"DataLoader: X has {len(self.X)} samples but y has {len(self.y)}")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = get_rng(rng) if rng is not None else None

    def __len__(self) -> int:
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.X)
        order = (self.rng or get_rng(None)).permutation(n) if self.shuffle else None
        for batch in range(len(self)):
            start = batch * self.batch_size
            stop = min(start + self.batch_size, n)
            index: Any = slice(start, stop) if order is None else order[start:stop]
            if not isinstance(self.X, np.ndarray) and isinstance(index, slice):
                index = np.arange(start, stop)
            xb = self.X[index]
            yield xb if self.y is None else (xb, self.y[index])
