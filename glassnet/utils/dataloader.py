"""One DataLoader for both habits: PyTorch's ``DataLoader(dataset, batch_size, shuffle, ...)``
and glassnet's arrays ``DataLoader(X, y, batch_size=128, shuffle=True)``.

- Arrays (``X`` a NumPy array, or ``X`` and ``y``): batches are NumPy arrays, 32 samples by
  default; unshuffled batches are views, shuffled ones gather just the batch's rows.
- A dataset (a ``glassnet.utils.data.Dataset``, a list, a Tensor): PyTorch's semantics,
  ``batch_size=1`` by default, each sample fetched by index and the batch made by
  ``collate_fn`` (``default_collate``: Tensors). A ``TensorDataset`` or a Tensor is fetched a
  whole batch at a time (no loop over samples); a dataset with ``__getitems__(indices)`` gets
  each batch's indices in one call.
- ``num_workers``, ``pin_memory``, ``persistent_workers``, ``prefetch_factor`` and ``timeout``
  are accepted and change nothing: batches are made in this process, the results identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from glassnet.errors import ShapeError
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor
from glassnet.utils.collate import default_collate, default_convert
from glassnet.utils.datasets import Dataset, IterableDataset, TensorDataset
from glassnet.utils.samplers import BatchSampler, RandomSampler, Sampler, SequentialSampler


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


_UNSET: Any = object()


def _is_arrays(X: Any, y: Any) -> bool:
    """glassnet's arrays form: a NumPy array, or any X given with targets y."""
    return isinstance(X, (np.ndarray, np.generic)) or y is not None


class DataLoader:
    """Iterate over mini-batches of a dataset, or of arrays ``X`` (and ``y``).

    Args:
        dataset: a Dataset (or list, Tensor), or an array X (see the module docstring).
        batch_size: samples per batch (1 for a dataset, 32 for arrays, by default); None
            for a dataset turns batching off (each sample, converted to Tensors).
        shuffle: a new random order every epoch (from ``generator``).
        sampler: the order of the samples (instead of ``shuffle``).
        batch_sampler: the batches of indices (instead of batch_size, shuffle, sampler,
            drop_last).
        collate_fn: the function making a batch from a list of samples (datasets only).
        drop_last: drop the last, smaller batch.
        generator: a NumPy Generator or seed for the shuffling order (None: the global one);
            ``rng=`` is the same.
        y: the targets of arrays X (glassnet's ``DataLoader(X, y, batch_size=...)``). An
            int there is PyTorch's positional batch_size: ``DataLoader(dataset, 64)``.

    Raises:
        ValueError: for an empty dataset, X and y of different lengths, a ``batch_size``
            below 1 (TypeError when it is not an int), conflicting options (named, as
            PyTorch's), or ``drop_last`` with fewer samples than one batch.

    Examples:
        >>> from glassnet.data import DataLoader
        >>> loader = DataLoader(np.arange(10), np.arange(10) * 2, batch_size=4)
        >>> len(loader), [yb.tolist() for _, yb in loader]
        (3, [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]])
        >>> import glassnet as gn
        >>> from glassnet.utils.data import TensorDataset
        >>> data = TensorDataset(gn.randn(10, 3), gn.arange(10))
        >>> xb, yb = next(iter(DataLoader(data, batch_size=4, shuffle=True, generator=0)))
        >>> xb.shape, type(yb).__name__
        ((4, 3), 'Tensor')
    """

    def __init__(
        self,
        dataset: Any,
        y: Any = None,
        batch_size: Any = _UNSET,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Any = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        rng: RngLike = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ) -> None:
        if isinstance(y, (int, np.integer)) and not isinstance(y, bool):
            if batch_size is not _UNSET:  # PyTorch's DataLoader(dataset, 64, True)
                raise TypeError(
                    f"DataLoader(dataset, {y}, {batch_size!r}): the second argument is "
                    "batch_size as in PyTorch; pass the rest by keyword (shuffle=...)"
                )
            y, batch_size = None, y
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                f"multiprocessing (got {num_workers!r})"
            )
        if worker_init_fn is not None or multiprocessing_context is not None:
            raise ValueError(
                "DataLoader: glassnet makes batches in this process; worker_init_fn and "
                "multiprocessing_context are not supported"
            )
        self.arrays = _is_arrays(dataset, y)
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers
        seed = generator if generator is not None else rng
        self.generator = None if seed is None else get_rng(seed)  # one stream for every epoch
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.y = None
        if self.arrays:
            if collate_fn is not None:
                raise ValueError("DataLoader: collate_fn applies to a dataset, not to arrays")
            # A loader only batches: NaN may be meaningful data (a mask, a missing value filled
            # later), as in PyTorch. Trainer.fit refuses it, since the loss would be NaN.
            self.X = as_samples(dataset, "X", "DataLoader", finite=False)
            self.y = None if y is None else as_samples(y, "y", "DataLoader", finite=False)
            if self.y is not None:
                check_same_length(self.X, self.y, "DataLoader")
            self.dataset: Any = self.X
            default_size = 32
        else:
            self.X = self.dataset = dataset
            default_size = 1
            if not isinstance(dataset, IterableDataset) and not (
                hasattr(dataset, "__len__")
                and (hasattr(dataset, "__getitem__") or hasattr(dataset, "__getitems__"))
            ):
                raise TypeError(
                    "DataLoader: dataset must be a Dataset (with __len__ and __getitem__), an "
                    f"IterableDataset, or arrays X (and y); got {type(dataset).__name__}"
                )
            if not isinstance(dataset, IterableDataset) and len(dataset) == 0:
                raise ValueError("DataLoader: the dataset X is empty: there are no samples")
        self.batch_size = default_size if batch_size is _UNSET else batch_size
        self._check_options(shuffle, sampler, batch_sampler)
        self.sampler: Any = None
        self.batch_sampler: Any = None
        if isinstance(dataset, IterableDataset):
            return
        if batch_sampler is None:
            if sampler is None:
                sampler = (
                    RandomSampler(self.dataset, generator=self.generator)
                    if shuffle
                    else SequentialSampler(self.dataset)
                )
            if self.batch_size is not None:
                batch_sampler = BatchSampler(sampler, int(self.batch_size), bool(drop_last))
        self.sampler, self.batch_sampler = sampler, batch_sampler
        if self.batch_sampler is not None and len(self) == 0:
            raise ValueError(
                f"DataLoader: drop_last=True with batch_size={self.batch_size} and only "
                f"{len(self.dataset)} samples leaves no batch at all"
            )

    def _check_options(self, shuffle: Any, sampler: Any, batch_sampler: Any) -> None:
        size = self.batch_size
        if size is not None:
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
                raise TypeError(f"DataLoader: batch_size must be an int, got {size!r}")
            if size < 1:
                raise ValueError(f"DataLoader: batch_size must be at least 1, got {size}")
        elif self.arrays:
            raise ValueError("DataLoader: arrays need a batch_size (None is for datasets)")
        if isinstance(self.dataset, IterableDataset):
            for name, value in (("shuffle", shuffle), ("sampler", sampler)):
                if value not in (None, False):
                    raise ValueError(
                        f"DataLoader with IterableDataset: expected unspecified {name} option, "
                        f"but got {name}={value!r}"
                    )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler option"
                )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (
            self.batch_size not in (_UNSET, 1, 32)
            or shuffle
            or sampler is not None
            or self.drop_last
        ):
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                "and drop_last"
            )

    @property
    def rng(self) -> Any:
        return self.generator

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            raise TypeError("DataLoader over an IterableDataset has no length")
        if self.batch_sampler is None:
            return len(self.sampler)
        return len(self.batch_sampler)

    def _index_batches(self) -> Iterator[Any]:
        """Each batch's indices: slices when in order (views of arrays), else index arrays."""
        sampler = self.batch_sampler
        if (
            isinstance(sampler, BatchSampler)
            and type(sampler.sampler) is SequentialSampler
            and self.arrays
        ):
            n = len(self.X)
            for start in range(0, len(sampler) * sampler.batch_size, sampler.batch_size):
                yield slice(start, min(start + sampler.batch_size, n))
        elif isinstance(sampler, BatchSampler):
            yield from sampler.batches()
        else:
            for batch in sampler:
                yield np.asarray(batch, dtype=np.int64)

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            yield from self._iterate_stream()
            return
        if self.batch_sampler is None:  # batching off: one converted sample at a time
            convert = self.collate_fn or default_convert
            for index in self.sampler:
                yield convert(self.dataset[int(index)])
            return
        for index in self._index_batches():
            if self.arrays:
                xb = self.X[index]
                yield xb if self.y is None else (xb, self.y[index])
            else:
                yield self._fetch(index)

    def _fetch(self, index: Any) -> Any:
        if isinstance(index, slice):
            index = np.arange(index.start, index.stop)
        data = self.dataset
        if self.collate_fn is None and isinstance(data, TensorDataset):
            return data.batch(index)
        if self.collate_fn is None and isinstance(data, Tensor):
            return Tensor(data.data[index])
        getitems = getattr(data, "__getitems__", None)
        samples = getitems(index.tolist()) if getitems else [data[i] for i in index.tolist()]
        return (self.collate_fn or default_collate)(samples)

    def _iterate_stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            convert = self.collate_fn or default_convert
            for sample in self.dataset:
                yield convert(sample)
            return
        collate = self.collate_fn or default_collate
        batch: list[Any] = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)


__all__ = ["DataLoader", "Dataset", "Sampler"]
