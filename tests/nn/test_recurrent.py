"""nn.RNN, nn.LSTM, nn.GRU: PyTorch's parameters and return values, forward against a NumPy
reference built from PyTorch's equations, gradients of the input, the initial states and every
parameter against float64 central differences, across batch_first, bidirectional and two
layers."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.checking import numerical_gradient
from glassnet.nn.recurrent import GRU, LSTM, RNN
from tests.ops.test_recurrent import reference_layer, reference_projected_lstm

MODELS = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}


def reference_model(model, x, states=None):
    """The whole stacked (bi)directional model from the per-layer NumPy reference.
    x is time-major (T, B, I); states (layers * directions, B, size) arrays; returns
    (output (T, B, directions * size), final states as a list of (layers * directions, B, size))."""
    mode, params = model.mode, {k: v.astype(np.float64) for k, v in model.state_dict().items()}
    directions = 2 if model.bidirectional else 1
    if states is None:
        states = initial_states(model, x.shape[1], None)
    finals: list[list[np.ndarray]] = [[] for _ in states]
    for layer in range(model.num_layers):
        outputs = []
        for direction, suffix in enumerate(["", "_reverse"][:directions]):
            kinds = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if model.bias else [])
            weights = [params[f"{kind}_l{layer}{suffix}"] for kind in kinds]
            start = [s[layer * directions + direction] for s in states]
            if model.proj_size:
                size = weights[0].shape[0]
                biases = weights[2:] or [np.zeros(size)] * 2
                w_hr = params[f"weight_hr_l{layer}{suffix}"]
                out, *last = reference_projected_lstm(
                    x, *start, *weights[:2], *biases, w_hr, direction == 1
                )
            else:
                out, last = reference_layer(
                    mode, x, start, weights, direction == 1, model.nonlinearity
                )
            outputs.append(out)
            for found, value in zip(finals, last):
                found.append(value)
        x = np.concatenate(outputs, axis=-1)
    return x, [np.stack(f) for f in finals]


def initial_states(model, batch, rng):
    """Random h_0 (and c_0) of PyTorch's shapes; zeros when rng is None."""
    count = model.num_layers * (2 if model.bidirectional else 1)
    sizes = [model.proj_size or model.hidden_size, model.hidden_size][: 1 + (model.mode == "LSTM")]
    if rng is None:
        return [np.zeros((count, batch, size)) for size in sizes]
    return [rng.standard_normal((count, batch, size)) * 0.5 for size in sizes]


def call(model, x, states):
    """model(x, hx) with hx in PyTorch's form (None, h_0 or (h_0, c_0)); results as a flat list."""
    hx = None if states is None else (tuple(states) if model.mode == "LSTM" else states[0])
    output, final = model(x, hx)
    return [output, *(final if model.mode == "LSTM" else (final,))]


CONFIGS = [
    # mode, num_layers, bidirectional, batch_first, with states, nonlinearity or proj_size
    ("RNN", 1, False, False, False, "tanh"),
    ("RNN", 2, True, True, True, "relu"),
    ("LSTM", 1, False, False, True, "tanh"),
    ("LSTM", 2, True, False, True, "tanh"),
    ("LSTM", 2, False, True, False, "tanh"),
    ("LSTM", 2, True, True, True, 1),
    ("GRU", 1, True, True, True, "tanh"),
    ("GRU", 2, True, False, False, "tanh"),
]


def build(mode, layers, bidirectional, batch_first, setting="tanh", **options):
    """A float64 model with input_size 3 and hidden_size 2; ``setting`` is RNN's nonlinearity
    or LSTM's proj_size."""
    if isinstance(setting, int):
        options["proj_size"] = setting
    elif mode == "RNN":
        options["nonlinearity"] = setting
    return MODELS[mode](
        3,
        2,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        rng=layers + 3 * bidirectional,
        dtype=np.float64,
        **options,
    )


@pytest.mark.parametrize(
    ("mode", "layers", "bidirectional", "batch_first", "with_states", "nl"), CONFIGS
)
def test_forward_matches_reference_and_all_gradients_match_central_differences(
    mode, layers, bidirectional, batch_first, with_states, nl
):
    model = build(mode, layers, bidirectional, batch_first, nl)
    rng = np.random.default_rng(layers)
    x_time = rng.standard_normal((3, 2, 3))  # (T, B, I)
    states = initial_states(model, 2, rng) if with_states else None
    x = x_time.swapaxes(0, 1).copy() if batch_first else x_time

    expected_out, expected_final = reference_model(model, x_time, states)
    got = call(model, x, states)
    got_out = got[0].numpy().swapaxes(0, 1) if batch_first else got[0].numpy()
    np.testing.assert_allclose(got_out, expected_out, rtol=1e-10, atol=1e-12)
    for g, e in zip(got[1:], expected_final):
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-10, atol=1e-12)

    # input and initial states through gradcheck, every parameter by central differences
    inputs = [gn.tensor(x, requires_grad=True)]
    inputs += [gn.tensor(s, requires_grad=True) for s in states or []]

    def joined(x, *states):
        return gn.concatenate([r.reshape(-1) for r in call(model, x, states or None)])

    assert gn.gradcheck(joined, inputs)
    direction = rng.standard_normal(joined(*inputs).shape)
    model.zero_grad()
    (joined(*inputs) * direction).sum().backward()

    def projected():
        with gn.no_grad():
            return float((joined(*inputs).numpy() * direction).sum())

    for name, p in model.named_parameters():
        numerical = numerical_gradient(projected, p.data)
        np.testing.assert_allclose(
            np.asarray(p.grad), numerical, rtol=1e-4, atol=1e-6, err_msg=name
        )


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_one_sample_one_step_and_unbatched(mode):
    model = build(mode, 2, True, False)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 3))  # T = 1, B = 1
    states = initial_states(model, 1, rng)
    expected_out, expected_final = reference_model(model, x, states)
    got = call(model, x, states)
    np.testing.assert_allclose(got[0].numpy(), expected_out, rtol=1e-10)
    inputs = [gn.tensor(x, requires_grad=True)] + [gn.tensor(s, requires_grad=True) for s in states]
    assert gn.gradcheck(
        lambda x, *s: gn.concatenate([r.reshape(-1) for r in call(model, x, s)]), inputs
    )

    # unbatched: (T, I) input and (layers * directions, H) states, results without the batch axis
    unbatched = call(model, x[:, 0], [s[:, 0] for s in states])
    assert unbatched[0].shape == (1, 4) and unbatched[1].shape == (4, 2)
    np.testing.assert_allclose(unbatched[0].numpy(), expected_out[:, 0], rtol=1e-10)
    for g, e in zip(unbatched[1:], expected_final):
        np.testing.assert_allclose(g.numpy(), e[:, 0], rtol=1e-10)


def test_parameter_names_shapes_and_order_are_pytorchs():
    lstm = LSTM(3, 4, num_layers=2, bidirectional=True, rng=0)
    shapes = {name: p.shape for name, p in lstm.named_parameters()}
    per_direction = {"weight_ih": (16, 3), "weight_hh": (16, 4), "bias_ih": (16,), "bias_hh": (16,)}
    expected = {}
    for layer, inputs in [(0, 3), (1, 8)]:
        for suffix in ["", "_reverse"]:
            for kind, shape in per_direction.items():
                expected[f"{kind}_l{layer}{suffix}"] = (
                    (shape[0], inputs) if kind == "weight_ih" else shape
                )
    assert list(shapes) == list(expected) and shapes == expected
    assert [n for n, _ in GRU(2, 5, bias=False).named_parameters()] == [
        "weight_ih_l0",
        "weight_hh_l0",
    ]
    assert GRU(2, 5).weight_hh_l0.shape == (15, 5) and RNN(2, 5).weight_ih_l0.shape == (5, 2)
    projected = LSTM(3, 4, num_layers=2, proj_size=2, bias=False, rng=0)
    assert {name: p.shape for name, p in projected.named_parameters()} == {
        "weight_ih_l0": (16, 3),
        "weight_hh_l0": (16, 2),
        "weight_hr_l0": (2, 4),
        "weight_ih_l1": (16, 2),
        "weight_hh_l1": (16, 2),
        "weight_hr_l1": (2, 4),
    }


def test_initial_values_are_uniform_within_one_over_sqrt_hidden():
    values = np.concatenate(
        [p.numpy().ravel() for p in LSTM(8, 16, num_layers=2, rng=0).parameters()]
    )
    assert values.dtype == np.float32
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.24
    assert abs(values.mean()) < 0.01 and abs(values.std() - 0.25 / np.sqrt(3)) < 0.005


def test_arrays_in_pytorchs_layout_load_unchanged_and_give_the_reference():
    rng = np.random.default_rng(1)
    model = GRU(3, 2, batch_first=True, dtype=np.float64)
    state = {name: rng.uniform(-1, 1, p.shape) for name, p in model.named_parameters()}
    model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, state[name])
    x = rng.standard_normal((2, 4, 3))
    output, h_n = model(x)
    expected, (expected_h,) = reference_model(model, x.swapaxes(0, 1))
    np.testing.assert_allclose(output.numpy(), expected.swapaxes(0, 1), rtol=1e-10)
    np.testing.assert_allclose(h_n.numpy(), expected_h, rtol=1e-10)


def test_dropout_between_layers_only_in_training():
    model = LSTM(3, 4, num_layers=2, dropout=0.5, rng=0)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    first, second = model(x)[0].numpy(), model(x)[0].numpy()
    assert not np.allclose(first, second)
    model.eval()
    a, b = model(x)[0].numpy(), model(x)[0].numpy()
    np.testing.assert_array_equal(a, b)
    expected, _ = reference_model(model, x.astype(np.float64))
    np.testing.assert_allclose(a, expected, rtol=1e-4, atol=1e-5)
    with pytest.warns(UserWarning, match="nothing with num_layers=1"):
        GRU(3, 4, dropout=0.2)


def test_float32_model_and_backward_fill_every_gradient():
    model = LSTM(3, 4, num_layers=2, bidirectional=True, rng=0)
    output, (h_n, c_n) = model(np.ones((5, 2, 3)))
    assert output.dtype == h_n.dtype == c_n.dtype == np.float32
    (output.sum() + h_n.sum() + c_n.sum()).backward()
    for name, p in model.named_parameters():
        grad = np.asarray(p.grad)
        assert grad.dtype == np.float32 and grad.shape == p.shape and np.abs(grad).sum() > 0, name


def test_a_training_step_leaves_no_reference_cycles_behind():
    """Each layer's node saves its own output array: held by weak reference, so a step's
    activations are freed when the step ends, not when the garbage collector runs."""
    import gc

    model = LSTM(3, 4, num_layers=2, bidirectional=True, rng=0)
    opt = gn.optim.Adam(model.parameters(), lr=1e-3)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))

    def step():
        opt.zero_grad()
        output, (h_n, c_n) = model(x)
        (output.sum() + h_n.sum() + c_n.sum()).backward()
        opt.step()

    step()
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            step()
        assert gc.collect() == 0
    finally:
        gc.enable()
