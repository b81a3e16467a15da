"""Everyday PyTorch tensor habits (dtypes, creation, random, autograd, conversions, math). Each is written as a PyTorch user writes it, run with
``import glassnet as torch``; expected values come from hand computation or NumPy.

Run this file as a module to print the pass count: ``python -m tests.pytorch_programs.test_tensor_habits``.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as torch
from tests.pytorch_programs.habits import close, collector, main

HABITS, habit = collector()


@habit
def dtype_promotion_float_int():
    a = torch.ones(2) + torch.tensor([1, 2])
    assert a.dtype == torch.float32
    assert (torch.tensor([1, 2]) * 2.5).dtype == torch.float32
    assert (torch.ones(2, dtype=torch.float64) + torch.ones(2)).dtype == torch.float64
    assert (torch.tensor([1, 2]) / 2).dtype == torch.float32


@habit
def default_dtypes():
    assert torch.tensor([1.0]).dtype == torch.float32
    assert torch.tensor([1]).dtype == torch.int64
    assert torch.tensor([True]).dtype == torch.bool
    assert torch.zeros(2).dtype == torch.float32
    assert torch.arange(3).dtype == torch.int64
    assert torch.arange(3.0).dtype == torch.float32


@habit
def dtype_conversions():
    x = torch.tensor([1.7, -1.2])
    close(x.long(), [1, -1])
    assert x.long().dtype == torch.long
    assert x.double().dtype == torch.float64
    assert x.to(torch.int32).dtype == torch.int32
    assert x.half().dtype == torch.float16
    assert (x > 0).float().dtype == torch.float32
    assert x.type(torch.float64).dtype == torch.double


@habit
def arange_forms():
    close(torch.arange(5), [0, 1, 2, 3, 4])
    close(torch.arange(1, 4), [1, 2, 3])
    close(torch.arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75])
    assert torch.arange(3, dtype=torch.float32).dtype == torch.float32


@habit
def linspace_logspace():
    close(torch.linspace(0, 1, steps=5), [0, 0.25, 0.5, 0.75, 1])
    close(torch.linspace(-1, 1, 3), [-1, 0, 1])
    close(torch.logspace(0, 2, 3), [1, 10, 100])


@habit
def like_constructors():
    x = torch.ones(2, 3, dtype=torch.float64)
    assert torch.zeros_like(x).dtype == torch.float64
    close(torch.ones_like(x), np.ones((2, 3)))
    close(torch.full_like(x, 7), np.full((2, 3), 7.0))
    assert torch.randn_like(x).shape == (2, 3)
    assert torch.rand_like(x).shape == (2, 3)
    assert torch.empty_like(x).shape == (2, 3)


@habit
def shape_forms():
    assert torch.zeros((2, 3)).shape == (2, 3)
    assert torch.zeros([2, 3]).shape == (2, 3)
    assert torch.zeros(()).shape == ()
    assert torch.full((2,), 3.0).dtype == torch.float32
    assert torch.empty(2, 3).shape == (2, 3)
    assert torch.eye(3).shape == (3, 3)


@habit
def randn_generator():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(3, generator=g)
    g2 = torch.Generator()
    g2.manual_seed(0)
    close(a, torch.randn(3, generator=g2))


@habit
def manual_seed_repeats():
    torch.manual_seed(3)
    a = torch.rand(4)
    torch.manual_seed(3)
    close(a, torch.rand(4))


@habit
def randint_randperm():
    x = torch.randint(0, 10, (5,))
    assert x.dtype == torch.int64 and x.shape == (5,)
    assert sorted(torch.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    assert torch.randint(5, (2, 2)).shape == (2, 2)


@habit
def no_grad_context_and_decorator():
    w = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = w * 2
    assert not y.requires_grad

    @torch.no_grad()
    def f(t):
        return t * 2

    assert not f(w).requires_grad
    assert torch.is_grad_enabled()


@habit
def inference_mode_and_enable_grad():
    w = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        assert not (w * 2).requires_grad
    with torch.no_grad():
        with torch.enable_grad():
            assert (w * 2).requires_grad
    with torch.set_grad_enabled(False):
        assert not (w * 2).requires_grad


@habit
def requires_grad_detach():
    x = torch.ones(2)
    x.requires_grad_()
    assert x.requires_grad and x.is_leaf
    d = (x * 2).detach()
    assert not d.requires_grad
    assert x.detach().requires_grad is False


@habit
def backward_grad_tensor():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x**2).sum().backward()
    close(x.grad, [2, 4])
    assert isinstance(x.grad, torch.Tensor)
    x.grad.zero_()
    close(x.grad, [0, 0])


@habit
def backward_with_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(torch.tensor([1.0, 0.5]))
    close(x.grad, [3, 1.5])


@habit
def retain_grad_nonleaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward()
    close(y.grad, [1, 1])


@habit
def autograd_grad():
    x = torch.tensor([3.0], requires_grad=True)
    (g,) = torch.autograd.grad((x**3).sum(), x)
    close(g, [27])


@habit
def item_tolist_numpy():
    x = torch.tensor([[1.0, 2.0]])
    assert x.sum().item() == 3.0
    assert x.tolist() == [[1.0, 2.0]]
    assert isinstance(x.numpy(), np.ndarray)
    w = torch.ones(1, requires_grad=True)
    assert w.detach().numpy().shape == (1,)


@habit
def from_numpy_shares_memory():
    a = np.zeros(3)
    t = torch.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5
    assert t.dtype == torch.float64


@habit
def size_numel_dim():
    x = torch.zeros(2, 3)
    assert x.size() == (2, 3)
    assert x.size(1) == 3 and x.size(-1) == 3
    assert x.numel() == 6 and x.dim() == 2 and x.ndim == 2
    assert x.shape[0] == 2
    assert len(x) == 2


@habit
def split_chunk_unbind():
    x = torch.arange(10)
    assert [p.shape[0] for p in torch.split(x, 4)] == [4, 4, 2]
    assert [p.shape[0] for p in x.split([3, 7])] == [3, 7]
    assert [p.shape[0] for p in x.chunk(3)] == [4, 4, 2]
    assert len(torch.zeros(3, 2).unbind(0)) == 3


@habit
def flip_roll():
    x = torch.tensor([1, 2, 3])
    close(torch.flip(x, [0]), [3, 2, 1])
    close(x.roll(1), [3, 1, 2])
    close(torch.roll(x, shifts=-1, dims=0), [2, 3, 1])


@habit
def triu_tril_ones():
    close(torch.tril(torch.ones(2, 2)), [[1, 0], [1, 1]])
    close(torch.ones(3, 3).triu(diagonal=1).sum(), 3)


@habit
def isnan_isclose_allclose():
    x = torch.tensor([1.0, float("nan"), float("inf")])
    close(torch.isnan(x), [False, True, False])
    close(torch.isinf(x), [False, False, True])
    close(x.isfinite(), [True, False, False])
    assert torch.allclose(torch.ones(2), torch.ones(2) + 1e-9)
    close(torch.isclose(torch.ones(2), torch.tensor([1.0, 2.0])), [True, False])
    assert torch.any(x > 2).item() and not (x > 2).all().item()


@habit
def logsumexp_softmax():
    x = torch.tensor([[0.0, 0.0]])
    close(torch.logsumexp(x, dim=1), [np.log(2)])
    close(torch.softmax(x, dim=-1), [[0.5, 0.5]])
    close(x.softmax(dim=1), [[0.5, 0.5]])
    close(x.log_softmax(-1), [[-np.log(2), -np.log(2)]])


@habit
def mean_sum_dims():
    x = torch.ones(2, 3, 4)
    assert x.sum(dim=(1, 2)).shape == (2,)
    assert x.mean(dim=[0, 2], keepdim=True).shape == (1, 3, 1)
    assert x.sum(-1).shape == (2, 3)
    assert torch.sum(x, 1).shape == (2, 4)
    assert x.mean().item() == 1.0


@habit
def matmul_forms():
    a = torch.ones(2, 3)
    assert (a @ torch.ones(3)).shape == (2,)
    assert torch.mm(a, torch.ones(3, 4)).shape == (2, 4)
    assert torch.bmm(torch.ones(5, 2, 3), torch.ones(5, 3, 4)).shape == (5, 2, 4)
    assert torch.matmul(torch.ones(5, 2, 3), torch.ones(3, 4)).shape == (5, 2, 4)
    close(torch.dot(torch.ones(3), torch.ones(3)), 3)
    assert torch.outer(torch.ones(2), torch.ones(3)).shape == (2, 3)
    close(torch.mv(a, torch.ones(3)), [3, 3])


@habit
def elementwise_functions():
    x = torch.tensor([1.0, 4.0])
    close(torch.sqrt(x), [1, 2])
    close(x.rsqrt(), [1, 0.5])
    close(torch.exp(torch.log(x)), x)
    close(x.pow(2), [1, 16])
    close(2**x, [2, 16])
    close(torch.abs(-x), x)
    close(x.neg(), -x)
    close(torch.sign(torch.tensor([-3.0, 0.0, 2.0])), [-1, 0, 1])
    close(torch.lerp(torch.zeros(2), x, 0.5), [0.5, 2])
    close(torch.sigmoid(torch.zeros(1)), [0.5])
    close(torch.tanh(torch.zeros(1)), [0])
    close(x.reciprocal(), [1, 0.25])
    close(torch.floor(torch.tensor([1.5, -1.5])), [1, -2])
    close(torch.round(torch.tensor([1.4, 2.6])), [1, 3])


@habit
def integer_division_and_modulo():
    a = torch.tensor([7, -7])
    close(a // 2, [3, -4])
    close(a % 3, [1, 2])
    close(torch.div(a, 2, rounding_mode="floor"), [3, -4])
    close(torch.div(a, 2, rounding_mode="trunc"), [3, -3])


@habit
def comparisons_eq_sum():
    pred = torch.tensor([1, 2, 3])
    correct = (pred == torch.tensor([1, 0, 3])).sum().item()
    assert correct == 2
    assert (pred == torch.tensor([1, 0, 3])).float().mean().item() == pytest.approx(2 / 3)
    assert torch.equal(pred, torch.tensor([1, 2, 3]))
    close(torch.eq(pred, 2), [False, True, False])


@habit
def meshgrid_ij():
    a, b = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")
    assert a.shape == (2, 3) and b.shape == (2, 3)


@habit
def diag_trace():
    close(torch.diag(torch.tensor([1.0, 2.0])), [[1, 0], [0, 2]])
    close(torch.trace(torch.eye(3)), 3)


@habit
def one_hot():
    import glassnet.nn.functional as F

    close(F.one_hot(torch.tensor([0, 2]), num_classes=3), [[1, 0, 0], [0, 0, 1]])
    assert F.one_hot(torch.tensor([[1]]), 2).shape == (1, 1, 2)


@habit
def multinomial_bernoulli():
    p = torch.tensor([0.0, 1.0])
    close(torch.multinomial(p, 1), [1])
    close(torch.bernoulli(torch.ones(3)), [1, 1, 1])


@habit
def uniform_normal_inplace():
    x = torch.empty(100)
    x.uniform_(-1, 1)
    assert x.min().item() >= -1 and x.max().item() <= 1
    x.normal_(0, 0.01)
    assert abs(x.mean().item()) < 0.01


@habit
def unflatten_and_movedim():
    assert torch.zeros(2, 6).unflatten(1, (2, 3)).shape == (2, 2, 3)
    assert torch.movedim(torch.zeros(2, 3, 4), 0, -1).shape == (3, 4, 2)


@habit
def device_habits():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    x = torch.ones(2, device=device).to(device)
    assert x.device.type == "cpu"
    assert x.cpu().to(torch.device("cpu")).shape == (2,)


@habit
def tensor_repr_and_bool():
    assert "1." in repr(torch.tensor([1.0]))  # glassnet prints Tensor(...), torch tensor(...)
    assert bool(torch.tensor(True))
    assert float(torch.tensor(2.5)) == 2.5
    assert int(torch.tensor(3)) == 3


@habit
def clone_keeps_graph():
    x = torch.tensor([1.0], requires_grad=True)
    y = x.clone()
    (y * 3).sum().backward()
    close(x.grad, [3])


@habit
def is_tensor_and_numel():
    assert torch.is_tensor(torch.ones(1))
    assert torch.numel(torch.ones(2, 3)) == 6
    assert torch.is_floating_point(torch.ones(1))


@habit
def amax_aminmax():
    x = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    close(x.amax(dim=1), [5, 7])
    close(torch.amin(x, dim=0), [1, 2])


@habit
def sum_dtype_bool():
    assert (torch.tensor([True, True, False])).sum().item() == 2
    assert torch.tensor([True, False]).sum().dtype == torch.int64


@habit
def new_tensor_factories():
    x = torch.ones(2, dtype=torch.float64)
    assert x.new_zeros(3).dtype == torch.float64
    assert x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 3.0).dtype == torch.float64
    assert x.new_tensor([1.0]).dtype == torch.float64


@pytest.mark.parametrize("name", sorted(HABITS))
def test_habit(name):
    HABITS[name]()


if __name__ == "__main__":
    main(HABITS)
