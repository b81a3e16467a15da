"""PyTorch's ``torch.utils.data``: ``from glassnet.utils.data import DataLoader, Dataset``.

The same DataLoader as ``glassnet.data.DataLoader``, which also batches arrays ``(X, y)``.

Examples:
    >>> import glassnet as gn
    >>> from glassnet.utils.data import DataLoader, Dataset
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return float(i), i * i
    >>> [yb.tolist() for _, yb in DataLoader(Squares(), batch_size=2)]
    [[0, 1], [4, 9], [16]]
"""

from glassnet.utils.collate import default_collate, default_convert
from glassnet.utils.dataloader import DataLoader
from glassnet.utils.datasets import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from glassnet.utils.samplers import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "random_split",
]
