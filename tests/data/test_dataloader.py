import numpy as np
import pytest

from glassnet.data import DataLoader


def test_batches_cover_the_data_once_in_order():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    loader = DataLoader(X, y, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 == len(batches)
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    assert np.shares_memory(batches[0][0], X)  # unshuffled batches are views, not copies


def test_shuffling_is_a_new_permutation_each_epoch_and_reproducible():
    X = np.arange(100)
    loader = DataLoader(X, batch_size=100, shuffle=True, rng=0)
    first, second = next(iter(loader)), next(iter(loader))
    assert sorted(first) == list(range(100)) and not np.array_equal(first, second)
    again = DataLoader(X, batch_size=100, shuffle=True, rng=0)
    np.testing.assert_array_equal(next(iter(again)), first)


def test_drop_last():
    loader = DataLoader(np.arange(10), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [len(b) for b in loader] == [4, 4]


def test_custom_dataset_gets_whole_batches_of_indices():
    class Squares:
        calls = 0

        def __len__(self):
            return 7

        def __getitem__(self, indices):
            Squares.calls += 1
            return np.asarray(indices) ** 2

    batches = list(DataLoader(Squares(), batch_size=3))
    assert Squares.calls == 3
    np.testing.assert_array_equal(np.concatenate(batches), np.arange(7) ** 2)


def test_errors():
    with pytest.raises(ValueError, match="3 samples but y has 2"):
        DataLoader(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(np.zeros(3), batch_size=0)
