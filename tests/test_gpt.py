"""glassnet.models.GPT on tiny configurations: shapes, tied weights, GPT-2 initialisation,
causality, gradients against float64 differences, sampling, saving with the tokenizer."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import optim
from glassnet.data.text import CharTokenizer, random_windows
from glassnet.errors import ShapeError
from glassnet.models import GPT, GPTConfig, load_gpt, save_gpt

TINY = GPTConfig(n_layer=2, n_head=2, n_embd=8, block_size=6, vocab_size=7, bias=True)


def _ids(seed, shape, vocab=7):
    return np.random.default_rng(seed).integers(0, vocab, shape)


def test_logits_for_every_position_and_the_loss_is_their_cross_entropy():
    model = GPT(TINY, rng=0)
    x, y = _ids(0, (3, 5)), _ids(1, (3, 5))
    logits = model(x)
    assert logits.shape == (3, 5, 7) and logits.dtype == np.float32
    same, loss = model(x, y)
    np.testing.assert_array_equal(same.numpy(), logits.numpy())
    z = logits.numpy().astype(np.float64).reshape(15, 7)
    log_p = (
        z
        - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True))
        - z.max(1, keepdims=True)
    )
    assert loss.item() == pytest.approx(-log_p[np.arange(15), y.reshape(-1)].mean(), rel=1e-5)


def test_output_layer_is_tied_to_the_embedding_and_listed_once():
    model = GPT(TINY, rng=0)
    names = [n for n, _ in model.named_parameters()]
    assert names.count("wte.weight") == 1 and not any("lm_head" in n for n in names)
    C, V, T, L = 8, 7, 6, 2
    per_block = (
        2 * (2 * C) + (C * 3 * C + 3 * C) + (C * C + C) + (C * 4 * C + 4 * C) + (4 * C * C + C)
    )
    assert model.num_parameters() == V * C + T * C + L * per_block + 2 * C
    x = _ids(2, (1, 4))
    model(x).sum().backward()
    h = model.ln_f(model.h(model.wte(x) + model.wpe(np.arange(4)))).numpy()[0]
    grad = np.asarray(model.wte.weight.grad)
    assert np.abs(grad - 0).max() > 0  # both uses (lookup and output) reach the table
    untouched = [v for v in range(V) if v not in x]
    np.testing.assert_allclose(
        grad[untouched], np.broadcast_to(h.sum(0), (len(untouched), C)), rtol=1e-5
    )


def test_no_bias_option_and_gpt2_initialisation():
    config = GPTConfig(n_layer=4, n_head=2, n_embd=64, block_size=8, vocab_size=50)
    model = GPT(config, rng=0)
    params = dict(model.named_parameters())
    assert not any(n.endswith(".bias") for n in params)
    assert params["wte.weight"].numpy().std() == pytest.approx(0.02, rel=0.05)
    assert params["h.0.attn.c_attn.weight"].numpy().std() == pytest.approx(0.02, rel=0.05)
    residual = 0.02 / np.sqrt(2 * 4)
    assert params["h.1.mlp.c_proj.weight"].numpy().std() == pytest.approx(residual, rel=0.05)
    assert params["h.2.attn.c_proj.weight"].numpy().std() == pytest.approx(residual, rel=0.1)
    assert np.all(params["ln_f.weight"].numpy() == 1)


def test_a_position_never_sees_the_future():
    model = GPT(TINY, rng=1)
    x = _ids(3, (2, 6))
    changed = x.copy()
    changed[:, 4:] = (changed[:, 4:] + 1) % 7
    a, b = model(x).numpy(), model(changed).numpy()
    np.testing.assert_allclose(a[:, :4], b[:, :4], rtol=1e-6, atol=1e-7)
    assert not np.allclose(a[:, 4:], b[:, 4:])


def test_parameter_gradients_match_float64_differences():
    model = GPT(
        GPTConfig(n_layer=1, n_head=2, n_embd=4, block_size=4, vocab_size=5, bias=True), rng=2
    ).double()
    x, y = _ids(4, (2, 4), 5), _ids(5, (2, 4), 5)
    model(x, y)[1].backward()

    def loss():
        return model(x, y)[1].item()

    for name, p in model.named_parameters():
        analytic = np.asarray(p.grad)
        for index in [(0,) * p.ndim, tuple(s - 1 for s in p.shape), tuple(s // 2 for s in p.shape)]:
            keep = p.data[index]
            p.data[index] = keep + 1e-6
            up = loss()
            p.data[index] = keep - 1e-6
            down = loss()
            p.data[index] = keep
            assert analytic[index] == pytest.approx((up - down) / 2e-6, rel=1e-4, abs=1e-8), name


def test_dropout_only_in_training():
    model = GPT(
        GPTConfig(n_layer=1, n_head=1, n_embd=8, block_size=4, vocab_size=5, dropout=0.5), rng=3
    )
    x = _ids(6, (2, 4), 5)
    assert not np.allclose(model(x).numpy(), model(x).numpy())
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())


def test_generate_shapes_seeds_greedy_and_cropping():
    model = GPT(TINY, rng=4)
    start = _ids(7, (2, 3))
    out = model.generate(start, max_new_tokens=8, rng=0)  # longer than block_size: cropped
    assert out.shape == (2, 11) and out.dtype == np.int64 and out.max() < 7
    np.testing.assert_array_equal(out[:, :3], start)
    np.testing.assert_array_equal(out, model.generate(start, 8, rng=0))
    greedy = model.generate(start, 1, top_k=1, rng=1)[:, -1]
    np.testing.assert_array_equal(greedy, model(start).numpy()[:, -1].argmax(-1))
    cold = model.generate(start, 1, temperature=1e-4, rng=2)[:, -1]
    np.testing.assert_array_equal(cold, greedy)
    assert model.generate(np.array([1, 2]), 2, rng=0).shape == (4,)
    assert model.training and gn.is_grad_enabled()


def test_training_lowers_the_loss_on_a_repeating_text():
    tokenizer = CharTokenizer("abcd")
    data = tokenizer.encode("abcd" * 50)
    model = GPT(GPTConfig(n_layer=1, n_head=2, n_embd=16, block_size=8, vocab_size=4), rng=5)
    opt = optim.AdamW(model.optimizer_groups(0.1), lr=1e-2)
    rng = np.random.default_rng(0)
    losses = []
    for _ in range(40):
        x, y = random_windows(data, 4, 8, rng)
        _, loss = model(x, y)
        opt.zero_grad()
        loss.backward()
        optim.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    assert losses[0] > 1.2 and losses[-1] < 0.3
    assert tokenizer.decode(model.generate(tokenizer.encode("ab"), 6, top_k=1)) == "abcdabcd"


def test_optimizer_groups_decay_only_matrices():
    model = GPT(TINY, rng=0)
    decay, no_decay = model.optimizer_groups(0.1)
    assert all(p.ndim == 2 for p in decay["params"]) and decay["weight_decay"] == 0.1
    assert all(p.ndim == 1 for p in no_decay["params"]) and no_decay["weight_decay"] == 0.0
    assert len(decay["params"]) + len(no_decay["params"]) == len(list(model.parameters()))


def test_save_and_load_with_the_tokenizer(tmp_path):
    tokenizer = CharTokenizer("ROMEO:\n ab")
    model = GPT(GPTConfig(n_layer=1, n_head=1, n_embd=4, block_size=5, vocab_size=9), rng=6)
    save_gpt(model, tmp_path / "gpt.safetensors", tokenizer)
    loaded, loaded_tokenizer = load_gpt(tmp_path / "gpt.safetensors")
    assert loaded.config == model.config and loaded_tokenizer == tokenizer
    x = tokenizer.encode("ROMEO").reshape(1, -1)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    save_gpt(model, tmp_path / "bare.safetensors")
    assert load_gpt(tmp_path / "bare.safetensors")[1] is None
    gn.save(GPT(TINY), tmp_path / "plain.safetensors")
    with pytest.raises(gn.FileFormatError, match="save_gpt"):
        load_gpt(tmp_path / "plain.safetensors")


def test_the_reference_configuration_saves_and_loads(tmp_path):
    config = GPTConfig(n_layer=4, n_head=4, n_embd=128, block_size=64, vocab_size=65)
    model = GPT(config, rng=7)
    save_gpt(model, tmp_path / "gpt.npz")
    loaded, _ = load_gpt(tmp_path / "gpt.npz")
    for (name, p), (_, q) in zip(model.named_parameters(), loaded.named_parameters()):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=name)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda m: m(np.zeros((1, 7), np.int64)), ShapeError, "longer than block_size 6"),
        (lambda m: m(np.zeros((1, 3))), ShapeError, "integer dtype"),
        (
            lambda m: m(np.zeros((1, 3), np.int64), np.zeros((1, 4), np.int64)),
            ShapeError,
            "targets",
        ),
        (
            lambda m: m.generate(np.zeros((1, 2), np.int64), 1, temperature=0.0),
            ValueError,
            "temperature",
        ),
        (lambda m: m.generate(np.zeros((1, 2), np.int64), 1, top_k=0), ValueError, "top_k"),
        (lambda m: m.generate(np.zeros((1, 0), np.int64), 1), ShapeError, "non-empty"),
    ],
)
def test_bad_calls_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call(GPT(TINY, rng=0))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_embd": 6, "n_head": 4}, "divisible"),
        ({"n_layer": 0}, "n_layer"),
        ({"dropout": 1.0}, "dropout"),
    ],
)
def test_bad_configs_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GPTConfig(**kwargs)
