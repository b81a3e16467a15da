"""RNNCell, LSTMCell, GRUCell against the NumPy step equations; saving and loading recurrent
models; their descriptions; and the errors they raise on bad settings and inputs."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.errors import ShapeError
from glassnet.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from tests.ops.test_recurrent import gru_step, lstm_step, rnn_step

CELLS = {"RNN": RNNCell, "LSTM": LSTMCell, "GRU": GRUCell}


def cell_reference(cell, x, states):
    w = [p.numpy().astype(np.float64) for p in (cell.weight_ih, cell.weight_hh)]
    size = w[0].shape[0]
    biases = [cell.bias_ih.numpy(), cell.bias_hh.numpy()] if cell.bias else [np.zeros(size)] * 2
    if cell.mode == "LSTM":
        return list(lstm_step(x, *states, *w, *biases))
    if cell.mode == "GRU":
        return [gru_step(x, states[0], *w, *biases)]
    return [rnn_step(x, states[0], *w, *biases, cell.nonlinearity)]


def results(out):
    """A module's result as a flat list of Tensors: h, [h, c], [output, h_n(, c_n)]."""
    if not isinstance(out, tuple):
        return [out]
    return [t for item in out for t in (item if isinstance(item, tuple) else (item,))]


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bias", [True, False])
def test_cell_matches_the_step_equations_and_gradcheck(mode, bias):
    cell = CELLS[mode](3, 2, bias=bias, rng=1, dtype=np.float64)
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh"] + (
        ["bias_ih", "bias_hh"] if bias else []
    )
    assert cell.weight_ih.shape == ({"RNN": 1, "LSTM": 4, "GRU": 3}[mode] * 2, 3)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    states = [rng.standard_normal((4, 2)) for _ in range(1 + (mode == "LSTM"))]
    hx = tuple(states) if mode == "LSTM" else states[0]
    for got, expected in zip(results(cell(x, hx)), cell_reference(cell, x, states)):
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)
    zeros = [np.zeros((4, 2))] * len(states)
    for got, expected in zip(results(cell(x)), cell_reference(cell, x, zeros)):
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)
    # unbatched
    unbatched = results(cell(x[0], tuple(s[0] for s in states) if mode == "LSTM" else states[0][0]))
    assert unbatched[0].shape == (2,)
    np.testing.assert_allclose(unbatched[0].numpy(), cell_reference(cell, x, states)[0][0])

    inputs = [gn.tensor(a, requires_grad=True) for a in [x, *states]]

    def fn(x, *s):
        return gn.concatenate(results(cell(x, tuple(s) if mode == "LSTM" else s[0])))

    assert gn.gradcheck(fn, inputs)


@pytest.mark.parametrize("cell", [RNNCell(3, 2, nonlinearity="relu", rng=0), GRUCell(3, 2, rng=0)])
def test_single_output_cells_pass_check_layer_gradients(cell):
    report = gn.check_layer_gradients(cell, (2, 3), samples=2)
    assert sorted(report) == ["bias_hh", "bias_ih", "input", "weight_hh", "weight_ih"]


def test_lstm_cell_steps_agree_with_the_lstm_layer():
    """An LSTM over a sequence is its cell applied step by step, with the same weights."""
    lstm, cell = LSTM(3, 4, rng=0), LSTMCell(3, 4, rng=1)
    cell.load_state_dict({name[:-3]: value for name, value in lstm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)
    output, (h_n, c_n) = lstm(x)
    h = c = np.zeros((2, 4), dtype=np.float32)
    for t in range(5):
        h, c = cell(x[t], (h, c))
        np.testing.assert_allclose(output.numpy()[t], h.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h_n.numpy()[0], h.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_n.numpy()[0], c.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "model",
    [
        LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True, dropout=0.1, rng=0),
        LSTM(3, 4, num_layers=2, proj_size=2, batch_first=True, rng=0),
        RNN(3, 4, nonlinearity="relu", bias=False, rng=0),
        GRU(3, 4, rng=0),
        GRUCell(3, 4, rng=0),
        LSTMCell(3, 4, bias=False, rng=0),
    ],
)
def test_save_and_load_rebuild_the_same_model(model, tmp_path):
    path = tmp_path / "model.npz"
    gn.save(model, path, file_format="npz")
    loaded = gn.load(path)
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    model.eval()
    loaded.eval()
    sequence = isinstance(model, (RNN, LSTM, GRU))
    x = np.random.default_rng(0).standard_normal((2, 5, 3) if sequence else (2, 3))
    expected, got = results(model(x)), results(loaded(x))
    assert (
        len(expected)
        == len(got)
        == (3 if type(model) is LSTM else 2 if sequence else 1 + isinstance(model, LSTMCell))
    )
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_descriptions():
    lstm = LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)
    assert repr(lstm) == "LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)"
    assert lstm.summary_label() == repr(lstm)
    assert repr(RNN(3, 4, nonlinearity="relu")) == "RNN(3, 4, nonlinearity='relu')"
    assert repr(LSTM(3, 4, proj_size=2)) == "LSTM(3, 4, proj_size=2)"
    assert repr(GRUCell(3, 4, bias=False)) == "GRUCell(3, 4, bias=False)"
    table = nn.Sequential(GRUCell(3, 4)).summary()
    assert "GRUCell(3, 4)" in table and "(None, 4)" in table and "108" in table


# ---------------------------------------------------------------------- errors
def test_bad_settings_are_named():
    with pytest.raises(ValueError, match=r"proj_size \(4\) must be smaller than hidden_size"):
        LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="proj_size is only supported for LSTM"):
        GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'"):
        RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'"):
        RNNCell(3, 4, nonlinearity="gelu")
    with pytest.raises(TypeError, match="LSTM has no nonlinearity setting"):
        LSTM(3, 4, nonlinearity="relu")
    with pytest.raises(TypeError, match="GRUCell has no nonlinearity setting"):
        GRUCell(3, 4, nonlinearity="relu")
    with pytest.raises(ValueError, match=r"dropout must be .*1"):
        GRU(3, 4, num_layers=2, dropout=1.0)
    with pytest.raises(ValueError, match="hidden_size must be an int >= 1"):
        GRU(3, 0)
    with pytest.raises(ValueError, match="dropout"):
        LSTM(3, 4, num_layers=2, dropout=1.5)
    with pytest.raises(TypeError, match="num_layers must be an int"):
        LSTM(3, 4, num_layers=2.0)


def test_bad_inputs_are_named():
    lstm = LSTM(3, 4, num_layers=2)
    with pytest.raises(ShapeError, match=r"2-D \(unbatched\) or 3-D"):
        lstm(np.ones(3))
    with pytest.raises(ShapeError, match="last axis must be 3"):
        lstm(np.ones((5, 2, 4)))
    with pytest.raises(ShapeError, match="at least one step"):
        lstm(np.ones((0, 2, 3)))
    with pytest.raises(TypeError, match=r"hx must be a tuple \(h_0, c_0\)"):
        lstm(np.ones((5, 2, 3)), np.zeros((2, 2, 4)))
    with pytest.raises(ShapeError, match=r"expected c_0 of shape \(2, 2, 4\), got \(1, 2, 4\)"):
        lstm(np.ones((5, 2, 3)), (np.zeros((2, 2, 4)), np.zeros((1, 2, 4))))
    with pytest.raises(TypeError, match="h_0 has dtype float64 but the parameters are float32"):
        GRU(3, 4)(np.ones((5, 2, 3)), gn.zeros(1, 2, 4, dtype="float64"))
    with pytest.raises(ShapeError, match=r"expected h_0 of shape \(1, 4\)"):
        GRU(3, 4)(np.ones((5, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(ShapeError, match=r"expects input of shape \(batch, 3\) or \(3,\)"):
        GRUCell(3, 4)(np.ones((2, 5)))
    with pytest.raises(ShapeError, match=r"expected h_0 of shape \(2, 4\)"):
        RNNCell(3, 4)(np.ones((2, 3)), np.zeros((3, 4)))
    with pytest.raises(TypeError, match=r"hx must be a tuple \(h_0, c_0\)"):
        LSTMCell(3, 4)(np.ones((2, 3)), (np.zeros((2, 4)),))
