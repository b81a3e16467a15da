"""In-place ops with PyTorch's rules (see glassnet/tensor_inplace.py)."""

import numpy as np
import pytest

import glassnet as gn


def test_arithmetic_in_place_keeps_the_object_and_the_array():
    x = gn.tensor([1.0, 2.0, 3.0])
    array = x.data
    assert x.add_(1) is x and x.sub_(gn.ones(3), alpha=2) is x
    np.testing.assert_allclose(x.data, [0.0, 1.0, 2.0])
    x.mul_(3).div_(2)
    np.testing.assert_allclose(x.data, [0.0, 1.5, 3.0])
    x.add_(gn.tensor([1.0, 1.0, 1.0]), alpha=0.5).pow_(2).neg_()
    np.testing.assert_allclose(x.data, [-0.25, -4.0, -12.25])
    x.clamp_(min=-5.0, max=-1.0)
    np.testing.assert_allclose(x.data, [-1.0, -4.0, -5.0])
    assert x.data is array and x._version == 8


def test_augmented_assignment_is_in_place():
    x = gn.tensor([1.0, 2.0])
    alias = x
    x += 1
    x *= gn.tensor([2.0, 3.0])
    x -= np.array([1.0, 1.0])
    x /= 2
    assert x is alias
    np.testing.assert_allclose(x.data, [1.5, 4.0])


def test_fill_zero_copy_uniform_normal():
    x = gn.zeros(2, 3)
    x.fill_(2.5)
    assert (x.data == 2.5).all()
    x.zero_()
    assert (x.data == 0).all()
    x.copy_(gn.tensor([1.0, 2.0, 3.0]))  # broadcast
    np.testing.assert_allclose(x.data, [[1, 2, 3], [1, 2, 3]])
    g = gn.Generator().manual_seed(0)
    x.uniform_(-1, 1, generator=g)
    assert ((x.data >= -1) & (x.data < 1)).all() and x.dtype == np.float32
    big = gn.zeros(4000).normal_(2.0, 0.5, generator=g)
    assert abs(big.data.mean() - 2.0) < 0.05 and abs(big.data.std() - 0.5) < 0.05


def test_setitem_with_masks_slices_and_index_arrays():
    x = gn.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    x[x < 0] = 0
    np.testing.assert_allclose(x.data, [[1, 0, 3], [0, 5, 0]])
    x[:, 0] = gn.tensor([7.0, 8.0])
    x[1] = 9
    x[0, [1, 2]] = -1
    np.testing.assert_allclose(x.data, [[7, -1, -1], [9, 9, 9]])
    x.masked_fill_(gn.tensor([True, False, True]), 0.5)
    np.testing.assert_allclose(x.data, [[0.5, -1, 0.5], [0.5, 9, 0.5]])


def test_the_dtype_of_the_target_is_kept():
    n = gn.tensor([1, 2])
    n += 3
    assert n.dtype == np.int64 and n.tolist() == [4, 5]
    with pytest.raises(RuntimeError, match="can't be cast"):
        n += 0.5
    h = gn.zeros(2, dtype=gn.float16)
    h += gn.ones(2, dtype=gn.float64)
    assert h.dtype == np.float16
    with pytest.raises(RuntimeError, match="shape"):
        gn.zeros(2).add_(gn.ones(3, 2))


def test_a_leaf_requiring_grad_changes_only_under_no_grad():
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 0.0
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.zero_()
    array = w.data
    with gn.no_grad():
        w.mul_(2)
        w[0] = 5.0
    assert w.data is array and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.data, [5.0, 4.0])


def test_changing_a_saved_input_is_caught_by_backward():
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()  # MulOp saved w's array
    with gn.no_grad():
        w.add_(1)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_in_place_on_a_fresh_non_leaf_is_recorded():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    r = gn.tensor([3.0, 4.0], requires_grad=True)
    h = x * 2
    h += r  # the residual habit
    h.mul_(x)  # h = (2x + r) * x
    assert h.grad_fn is not None and not h.is_leaf
    h.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), 4 * x.data + r.data)
    np.testing.assert_allclose(np.asarray(r.grad), x.data)


def test_setitem_on_a_non_leaf_is_recorded():
    x = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = gn.tensor(10.0, requires_grad=True)
    h = x * 1
    h[1] = v
    (h * gn.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [1.0, 0.0, 3.0])
    np.testing.assert_allclose(np.asarray(v.grad), 2.0)


def test_a_leaf_without_grad_takes_a_tracked_operand():
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    acc = gn.zeros(2)
    acc += w * 3
    assert acc.requires_grad and not acc.is_leaf
    acc.sum().backward()
    np.testing.assert_allclose(np.asarray(w.grad), [3.0, 3.0])


def test_in_place_after_a_recorded_use_is_a_clear_error():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    _ = h * 3  # h is now an input of a recorded op
    with pytest.raises(RuntimeError, match="already used by a recorded op"):
        h += 1


def test_recorded_setitem_gradients_match_numerical():
    value = np.array([0.5, -1.5])
    mask = np.array([True, False, True])

    def f(x, v):
        h = x * 1.0
        h[mask] = v
        return (h * h).sum()

    x = gn.tensor([1.0, 2.0, 3.0], dtype=gn.float64, requires_grad=True)
    assert gn.gradcheck(f, [x, gn.tensor(value, requires_grad=True)])
