"""Batches from arrays: ``for xb, yb in DataLoader(X, y, batch_size=128, shuffle=True)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

import numpy as np

from glassnet.errors import ShapeError
from glassnet.rng import RngLike, get_rng


def as_samples(value: Any, name: str, where: str, finite: bool = True) -> np.ndarray:
    """``value`` as an array of samples along its first axis, checked for what would otherwise
    fail later or silently: a scalar, no samples at all, a ragged nesting of lists, NaN or inf.

    Args:
        value: an array or anything ``np.asarray`` takes.
        name: the argument's name for error messages ("X", "y", ...).
        where: the function checking it ("fit", "DataLoader", ...).
        finite: refuse NaN and inf in a float array too.

    Raises:
        ValueError: naming ``where`` and ``name``.

    Examples:
        >>> from glassnet.data.dataloader import as_samples
        >>> as_samples([[1.0], [float("nan")]], "X", "fit")
        Traceback (most recent call last):
        ...
        ValueError: fit: X holds NaN or inf (first at sample 1); remove or impute those values
    """
    try:
        array = np.asarray(value)
    except ValueError as error:  # NumPy's complaint about ragged nested lists
        raise ValueError(f"{where}: {name} is not a regular array ({error})") from None
    if array.ndim == 0:
        raise ShapeError(f"{where}: {name} must hold samples along its first axis, got {value!r}")
    if len(array) == 0:
        raise ValueError(f"{where}: {name} is empty (shape {array.shape}): there are no samples")
    if finite:
        check_finite(array, name, where)
    return array


def check_finite(array: np.ndarray, name: str, where: str) -> None:
    """Raise ValueError (naming the first bad sample) if a float array holds NaN or inf."""
    if array.dtype.kind not in "fc" or array.size == 0:
        return
    if array.dtype.kind == "f" and np.isfinite(array.min()) and np.isfinite(array.max()):
        return  # min and max see every NaN and inf without a boolean copy of the array
    bad = ~np.isfinite(array.reshape(len(array), -1)).all(axis=1)
    if bad.any():
        raise ValueError(
            f"{where}: {name} holds NaN or inf (first at sample {int(np.argmax(bad))}); "
            "remove or impute those values"
        )


def check_same_length(X: Any, y: Any, where: str, names: tuple[str, str] = ("X", "y")) -> None:
    """Raise ValueError unless X and y hold the same number of samples."""
    if len(X) != len(y):
        raise ShapeError(f"{where}: {names[0]} has {len(X)} samples but {names[1]} has {len(y)}")


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
        X: an array (samples along the first axis) or a [Dataset][glassnet.data.dataloader.Dataset].
        y: targets, same length as X (optional).
        batch_size: samples per batch; the last batch may be smaller unless ``drop_last``.
        shuffle: draw a new order every epoch, from ``rng``.
        rng: Generator, seed or None (the global generator).

    Raises:
        ValueError: for an empty X, X and y of different lengths, NaN or inf in them, a
            ``batch_size`` below 1 (TypeError when it is not an int), or ``drop_last`` with
            fewer samples than one batch.

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
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"DataLoader: batch_size must be an int, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}")
        if isinstance(X, Dataset) and not isinstance(X, np.ndarray):
            self.X = X
            if len(X) == 0:
                raise ValueError("DataLoader: the dataset X is empty: there are no samples")
        else:
            # A loader only batches: NaN may be meaningful data (a mask, a missing value filled
            # later), as in PyTorch. Trainer.fit refuses it, since the loss would be NaN.
            self.X = as_samples(X, "X", "DataLoader", finite=False)
        self.y = None if y is None else as_samples(y, "y", "DataLoader", finite=False)
        if self.y is not None:
            check_same_length(self.X, self.y, "DataLoader")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        if drop_last and len(self.X) < self.batch_size:
            raise ValueError(
                f"DataLoader: drop_last=True with batch_size={batch_size} and only "
                f"{len(self.X)} samples leaves no batch at all"
            )
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
