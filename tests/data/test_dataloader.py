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


def test_a_dataset_with_getitems_gets_whole_batches_of_indices():
    class Squares:
        calls = 0

        def __len__(self):
            return 7

        def __getitems__(self, indices):  # PyTorch's batched fetch: a list of samples
            Squares.calls += 1
            return list(np.asarray(indices) ** 2)

    batches = list(DataLoader(Squares(), batch_size=3))
    assert Squares.calls == 3
    np.testing.assert_array_equal(np.concatenate([b.numpy() for b in batches]), np.arange(7) ** 2)


def test_a_plain_dataset_is_indexed_per_sample_as_pytorch():
    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return i * i

    assert [b.tolist() for b in DataLoader(Squares(), batch_size=2)] == [[0, 1], [4, 9], [16]]
    assert len(DataLoader(Squares())) == 5  # PyTorch's batch_size=1


def test_errors():
    with pytest.raises(ValueError, match="3 samples but y has 2"):
        DataLoader(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(np.zeros(3), batch_size=0)


class _Empty:
    def __len__(self):
        return 0

    def __getitem__(self, indices):
        return indices


@pytest.mark.parametrize(
    "X, y, options, error, message",
    [
        (np.zeros((0, 3)), None, {}, ValueError, r"DataLoader: X is empty \(shape \(0, 3\)\)"),
        (_Empty(), None, {}, ValueError, "DataLoader: the dataset X is empty"),
        (np.zeros((4, 2)), np.zeros(0), {}, ValueError, "DataLoader: y is empty"),
        (np.float64(3.0), None, {}, ValueError, "DataLoader: X must hold samples"),
        (np.zeros(3), None, {"batch_size": -1}, ValueError, "at least 1, got -1"),
        (np.zeros(3), None, {"batch_size": 2.0}, TypeError, "batch_size must be an int, got 2.0"),
        (np.zeros(3), None, {"batch_size": True}, TypeError, "batch_size must be an int"),
        (np.zeros(3), None, {"batch_size": 4, "drop_last": True}, ValueError, "leaves no batch"),
    ],
)
def test_bad_inputs_are_named(X, y, options, error, message):
    with pytest.raises(error, match=message):
        DataLoader(X, y, **options)


def test_a_loader_batches_nan_as_any_other_value_as_pytorchs_does():
    (xb,) = list(DataLoader(np.array([0.0, np.nan, 2.0]), batch_size=3))
    assert np.isnan(xb[1]) and xb[0] == 0.0


def test_integer_and_non_numeric_data_need_no_finiteness_check():
    assert [b.tolist() for b in DataLoader(np.array(["a", "b", "c"]), batch_size=2)] == [
        ["a", "b"],
        ["c"],
    ]
    assert len(DataLoader(np.arange(5), np.arange(5), batch_size=np.int64(2))) == 3
