"""The recurrence Functions (RNNOp, LSTMOp, GRUOp): forward against a plain NumPy reference that
follows PyTorch's documented equations step by step, backward through time against float64
central differences (both directions, with and without biases, one step, one sample)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.errors import ShapeError
from glassnet.ops.recurrent import GRUOp, LSTMOp, RNNOp, gru_layer, lstm_layer, rnn_layer

GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


# ---------------------------------------------------------------------- the NumPy reference
def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def rnn_step(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh"):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""
    a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)


def lstm_step(x, h, c, w_ih, w_hh, b_ih, b_hh):
    """i, f, g, o = the four quarters of x W_ih^T + b_ih + h W_hh^T + b_hh;
    c' = sigmoid(f) c + sigmoid(i) tanh(g); h' = sigmoid(o) tanh(c')."""
    a_i, a_f, a_g, a_o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
    c = sigmoid(a_f) * c + sigmoid(a_i) * np.tanh(a_g)
    return sigmoid(a_o) * np.tanh(c), c


def gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    """r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z likewise,
    n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h."""
    x_r, x_z, x_n = np.split(x @ w_ih.T + b_ih, 3, axis=-1)
    h_r, h_z, h_n = np.split(h @ w_hh.T + b_hh, 3, axis=-1)
    r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
    n = np.tanh(x_n + r * h_n)
    return (1.0 - z) * n + z * h


def reference_layer(mode, x, states, weights, reverse=False, nonlinearity="tanh"):
    """One layer, one direction, time-major, step by step: (outputs (T, B, H), final states)."""
    w_ih, w_hh, *biases = weights
    size = w_ih.shape[0]
    b_ih, b_hh = biases if biases else (np.zeros(size), np.zeros(size))
    outputs = [None] * len(x)
    states = list(states)
    for t in reversed(range(len(x))) if reverse else range(len(x)):
        if mode == "LSTM":
            states = list(lstm_step(x[t], *states, w_ih, w_hh, b_ih, b_hh))
        elif mode == "GRU":
            states = [gru_step(x[t], states[0], w_ih, w_hh, b_ih, b_hh)]
        else:
            states = [rnn_step(x[t], states[0], w_ih, w_hh, b_ih, b_hh, nonlinearity)]
        outputs[t] = states[0]
    return np.stack(outputs), states


def random_layer(mode, rng, length=3, batch=2, inputs=3, hidden=4, bias=True):
    size = GATES[mode] * hidden
    x = rng.standard_normal((length, batch, inputs))
    states = [rng.standard_normal((batch, hidden)) * 0.5 for _ in range(1 + (mode == "LSTM"))]
    shapes = [(size, inputs), (size, hidden)] + ([(size,), (size,)] if bias else [])
    weights = [rng.uniform(-0.6, 0.6, shape) for shape in shapes]
    return x, states, weights


def run_layer(mode, x, states, weights, reverse=False, nonlinearity="tanh"):
    """The library's layer, with LSTM's three results joined into one Tensor."""
    if mode == "LSTM":
        out, h, c = lstm_layer(x, *states, *weights, reverse=reverse)
        return gn.concatenate([out, h[None], c[None]])
    if mode == "GRU":
        return gru_layer(x, *states, *weights, reverse=reverse)
    return rnn_layer(x, *states, *weights, nonlinearity=nonlinearity, reverse=reverse)


def joined_reference(mode, x, states, weights, reverse=False, nonlinearity="tanh"):
    out, final = reference_layer(mode, x, states, weights, reverse, nonlinearity)
    if mode == "LSTM":
        return np.concatenate([out, final[0][None], final[1][None]])
    return out


CASES = [
    ("RNN", "tanh"),
    ("RNN", "relu"),
    ("LSTM", "tanh"),
    ("GRU", "tanh"),
]


# ---------------------------------------------------------------------- forward and backward
@pytest.mark.parametrize(("mode", "nonlinearity"), CASES)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_layer_matches_the_step_by_step_reference_and_gradcheck(mode, nonlinearity, reverse, bias):
    rng = np.random.default_rng(len(mode) + 2 * reverse + bias)
    x, states, weights = random_layer(mode, rng, bias=bias)
    expected = joined_reference(mode, x, states, weights, reverse, nonlinearity)
    got = run_layer(mode, x, states, weights, reverse, nonlinearity)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)

    tensors = [gn.tensor(a, dtype="float64", requires_grad=True) for a in [x, *states, *weights]]
    n = 1 + len(states)

    def fn(x, *rest):
        return run_layer(mode, x, rest[: n - 1], rest[n - 1 :], reverse, nonlinearity)

    assert gn.gradcheck(fn, tensors)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize(("length", "batch"), [(1, 1), (1, 3), (4, 1)])
def test_one_step_and_one_sample_gradcheck(mode, length, batch):
    rng = np.random.default_rng(length * 10 + batch)
    x, states, weights = random_layer(mode, rng, length=length, batch=batch, hidden=2)
    tensors = [gn.tensor(a, dtype="float64", requires_grad=True) for a in [x, *states, *weights]]
    n = 1 + len(states)
    np.testing.assert_allclose(
        run_layer(mode, x, states, weights).numpy(),
        joined_reference(mode, x, states, weights),
        rtol=1e-10,
    )
    assert gn.gradcheck(lambda x, *r: run_layer(mode, x, r[: n - 1], r[n - 1 :]), tensors)


def test_lstm_gradient_of_the_final_cell_state_alone():
    """A loss on c_n only: the gradient enters through the packed row T and nowhere else."""
    rng = np.random.default_rng(5)
    x, states, weights = random_layer("LSTM", rng)
    tensors = [gn.tensor(a, dtype="float64", requires_grad=True) for a in [x, *states, *weights]]
    assert gn.gradcheck(lambda x, h, c, *w: lstm_layer(x, h, c, *w)[2], tensors)
    assert gn.gradcheck(lambda x, h, c, *w: lstm_layer(x, h, c, *w, reverse=True)[1], tensors)


def test_float32_stays_float32_and_tracks_the_graph():
    rng = np.random.default_rng(0)
    for mode in GATES:
        x, states, weights = random_layer(mode, rng)
        tensors = [gn.tensor(a.astype(np.float32), requires_grad=True) for a in [x, *weights]]
        states32 = [s.astype(np.float32) for s in states]
        out = run_layer(mode, tensors[0], states32, tensors[1:])
        assert out.dtype == np.float32
        out.sum().backward()
        assert all(np.asarray(t.grad).dtype == np.float32 for t in tensors)
        np.testing.assert_allclose(
            out.numpy(), joined_reference(mode, x, states, weights), rtol=1e-4, atol=1e-5
        )


def test_relu_rnn_saturated_steps_pass_no_gradient():
    x = gn.tensor(-np.ones((2, 1, 1)), dtype="float64", requires_grad=True)
    w = gn.tensor([[1.0]], dtype="float64", requires_grad=True)
    out = rnn_layer(x, np.zeros((1, 1)), w, np.eye(1), nonlinearity="relu")
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), 0.0)
    np.testing.assert_array_equal(np.asarray(x.grad), 0.0)


def test_ops_are_named_ops():
    assert all(op.__name__.endswith("Op") for op in (RNNOp, LSTMOp, GRUOp))


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: rnn_layer(
                np.ones((2, 1, 3)), np.zeros((1, 4)), np.ones((4, 2)), np.ones((4, 4))
            ),
            "input must have shape",
        ),
        (
            lambda: rnn_layer(
                np.ones((0, 1, 3)), np.zeros((1, 4)), np.ones((4, 3)), np.ones((4, 4))
            ),
            "seq_len >= 1",
        ),
        (
            lambda: rnn_layer(
                np.ones((2, 1, 3)), np.zeros((2, 4)), np.ones((4, 3)), np.ones((4, 4))
            ),
            "h0 must have shape",
        ),
        (
            lambda: gru_layer(
                np.ones((2, 1, 3)), np.zeros((1, 4)), np.ones((12, 3)), np.ones((12, 3))
            ),
            "w_hh must have shape",
        ),
        (
            lambda: lstm_layer(
                np.ones((2, 1, 3)),
                np.zeros((1, 4)),
                np.zeros((1, 4)),
                np.ones((15, 3)),
                np.ones((16, 4)),
            ),
            "w_ih must have shape",
        ),
        (
            lambda: lstm_layer(
                np.ones((2, 1, 3)),
                np.zeros((1, 4)),
                np.zeros((1, 3)),
                np.ones((16, 3)),
                np.ones((16, 4)),
            ),
            "c0 must have shape",
        ),
        (
            lambda: gru_layer(
                np.ones((2, 1, 3)),
                np.zeros((1, 4)),
                np.ones((12, 3)),
                np.ones((12, 4)),
                np.ones(12),
                np.ones(4),
            ),
            "b_hh must have shape",
        ),
    ],
)
def test_bad_shapes_name_the_argument(call, message):
    with pytest.raises(ShapeError, match=message):
        call()


def test_bad_settings():
    args = (np.ones((2, 1, 3)), np.zeros((1, 4)), np.ones((4, 3)), np.ones((4, 4)))
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'"):
        rnn_layer(*args, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="give both b_ih and b_hh"):
        rnn_layer(*args, np.zeros(4))


@settings(max_examples=15)
@given(
    mode=st.sampled_from(["RNN", "LSTM", "GRU"]),
    sizes=st.tuples(*[st.integers(1, 4)] * 4),
    reverse=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_any_small_shape_matches_the_reference(mode, sizes, reverse, seed):
    length, batch, inputs, hidden = sizes
    rng = np.random.default_rng(seed)
    x, states, weights = random_layer(mode, rng, length, batch, inputs, hidden)
    np.testing.assert_allclose(
        run_layer(mode, x, states, weights, reverse).numpy(),
        joined_reference(mode, x, states, weights, reverse),
        rtol=1e-10,
        atol=1e-12,
    )


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_only_the_weights_need_gradients(mode):
    """Inputs that need no gradient get none (the backward skips their matmuls)."""
    rng = np.random.default_rng(3)
    x, states, weights = random_layer(mode, rng)
    tensors = [gn.tensor(w, dtype="float64", requires_grad=True) for w in weights]
    x_tensor = gn.tensor(x, dtype="float64")
    assert gn.gradcheck(lambda *w: run_layer(mode, x_tensor, states, w), tensors)
    run_layer(mode, x_tensor, states, tensors).sum().backward()
    assert x_tensor.grad is None


def reference_projected_lstm(x, h, c, w_ih, w_hh, b_ih, b_hh, w_hr, reverse=False):
    """PyTorch's LSTM with proj_size: the step of lstm_step, then h_t = h_t W_hr^T."""
    outputs = [None] * len(x)
    for t in reversed(range(len(x))) if reverse else range(len(x)):
        h, c = lstm_step(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        h = h @ w_hr.T
        outputs[t] = h
    return np.stack(outputs), h, c


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_with_a_projection(reverse, bias):
    rng = np.random.default_rng(7 + reverse)
    length, batch, inputs, hidden, proj = 3, 2, 3, 4, 2
    x = rng.standard_normal((length, batch, inputs))
    h0, c0 = rng.standard_normal((batch, proj)), rng.standard_normal((batch, hidden))
    w_ih, w_hh = rng.uniform(-0.6, 0.6, (16, inputs)), rng.uniform(-0.6, 0.6, (16, proj))
    w_hr = rng.uniform(-0.6, 0.6, (proj, hidden))
    biases = [rng.uniform(-0.6, 0.6, 16) for _ in range(2)] if bias else []
    zeros = [np.zeros(16)] * 2
    expected = reference_projected_lstm(x, h0, c0, w_ih, w_hh, *(biases or zeros), w_hr, reverse)
    got = lstm_layer(x, h0, c0, w_ih, w_hh, *biases, reverse=reverse, w_hr=w_hr)
    assert [t.shape for t in got] == [(3, 2, 2), (2, 2), (2, 4)]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-10, atol=1e-12)

    tensors = [gn.tensor(a, requires_grad=True) for a in [x, h0, c0, w_ih, w_hh, w_hr, *biases]]

    def fn(x, h0, c0, w_ih, w_hh, w_hr, *b):
        out, h, c = lstm_layer(x, h0, c0, w_ih, w_hh, *b, reverse=reverse, w_hr=w_hr)
        return gn.concatenate([out.reshape(-1), h.reshape(-1), c.reshape(-1)])

    assert gn.gradcheck(fn, tensors)
    with pytest.raises(ShapeError, match=r"h0 must have shape \(batch, proj_size\) = \(2, 2\)"):
        lstm_layer(x, c0, c0, w_ih, w_hh, w_hr=w_hr)
    with pytest.raises(ShapeError, match=r"w_hr must have shape \(P, 4\)"):
        lstm_layer(x, h0, c0, w_ih, w_hh, w_hr=w_hr[:, :3])
