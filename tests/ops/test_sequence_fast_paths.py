"""The transformer's fast paths compute what the plain forms compute: LinearOp on 3-D inputs
(folded into one 2-D product), packed self-attention against attention of three slices, and
GELU's tanh form in float32 against its formula."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.nn import functional as F
from glassnet.ops.attention import packed_self_attention, scaled_dot_product_attention

rng = np.random.default_rng(0)


@pytest.mark.parametrize("contiguous", [True, False])
def test_linear_on_3d_input_matches_numpy_and_gradcheck(contiguous):
    x = rng.standard_normal((2, 3, 4)) if contiguous else rng.standard_normal((3, 2, 4))
    x = x if contiguous else np.swapaxes(x, 0, 1)  # a (2, 3, 4) view that is not C-ordered
    w, b = rng.standard_normal((5, 4)), rng.standard_normal(5)
    out = F.linear(gn.tensor(x), gn.tensor(w), gn.tensor(b))
    assert out.shape == (2, 3, 5)
    np.testing.assert_allclose(out.numpy(), np.einsum("bti,oi->bto", x, w) + b, rtol=1e-12)
    inputs = [gn.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gn.gradcheck(F.linear, inputs)


def test_linear_3d_gradients_by_hand():
    # 6 rows, 7 outputs: the forward takes the transposed product for few rows
    x, w = rng.standard_normal((2, 3, 4)), rng.standard_normal((7, 4))
    g = rng.standard_normal((2, 3, 7))
    tx, tw = gn.tensor(x, requires_grad=True), gn.tensor(w, requires_grad=True)
    out = F.linear(tx, tw)
    np.testing.assert_allclose(out.numpy(), x @ w.T, rtol=1e-12)
    out.backward(gn.tensor(g))
    np.testing.assert_allclose(np.asarray(tx.grad), g @ w, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(tw.grad), np.einsum("bto,bti->oi", g, x), rtol=1e-12)


def _packed_input(dtype=np.float64, batch=2, heads=3, length=4, width=5):
    """qkv as the GPT makes it: a (3, B, H, T, D) permuted view of a (B, T, 3C) projection."""
    flat = rng.standard_normal((batch, length, 3 * heads * width)).astype(dtype)
    return flat.reshape(batch, length, 3, heads, width).transpose(2, 0, 3, 1, 4)


@pytest.mark.parametrize("causal", [True, False])
def test_packed_attention_equals_attention_of_slices(causal):
    qkv = _packed_input()
    packed = gn.tensor(qkv, requires_grad=True)
    sliced = gn.tensor(qkv, requires_grad=True)
    out_packed = packed_self_attention(packed, is_causal=causal, scale=0.3)
    out_sliced = scaled_dot_product_attention(
        sliced[0], sliced[1], sliced[2], is_causal=causal, scale=0.3
    )
    np.testing.assert_allclose(out_packed.numpy(), out_sliced.numpy(), rtol=1e-12, atol=1e-14)
    direction = gn.tensor(rng.standard_normal(out_packed.shape))
    out_packed.backward(direction)
    out_sliced.backward(direction)
    np.testing.assert_allclose(
        np.asarray(packed.grad), np.asarray(sliced.grad), rtol=1e-10, atol=1e-12
    )


def test_packed_attention_gradcheck_and_layout():
    qkv = gn.tensor(_packed_input(length=3, width=2), requires_grad=True)
    assert gn.gradcheck(lambda t: packed_self_attention(t, is_causal=True), [qkv])
    y = packed_self_attention(qkv, is_causal=True)
    y.sum().backward()
    assert np.asarray(qkv.grad).shape == qkv.shape


def test_packed_attention_with_dropout_matches_slices_on_the_same_mask():
    qkv = _packed_input()
    a = packed_self_attention(gn.tensor(qkv), dropout_p=0.5, rng=7)
    b = scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], dropout_p=0.5, rng=7)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_packed_attention_float32_stays_float32():
    qkv = gn.tensor(_packed_input(np.float32), requires_grad=True)
    y = packed_self_attention(qkv, is_causal=True)
    y.sum().backward()
    assert y.dtype == np.float32 and np.asarray(qkv.grad).dtype == np.float32


@pytest.mark.parametrize("shape", [(2, 4, 5), (3, 4)])
def test_packed_attention_rejects_a_first_axis_other_than_3(shape):
    with pytest.raises(ShapeError, match="qkv must be"):
        packed_self_attention(gn.ones(*shape))


def test_packed_attention_rejects_a_bad_dropout():
    with pytest.raises(ValueError, match="dropout_p"):
        packed_self_attention(gn.ones(3, 2, 4), dropout_p=1.0)


def test_gelu_tanh_float32_matches_its_formula():
    x = (3 * rng.standard_normal((4, 6))).astype(np.float32)
    t = gn.tensor(x, requires_grad=True)
    y = gn.ops.gelu(t, approximate="tanh")
    c = math.sqrt(2 / math.pi)
    tanh = np.tanh(c * (x + 0.044715 * x**3))
    np.testing.assert_allclose(y.numpy(), 0.5 * x * (1 + tanh), rtol=1e-6, atol=1e-7)
    y.sum().backward()
    slope = 0.5 * (1 + tanh) + 0.5 * x * (1 - tanh**2) * c * (1 + 3 * 0.044715 * x**2)
    assert np.asarray(t.grad).dtype == np.float32
    np.testing.assert_allclose(np.asarray(t.grad), slope, rtol=1e-5, atol=1e-6)


def test_gelu_tanh_gradcheck_including_a_0d_input():
    assert gn.gradcheck(lambda t: gn.ops.gelu(t, approximate="tanh"), [gn.tensor(rng.standard_normal((3, 4)), requires_grad=True)])  # fmt: skip
    assert gn.gradcheck(lambda t: gn.ops.gelu(t, approximate="tanh"), [gn.tensor(0.7, requires_grad=True)])  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("exponent", [2, 2.0, -1, -1.0, 3, 0.5])
def test_pow_fast_paths_give_numpys_power_bit_for_bit(dtype, exponent):
    edges = [1.5, -2.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, 3e20]
    x = np.concatenate([edges, rng.standard_normal(40)]).astype(dtype)
    with np.errstate(all="ignore"):
        expected = np.power(x, np.asarray(exponent, dtype=dtype))
        out = (gn.tensor(x) ** exponent).numpy()
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(np.signbit(out), np.signbit(expected))


def test_pow_square_gradient_is_two_x_and_gradcheck():
    x = rng.standard_normal((3, 4))
    t = gn.tensor(x, requires_grad=True)
    (t**2).sum().backward()
    np.testing.assert_array_equal(np.asarray(t.grad), 2 * x)
    assert gn.gradcheck(lambda a: a**2, [gn.tensor(x, requires_grad=True)])
    assert gn.gradcheck(lambda a: a**-1, [gn.tensor(x + 3.0, requires_grad=True)])


def test_pow_of_a_0d_exponent_tensor_still_differentiates_the_exponent():
    x, e = gn.tensor([1.5, 2.0], requires_grad=True), gn.tensor(2.0, requires_grad=True)
    (x**e).sum().backward()
    np.testing.assert_allclose(
        np.asarray(e.grad), (np.array([1.5, 2.0]) ** 2 * np.log([1.5, 2.0])).sum()
    )
    np.testing.assert_allclose(np.asarray(x.grad), [3.0, 4.0])
