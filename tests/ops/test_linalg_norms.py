"""einsum (forward by np.einsum, backward by einsums), mm/mv/dot/bmm/outer/addmm/baddbmm and
norm/dist, checked against NumPy and central differences."""

import numpy as np
import pytest

import glassnet as gn

RNG = np.random.default_rng(5)


def t64(*shape):
    return gn.tensor(RNG.standard_normal(shape), requires_grad=True)


EQUATIONS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,j->ij", [(2,), (3,)]),
    ("ij,ij->i", [(2, 3), (2, 3)]),
    ("ik,kj,jl->il", [(2, 3), (3, 2), (2, 4)]),
    ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 2, 4)]),
    ("ij,kj", [(2, 3), (4, 3)]),  # implicit output: ik
    ("abc,c->ab", [(2, 1, 3), (3,)]),
    ("ij,k->i", [(2, 3), (4,)]),  # k summed away in one operand only
]


@pytest.mark.parametrize("equation, shapes", EQUATIONS, ids=[e[0] for e in EQUATIONS])
def test_einsum_forward_and_gradients(equation, shapes):
    tensors = [t64(*s) for s in shapes]
    np.testing.assert_allclose(
        gn.einsum(equation, *tensors).numpy(), np.einsum(equation, *[t.numpy() for t in tensors])
    )
    assert gn.gradcheck(lambda *ts: gn.einsum(equation, *ts), tensors)


def test_einsum_refuses_what_it_does_not_support():
    with pytest.raises(ValueError, match="ellipsis"):
        gn.einsum("...ij,jk->...ik", t64(2, 3), t64(3, 4))
    with pytest.raises(ValueError, match="repeated index"):
        gn.einsum("ii->i", t64(3, 3))
    with pytest.raises(gn.ShapeError, match="subscripts 'ij' name 2 dims"):
        gn.einsum("ij,jk->ik", t64(2, 3, 1), t64(3, 4))
    assert gn.einsum("ij,jk->ik", [t64(2, 3), t64(3, 1)]).shape == (2, 1)  # a list of operands


def test_matrix_products():
    a, b, v = t64(2, 3), t64(3, 4), t64(3)
    batch1, batch2 = t64(2, 2, 3), t64(2, 3, 4)
    assert gn.gradcheck(gn.mm, [a, b]) and gn.gradcheck(gn.mv, [a, v])
    assert gn.gradcheck(gn.dot, [v, t64(3)]) and gn.gradcheck(gn.bmm, [batch1, batch2])
    assert gn.gradcheck(gn.outer, [v, t64(2)])
    np.testing.assert_allclose(gn.outer(v, v).numpy(), np.outer(v.numpy(), v.numpy()))
    c = t64(2, 4)
    out = gn.addmm(c, a, b, beta=0.5, alpha=2.0)
    np.testing.assert_allclose(out.numpy(), 0.5 * c.numpy() + 2 * a.numpy() @ b.numpy())
    assert gn.gradcheck(
        lambda x, y, z: gn.baddbmm(x, y, z, alpha=0.5), [t64(2, 2, 4), batch1, batch2]
    )
    with pytest.raises(gn.ShapeError, match="mm: input must be 2-D"):
        gn.mm(v, b)


@pytest.mark.parametrize("p", ["fro", 2, 1, 3, np.inf, -np.inf])
@pytest.mark.parametrize("dim", [None, 1, (0, 1)])
def test_norms(p, dim):
    x = t64(3, 4)
    a = x.numpy()
    if dim is None or isinstance(dim, tuple):
        flat = a.reshape(-1)
        expected = np.linalg.norm(flat, ord=2 if p == "fro" else p)
    else:
        expected = np.linalg.norm(a, ord=2 if p == "fro" else p, axis=dim)
    np.testing.assert_allclose(gn.norm(x, p, dim).numpy(), expected)
    assert gn.gradcheck(lambda t: t.norm(p=p, dim=dim, keepdim=True), [x])


def test_norm_edges():
    zero = gn.tensor(np.zeros(3), requires_grad=True)
    gn.norm(zero).backward()
    np.testing.assert_array_equal(np.asarray(zero.grad), 0)  # the subgradient 0, not nan
    assert gn.norm(gn.tensor([0.0, 2.0, 0.0]), p=0).item() == 1
    assert gn.dist(gn.tensor([1.0, 1.0]), gn.tensor([4.0, 5.0])).item() == 5.0
    with pytest.raises(ValueError, match="not supported"):
        gn.norm(gn.ones(2, 2), p="nuc")


def test_cdist_and_tensordot():
    a, b = t64(3, 2), t64(4, 2)
    expected = np.sqrt(((a.numpy()[:, None] - b.numpy()[None]) ** 2).sum(-1))
    np.testing.assert_allclose(gn.cdist(a, b).numpy(), expected)
    assert gn.gradcheck(gn.cdist, [a, b]) and gn.gradcheck(lambda s, t: gn.cdist(s, t, p=1), [a, b])
    c, d = t64(2, 3, 4), t64(4, 3, 5)
    np.testing.assert_allclose(gn.tensordot(c, d, ([1, 2], [1, 0])).numpy(),
                               np.tensordot(c.numpy(), d.numpy(), ([1, 2], [1, 0])))  # fmt: skip
    assert gn.gradcheck(lambda s, t: gn.tensordot(s, t, ([2], [0])), [c, d])
