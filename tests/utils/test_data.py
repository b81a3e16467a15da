"""glassnet.utils.data: PyTorch's datasets, samplers, collate and DataLoader semantics."""

from collections import namedtuple

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.utils import data
from glassnet.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    random_split,
)


class Pairs(Dataset):
    """Sample i is (features [i, i], label i % 3), fetched one at a time."""

    def __init__(self, n=7):
        self.n, self.calls = n, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.calls += 1
        return np.array([i, i], dtype=np.float32), i % 3


def test_glassnet_utils_data_is_importable_as_an_attribute():
    import glassnet.utils

    assert glassnet.utils.data is data


def test_map_style_dataset_batches_are_collated_tensors():
    dataset = Pairs()
    batches = list(DataLoader(dataset, batch_size=3))
    assert dataset.calls == 7 and len(batches) == 3
    xb, yb = batches[0]
    assert isinstance(xb, gn.Tensor) and xb.shape == (3, 2) and xb.dtype == np.float32
    assert yb.dtype == np.int64 and yb.tolist() == [0, 1, 2]
    assert [len(b[1].tolist()) for b in batches] == [3, 3, 1]
    assert len(DataLoader(dataset)) == 7  # batch_size=1 by default, as PyTorch
    assert [len(b[1].tolist()) for b in DataLoader(dataset, 3, drop_last=True)] == [3, 3]


def test_tensor_dataset_is_fetched_a_batch_at_a_time():
    X, y = gn.arange(12.0).reshape(6, 2), gn.tensor([0, 1, 2, 0, 1, 2])
    dataset = TensorDataset(X, y)
    x0, y0 = dataset[0]
    assert x0.tolist() == [0.0, 1.0] and y0.item() == 0
    order = []
    for xb, yb in DataLoader(dataset, batch_size=4, shuffle=True, generator=0):
        np.testing.assert_array_equal(
            xb.numpy()[:, 0] / 2, yb.numpy() + 3 * (xb.numpy()[:, 0] >= 6)
        )
        order += (xb.numpy()[:, 0] / 2).astype(int).tolist()
    assert sorted(order) == list(range(6)) and order != list(range(6))
    with pytest.raises(ShapeError, match="Size mismatch"):
        TensorDataset(gn.zeros(3), gn.zeros(4))


def test_shuffle_is_reproducible_with_a_generator_and_new_each_epoch():
    loader = DataLoader(Pairs(), batch_size=7, shuffle=True, generator=5)
    first, second = [next(iter(loader))[0].numpy()[:, 0].tolist() for _ in range(2)]
    again = DataLoader(Pairs(), batch_size=7, shuffle=True, generator=5)
    assert next(iter(again))[0].numpy()[:, 0].tolist() == first and first != second


def test_default_collate_like_pytorch():
    Point = namedtuple("Point", "x y")
    batch = default_collate(
        [{"a": 1.5, "b": "s", "c": Point(1, True)}, {"a": 2.0, "b": "t", "c": Point(2, False)}]
    )
    assert batch["a"].dtype == np.float64 and batch["b"] == ["s", "t"]
    assert isinstance(batch["c"], Point) and batch["c"].x.dtype == np.int64
    assert batch["c"].y.dtype == np.bool_
    nested = default_collate([(gn.ones(2), [1, 2]), (gn.zeros(2), [3, 4])])
    assert isinstance(nested, list) and nested[0].shape == (2, 2)
    assert [t.tolist() for t in nested[1]] == [[1, 3], [2, 4]]
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])


def test_random_split_with_lengths_and_fractions():
    dataset = Pairs(10)
    a, b = random_split(dataset, [7, 3], generator=1)
    assert sorted(a.indices + b.indices) == list(range(10))
    parts = random_split(dataset, [0.5, 0.3, 0.2], generator=1)
    assert [len(p) for p in parts] == [5, 3, 2]
    uneven = random_split(Pairs(11), [0.5, 0.5], generator=0)
    assert [len(p) for p in uneven] == [6, 5]  # the remainder goes to the first, as PyTorch
    with pytest.raises(ValueError, match="does not equal the length"):
        random_split(dataset, [5, 4])
    x, label = a[0]
    assert label == a.indices[0] % 3 and x[0] == a.indices[0]


def test_subset_and_concat_dataset():
    subset = Subset(Pairs(), [4, 2])
    assert [subset[i][1] for i in range(2)] == [1, 2] and len(subset) == 2
    both = ConcatDataset([Pairs(3), Pairs(2)])
    assert len(both) == 5 and both[3][0].tolist() == [0, 0] and both[-1][0].tolist() == [1, 1]
    assert len(Pairs(3) + Pairs(4)) == 7


def test_samplers():
    assert list(SequentialSampler(range(3))) == [0, 1, 2]
    shuffled = list(RandomSampler(range(6), generator=0))
    assert sorted(shuffled) == list(range(6))
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=10, generator=0))
    assert len(drawn) == 10 and set(drawn) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([5, 7, 9], generator=0)) == [5, 7, 9]
    batches = list(BatchSampler(SequentialSampler(range(7)), 3, drop_last=True))
    assert batches == [[0, 1, 2], [3, 4, 5]]
    loader = DataLoader(Pairs(), sampler=SubsetRandomSampler([1, 4], generator=0), batch_size=2)
    assert sorted(next(iter(loader))[1].tolist()) == [1, 1]
    by_batches = DataLoader(Pairs(), batch_sampler=[[6, 0], [3]])
    assert [b[1].tolist() for b in by_batches] == [[0, 0], [0]] and len(by_batches) == 2


def test_iterable_dataset_and_unbatched_loading():
    class Counter(IterableDataset):
        def __iter__(self):
            return iter(range(5))

    assert [b.tolist() for b in DataLoader(Counter(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="expected unspecified shuffle"):
        DataLoader(Counter(), shuffle=True)
    samples = list(DataLoader(Pairs(2), batch_size=None))
    assert isinstance(samples[0][0], gn.Tensor) and samples[1][1] == 1


def test_pytorch_arguments_and_their_errors():
    assert len(DataLoader(Pairs(), 4)) == 2  # batch_size positional, as PyTorch
    loader = DataLoader(Pairs(), batch_size=2, num_workers=2, pin_memory=True)
    assert len(list(loader)) == 4  # workers accepted; batches made here, identical
    with pytest.raises(TypeError, match="pass the rest by keyword"):
        DataLoader(Pairs(), 4, True)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(Pairs(), sampler=SequentialSampler(range(7)), shuffle=True)
    with pytest.raises(ValueError, match="worker_init_fn"):
        DataLoader(Pairs(), worker_init_fn=lambda i: None)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(Pairs(), num_workers=-1)
    with pytest.raises(TypeError, match="dataset must be a Dataset"):
        DataLoader(object())
    custom = DataLoader(Pairs(), batch_size=3, collate_fn=lambda samples: len(samples))
    assert list(custom) == [3, 3, 1]
    assert len(DataLoader(gn.arange(10.0), batch_size=4)) == 3
    assert next(iter(DataLoader(gn.arange(10.0), batch_size=4))).tolist() == [0, 1, 2, 3]
    assert loader.dataset.n == 7 and isinstance(loader.sampler, SequentialSampler)
