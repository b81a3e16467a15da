"""The glassnet changes the habit lists asked for, checked directly: in-place scatter and
index ops, ``contiguous`` copying a strided array, ``glassnet.linalg`` norms and errors."""

import numpy as np
import pytest

import glassnet as gn


def test_scatter_add_index_fill_index_add_in_place():
    x = gn.zeros(3)
    assert x.scatter_add_(0, gn.tensor([0, 0, 2]), gn.tensor([1.0, 2.0, 3.0])) is x
    np.testing.assert_allclose(x.data, [3, 0, 3])
    x.index_fill_(0, gn.tensor([1]), -1.0)
    np.testing.assert_allclose(x.data, [3, -1, 3])
    x.index_add_(0, gn.tensor([2, 2]), gn.tensor([1.0, 1.0]), alpha=2)
    np.testing.assert_allclose(x.data, [3, -1, 7])


def test_scatter_in_place_is_recorded_for_a_non_leaf():
    w = gn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = w * 2
    h.scatter_(0, gn.tensor([1]), gn.tensor([0.0]))
    h.sum().backward()
    np.testing.assert_allclose(np.asarray(w.grad), [2, 0, 2])


def test_scatter_in_place_on_a_leaf_that_requires_grad_is_refused():
    w = gn.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        w.scatter_(0, gn.tensor([0]), 1.0)


def test_contiguous_copies_only_a_strided_array():
    x = gn.zeros(2, 3)
    assert x.contiguous() is x
    t = x.t()
    assert not t.is_contiguous()
    c = t.contiguous()
    assert c.is_contiguous() and c.shape == (3, 2)


def test_linalg_norms():
    a = gn.tensor([[3.0, 0.0], [0.0, 4.0]], requires_grad=True)
    np.testing.assert_allclose(gn.linalg.norm(a).item(), 5.0)
    np.testing.assert_allclose(gn.linalg.norm(a, dim=1).data, [3, 4])
    np.testing.assert_allclose(gn.linalg.norm(a, ord=1, dim=0).data, [3, 4])
    np.testing.assert_allclose(gn.linalg.matrix_norm(a).item(), 5.0)
    gn.linalg.vector_norm(a).backward()
    np.testing.assert_allclose(np.asarray(a.grad), [[0.6, 0], [0, 0.8]], rtol=1e-6)


def test_linalg_matrix_norms_glassnet_lacks_are_named():
    with pytest.raises(NotImplementedError, match="nuc"):
        gn.linalg.norm(gn.ones(2, 2), ord="nuc")
    with pytest.raises(ValueError, match="dim="):
        gn.linalg.norm(gn.ones(2, 2, 2), ord=1)


def test_a_composite_module_passes_integer_indices_to_its_embedding():
    class Tagger(gn.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = gn.nn.Embedding(5, 3)
            self.head = gn.nn.Linear(3, 2)

        def forward(self, idx):
            return self.head(self.embed(idx))

    model = Tagger()
    assert model(gn.tensor([[0, 4]])).shape == (1, 2, 2)
    assert model(np.array([1, 2])).shape == (2, 2)


def test_a_composite_module_still_lets_its_linear_cast_integers():
    model = gn.nn.Sequential(gn.nn.Linear(2, 1))
    assert model(gn.tensor([[1, 2]])).dtype == gn.float32


def test_tensor_split_sections_indices_and_gradient():
    x = gn.arange(7)
    assert [p.tolist() for p in gn.tensor_split(x, 3)] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [p.shape[0] for p in x.tensor_split(8)] == [1] * 7 + [0]
    assert [p.tolist() for p in gn.tensor_split(x, [2, -2])] == [[0, 1], [2, 3, 4], [5, 6]]
    assert [p.tolist() for p in gn.tensor_split(x, [5, 1])] == [
        [0, 1, 2, 3, 4],
        [],
        [1, 2, 3, 4, 5, 6],
    ]
    w = gn.ones(2, 5, dtype=gn.float64, requires_grad=True)
    a, b = gn.tensor_split(w, 2, dim=1)
    (a.sum() * 2 + b.sum() * 3).backward()
    np.testing.assert_allclose(np.asarray(w.grad), [[2, 2, 2, 3, 3]] * 2)
