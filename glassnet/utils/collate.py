"""``default_collate``: a list of samples into one batch, as PyTorch's.

Tensors and NumPy arrays are stacked into a Tensor; Python ints become an int64 Tensor
(labels), floats a float64 one, bools a bool one; tuples and lists are collated position by
position (a list of batches), dicts key by key, named tuples field by field; strings stay a
list.

Examples:
    >>> from glassnet.utils.data import default_collate
    >>> xb, yb = default_collate([(np.zeros(2), 1), (np.ones(2), 0)])
    >>> xb.shape, yb.dtype
    ((2, 2), dtype('int64'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet.tensor import Tensor


def default_collate(batch: list[Any]) -> Any:
    """One batch from a list of samples (see the module docstring).

    Raises:
        RuntimeError: sequences of different lengths in one batch.
        TypeError: a sample of a type it cannot batch (named).
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return Tensor(np.stack([t.data for t in batch]))
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "USO":
            raise TypeError(f"default_collate: batch must contain numbers, found {elem.dtype}")
        return Tensor(np.stack(batch))
    if isinstance(elem, (bool, np.bool_)):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(elem, (int, np.integer)) and not isinstance(elem, bool):
        return Tensor(np.array(batch, dtype=np.int64 if isinstance(elem, int) else elem.dtype))
    if isinstance(elem, (float, np.floating)):
        return Tensor(np.array(batch, dtype=np.float64 if isinstance(elem, float) else elem.dtype))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem).__name__}"
    )


def default_convert(sample: Any) -> Any:
    """One sample with its NumPy arrays turned into Tensors (batch_size=None)."""
    if isinstance(sample, np.ndarray) and sample.dtype.kind not in "USO":
        return Tensor(sample)
    if isinstance(sample, Mapping):
        return {k: default_convert(v) for k, v in sample.items()}
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):
        return type(sample)(*(default_convert(v) for v in sample))
    if isinstance(sample, (list, tuple)):
        return [default_convert(v) for v in sample]
    return sample
