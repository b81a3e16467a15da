"""PyTorch's dataset classes: ``Dataset``, ``IterableDataset``, ``TensorDataset``, ``Subset``,
``ConcatDataset`` and ``random_split`` (import them from ``glassnet.utils.data``).

Examples:
    >>> import glassnet as gn
    >>> from glassnet.utils.data import TensorDataset, random_split
    >>> data = TensorDataset(gn.arange(10.0).reshape(5, 2), gn.tensor([0, 1, 0, 1, 1]))
    >>> x, y = data[1]
    >>> x.tolist(), y.item()
    ([2.0, 3.0], 1)
    >>> train, test = random_split(data, [0.6, 0.4], generator=0)
    >>> len(train), len(test)
    (3, 2)
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.rng import get_rng
from glassnet.tensor import Tensor


class Dataset:
    """A map-style dataset: subclasses give ``__getitem__(index)`` (one sample) and
    ``__len__``. ``dataset1 + dataset2`` concatenates them."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: subclasses give ``__iter__``. A DataLoader batches it in order
    (no shuffling, sampler or random access)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class TensorDataset(Dataset):
    """Samples are the rows of ``tensors`` (same first dimension): ``dataset[i]`` is the tuple
    ``(t[i] for t in tensors)``. A DataLoader fetches whole batches at once (no loop over
    samples).

    Raises:
        ShapeError: the tensors hold different numbers of samples.
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors)
        sizes = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            raise ShapeError(f"Size mismatch between tensors: first dimensions {sizes}")

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def batch(self, indices: Any) -> list[Tensor]:
        """The samples at ``indices`` already stacked, as ``default_collate`` would give."""
        return [Tensor(t.data[indices]) for t in self.tensors]

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (list, np.ndarray)):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems is not None:
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The samples of several datasets one after another."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self) -> int:
        return int(self.cumulative_sizes[-1])

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index = len(self) + index
        which = bisect_right(self.cumulative_sizes, index)
        start = 0 if which == 0 else int(self.cumulative_sizes[which - 1])
        return self.datasets[which][index - start]


def random_split(dataset: Any, lengths: Sequence[float], generator: Any = None) -> list[Subset]:
    """Split ``dataset`` at random into Subsets of the given lengths, or of the given
    fractions (summing to 1; the remainder goes one by one to the first subsets, as PyTorch).

    ``generator``: a NumPy Generator or seed (None: glassnet's global generator).

    Raises:
        ValueError: lengths that do not add up to the dataset's length.
    """
    n = len(dataset)
    sizes: list[int]
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1 and n != 1:
        if any(not 0 <= f <= 1 for f in lengths):
            raise ValueError(f"Fractions must lie in [0, 1], got {list(lengths)}")
        sizes = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(length) for length in lengths]
    if sum(sizes) != n:
        raise ValueError(
            f"Sum of input lengths ({sum(sizes)}) does not equal the length of the input "
            f"dataset ({n})!"
        )
    order = get_rng(generator).permutation(n)
    offsets = np.cumsum([0, *sizes])
    return [Subset(dataset, order[a:b].tolist()) for a, b in itertools.pairwise(offsets)]
