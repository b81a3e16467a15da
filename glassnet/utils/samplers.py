"""PyTorch's samplers: which sample indices a DataLoader fetches, and in which batches.

Examples:
    >>> from glassnet.utils.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from glassnet.rng import get_rng


class Sampler:
    """Base class: ``__iter__`` yields sample indices (``__len__`` how many)."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError

    def indices(self) -> np.ndarray:
        """One epoch's indices as an array (what the DataLoader slices into batches)."""
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def indices(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random order every epoch (or ``num_samples`` draws with ``replacement``)."""

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got {replacement!r}")
        self.data_source, self.replacement = data_source, replacement
        self._num_samples = num_samples
        self.generator = None if generator is None else get_rng(generator)
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got {self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def indices(self) -> np.ndarray:
        rng = self.generator or get_rng(None)
        n = len(self.data_source)
        if self.replacement:
            return rng.integers(0, n, self.num_samples)
        whole, part = divmod(self.num_samples, n)
        orders = [rng.permutation(n) for _ in range(whole)]
        if part:
            orders.append(rng.permutation(n)[:part])
        return orders[0] if len(orders) == 1 else np.concatenate(orders)

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a new random order every epoch."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.index_array = np.asarray(indices, dtype=np.int64)
        self.generator = None if generator is None else get_rng(generator)

    def indices(self) -> np.ndarray:
        rng = self.generator or get_rng(None)
        return self.index_array[rng.permutation(len(self.index_array))]

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return len(self.index_array)


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter
    unless ``drop_last``)."""

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, (int, np.integer))
            or batch_size <= 0
        ):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def batches(self) -> Iterator[np.ndarray]:
        """One epoch's batches as index arrays."""
        order = (
            self.sampler.indices()
            if isinstance(self.sampler, Sampler)
            else np.fromiter(iter(self.sampler), dtype=np.int64)
        )
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield order[start : start + self.batch_size]

    def __iter__(self) -> Iterator[list[int]]:  # type: ignore[override]
        for batch in self.batches():
            yield batch.tolist()

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
