import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import glassnet as gn
from tests.helpers import check_op, seeds, values


def rand(shape, seed=0):
    return values(np.random.default_rng(seed), shape)


@given(seed=seeds, order=st.permutations([0, 1, 2]))
def test_transpose_permute_and_T(seed, order):
    x = rand((2, 3, 4), seed)
    check_op(lambda t: t.transpose(*order), lambda a: np.transpose(a, order), x)
    check_op(lambda t: t.permute(order), lambda a: np.transpose(a, order), x)
    check_op(lambda t: t.T, lambda a: a.T, x)
    check_op(lambda t: gn.swapaxes(t, 0, -1), lambda a: np.swapaxes(a, 0, -1), x)


@given(seed=seeds)
def test_reshape_view_flatten_squeeze_unsqueeze(seed):
    x = rand((2, 1, 6), seed)
    check_op(lambda t: t.reshape(3, -1), lambda a: a.reshape(3, -1), x)
    check_op(lambda t: t.view((4, 3)), lambda a: a.reshape(4, 3), x)
    check_op(lambda t: t.flatten(), lambda a: a.reshape(-1), x)
    check_op(lambda t: t.flatten(1), lambda a: a.reshape(2, 6), x)
    check_op(lambda t: t.flatten(1, 1), lambda a: a, x)
    check_op(
        lambda t: t.reshape(2, 6).flatten(1), lambda a: a.reshape(2, 6), x
    )  # 2-D: nothing to merge
    check_op(lambda t: t.squeeze(), lambda a: a.squeeze(), x)
    check_op(lambda t: t.squeeze(1), lambda a: a.squeeze(1), x)
    check_op(lambda t: t.unsqueeze(-1), lambda a: a[..., None], x)


@given(seed=seeds)
def test_expand_and_broadcast_to_sum_back(seed):
    x = rand((3, 1), seed)
    check_op(lambda t: t.expand(2, -1, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), x)
    check_op(lambda t: gn.broadcast_to(t, (3, 5)), lambda a: np.broadcast_to(a, (3, 5)), x)


INDEXES = [
    (1,),
    (slice(None, None, 2),),
    (Ellipsis, 1),
    (None, 0, slice(1, 3)),
    (np.array([0, 2, 0, 0]),),
    (slice(None), np.array([1, 1, 3])),
    (np.array([[0, 1], [1, 1]]), np.array([[2, 0], [0, 0]])),
]


@pytest.mark.parametrize("index", INDEXES, ids=[repr(i) for i in INDEXES])
def test_getitem_forms(index):
    x = rand((3, 4))
    check_op(lambda t: t[index], lambda a: a[index], x)


def test_getitem_with_bool_mask_and_tensor_indices():
    x = rand((3, 4))
    mask = x > 0
    check_op(lambda t: t[gn.tensor(mask)], lambda a: a[mask], x)
    check_op(lambda t: t[gn.tensor([2, 2, 0])], lambda a: a[[2, 2, 0]], x)
    check_op(lambda t: t[[0, 1], [3, 3]], lambda a: a[[0, 1], [3, 3]], x)


def test_repeated_indices_accumulate():
    x = gn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x[[1, 1, 0], [0, 0, 1]].sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0], [2.0, 0.0]])


@given(seed=seeds, axis=st.integers(-2, 1))
def test_concatenate_stack_split(seed, axis):
    a, b = rand((2, 3), seed), rand((2, 3), seed + 1)
    check_op(lambda s, t: gn.concatenate([s, t], axis=axis),
             lambda p, q: np.concatenate([p, q], axis=axis), a, b)  # fmt: skip
    check_op(lambda s, t: gn.stack([s, t], axis=axis),
             lambda p, q: np.stack([p, q], axis=axis), a, b)  # fmt: skip
    check_op(lambda t: gn.concatenate(gn.split(t, [1, 2], axis=1)[::-1], axis=1),
             lambda p: np.concatenate(np.split(p, [1, 2], axis=1)[::-1], axis=1), a)  # fmt: skip


def test_split_into_sections():
    parts = gn.split(gn.arange(6.0), 3, axis=0)  # NumPy: 3 equal pieces
    assert [p.numpy().tolist() for p in parts] == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(gn.ShapeError, match="does not split into 4"):
        gn.split(gn.arange(6.0), 4, axis=0)
    parts = gn.split(gn.arange(6.0), 4)  # PyTorch: pieces of size 4
    assert [p.numpy().tolist() for p in parts] == [[0, 1, 2, 3], [4, 5]]


@pytest.mark.parametrize("width", [1, (1, 2), ((0, 1), (2, 0))])
def test_pad_with_numpy_widths(width):
    x = rand((2, 3))
    check_op(lambda t: gn.pad(t, width, value=0.5),
             lambda a: np.pad(a, width, constant_values=0.5), x)  # fmt: skip


def test_shape_errors_name_the_op():
    with pytest.raises(gn.ShapeError, match=r"reshape: .*\(2, 3\).*\(4,\)"):
        gn.ones(2, 3).reshape(4)
    with pytest.raises(gn.ShapeError, match="concatenate"):
        gn.concatenate([gn.ones(2, 3), gn.ones(2, 4)])
    with pytest.raises(gn.ShapeError, match="squeeze"):
        gn.ones(2, 3).squeeze(axis=0)  # NumPy's rule; PyTorch's squeeze(0) leaves it
    with pytest.raises(gn.ShapeError, match="broadcast_to"):
        gn.ones(2, 3).broadcast_to((3, 3))


@pytest.mark.parametrize(
    "fn, reference",
    [
        (lambda t: t.permute(-1, 0, -2), lambda a: np.transpose(a, (2, 0, 1))),
        (lambda t: t.transpose(-1, 0, -2), lambda a: np.transpose(a, (2, 0, 1))),
        (lambda t: gn.transpose(t, (-2, -1, -3)), lambda a: np.transpose(a, (1, 2, 0))),
        (lambda t: t.swapaxes(-1, -3), lambda a: np.swapaxes(a, 0, 2)),
        (lambda t: gn.swapaxes(t, 1, -1), lambda a: np.swapaxes(a, 1, 2)),
        (lambda t: gn.movedim(t, -1, 0), lambda a: np.moveaxis(a, 2, 0)),
        (lambda t: gn.movedim(t, (0, -1), (-1, 0)), lambda a: np.moveaxis(a, (0, 2), (2, 0))),
        (lambda t: gn.movedim(t, (-1, 0), (0, -2)), lambda a: np.moveaxis(a, (2, 0), (0, 1))),
    ],
)
def test_negative_axes_forward_and_backward(fn, reference):
    check_op(fn, reference, rand((2, 3, 4)))


def test_movedim_values_by_hand():
    x = gn.arange(6).reshape(1, 2, 3)
    y = gn.movedim(x, 2, 0)
    assert y.shape == (3, 1, 2)
    assert y.tolist() == [[[0, 3]], [[1, 4]], [[2, 5]]]


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.permute(0, 0, 1),
        lambda t: t.permute(0, 1, 3),
        lambda t: t.permute(0, 1),
        lambda t: gn.swapaxes(t, 0, 3),
        lambda t: gn.movedim(t, (0, 1), 2),
        lambda t: gn.movedim(t, 0, 5),
        lambda t: gn.movedim(t, (0, 0), (1, 2)),
    ],
)
def test_bad_axes_raise_shape_error(fn):
    with pytest.raises(gn.ShapeError):
        fn(gn.ones(2, 3, 4))
