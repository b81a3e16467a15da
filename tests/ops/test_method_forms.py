"""Every Tensor math method is a door to the function of the same name: ``x.name(...)`` gives
``gn.name(x, ...)``; plus the operators on int and bool Tensors."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.tensor_methods import TensorMath

x = gn.tensor(np.random.default_rng(7).uniform(0.5, 2.0, (2, 3)))

CALLS = [
    ("add", (1.5,), {"alpha": 2}), ("sub", (x,), {}), ("mul", (2,), {}), ("div", (4,), {}),
    ("eq", (x,), {}), ("lt", (1.0,), {}), ("pow", (2,), {}), ("sum", (1,), {"keepdim": True}),
    ("mean", (), {"dim": 0}), ("std", (1,), {}), ("var", (), {"axis": 1}), ("prod", (0,), {}),
    ("logsumexp", (1,), {}), ("argmax", (), {"dim": 1}), ("cumsum", (1,), {}), ("norm", (), {"p": 1}),
    ("clamp", (), {"min": 1.0}), ("gather", (1, np.array([[0], [2]])), {}), ("flatten", (), {}),
    ("unsqueeze", (0,), {}), ("transpose", (0, 1), {}), ("permute", (1, 0), {}), ("roll", (1,), {}),
    ("triu", (), {}), ("diagonal", (), {}), ("masked_fill", (x > 1, 0.0), {}), ("narrow", (1, 0, 2), {}),
    ("exp2", (), {}), ("rsqrt", (), {}), ("sign", (), {}), ("round", (), {"decimals": 1}),
]  # fmt: skip


@pytest.mark.parametrize("name, args, kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_method_equals_function(name, args, kwargs):
    got = getattr(x, name)(*args, **kwargs)
    expected = getattr(gn, name)(x, *args, **kwargs)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


def test_every_door_leads_to_an_existing_function():
    doors = {
        method.__name__
        for method in vars(TensorMath).values()
        if callable(method) and getattr(method, "__qualname__", "") == method.__name__
    }  # the one-line doors (a def method's qualname is TensorMath.name)
    assert len(doors) > 100
    assert all(hasattr(gn.ops, name) for name in doors), sorted(
        n for n in doors if not hasattr(gn.ops, n)
    )


def test_method_only_forms():
    assert x.t().shape == (3, 2) and x.mT.shape == (3, 2) and x.view(-1).shape == (6,)
    assert (
        x.repeat(2, 1).shape == (4, 3)
        and x.tile(2).shape == (2, 6)
        and x.flip(0, 1).shape == (2, 3)
    )
    assert x.where(x > 1, 0.0).numpy().min() >= 0 and x.reshape_as(gn.ones(3, 2)).shape == (3, 2)
    assert x.split(1, dim=1)[0].shape == (2, 1) and len(x.split(2, axis=0)) == 2
    assert x.softmax(dim=1).shape == (2, 3) and x.log_softmax(1).shape == (2, 3)
    assert x.max(1).values.shape == (2,) and x.sort(descending=True).indices.dtype == np.int64
    with pytest.raises(ValueError, match="at most 2 dims"):
        gn.ones(2, 2, 2).t()


def test_integer_and_bool_operators():
    i = gn.tensor([7, -7])
    assert (
        (i // 2).tolist() == [3, -4]
        and (i % 3).tolist() == [1, 2]
        and (-9 % gn.tensor([4])).tolist() == [3]
    )
    assert (gn.tensor([True]) & True).tolist() == [True] and (
        False | gn.tensor([True])
    ).tolist() == [True]
    assert (1 ^ gn.tensor([1, 0])).tolist() == [0, 1]
