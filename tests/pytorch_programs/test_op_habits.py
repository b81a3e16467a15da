"""Everyday PyTorch tensor-op habits (joining, indexing, reductions, shapes, in-place). Each is written as a PyTorch user writes it, run with
``import glassnet as torch``; expected values come from hand computation or NumPy.

Run this file as a module to print the pass count: ``python -m tests.pytorch_programs.test_op_habits``.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as torch
from tests.pytorch_programs.habits import close, collector, main

HABITS, habit = collector()


@habit
def cat_dim1():
    a, b = torch.ones(2, 3), torch.zeros(2, 2)
    assert torch.cat([a, b], dim=1).shape == (2, 5)
    assert torch.cat((a, a)).shape == (4, 3)


@habit
def stack_dim():
    assert torch.stack([torch.zeros(3), torch.ones(3)], dim=1).shape == (3, 2)


@habit
def gather_dim1():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    close(torch.gather(x, 1, torch.tensor([[0, 0], [1, 0]])), [[1, 1], [4, 3]])
    close(x.gather(1, torch.tensor([[1], [0]])), [[2], [3]])


@habit
def scatter_src():
    out = torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), torch.ones(2, 1))
    close(out, [[0, 0, 1], [1, 0, 0]])


@habit
def scatter_value_inplace():
    x = torch.zeros(2, 3)
    x.scatter_(1, torch.tensor([[1], [2]]), 5.0)
    close(x, [[0, 5, 0], [0, 0, 5]])


@habit
def scatter_add():
    out = torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]))
    close(out, [3, 0, 3])


@habit
def index_select():
    x = torch.arange(6).view(2, 3)
    close(torch.index_select(x, 1, torch.tensor([2, 0])), [[2, 0], [5, 3]])


@habit
def masked_select():
    x = torch.tensor([1.0, -2.0, 3.0])
    close(torch.masked_select(x, x > 0), [1, 3])


@habit
def topk_values_indices():
    values, indices = torch.topk(torch.tensor([1.0, 5.0, 3.0]), 2)
    close(values, [5, 3])
    close(indices, [1, 2])


@habit
def topk_named():
    r = torch.tensor([[1.0, 5.0, 3.0]]).topk(1, dim=1, largest=False)
    close(r.values, [[1]])
    close(r.indices, [[0]])


@habit
def sort_descending():
    s, i = torch.sort(torch.tensor([2.0, 1.0, 3.0]), descending=True)
    close(s, [3, 2, 1])
    close(i, [2, 0, 1])


@habit
def argsort():
    close(torch.argsort(torch.tensor([2.0, 1.0, 3.0])), [1, 0, 2])


@habit
def where_three():
    x = torch.tensor([-1.0, 2.0])
    close(torch.where(x > 0, x, torch.zeros_like(x)), [0, 2])


@habit
def where_scalar():
    x = torch.tensor([-1.0, 2.0])
    close(torch.where(x > 0, x, 0.0), [0, 2])


@habit
def where_one_arg():
    (idx,) = torch.where(torch.tensor([0, 3, 0, 1]) > 0)
    close(idx, [1, 3])


@habit
def einsum_matmul():
    a, b = torch.ones(2, 3), torch.ones(3, 4)
    close(torch.einsum("ij,jk->ik", a, b), np.full((2, 4), 3.0))


@habit
def einsum_list_operands():
    a = torch.ones(2, 3)
    close(torch.einsum("ij->j", [a]), [2, 2, 2])


@habit
def masked_fill():
    x = torch.zeros(2, 2)
    m = torch.tensor([[True, False], [False, True]])
    close(x.masked_fill(m, float("-inf")).exp(), [[0, 1], [1, 0]])


@habit
def masked_fill_inplace():
    x = torch.ones(3)
    x.masked_fill_(x > 0, 2.0)
    close(x, [2, 2, 2])


@habit
def cumsum_dim():
    close(torch.cumsum(torch.tensor([[1, 2], [3, 4]]), dim=0), [[1, 2], [4, 6]])
    close(torch.tensor([1.0, 2.0, 3.0]).cumsum(0), [1, 3, 6])


@habit
def cumprod():
    close(torch.tensor([1.0, 2.0, 3.0]).cumprod(dim=0), [1, 2, 6])


@habit
def clamp_min_max():
    x = torch.tensor([-2.0, 0.5, 3.0])
    close(torch.clamp(x, min=0), [0, 0.5, 3])
    close(x.clamp(-1, 1), [-1, 0.5, 1])
    close(x.clamp(max=1.0), [-2, 0.5, 1])


@habit
def clamp_inplace():
    x = torch.tensor([-2.0, 3.0])
    x.clamp_(0, 1)
    close(x, [0, 1])


@habit
def norm_default_and_dim():
    x = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
    assert abs(x.norm().item() - 5.0) < 1e-6
    close(x.norm(dim=1), [5, 0])
    close(torch.norm(x, p=1, dim=1), [7, 0])


@habit
def linalg_norm():
    close(torch.linalg.norm(torch.tensor([3.0, 4.0])), 5.0)


@habit
def var_dim_unbiased():
    x = torch.tensor([[1.0, 3.0], [2.0, 2.0]])
    close(x.var(dim=1), [2, 0])
    close(x.var(dim=1, unbiased=False), [1, 0])
    close(torch.std(x, dim=1, correction=0), [1, 0])


@habit
def var_all():
    close(torch.tensor([1.0, 2.0, 3.0, 4.0]).var(), np.var([1, 2, 3, 4], ddof=1))


@habit
def max_dim_tuple():
    x = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    values, indices = x.max(dim=1)
    close(values, [5, 7])
    close(indices, [1, 0])
    v, i = torch.max(x, 0)
    close(v, [7, 5])
    close(i, [1, 0])


@habit
def max_binary():
    close(torch.max(torch.tensor([1.0, 4.0]), torch.tensor([3.0, 2.0])), [3, 4])


@habit
def min_keepdim():
    r = torch.tensor([[1.0, 5.0]]).min(dim=1, keepdim=True)
    assert r.values.shape == (1, 1)
    close(r.indices, [[0]])


@habit
def argmax_keepdim():
    x = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    close(x.argmax(dim=1, keepdim=True), [[1], [0]])
    assert torch.argmax(x).item() == 2


@habit
def unsqueeze_squeeze():
    x = torch.zeros(3)
    assert x.unsqueeze(0).shape == (1, 3)
    assert x.unsqueeze(-1).shape == (3, 1)
    assert x[None, :, None].squeeze().shape == (3,)
    assert torch.zeros(1, 3, 1).squeeze(0).shape == (3, 1)


@habit
def expand():
    assert torch.zeros(3, 1).expand(3, 4).shape == (3, 4)
    assert torch.zeros(3, 1).expand(-1, 4).shape == (3, 4)
    assert torch.zeros(1, 2).expand_as(torch.zeros(5, 2)).shape == (5, 2)


@habit
def repeat():
    close(torch.tensor([1, 2]).repeat(2, 2), [[1, 2, 1, 2], [1, 2, 1, 2]])


@habit
def repeat_interleave():
    close(torch.tensor([1, 2]).repeat_interleave(2), [1, 1, 2, 2])


@habit
def flatten_start_dim():
    assert torch.zeros(2, 3, 4).flatten(1).shape == (2, 12)
    assert torch.flatten(torch.zeros(2, 3, 4)).shape == (24,)
    assert torch.zeros(2, 3, 4).flatten(0, 1).shape == (6, 4)


@habit
def view_reshape():
    x = torch.arange(6)
    assert x.view(2, 3).shape == (2, 3)
    assert x.view(-1, 2).shape == (3, 2)
    assert x.view((3, 2)).shape == (3, 2)
    assert x.reshape(3, -1).shape == (3, 2)
    assert x.view(2, 3).view_as(torch.zeros(3, 2)).shape == (3, 2)


@habit
def permute_transpose():
    x = torch.zeros(2, 3, 4)
    assert x.permute(2, 0, 1).shape == (4, 2, 3)
    assert x.permute((2, 0, 1)).shape == (4, 2, 3)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert torch.transpose(x, 1, 2).shape == (2, 4, 3)
    assert torch.zeros(2, 3).t().shape == (3, 2)
    assert torch.zeros(2, 3).T.shape == (3, 2)


@habit
def contiguous_is_contiguous():
    x = torch.zeros(2, 3).t().contiguous()
    assert x.is_contiguous()


@habit
def inplace_arithmetic():
    x = torch.ones(3)
    x.add_(1).mul_(3).sub_(1).div_(5)
    close(x, [1, 1, 1])
    x += 1
    x *= 2
    close(x, [4, 4, 4])


@habit
def add_alpha():
    x = torch.ones(2)
    x.add_(torch.ones(2), alpha=-0.5)
    close(x, [0.5, 0.5])
    close(torch.add(torch.ones(2), torch.ones(2), alpha=2), [3, 3])


@habit
def zero_fill_copy():
    x = torch.ones(3)
    x.zero_()
    close(x, [0, 0, 0])
    x.fill_(7)
    close(x, [7, 7, 7])
    x.copy_(torch.tensor([1.0, 2.0, 3.0]))
    close(x, [1, 2, 3])


@habit
def indexing_basic():
    x = torch.arange(12).view(3, 4)
    close(x[1], [4, 5, 6, 7])
    close(x[:, 1], [1, 5, 9])
    close(x[-1, -1], 11)
    close(x[..., 0], [0, 4, 8])
    close(x[x > 9], [10, 11])
    close(x[[0, 2]], [[0, 1, 2, 3], [8, 9, 10, 11]])
    close(x[torch.tensor([0, 2]), torch.tensor([1, 3])], [1, 11])


@habit
def index_assignment():
    x = torch.zeros(2, 3)
    x[0, 1] = 5
    x[1] = torch.tensor([1.0, 2.0, 3.0])
    x[x > 2] = -1
    close(x, [[0, -1, 0], [1, 2, -1]])


@pytest.mark.parametrize("name", sorted(HABITS))
def test_habit(name):
    HABITS[name]()


if __name__ == "__main__":
    main(HABITS)
