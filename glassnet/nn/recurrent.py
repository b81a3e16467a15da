"""Recurrent layers with PyTorch's names, shapes and parameters: RNN, LSTM, GRU and their cells.

Each layer and direction of a sequence model runs as one Function over the whole sequence
(``glassnet.ops.recurrent``), whose backward through time is written by hand. Parameters are
PyTorch's, in its (out, in) layout and gate order (LSTM: i, f, g, o; GRU: r, z, n), named
``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}`` (``_reverse`` for
the backward direction of a bidirectional layer), so a PyTorch ``state_dict`` loads unchanged.
All start from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_bool, check_int, check_number
from glassnet.errors import ShapeError
from glassnet.nn import init as initializers
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.recurrent import NONLINEARITIES, gru_layer, lstm_layer, rnn_layer
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor

GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _run(
    mode: str,
    x: Tensor,
    states: list[Any],
    weights: list[Any],
    nonlinearity: str,
    reverse: bool,
    w_hr: Any = None,
) -> tuple[Tensor, list[Tensor]]:
    """One layer in one direction: (every h_t, [the final h (and c)])."""
    w_ih, w_hh, b_ih, b_hh = (*weights, None, None)[:4]  # no biases: None, None
    if mode == "LSTM":
        out, h, c = lstm_layer(x, states[0], states[1], w_ih, w_hh, b_ih, b_hh, reverse, w_hr)
        return out, [h, c]
    if mode == "GRU":
        out = gru_layer(x, states[0], w_ih, w_hh, b_ih, b_hh, reverse)
    else:
        out = rnn_layer(x, states[0], w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse)
    return out, [out[0 if reverse else len(out) - 1]]


def _state_tensor(owner: str, name: str, value: Any, dtype: np.dtype, shape: tuple) -> Tensor:
    """An initial state given by the caller, as a Tensor of the parameters' dtype and shape."""
    if not isinstance(value, Tensor):
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{owner}: {name} must hold numbers, got dtype {array.dtype}")
        value = Tensor(array, dtype=dtype)
    elif value.dtype != dtype:
        raise TypeError(
            f"{owner}: {name} has dtype {value.dtype} but the parameters are {dtype}; "
            f"cast it with .astype({str(dtype)!r}) (as PyTorch, no silent cast)"
        )
    if value.shape != shape:
        raise ShapeError(f"{owner}: expected {name} of shape {shape}, got {value.shape}")
    return value


def _check_nonlinearity(owner: str, mode: str, nonlinearity: str) -> str:
    if mode != "RNN" and nonlinearity != "tanh":
        raise TypeError(f"{owner} has no nonlinearity setting (its gates fix it; RNN has one)")
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"{owner}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return nonlinearity


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, the checks and the loop over layers."""

    mode = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        nonlinearity: str = "tanh",
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = check_int(name, "input_size", input_size, minimum=1)
        self.hidden_size = check_int(name, "hidden_size", hidden_size, minimum=1)
        self.num_layers = check_int(name, "num_layers", num_layers, minimum=1)
        self.bias = check_bool(name, "bias", bias)
        self.batch_first = check_bool(name, "batch_first", batch_first)
        self.dropout = check_number(name, "dropout", dropout, low=0.0, high=1.0, high_open=True)
        self.bidirectional = check_bool(name, "bidirectional", bidirectional)
        self.proj_size = check_int(name, "proj_size", proj_size)
        if self.proj_size and self.mode != "LSTM":
            raise ValueError(f"{name}: proj_size is only supported for LSTM, not RNN or GRU")
        if self.proj_size >= self.hidden_size:
            raise ValueError(
                f"{name}: proj_size ({proj_size}) must be smaller than hidden_size "
                f"({hidden_size}), as PyTorch's"
            )
        # h_t's size: the projection's when there is one (c_t keeps hidden_size)
        self.output_size = self.proj_size or self.hidden_size
        self.nonlinearity = _check_nonlinearity(name, self.mode, nonlinearity)
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn(  # as PyTorch: dropout only acts between layers
                f"{name}: dropout={dropout} acts after every layer but the last, so it does "
                "nothing with num_layers=1",
                stacklevel=2,
            )
        generator = get_rng(rng)
        self._rng = None if rng is None else generator  # dropout goes on from the init's draws
        bound = 1.0 / math.sqrt(self.hidden_size)
        uniform = initializers.Uniform(-bound, bound)
        size = GATES[self.mode] * self.hidden_size
        for layer in range(self.num_layers):
            inputs = self.input_size if layer == 0 else self.output_size * self.num_directions
            for suffix in self._suffixes(layer):
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (size, inputs),
                    "weight_hh": (size, self.output_size),
                }
                if self.bias:
                    shapes.update({"bias_ih": (size,), "bias_hh": (size,)})
                if self.proj_size:
                    shapes["weight_hr"] = (self.proj_size, self.hidden_size)
                for kind, shape in shapes.items():
                    setattr(self, kind + suffix, Parameter(uniform(shape, generator, dtype)))

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _suffixes(self, layer: int) -> list[str]:
        return [f"_l{layer}", f"_l{layer}_reverse"][: self.num_directions]

    def _weights(self, suffix: str) -> list[Parameter]:
        kinds = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if self.bias else [])
        return [getattr(self, kind + suffix) for kind in kinds]

    # ----------------------------------------------------------------- forward
    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Any]:
        name = type(self).__name__
        if input.ndim not in (2, 3):
            raise ShapeError(
                f"{name}: expected a 2-D (unbatched) or 3-D (batched) input, got shape "
                f"{input.shape}"
            )
        batched = input.ndim == 3
        x = input if batched else input.unsqueeze(1)  # (T, 1, features)
        if batched and self.batch_first:
            x = x.swapaxes(0, 1)
        if x.shape[-1] != self.input_size or x.shape[0] == 0:
            raise ShapeError(
                f"{name}(input_size={self.input_size}) got input of shape {input.shape}: the "
                f"last axis must be {self.input_size} and the sequence at least one step long"
            )
        states = self._initial_states(hx, x.shape[1], x.dtype, batched)
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction, suffix in enumerate(self._suffixes(layer)):
                k = layer * self.num_directions + direction
                start = [s[k] for s in states]
                weights, w_hr = self._weights(suffix), getattr(self, "weight_hr" + suffix, None)
                out, last = _run(
                    self.mode, x, start, weights, self.nonlinearity, direction == 1, w_hr
                )
                outputs.append(out)
                for found, value in zip(finals, last):
                    found.append(value)
            x = outputs[0] if len(outputs) == 1 else ops.concatenate(outputs, axis=2)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = ops.dropout(x, self.dropout, training=True, rng=self._rng)
        final = [ops.stack(found) for found in finals]  # each (layers * directions, B, size)
        if not batched:
            x, final = x[:, 0], [f[:, 0] for f in final]
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        return x, (final[0], final[1]) if self.mode == "LSTM" else final[0]

    def _initial_states(self, hx: Any, batch: int, dtype: np.dtype, batched: bool) -> list[Any]:
        """h0 (and c0) as (layers * directions, B, size) Tensors, or, when not given, one zero
        array per layer and direction."""
        name, layers = type(self).__name__, self.num_layers * self.num_directions
        sizes = [self.output_size, self.hidden_size][: 1 + (self.mode == "LSTM")]
        if hx is None:
            return [[np.zeros((batch, size), dtype=dtype)] * layers for size in sizes]
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            given = list(hx)
        else:
            given = [hx]
        states = [
            _state_tensor(
                name, label, value, dtype, (layers, batch, size) if batched else (layers, size)
            )
            for label, value, size in zip(["h_0", "c_0"], given, sizes)
        ]
        return states if batched else [s.unsqueeze(1) for s in states]

    # ----------------------------------------------------------------- description
    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bias": self.bias,
            "batch_first": self.batch_first,
            "dropout": self.dropout,
            "bidirectional": self.bidirectional,
        }
        if self.mode == "RNN":
            config["nonlinearity"] = self.nonlinearity
        if self.proj_size:
            config["proj_size"] = self.proj_size
        return config

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        defaults: dict[str, Any] = {
            "num_layers": 1,
            "bias": True,
            "batch_first": False,
            "dropout": 0.0,
        }
        defaults.update({"bidirectional": False, "proj_size": 0, "nonlinearity": "tanh"})
        for key, default in defaults.items():
            value = getattr(self, key)
            if value != default:
                text += f", {key}={value!r}"
        return text


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu), stacked
    ``num_layers`` deep, as PyTorch's ``nn.RNN``.

    Args:
        input_size, hidden_size: sizes of x_t and h_t.
        num_layers: how many layers are stacked (each reads the previous one's outputs).
        nonlinearity: "tanh" or "relu".
        bias: whether to learn ``bias_ih_l{k}`` and ``bias_hh_l{k}``.
        batch_first: input and output as (B, T, features) instead of (T, B, features); the
            states stay (layers * directions, B, H), as PyTorch.
        dropout: dropout probability on every layer's output but the last, in training only.
        bidirectional: also run each layer from the last step to the first; outputs of the two
            directions are concatenated (2 * hidden_size features).
        rng, dtype: generator or seed for the initial weights, and their dtype.

    Shape:
        input (T, B, input_size) (or (B, T, ...) with batch_first, or (T, input_size)
        unbatched), optional h_0 (layers * directions, B, H) -> (output (T, B, directions * H),
        h_n (layers * directions, B, H)).

    Examples:
        >>> from glassnet import nn
        >>> from glassnet.nn.recurrent import RNN
        >>> rnn = RNN(3, 5, num_layers=2, rng=0)
        >>> output, h_n = rnn(np.ones((7, 2, 3)))
        >>> output.shape, h_n.shape
        ((7, 2, 5), (2, 2, 5))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            nonlinearity=nonlinearity, **options,
        )  # fmt: skip


class LSTM(RNNBase):
    """Long short-term memory, as PyTorch's ``nn.LSTM`` (gate order i, f, g, o)::

        i, f, o = sigmoid(...), g = tanh(...)   of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
        c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)

    Arguments as ``RNN`` (no nonlinearity), and ``proj_size``: with P > 0 (and below
    hidden_size), ``h_t = (o * tanh(c_t)) W_hr^T`` through an extra ``weight_hr_l{k}`` (P, H),
    so the output, h_0 and h_n have P features (c_0, c_n keep H). Returns
    ``(output, (h_n, c_n))``.

    Examples:
        >>> from glassnet.nn.recurrent import LSTM
        >>> lstm = LSTM(3, 4, batch_first=True, bidirectional=True, rng=0)
        >>> output, (h_n, c_n) = lstm(np.ones((2, 6, 3)))
        >>> output.shape, h_n.shape, c_n.shape
        ((2, 6, 8), (2, 2, 4), (2, 2, 4))
        >>> [name for name, _ in lstm.named_parameters()][:4]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
        >>> output, (h_n, c_n) = LSTM(3, 4, proj_size=2, rng=0)(np.ones((6, 3)))
        >>> output.shape, h_n.shape, c_n.shape
        ((6, 2), (1, 2), (1, 4))
    """

    mode = "LSTM"


class GRU(RNNBase):
    """Gated recurrent unit, as PyTorch's ``nn.GRU`` (gate order r, z, n)::

        r, z = sigmoid(...)   of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
        n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))
        h_t = (1 - z) * n + z * h_{t-1}

    Arguments as ``RNN`` (no nonlinearity). Returns ``(output, h_n)``.

    Examples:
        >>> from glassnet.nn.recurrent import GRU
        >>> output, h_n = GRU(3, 4, rng=0)(np.ones((5, 3)))  # unbatched
        >>> output.shape, h_n.shape
        ((5, 4), (1, 4))
    """

    mode = "GRU"


# ---------------------------------------------------------------------- cells
class RNNCellBase(Module):
    """One time step: the same Function as the sequence layers, over a sequence of one."""

    mode = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        rng: RngLike = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = check_int(name, "input_size", input_size, minimum=1)
        self.hidden_size = check_int(name, "hidden_size", hidden_size, minimum=1)
        self.bias = check_bool(name, "bias", bias)
        self.nonlinearity = _check_nonlinearity(name, self.mode, nonlinearity)
        generator = get_rng(rng)
        bound = 1.0 / math.sqrt(self.hidden_size)
        uniform = initializers.Uniform(-bound, bound)
        size = GATES[self.mode] * self.hidden_size
        self.weight_ih = Parameter(uniform((size, self.input_size), generator, dtype))
        self.weight_hh = Parameter(uniform((size, self.hidden_size), generator, dtype))
        self.bias_ih = Parameter(uniform((size,), generator, dtype)) if bias else None
        self.bias_hh = Parameter(uniform((size,), generator, dtype)) if bias else None

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        name = type(self).__name__
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ShapeError(
                f"{name}(input_size={self.input_size}) expects input of shape (batch, "
                f"{self.input_size}) or ({self.input_size},), got {input.shape}"
            )
        batched = input.ndim == 2
        x = input.unsqueeze(0) if batched else input.reshape(1, 1, -1)  # a sequence of one
        batch = x.shape[1]
        if hx is None:
            zeros = np.zeros((batch, self.hidden_size), dtype=x.dtype)
            states: list[Any] = [zeros] * (1 + (self.mode == "LSTM"))
        else:
            given = list(hx) if self.mode == "LSTM" else [hx]
            if self.mode == "LSTM" and len(given) != 2:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0)")
            shape = (batch, self.hidden_size) if batched else (self.hidden_size,)
            states = [
                _state_tensor(name, label, value, x.dtype, shape).reshape(batch, -1)
                for label, value in zip(["h_0", "c_0"], given)
            ]
        weights: list[Any] = [self.weight_ih, self.weight_hh]
        if self.bias:
            weights += [self.bias_ih, self.bias_hh]
        _, last = _run(self.mode, x, states, weights, self.nonlinearity, False)
        if not batched:
            last = [state[0] for state in last]
        return (last[0], last[1]) if self.mode == "LSTM" else last[0]

    def sample_input_shape(self) -> tuple[int, ...] | None:
        return (self.input_size,)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "bias": self.bias,
        }
        if self.mode == "RNN":
            config["nonlinearity"] = self.nonlinearity
        return config

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if self.nonlinearity != "tanh":
            text += f", nonlinearity={self.nonlinearity!r}"
        return text


class RNNCell(RNNCellBase):
    """One step of ``RNN``: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu),
    with parameters ``weight_ih`` (H, I), ``weight_hh`` (H, H), ``bias_ih``, ``bias_hh``.

    Shape:
        input (B, I) or (I,), optional h (B, H) or (H,) -> h' (B, H) or (H,).

    Examples:
        >>> from glassnet.nn.recurrent import RNNCell
        >>> RNNCell(3, 4, rng=0)(np.ones((2, 3))).shape
        (2, 4)
    """


class LSTMCell(RNNCellBase):
    """One step of ``LSTM``; ``cell(x, (h, c))`` returns ``(h', c')``.

    Examples:
        >>> from glassnet.nn.recurrent import LSTMCell
        >>> h, c = LSTMCell(3, 4, rng=0)(np.ones((2, 3)))
        >>> h.shape, c.shape
        ((2, 4), (2, 4))
    """

    mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, **options: Any):
        super().__init__(input_size, hidden_size, bias, **options)


class GRUCell(RNNCellBase):
    """One step of ``GRU``; ``cell(x, h)`` returns ``h'``.

    Examples:
        >>> from glassnet.nn.recurrent import GRUCell
        >>> GRUCell(3, 4, rng=0)(np.ones(3)).shape
        (4,)
    """

    mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, **options: Any):
        super().__init__(input_size, hidden_size, bias, **options)
