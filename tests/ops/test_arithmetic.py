import numpy as np
import pytest
from hypothesis import given

import glassnet as gn
from tests.helpers import broadcastable_pairs, check_op, seeds, values


@pytest.mark.parametrize(
    "fn, reference",
    [
        (lambda a, b: a + b, np.add),
        (lambda a, b: a - b, np.subtract),
        (lambda a, b: a * b, np.multiply),
        (gn.add, np.add),
        (gn.sub, np.subtract),
        (gn.mul, np.multiply),
        (gn.maximum, np.maximum),
        (gn.minimum, np.minimum),
    ],
    ids=["+", "-", "*", "add", "sub", "mul", "maximum", "minimum"],
)
@given(pair=broadcastable_pairs, seed=seeds)
def test_binary_ops_broadcast_both_sides(fn, reference, pair, seed):
    rng = np.random.default_rng(seed)
    a, b = (values(rng, s) for s in pair.input_shapes)
    check_op(fn, reference, a, b)


@given(pair=broadcastable_pairs, seed=seeds)
def test_division(pair, seed):
    rng = np.random.default_rng(seed)
    a = values(rng, pair.input_shapes[0])
    b = values(rng, pair.input_shapes[1], 0.5, 2.0, away_from_zero=0.5)
    check_op(lambda x, y: x / y, np.divide, a, b)


@given(pair=broadcastable_pairs, seed=seeds)
def test_power_differentiates_base_and_exponent(pair, seed):
    rng = np.random.default_rng(seed)
    base = values(rng, pair.input_shapes[0], 0.5, 2.0)
    exponent = values(rng, pair.input_shapes[1], -2.0, 2.0)
    check_op(lambda b, e: b**e, np.power, base, exponent)


def test_scalars_on_either_side_keep_the_tensor_dtype():
    x = gn.tensor([1.0, 2.0, 4.0], requires_grad=True)
    results = [x + 1, 1 + x, x - 1, 1 - x, 2 * x, x * 0.5, x / 2, 2 / x, x**2, 2**x, -x]
    expected = [[2, 3, 5], [2, 3, 5], [0, 1, 3], [0, -1, -3], [2, 4, 8], [0.5, 1, 2],
                [0.5, 1, 2], [2, 1, 0.5], [1, 4, 16], [2, 4, 16], [-1, -2, -4]]  # fmt: skip
    for result, want in zip(results, expected):
        assert result.dtype == np.float32
        np.testing.assert_allclose(result.numpy(), want)
    # NumPy 2 would promote float32 * np.float64 to float64; glassnet treats NumPy scalars as weak.
    assert (x * np.float64(3.0)).dtype == np.float32
    assert (np.float64(3.0) * x).dtype == np.float32


def test_arrays_on_either_side_give_tensors():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    left = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(left, gn.Tensor)
    left.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert isinstance(np.ones(2, dtype=np.float32) @ x, gn.Tensor)


def test_mixed_float_tensors_promote_like_numpy_and_grads_keep_their_dtype():
    a = gn.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    b = gn.tensor(np.ones(3, dtype=np.float64), requires_grad=True)
    out = a * b
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_integer_division_gives_float32():
    assert (gn.tensor([1, 2]) / gn.tensor([2, 4])).dtype == np.float32
    assert (gn.tensor([1, 2]) * 0.5).dtype == np.float32


def test_astype_is_differentiable():
    x = gn.tensor([1.5, 2.5], requires_grad=True)
    y = x.double()
    assert y.dtype == np.float64
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, [3.0, 5.0])


def test_broadcast_failure_names_the_op_and_shapes():
    with pytest.raises(gn.ShapeError, match=r"mul: shapes \(2, 3\) and \(4,\)"):
        gn.ones(2, 3) * gn.ones(4)
    with pytest.raises(gn.ShapeError, match="add"):
        gn.ones(2, 3) + np.ones((3, 2))


def test_non_numeric_operand_is_a_type_error():
    with pytest.raises(TypeError, match="Mul"):
        gn.ones(2) * "a"
    with pytest.raises(TypeError):
        gn.tensor(["a", "b"])


def _pow_grads(base, exponent):
    x = gn.tensor(np.array(base, dtype=np.float64), requires_grad=True)
    y = gn.tensor(np.array(exponent, dtype=np.float64), requires_grad=True)
    out = x**y
    out.backward(np.ones(out.shape))
    return out.numpy(), x.grad, y.grad


@pytest.mark.parametrize(
    "base, exponent, value, d_base, d_exponent",
    [
        # x**0 is the constant 1: its base gradient is 0 everywhere, also at x = 0 (was nan)
        (0.0, 0.0, 1.0, 0.0, 0.0),
        (-3.0, 0.0, 1.0, 0.0, np.nan),
        (2.0, 0.0, 1.0, 0.0, np.log(2.0)),
        # 0**y: d/dy is 0 for y >= 0 (PyTorch's convention), -inf for y < 0
        (0.0, 2.0, 0.0, 0.0, 0.0),
        (0.0, 1.0, 0.0, 1.0, 0.0),
        (0.0, 0.5, 0.0, np.inf, 0.0),
        (0.0, -1.0, np.inf, -np.inf, -np.inf),
        # negative bases with integer exponents: exact base gradient; no real log: d/dy is nan
        (-2.0, 2.0, 4.0, -4.0, np.nan),
        (-2.0, 3.0, -8.0, 12.0, np.nan),
        (-2.0, -1.0, -0.5, -0.25, np.nan),
        # negative base, fractional exponent: nan forward and gradients, as in PyTorch
        (-2.0, 0.5, np.nan, np.nan, np.nan),
        # ordinary point: 2**3 = 8, d/dx = 3 * 4 = 12, d/dy = 8 log 2
        (2.0, 3.0, 8.0, 12.0, 8.0 * np.log(2.0)),
    ],
)
def test_pow_gradients_at_the_edges_follow_torch_pow(base, exponent, value, d_base, d_exponent):
    with np.errstate(all="raise"):  # no NumPy warning may escape either
        out, grad_base, grad_exponent = _pow_grads(base, exponent)
    np.testing.assert_allclose(out, value)
    np.testing.assert_allclose(grad_base, d_base)
    np.testing.assert_allclose(grad_exponent, d_exponent)


def test_pow_scalar_exponent_zero_at_zero_base_gives_zero_gradient():
    x = gn.tensor([0.0, 1.5, -2.0], requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    x = gn.tensor([0.0, 1.5, -2.0], requires_grad=True)
    (x**2).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 3.0, -4.0])


def test_pow_gradcheck_negative_base_integer_exponents_and_broadcast_tensor_exponent():
    base = gn.tensor([[-1.5, -0.7, 0.8], [1.3, -2.0, 0.4]], dtype="float64", requires_grad=True)
    for e in (2, 3, -1, -2):
        assert gn.gradcheck(lambda b, e=e: b**e, [base])
    exponent = gn.tensor([0.5, 1.5, -1.0], dtype="float64", requires_grad=True)
    positive = gn.tensor(np.abs(base.numpy()), requires_grad=True)
    assert gn.gradcheck(lambda b, e: b**e, [positive, exponent])


def test_integer_pow_errors():
    with pytest.raises(ValueError, match="negative integer powers"):
        gn.tensor([2, 3]) ** -1
    with pytest.raises(gn.ShapeError, match="pow"):
        gn.ones(2, 3) ** gn.ones(4)
    assert (gn.tensor([2, 3]) ** 2).tolist() == [4, 9]
