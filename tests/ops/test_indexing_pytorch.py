"""Indexing follows PyTorch, not NumPy, when integers are mixed with index arrays.

PyTorch applies integers first (a select that drops the axis), then the index arrays on what
is left. The references below spell out those two steps in NumPy by hand.
"""

import numpy as np
import pytest

import glassnet as gn

A, B, C, D = 2, 3, 4, 5
X3 = np.arange(A * C * D, dtype=np.float64).reshape(A, C, D)
X4 = np.arange(A * B * C * D, dtype=np.float64).reshape(A, B, C, D)
MASK_D = np.array([True, False, True, True, False])

CASES = [
    # (array, index, shape PyTorch gives, the same elements taken in two NumPy steps)
    (X3, lambda: (0, slice(None), [1, 2]), (C, 2), lambda x: x[0][:, [1, 2]]),
    (X3, lambda: (1, slice(None), np.array([4, 0, 4])), (C, 3), lambda x: x[1][:, [4, 0, 4]]),
    (X3, lambda: (slice(None), 0, [1, 2]), (A, 2), lambda x: x[:, 0][:, [1, 2]]),
    (X3, lambda: ([1, 0], slice(None), 2), (2, C), lambda x: x[:, :, 2][[1, 0]]),
    (X3, lambda: (0, [1, 2], [3, 4]), (2,), lambda x: x[0][[1, 2], [3, 4]]),
    (X3, lambda: (-1, slice(1, 3), [0, 0]), (2, 2), lambda x: x[-1][1:3][:, [0, 0]]),
    (X3, lambda: (0, slice(None), MASK_D), (C, 3), lambda x: x[0][:, MASK_D]),
    (X3, lambda: (1, Ellipsis, [1, 2]), (C, 2), lambda x: x[1][..., [1, 2]]),
    (X3, lambda: (0, None, slice(None), [1, 2]), (1, C, 2), lambda x: x[0][None][:, :, [1, 2]]),
    (X3, lambda: (gn.tensor(1), slice(None), gn.tensor([1, 2])), (C, 2), lambda x: x[1][:, [1, 2]]),
    # int + array + slice, in 4-D: arrays separated by a slice once the int is gone go first
    (X4, lambda: (0, [1, 2], slice(None), [0, 3]), (2, C), lambda x: x[0][[1, 2], :, [0, 3]]),
    (X4, lambda: (slice(None), 1, slice(None), [0, 3]), (A, C, 2), lambda x: x[:, 1][:, :, [0, 3]]),
    (X4, lambda: ([0, 1], 2, slice(None), [0, 3]), (2, C), lambda x: x[:, 2][[0, 1], :, [0, 3]]),
    (X4, lambda: ([1, 1], 0, [2, 3]), (2, D), lambda x: x[:, 0][[1, 1], [2, 3]]),
    (X4, lambda: (Ellipsis, 1, [0, 2]), (A, B, 2), lambda x: x[..., 1, :][..., [0, 2]]),
    # no integer, or no array: NumPy's own one-step rules are PyTorch's too
    (X4, lambda: ([0, 1], slice(None), [1, 2]), (2, B, D), lambda x: x[[0, 1], :, [1, 2]]),
    (X4, lambda: (0, slice(None), 2), (B, D), lambda x: x[0, :, 2]),
    (X3, lambda: (X3 > 30,), (X3 > 30).sum(), lambda x: x[x > 30]),
]


@pytest.mark.parametrize("array, index, shape, reference", CASES)
def test_mixed_int_and_array_indexing_follows_pytorch(array, index, shape, reference):
    x = gn.tensor(array, requires_grad=True)
    out = x[index()]
    assert out.shape == (shape if isinstance(shape, tuple) else (int(shape),))
    np.testing.assert_array_equal(out.numpy(), reference(array))
    # backward: the gradient lands where each element came from (and accumulates)
    g = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(g)
    expected = np.zeros_like(array)
    np.add.at(expected.reshape(-1), reference(np.arange(array.size).reshape(array.shape)), g)
    np.testing.assert_allclose(x.grad, expected)
    assert gn.gradcheck(lambda t: t[index()], [gn.tensor(array, requires_grad=True)])


def test_by_hand_values_and_repeated_indices_accumulate():
    x = gn.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]], requires_grad=True)  # (1, 2, 3)
    out = x[0, :, [2, 0, 2]]
    assert out.tolist() == [[2.0, 0.0, 2.0], [5.0, 3.0, 5.0]]  # (C, 3); NumPy gives (3, C)
    out.sum().backward()
    assert x.grad.tolist() == [[[1.0, 0.0, 2.0], [1.0, 0.0, 2.0]]]


def test_python_bool_and_empty_list_index():
    x = gn.tensor(X3, requires_grad=True)
    # PyTorch: True unsqueezes and indexes the new axis with [0]; the list indexes the next axis
    assert x[0, True, [1, 2]].shape == (2, D)
    np.testing.assert_array_equal(x[0, True, [1, 2]].numpy(), X3[0][[1, 2]])
    assert x[[]].shape == (0, C, D)  # PyTorch: an empty list selects nothing
    assert x[0, :, []].shape == (C, 0)


def test_index_errors_stay_index_errors():
    x = gn.tensor(X3)
    with pytest.raises(IndexError):
        x[5, :, [0]]
    with pytest.raises(IndexError):
        x[0, :, [9]]
    with pytest.raises(IndexError):
        x[0, ..., ..., [1]]
