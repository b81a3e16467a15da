"""MultiheadAttention: PyTorch's parameters, shapes and masks, checked against a NumPy
formula; gradients of inputs and parameters against float64 differences."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.nn.attention import MultiheadAttention


def _softmax(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _reference(mha, q, k, v, mask=None):
    """Batch-first NumPy multi-head attention from the module's own parameters."""
    p = {name: t.numpy() for name, t in mha.named_parameters()}
    E, H = mha.embed_dim, mha.num_heads
    if "in_proj_weight" in p:
        wq, wk, wv = np.split(p["in_proj_weight"], 3)
    else:
        wq, wk, wv = p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]
    bq, bk, bv = np.split(p.get("in_proj_bias", np.zeros(3 * E)), 3)

    def heads(x):
        n, length, _ = x.shape
        return x.reshape(n, length, H, E // H).transpose(0, 2, 1, 3)

    Q, K, V = heads(q @ wq.T + bq), heads(k @ wk.T + bk), heads(v @ wv.T + bv)
    scores = Q @ K.transpose(0, 1, 3, 2) / np.sqrt(E // H)
    if mask is not None:
        scores = scores + mask
    weights = _softmax(scores)
    out = (weights @ V).transpose(0, 2, 1, 3).reshape(q.shape[0], q.shape[1], E)
    out = out @ p["out_proj.weight"].T + p.get("out_proj.bias", 0.0)
    return out, weights


def _x(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


def test_pytorch_parameter_names_shapes_and_init():
    mha = MultiheadAttention(8, 2, rng=0)
    shapes = {name: p.shape for name, p in mha.named_parameters()}
    assert shapes == {
        "in_proj_weight": (24, 8),
        "in_proj_bias": (24,),
        "out_proj.weight": (8, 8),
        "out_proj.bias": (8,),
    }
    assert np.abs(mha.in_proj_weight.numpy()).max() <= np.sqrt(6 / 32)  # xavier_uniform_
    assert np.abs(mha.out_proj.weight.numpy()).max() <= 1 / np.sqrt(8)
    assert not mha.in_proj_bias.numpy().any() and not mha.out_proj.bias.numpy().any()
    names = [n for n, _ in MultiheadAttention(8, 2, bias=False).named_parameters()]
    assert names == ["in_proj_weight", "out_proj.weight"]
    names = [n for n, _ in MultiheadAttention(8, 2, kdim=3, vdim=5).named_parameters()]
    assert names[:3] == ["q_proj_weight", "k_proj_weight", "v_proj_weight"]
    assert MultiheadAttention(8, 2, kdim=3, vdim=5).k_proj_weight.shape == (8, 3)


@pytest.mark.parametrize("need_weights", [True, False])
def test_self_attention_batch_first_matches_the_formula(need_weights):
    mha = MultiheadAttention(6, 3, batch_first=True, rng=1).double()
    mha.in_proj_bias.data[...] = _x(0, 18)
    x = _x(1, 2, 4, 6)
    out, weights = mha(x, x, x, need_weights=need_weights)
    expected, expected_weights = _reference(mha, x, x, x)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9, atol=1e-12)
    if need_weights:
        np.testing.assert_allclose(weights.numpy(), expected_weights.mean(axis=1), rtol=1e-9)
    else:
        assert weights is None


def test_sequence_first_cross_attention_with_masks_and_per_head_weights():
    mha = MultiheadAttention(4, 2, rng=2).double()
    q, kv = _x(2, 3, 2, 4), _x(3, 5, 2, 4)  # (L, N, E), (S, N, E)
    padding = np.array([[False, False, True, False, True], [False] * 5])  # True: ignore
    attn_mask = _x(4, 3, 5)
    out, weights = mha(
        q, kv, kv, key_padding_mask=padding, attn_mask=attn_mask, average_attn_weights=False
    )
    mask = attn_mask + np.where(padding, -np.inf, 0.0)[:, None, None, :]
    expected, expected_weights = _reference(
        mha, q.swapaxes(0, 1), kv.swapaxes(0, 1), kv.swapaxes(0, 1), mask
    )
    np.testing.assert_allclose(out.numpy(), expected.swapaxes(0, 1), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), expected_weights, rtol=1e-9, atol=1e-12)
    assert np.all(weights.numpy()[0, :, :, [2, 4]] == 0)
    fused, _ = mha(q, kv, kv, key_padding_mask=padding, attn_mask=attn_mask, need_weights=False)
    np.testing.assert_allclose(fused.numpy(), out.numpy(), rtol=1e-9, atol=1e-12)


def test_bool_attn_mask_true_means_masked_out_and_per_head_masks():
    mha = MultiheadAttention(4, 2, batch_first=True, rng=3).double()
    x = _x(5, 2, 3, 4)
    causal = ~np.tri(3, dtype=bool)  # True above the diagonal: may not attend
    out, _ = mha(x, x, x, attn_mask=causal, is_causal=True)
    expected, _ = _reference(mha, x, x, x, np.where(causal, -np.inf, 0.0))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9, atol=1e-12)
    per_head = _x(6, 4, 3, 3)  # (N * H, L, S)
    out, _ = mha(x, x, x, attn_mask=per_head, need_weights=False)
    expected, _ = _reference(mha, x, x, x, per_head.reshape(2, 2, 3, 3))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9, atol=1e-12)


def test_separate_kdim_vdim_and_unbatched_input():
    mha = MultiheadAttention(4, 2, kdim=3, vdim=5, rng=4).double()
    q, k, v = _x(7, 2, 4), _x(8, 6, 3), _x(9, 6, 5)  # unbatched: (L, E), (S, kdim), (S, vdim)
    out, weights = mha(q, k, v)
    expected, expected_weights = _reference(mha, q[None], k[None], v[None])
    assert out.shape == (2, 4) and weights.shape == (2, 6)
    np.testing.assert_allclose(out.numpy(), expected[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), expected_weights.mean(axis=1)[0], rtol=1e-9)


@pytest.mark.parametrize("need_weights", [True, False])
def test_gradients_of_inputs_and_parameters(need_weights):
    mha = MultiheadAttention(4, 2, batch_first=True, rng=5).double()
    mha.in_proj_bias.data[...] = _x(10, 12)
    q, kv = _x(11, 2, 3, 4), _x(12, 2, 5, 4)
    padding = np.array([[False, True, False, False, False], [False] * 5])
    assert gn.gradcheck(
        lambda a, b: mha(a, b, b, key_padding_mask=padding, need_weights=need_weights)[0],
        [gn.tensor(q, requires_grad=True), gn.tensor(kv, requires_grad=True)],
    )
    direction = _x(13, 2, 3, 4)

    def loss():
        out = mha(q, kv, kv, key_padding_mask=padding, need_weights=need_weights)[0]
        return float((out.numpy() * direction).sum())

    mha.zero_grad()
    (
        mha(q, kv, kv, key_padding_mask=padding, need_weights=need_weights)[0] * direction
    ).sum().backward()
    for p in mha.parameters():
        analytic = np.asarray(p.grad)
        for index in [(0,) * p.ndim, tuple(s - 1 for s in p.shape)]:
            keep = p.data[index]
            p.data[index] = keep + 1e-6
            up = loss()
            p.data[index] = keep - 1e-6
            down = loss()
            p.data[index] = keep
            assert analytic[index] == pytest.approx((up - down) / 2e-6, rel=1e-4, abs=1e-7)


def test_dropout_only_in_training():
    mha = MultiheadAttention(4, 1, dropout=0.5, batch_first=True, rng=6)
    x = _x(14, 1, 6, 4)
    train_out, _ = mha(x, x, x)
    mha.eval()
    eval_out, eval_weights = mha(x, x, x)
    np.testing.assert_allclose(eval_weights.numpy().sum(axis=-1), 1.0, rtol=1e-6)
    assert not np.allclose(train_out.numpy(), eval_out.numpy())


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: MultiheadAttention(6, 4), ValueError, "divisible"),
        (lambda: MultiheadAttention(4, 2, add_bias_kv=True), NotImplementedError, "add_bias_kv"),
        (lambda: MultiheadAttention(4, 2, dropout=1.0), ValueError, "dropout"),
        (lambda: MultiheadAttention(4, 0), ValueError, "num_heads"),
    ],
)
def test_bad_settings_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_calls_are_named():
    mha = MultiheadAttention(4, 2, batch_first=True)
    x = np.ones((2, 3, 4))
    with pytest.raises(ShapeError, match="embed_dim"):
        mha(np.ones((2, 3, 5)), x, x)
    with pytest.raises(ShapeError, match="key_padding_mask"):
        mha(x, x, x, key_padding_mask=np.zeros((2, 4), bool))
    with pytest.raises(ShapeError, match="attn_mask"):
        mha(x, x, x, attn_mask=np.zeros((3, 4)))
    with pytest.raises(ValueError, match="is_causal"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(TypeError, match="bool"):
        mha(x, x, x, attn_mask=np.zeros((3, 3), np.int64))
