import numpy as np
import pytest

import glassnet as gn


class WrongSquare(gn.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        wrong = 2 * x
        wrong[..., -1] *= 1.5  # a bug in one element
        return grad * wrong


def test_gradcheck_passes_a_correct_gradient():
    x = gn.randn(3, 2, rng=0, dtype=np.float64, requires_grad=True)
    y = gn.randn(2, rng=1, dtype=np.float64, requires_grad=True)
    assert gn.gradcheck(lambda a, b: (a * b).exp().sum(axis=0), [x, y])


def test_gradcheck_names_the_input_and_worst_element():
    x = gn.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    with pytest.raises(
        gn.GradientCheckError, match=r"input 0 .*index \(1, 2\): analytical 18, numerical 12"
    ):
        gn.gradcheck(lambda t: WrongSquare.apply(t).sum(), [x])
    with pytest.raises(gn.GradientCheckError, match=r"index \(\d, 2\)"):
        gn.gradcheck(WrongSquare.apply, [x])  # a non-scalar output, checked along a direction


def test_gradcheck_checks_only_inputs_that_require_grad():
    data = gn.tensor([1.0, 2.0])
    w = gn.tensor([3.0, 4.0], requires_grad=True)
    assert gn.gradcheck(lambda a, b: a * b, [data, w])
    with pytest.raises(ValueError, match="nothing to check"):
        gn.gradcheck(lambda a: a * 2, [data])


def test_check_same():
    assert gn.check_same(np.ones(3), gn.ones(3))
    with pytest.raises(AssertionError, match="shapes differ"):
        gn.check_same(np.ones(3), np.ones(4))
    with pytest.raises(
        AssertionError, match=r"1 of 3 elements differ.*index \(1,\): expected 2.0, got 2.5"
    ):
        gn.check_same([1.0, 2.0, 3.0], [1.0, 2.5, 3.0])
    with pytest.raises(AssertionError):
        gn.check_same([1.0], [np.nan])
