"""sort/argsort/topk/kthvalue/median/mode, cumsum/cumprod, split/chunk/unbind, transpose and
squeeze PyTorch's way, and the rearranging ops (flip, roll, repeat, tile, triu, diag ...)."""

import numpy as np
import pytest

import glassnet as gn

RNG = np.random.default_rng(2)


def t64(shape):
    return gn.tensor(RNG.standard_normal(shape), requires_grad=True)


def test_sorting_family():
    x = t64((3, 5))
    values, _ = gn.sort(x, dim=1, descending=True)
    np.testing.assert_array_equal(values.numpy(), -np.sort(-x.numpy(), axis=1))
    np.testing.assert_array_equal(gn.argsort(x, 0).numpy(), np.argsort(x.numpy(), 0))
    assert gn.sort(gn.tensor([1.0, 2.0, 1.0]), descending=True).indices.tolist() == [1, 0, 2]
    assert gn.sort(gn.tensor([np.nan, 1.0])).indices.tolist() == [1, 0]  # NaN is largest
    top = x.topk(2, dim=1)
    np.testing.assert_array_equal(top.values.numpy(), values.numpy()[:, :2])
    assert gn.topk(gn.tensor([3, 1, 2]), 2, largest=False).indices.tolist() == [1, 2]
    assert gn.kthvalue(gn.tensor([5.0, 1.0, 3.0]), 3).values.item() == 5.0
    assert gn.median(gn.tensor([4.0, 1.0, 3.0, 2.0])).item() == 2.0  # the lower middle
    ties = gn.tensor([3.0, 2.0, 1.0, 2.0], requires_grad=True)
    ties.median().backward()  # ties share the gradient, as PyTorch's median() and max()
    np.testing.assert_array_equal(np.asarray(ties.grad), [0, 0.5, 0, 0.5])
    assert np.isnan(gn.median(gn.tensor([1.0, np.nan, 0.0])).item())
    med = gn.median(gn.tensor([[1.0, 9.0, 5.0], [3.0, 2.0, 1.0]]), dim=1)
    assert med.values.tolist() == [5.0, 2.0] and med.indices.tolist() == [2, 1]
    assert gn.mode(gn.tensor([[2, 1, 2, 1, 3]]), 1).values.tolist() == [1]
    for fn in (
        lambda t: gn.sort(t, 0).values,
        lambda t: t.topk(3).values,
        lambda t: t.kthvalue(2, dim=0).values,
        lambda t: t.median(1).values,
        gn.median,
    ):
        assert gn.gradcheck(fn, [x])  # fmt: skip


def test_cumsum_and_cumprod_with_zeros():
    x = t64((3, 4))
    np.testing.assert_allclose(gn.cumsum(x, dim=1).numpy(), np.cumsum(x.numpy(), 1))
    assert gn.gradcheck(lambda t: gn.cumsum(t, 0), [x])
    assert gn.gradcheck(lambda t: t.cumprod(dim=1), [x])
    z = gn.tensor([[2.0, 0.0, 3.0, 0.0], [0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.0, 5.0]],
                  dtype=np.float64, requires_grad=True)  # fmt: skip
    assert gn.gradcheck(lambda t: gn.cumprod(t, 1), [z])
    with pytest.raises(TypeError, match="give the dim"):
        gn.cumsum(x)


def test_split_chunk_unbind():
    x = t64((5, 2))
    assert [p.shape for p in gn.split(x, 2)] == [(2, 2), (2, 2), (1, 2)]
    assert [p.shape for p in x.split([1, 4])] == [(1, 2), (4, 2)]
    assert [p.shape for p in gn.split(x, 1, dim=1)] == [(5, 1), (5, 1)]
    assert [p.shape for p in gn.chunk(x, 2)] == [(3, 2), (2, 2)]
    with pytest.raises(gn.ShapeError, match="add up"):
        gn.split(x, [1, 2])
    assert gn.gradcheck(lambda t: gn.cat(gn.split(t, 2)[::-1], dim=0), [x])
    assert gn.gradcheck(lambda t: gn.stack(gn.unbind(t, 1), dim=0), [x])


def test_transpose_swaps_two_dims_and_squeeze_skips_non_one_dims():
    x = t64((2, 3, 4))
    assert x.transpose(0, 2).shape == (4, 3, 2) and gn.transpose(x, 1, -1).shape == (2, 4, 3)
    assert gn.ones(2, 3).transpose(0, 1).shape == (3, 2)  # PyTorch's swap, not NumPy's identity
    assert x.transpose((2, 0, 1)).shape == (4, 2, 3) and x.T.shape == (4, 3, 2)
    assert x.mT.shape == (2, 4, 3)
    assert gn.ones(2, 1).squeeze(0).shape == (2, 1) and gn.ones(2, 1).squeeze(1).shape == (2,)
    assert gn.ones(1, 2, 1).squeeze((0, 1)).shape == (2, 1)


def test_rearranging_ops():
    a = RNG.standard_normal((2, 3))
    x = gn.tensor(a, requires_grad=True)
    cases = [
        (lambda t: t.flip(0, 1), np.flip(a, (0, 1))),
        (lambda t: gn.roll(t, (1, -1), (0, 1)), np.roll(a, (1, -1), (0, 1))),
        (lambda t: gn.roll(t, 2), np.roll(a, 2)),
        (lambda t: t.repeat(2, 1, 2), np.tile(a, (2, 1, 2))),
        (lambda t: gn.tile(t, (2,)), np.tile(a, 2)),
        (lambda t: gn.repeat_interleave(t, 2, dim=1), np.repeat(a, 2, 1)),
        (lambda t: t.repeat_interleave(gn.tensor([1, 0]), 0), np.repeat(a, [1, 0], 0)),
        (lambda t: gn.triu(t, 1), np.triu(a, 1)),
        (lambda t: t.tril(-1), np.tril(a, -1)),
        (lambda t: gn.diagonal(t, 1), np.diagonal(a, 1)),
        (lambda t: gn.diag(t[0]), np.diag(a[0])),
        (lambda t: gn.unflatten(t, 1, (3, 1)), a.reshape(2, 3, 1)),
        (lambda t: t.clone(), a),
    ]
    for fn, expected in cases:
        np.testing.assert_allclose(fn(x).numpy(), expected)
        assert gn.gradcheck(fn, [x])
    assert gn.trace(gn.tensor([[1.0, 2.0], [3.0, 4.0]])).item() == 5.0
    i, j = gn.meshgrid(gn.arange(2), gn.arange(3), indexing="ij")
    ni, nj = np.meshgrid(np.arange(2), np.arange(3), indexing="ij")
    np.testing.assert_array_equal(i.numpy(), ni)
    np.testing.assert_array_equal(j.numpy(), nj)
    xi, _ = gn.meshgrid(gn.arange(2), gn.arange(3), indexing="xy")
    np.testing.assert_array_equal(xi.numpy(), np.meshgrid(np.arange(2), np.arange(3))[0])
    assert x.view_as(gn.ones(3, 2)).shape == (3, 2) and x[0].expand_as(x).shape == (2, 3)


def test_cummax_cummin_and_rot90():
    a = np.array([[1.0, 3.0, 2.0, 3.0], [4.0, 0.0, 5.0, -1.0]])
    values, indices = gn.cummax(gn.tensor(a), 1)
    np.testing.assert_array_equal(values.numpy(), np.maximum.accumulate(a, 1))
    assert indices.tolist() == [[0, 1, 1, 3], [0, 0, 2, 2]]  # the last place of a tie
    assert gn.cummin(gn.tensor(a), dim=0).indices.tolist() == [[0, 0, 0, 0], [0, 1, 0, 1]]
    x = t64((3, 4))
    assert gn.gradcheck(lambda t: gn.cummax(t, 1).values, [x])
    b = np.arange(24).reshape(2, 3, 4)
    for k in (-1, 0, 1, 2, 3, 5):
        for dims in ((0, 1), (2, 0)):
            np.testing.assert_array_equal(
                gn.rot90(gn.tensor(b), k, dims).numpy(), np.rot90(b, k, dims)
            )
    assert gn.gradcheck(lambda t: gn.rot90(t, 1), [x])
