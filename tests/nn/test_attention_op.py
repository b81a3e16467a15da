"""scaled_dot_product_attention: one op, checked against a NumPy formula and float64
numerical gradients, with and without masks, causal, batch and head axes, L != S."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.ops.attention import ScaledDotProductAttentionOp, scaled_dot_product_attention


def _reference(q, k, v, bias=None, scale=None):
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    if bias is not None:
        s = s + bias
    m = s.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(s - m)
    total = e.sum(axis=-1, keepdims=True)
    return (e / np.where(total == 0, 1, total)) @ v


def _qkv(seed, lead=(2, 3), length=4, source=5, e=3, ev=2):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((*lead, length, e)),
        rng.standard_normal((*lead, source, e)),
        rng.standard_normal((*lead, source, ev)),
    )


def _tensors(*arrays):
    return [gn.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("lead", [(), (2,), (2, 3)])
def test_no_mask_matches_the_formula_and_gradients(lead):
    q, k, v = _qkv(0, lead)
    got = scaled_dot_product_attention(*map(gn.tensor, (q, k, v)))
    np.testing.assert_allclose(got.numpy(), _reference(q, k, v), rtol=1e-10)
    assert gn.gradcheck(scaled_dot_product_attention, _tensors(q, k, v))


def test_causal_sees_only_earlier_keys():
    q, k, v = _qkv(1, source=4)
    bias = np.where(np.tri(4, 4, dtype=bool), 0.0, -np.inf)
    got = scaled_dot_product_attention(*map(gn.tensor, (q, k, v)), is_causal=True)
    np.testing.assert_allclose(got.numpy(), _reference(q, k, v, bias), rtol=1e-10)
    np.testing.assert_allclose(got.numpy()[..., 0, :], v[..., 0, :], rtol=1e-10)  # only key 0
    assert gn.gradcheck(
        lambda *t: scaled_dot_product_attention(*t, is_causal=True), _tensors(q, k, v)
    )


def test_causal_with_more_keys_than_queries_is_aligned_top_left():
    q, k, v = _qkv(2, lead=(2,), length=2, source=3)
    bias = np.array([[0.0, -np.inf, -np.inf], [0.0, 0.0, -np.inf]])
    got = scaled_dot_product_attention(*map(gn.tensor, (q, k, v)), is_causal=True)
    np.testing.assert_allclose(got.numpy(), _reference(q, k, v, bias), rtol=1e-10)


def test_bool_mask_true_takes_part_and_is_broadcast():
    q, k, v = _qkv(3)
    mask = np.random.default_rng(0).random((3, 4, 5)) < 0.6  # per head, broadcast over batch
    mask[..., 0] = True
    bias = np.where(mask, 0.0, -np.inf)
    fn = lambda *t: scaled_dot_product_attention(*t, attn_mask=mask)  # noqa: E731
    np.testing.assert_allclose(fn(*map(gn.tensor, (q, k, v))).numpy(), _reference(q, k, v, bias))
    assert gn.gradcheck(fn, _tensors(q, k, v))


def test_float_mask_is_added_and_scale_is_used():
    q, k, v = _qkv(4)
    mask = np.random.default_rng(1).standard_normal((4, 5))
    fn = lambda *t: scaled_dot_product_attention(*t, attn_mask=mask, scale=0.3)  # noqa: E731
    np.testing.assert_allclose(
        fn(*map(gn.tensor, (q, k, v))).numpy(), _reference(q, k, v, mask, 0.3), rtol=1e-10
    )
    assert gn.gradcheck(fn, _tensors(q, k, v))


def test_a_fully_masked_query_gives_zeros_not_nan():
    q, k, v = _qkv(5)
    mask = np.ones((4, 5), dtype=bool)
    mask[2] = False
    ts = _tensors(q, k, v)
    out = scaled_dot_product_attention(*ts, attn_mask=mask)
    assert np.all(out.numpy()[..., 2, :] == 0) and np.isfinite(out.numpy()).all()
    out.sum().backward()
    assert all(np.isfinite(np.asarray(t.grad)).all() for t in ts)
    assert gn.gradcheck(
        lambda *t: scaled_dot_product_attention(*t, attn_mask=mask), _tensors(q, k, v)
    )


def test_huge_scores_stay_finite():
    q = np.full((1, 2, 3), 1e4)
    out = scaled_dot_product_attention(gn.tensor(q), gn.tensor(q), gn.tensor(np.ones((1, 2, 3))))
    np.testing.assert_allclose(out.numpy(), 1.0)


def test_dropout_mask_is_used_in_forward_and_backward():
    q, k, v = _qkv(6, lead=(2,))
    fn = lambda *t: scaled_dot_product_attention(*t, dropout_p=0.5, rng=7)  # noqa: E731
    first = fn(*map(gn.tensor, (q, k, v))).numpy()
    np.testing.assert_array_equal(first, fn(*map(gn.tensor, (q, k, v))).numpy())  # seeded
    assert not np.allclose(first, _reference(q, k, v))
    assert gn.gradcheck(fn, _tensors(q, k, v))  # the same mask at every evaluation


def test_float32_in_float32_out_and_one_node():
    q, k, v = (a.astype(np.float32) for a in _qkv(7))
    ts = _tensors(q, k, v)
    out = scaled_dot_product_attention(*ts, is_causal=True)
    assert out.dtype == np.float32 and out.grad_fn.function is ScaledDotProductAttentionOp
    out.sum().backward()
    assert all(np.asarray(t.grad).dtype == np.float32 for t in ts)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"attn_mask": np.ones((4, 5), bool), "is_causal": True}, ValueError, "not both"),
        ({"attn_mask": np.ones((3, 5), bool)}, ShapeError, r"attn_mask of shape \(3, 5\)"),
        ({"attn_mask": np.ones((4, 5), np.int64)}, TypeError, "bool"),
        ({"dropout_p": 1.0}, ValueError, "dropout_p"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    q, k, v = map(gn.tensor, _qkv(8))
    with pytest.raises(error, match=message):
        scaled_dot_product_attention(q, k, v, **kwargs)


def test_mismatched_shapes_are_named():
    q, k, v = map(gn.tensor, _qkv(9))
    with pytest.raises(ShapeError, match="share E"):
        scaled_dot_product_attention(q, k[..., :2], v)
    with pytest.raises(ShapeError, match="at least 2 axes"):
        scaled_dot_product_attention(gn.ones(3), k, v)
