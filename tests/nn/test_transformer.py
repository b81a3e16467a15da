"""TransformerEncoderLayer / TransformerDecoderLayer: PyTorch's parameter names and layouts,
the post-norm and pre-norm wiring, masks, gradients, saving."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.transformer import TransformerDecoderLayer, TransformerEncoderLayer

ENCODER_NAMES = {
    "self_attn.in_proj_weight": (24, 8),
    "self_attn.in_proj_bias": (24,),
    "self_attn.out_proj.weight": (8, 8),
    "self_attn.out_proj.bias": (8,),
    "linear1.weight": (16, 8),  # PyTorch's (out, in)
    "linear1.bias": (16,),
    "linear2.weight": (8, 16),
    "linear2.bias": (8,),
    "norm1.weight": (8,),
    "norm1.bias": (8,),
    "norm2.weight": (8,),
    "norm2.bias": (8,),
}


def _x(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


def _ff(layer, x, act=lambda z: np.maximum(z, 0)):
    p = {n: t.numpy() for n, t in layer.named_parameters()}
    h = act(x @ p["linear1.weight"].T + p["linear1.bias"])
    return h @ p["linear2.weight"].T + p["linear2.bias"]


def test_parameter_names_and_shapes_are_pytorch_s():
    encoder = TransformerEncoderLayer(8, 2, dim_feedforward=16, rng=0)
    assert {n: p.shape for n, p in encoder.named_parameters()} == ENCODER_NAMES
    decoder = TransformerDecoderLayer(8, 2, dim_feedforward=16, rng=0)
    names = {n for n, _ in decoder.named_parameters()}
    cross = {n.replace("self_attn", "multihead_attn") for n in ENCODER_NAMES if "self_attn" in n}
    assert names == set(ENCODER_NAMES) | cross | {"norm3.weight", "norm3.bias"}
    bare = TransformerEncoderLayer(8, 2, dim_feedforward=16, bias=False, rng=0)
    assert not any(n.endswith("bias") for n, _ in bare.named_parameters())


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_wiring_post_and_pre_norm(norm_first):
    layer = TransformerEncoderLayer(
        8, 2, 16, dropout=0.0, batch_first=True, norm_first=norm_first, rng=1
    ).double()
    x = _x(0, 2, 5, 8)

    def sa(z):
        return layer.self_attn(z, z, z, need_weights=False)[0].numpy()

    def norm(i, z):
        return getattr(layer, f"norm{i}")(z).numpy()

    if norm_first:
        h = x + sa(norm(1, x))
        expected = h + _ff(layer, norm(2, h))
    else:
        h = norm(1, x + sa(x))
        expected = norm(2, h + _ff(layer, h))
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-10, atol=1e-12)


def test_decoder_wiring_with_a_causal_mask_and_sequence_first_inputs():
    layer = TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation="gelu", rng=2).double()
    tgt, memory = _x(1, 4, 2, 8), _x(2, 6, 2, 8)  # (T, N, E), (S, N, E)
    causal = ~np.tri(4, dtype=bool)
    out = layer(tgt, memory, tgt_mask=causal, tgt_is_causal=True)
    h = layer.norm1(tgt + layer.self_attn(tgt, tgt, tgt, attn_mask=causal)[0]).numpy()
    h = layer.norm2(h + layer.multihead_attn(h, memory, memory)[0]).numpy()
    gelu = gn.gelu(gn.tensor(h @ layer.linear1.weight.numpy().T + layer.linear1.bias.numpy()))
    ff = gelu.numpy() @ layer.linear2.weight.numpy().T + layer.linear2.bias.numpy()
    np.testing.assert_allclose(out.numpy(), layer.norm3(h + ff).numpy(), rtol=1e-10, atol=1e-12)
    changed = tgt.copy()
    changed[3] += 1.0  # the last position changes: the earlier ones must not
    np.testing.assert_allclose(
        layer(changed, memory, tgt_mask=causal).numpy()[:3], out.numpy()[:3], rtol=1e-10
    )


def test_padding_mask_hides_keys():
    layer = TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, rng=3).double()
    x = _x(3, 1, 4, 8)
    padding = np.array([[False, False, False, True]])
    changed = x.copy()
    changed[0, 3] += 5.0
    a = layer(x, src_key_padding_mask=padding).numpy()[0, :3]
    b = layer(changed, src_key_padding_mask=padding).numpy()[0, :3]
    np.testing.assert_allclose(a, b, rtol=1e-10)


def test_gradients_match_float64_differences():
    encoder = TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, rng=4).double()
    decoder = TransformerDecoderLayer(4, 2, 8, dropout=0.0, norm_first=True, rng=5).double()
    x, memory = gn.tensor(_x(4, 2, 3, 4), requires_grad=True), _x(5, 3, 2, 4)
    assert gn.gradcheck(lambda t: encoder(t), [x])
    assert gn.gradcheck(
        lambda t: decoder(t, memory), [gn.tensor(_x(6, 3, 2, 4), requires_grad=True)]
    )


def test_dropout_in_training_only_and_save_load(tmp_path):
    layer = TransformerEncoderLayer(8, 2, 16, dropout=0.5, batch_first=True, rng=6)
    x = _x(7, 2, 3, 8)
    assert not np.allclose(layer(x).numpy(), layer(x).numpy())
    layer.eval()
    gn.save(layer, tmp_path / "layer.safetensors")
    loaded = gn.load(tmp_path / "layer.safetensors").eval()
    assert isinstance(loaded, TransformerEncoderLayer) and loaded.dim_feedforward == 16
    np.testing.assert_array_equal(loaded(x).numpy(), layer(x).numpy())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"activation": "tanh"}, ValueError, "activation"),
        ({"dropout": -0.1}, ValueError, "dropout"),
        ({"norm_first": "yes"}, TypeError, "norm_first"),
        ({"dim_feedforward": 0}, ValueError, "dim_feedforward"),
    ],
)
def test_bad_settings_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        TransformerEncoderLayer(8, 2, **kwargs)
