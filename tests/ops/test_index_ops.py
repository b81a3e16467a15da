"""gather, scatter, scatter_add, index_select, masked_select, masked_fill, where(cond),
nonzero: results from NumPy, gradients against central differences."""

import numpy as np
import pytest

import glassnet as gn

RNG = np.random.default_rng(1)


def t64(shape):
    return gn.tensor(RNG.standard_normal(shape), requires_grad=True)


def test_gather_values_and_repeated_index_gradients():
    x = t64((3, 4))
    index = np.array([[0, 0], [3, 1], [2, 2]])
    np.testing.assert_array_equal(
        gn.gather(x, 1, index).numpy(), np.take_along_axis(x.numpy(), index, 1)
    )
    assert gn.gradcheck(lambda t: gn.gather(t, 1, index), [x])
    assert gn.gradcheck(lambda t: t.gather(0, np.array([[2, 0, 0, 1]])), [x])
    assert gn.gradcheck(lambda t: gn.gather(t, -1, np.array([[-1], [0]])), [t64((2, 3))])
    with pytest.raises(IndexError, match="out of range"):
        gn.gather(x, 1, np.array([[4]] * 3))


def test_scatter_and_scatter_add():
    x, src = t64((2, 3)), t64((2, 3))
    index = np.array([[2, 0], [1, 1]])
    out = gn.scatter(x, 1, index, src)
    expected = x.numpy().copy()
    expected[0, 2], expected[0, 0], expected[1, 1] = (
        src.numpy()[0, 0],
        src.numpy()[0, 1],
        src.numpy()[1, 1],
    )
    np.testing.assert_allclose(out.numpy(), expected)
    added = gn.scatter_add(x, 1, index, src).numpy()
    expected = x.numpy().copy()
    expected[0, 2] += src.numpy()[0, 0]
    expected[0, 0] += src.numpy()[0, 1]
    expected[1, 1] += src.numpy()[1, 0] + src.numpy()[1, 1]
    np.testing.assert_allclose(added, expected)
    assert gn.gradcheck(lambda a, b: gn.scatter_add(a, 1, index, b), [x, src])
    unique = np.array([[2, 0], [1, 0]])
    assert gn.gradcheck(lambda a, b: gn.scatter(a, 1, unique, b), [x, src])
    assert gn.scatter(gn.zeros(2, 2), 0, np.array([[1, 0]]), value=5.0).tolist() == [[0, 5], [5, 0]]


def test_index_select_masked_select_masked_fill():
    x = t64((3, 4))
    assert gn.gradcheck(lambda t: gn.index_select(t, 1, np.array([3, 3, 0])), [x])
    np.testing.assert_array_equal(x.index_select(0, gn.tensor([2])).numpy(), x.numpy()[[2]])
    mask = x.numpy() > 0
    np.testing.assert_array_equal(gn.masked_select(x, mask).numpy(), x.numpy()[mask])
    row = np.array([True, False, True, False])  # broadcast along rows
    assert gn.gradcheck(lambda t: gn.masked_select(t, row), [x])
    filled = x.masked_fill(gn.tensor(mask), -1.0)
    np.testing.assert_array_equal(filled.numpy(), np.where(mask, -1.0, x.numpy()))
    assert gn.gradcheck(lambda t: t.masked_fill(row, 0.5), [x])
    v = gn.tensor(2.0, dtype=np.float64, requires_grad=True)
    assert gn.gradcheck(lambda t, s: gn.masked_fill(t, row, s), [x, v])
    with pytest.raises(TypeError, match="mask must be bool"):
        gn.masked_fill(x, np.ones((3, 4)), 0.0)


def test_where_with_the_condition_alone_gives_indices():
    c = gn.tensor([[True, False], [True, True]])
    rows, cols = gn.where(c)
    assert rows.tolist() == [0, 1, 1] and cols.tolist() == [0, 0, 1]
    assert gn.nonzero(c).tolist() == [[0, 0], [1, 0], [1, 1]]
    assert c.nonzero(as_tuple=True)[1].tolist() == [0, 0, 1]


def test_tensor_indices_and_masks_in_getitem_are_differentiable():
    x = t64((3, 4))
    assert gn.gradcheck(lambda t: t[gn.tensor([2, 0, 2])], [x])
    assert gn.gradcheck(lambda t: t[gn.tensor(x.numpy() > 0)], [x])


def test_index_add_copy_fill():
    x, src = t64((4, 2)), t64((3, 2))
    index = np.array([0, 3, 0])
    expected = x.numpy().copy()
    np.add.at(expected, index, 2 * src.numpy())
    np.testing.assert_allclose(gn.index_add(x, 0, index, src, alpha=2).numpy(), expected)
    assert gn.gradcheck(lambda a, b: a.index_add(0, index, b), [x, src])
    copied = gn.index_copy(x, 0, np.array([2, 1, 0]), src).numpy()
    np.testing.assert_allclose(copied[:3], src.numpy()[::-1])
    np.testing.assert_allclose(copied[3], x.numpy()[3])
    assert gn.gradcheck(lambda a, b: gn.index_copy(a, 0, np.array([2, 1, 0]), b), [x, src])
    filled = gn.index_fill(x, 1, np.array([1]), -5.0).numpy()
    assert (filled[:, 1] == -5).all() and (filled[:, 0] == x.numpy()[:, 0]).all()
    with pytest.raises(gn.ShapeError, match=r"source must have shape \(3, 2\)"):
        gn.index_add(x, 0, index, gn.ones(2, 2))


def test_strided_inputs():  # transposed and sliced views have other strides than their shape
    x = t64((4, 3))
    assert gn.gradcheck(lambda t: gn.gather(t.T, 1, np.array([[3, 0], [1, 1], [2, 2]])), [x])
    assert gn.gradcheck(lambda t: gn.cumprod(t[::2].T, 1), [x])
    assert gn.gradcheck(lambda t: gn.sort(t.T[:, ::-1], dim=1).values, [x])


def test_one_hot_takes_any_label_shape_and_infers_the_classes():
    labels = gn.tensor([[0, 2], [1, 0]])
    out = gn.one_hot(labels)
    assert out.shape == (2, 2, 3) and out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), np.eye(3, dtype=np.int64)[labels.numpy()])
    assert gn.one_hot(gn.tensor(1), num_classes=4).tolist() == [0, 1, 0, 0]
