"""The recurrences of RNN, LSTM and GRU, each one Function over a whole sequence.

One call of ``RNNOp``, ``LSTMOp`` or ``GRUOp`` runs one layer in one direction over all time
steps. The forward projects the input of every time step in one matmul (``x @ W_ih^T``), then
loops over time, which is inherent: step t needs the hidden state of step t - 1. The backward
walks the same steps in reverse (backpropagation through time), keeps the gradient of every
gate's pre-activation in one array, and turns it into the weight gradients with one matmul per
weight at the end. Everything is vectorised over the batch.

Conventions are PyTorch's, so its weights load unchanged:

- arrays are time-major: ``x`` (T, B, input_size), hidden states (B, hidden_size);
- weights in PyTorch's (out, in) layout: ``w_ih`` (gates * H, input_size), ``w_hh``
  (gates * H, H), biases (gates * H,);
- gate order LSTM: i, f, g, o; GRU: r, z, n, with the reset gate applied to
  ``W_hn h + b_hn`` (PyTorch's GRU, not the original paper's);
- ``reverse=True`` reads the sequence from the last step to the first (the backward direction of
  a bidirectional layer); its outputs stay in the input's time order.

A Function returns one array, so LSTM's output packs the final cell state after the hidden
states: rows 0..T-1 are h_t, row T is c_n. ``lstm_layer`` splits it for the caller.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor

NONLINEARITIES = ("tanh", "relu")


def _steps(length: int, reverse: bool) -> range:
    """The time steps in the order the recurrence visits them."""
    return range(length - 1, -1, -1) if reverse else range(length)


def _project(x: np.ndarray, w_ih: np.ndarray, *biases: np.ndarray | None) -> np.ndarray:
    """``x @ w_ih^T + biases`` for every time step at once: (T, B, I) -> (T, B, gates * H)."""
    length, batch, _ = x.shape
    out = (x.reshape(length * batch, -1) @ w_ih.T).reshape(length, batch, -1)
    for bias in biases:
        if bias is not None:
            out += bias
    return out


def _previous(states: np.ndarray, first: np.ndarray, reverse: bool) -> np.ndarray:
    """The state each step started from: ``first`` for the first visited step, then the state
    the step visited before it left. (T, B, H) -> (T, B, H)."""
    if reverse:
        return np.concatenate([states[1:], first[None]])
    return np.concatenate([first[None], states[:-1]])


def _transposed(w: np.ndarray) -> np.ndarray:
    """``w.T`` as a C-contiguous copy: the step's small matmul ``h @ W^T`` runs faster on it
    than on the transposed view (measured 1.6x on (32, 256) @ (256, 1024) with OpenBLAS), and
    the copy is made once per sequence."""
    return np.ascontiguousarray(w.T)


def _sigmoid_(x: np.ndarray) -> np.ndarray:
    """Sigmoid in place, as 0.5 * tanh(x / 2) + 0.5: no overflow for large |x|."""
    x *= 0.5
    np.tanh(x, out=x)
    x *= 0.5
    x += 0.5
    return x


def _gradients(
    ctx: Context,
    dpre: np.ndarray,
    dhid: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    w_ih: np.ndarray,
    w_hh: np.ndarray,
    states: tuple[np.ndarray | None, ...],
) -> tuple[np.ndarray | None, ...]:
    """The gradients of every input, from the pre-activation gradients of all steps.

    ``dpre`` (T, B, gates * H) is d loss / d (x W_ih^T + b_ih) and ``dhid`` the same for the
    hidden part (h W_hh^T + b_hh; equal to dpre except for GRU's n gate). ``states`` holds the
    already computed gradients of the initial state(s). Returns them in input order:
    x, *states, w_ih, w_hh[, b_ih, b_hh].
    """
    needs = ctx.needs_input_grad
    n_states = len(states)
    flat_pre = dpre.reshape(-1, dpre.shape[-1])
    flat_hid = dhid.reshape(-1, dhid.shape[-1])
    dx = (flat_pre @ w_ih).reshape(x.shape) if needs[0] else None
    first_weight = 1 + n_states
    dw_ih = flat_pre.T @ x.reshape(-1, x.shape[-1]) if needs[first_weight] else None
    dw_hh = flat_hid.T @ h_prev.reshape(-1, h_prev.shape[-1]) if needs[first_weight + 1] else None
    grads: tuple[np.ndarray | None, ...] = (dx, *states, dw_ih, dw_hh)
    if len(needs) > first_weight + 2:  # with biases
        db_ih = flat_pre.sum(axis=0) if needs[first_weight + 2] else None
        db_hh = flat_hid.sum(axis=0) if needs[first_weight + 3] else None
        grads += (db_ih, db_hh)
    return grads


class RNNOp(Function):
    """Elman RNN over a sequence: ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``,
    act tanh or relu. Inputs x (T, B, I), h0 (B, H), w_ih (H, I), w_hh (H, H)[, b_ih, b_hh];
    output every h_t, (T, B, H).

    Backward through time: with ``a_t`` the pre-activation, ``da_t = (dout_t + dh_t) * act'``
    and ``dh_{t-1} = da_t @ W_hh``; every weight gradient is one matmul over all the ``da_t``.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        h0: np.ndarray,
        w_ih: np.ndarray,
        w_hh: np.ndarray,
        b_ih: np.ndarray | None = None,
        b_hh: np.ndarray | None = None,
        nonlinearity: str = "tanh",
        reverse: bool = False,
    ) -> np.ndarray:
        pre = _project(x, w_ih, b_ih, b_hh)
        out = np.empty_like(pre)
        w_hh_t, h = _transposed(w_hh), h0
        for t in _steps(len(x), reverse):
            step = out[t]
            np.matmul(h, w_hh_t, out=step)
            step += pre[t]
            if nonlinearity == "tanh":
                np.tanh(step, out=step)
            else:
                np.maximum(step, 0.0, out=step)
            h = step
        ctx.save_for_backward(x, h0, w_ih, w_hh, out)
        ctx.nonlinearity, ctx.reverse = nonlinearity, reverse
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, h0, w_ih, w_hh, out = ctx.saved_tensors
        # act' from the outputs, for all steps at once: tanh' = 1 - h^2, relu' = [h > 0]
        slope = 1.0 - out * out if ctx.nonlinearity == "tanh" else (out > 0).astype(out.dtype)
        dpre = np.empty_like(out)
        dh = np.zeros_like(h0)  # d loss / d h of the step visited next, through W_hh
        for t in _steps(len(x), not ctx.reverse):
            da = dpre[t]
            np.add(grad[t], dh, out=da)
            da *= slope[t]
            dh = da @ w_hh
        h_prev = _previous(out, h0, ctx.reverse)
        return _gradients(ctx, dpre, dpre, x, h_prev, w_ih, w_hh, (dh,))


class LSTMOp(Function):
    """LSTM over a sequence, PyTorch's equations and gate order (i, f, g, o)::

        i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o),
            with a = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh split in four
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)            (with a projection: h_t = (o * tanh(c_t)) W_hr^T)

    Inputs x (T, B, I), h0 (B, P), c0 (B, H), w_ih (4H, I), w_hh (4H, P), b_ih, b_hh (4H,)
    [, w_hr (P, H)]; P = H without a projection. Output, flat: the T * B * P values of
    h_1..h_T (T, B, P), then the B * H of c_T (the last visited step's cell state).

    Backward through time, from the step visited last: ``dh = dout_t + dh_next``,
    ``dm = dh`` (or ``dh @ W_hr``) for m = o * tanh(c_t), ``dc = dc_next + dm * o * (1 -
    tanh(c_t)^2)``; the gates' gradients are ``dc * g``, ``dc * c_{t-1}``, ``dc * i``,
    ``dm * tanh(c_t)`` times each gate's slope; ``dc_next = dc * f``, ``dh_next = da @ W_hh``.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        h0: np.ndarray,
        c0: np.ndarray,
        w_ih: np.ndarray,
        w_hh: np.ndarray,
        b_ih: np.ndarray | None = None,
        b_hh: np.ndarray | None = None,
        w_hr: np.ndarray | None = None,
        reverse: bool = False,
    ) -> np.ndarray:
        length, batch, _ = x.shape
        hidden, size = c0.shape[-1], h0.shape[-1]  # size: the projection's, or hidden
        # Every gate is tanh(s * a) * s + shift: s = 1/2, shift = 1/2 is the sigmoid (i, f, o),
        # s = 1, shift = 0 is tanh (g). The s inside is applied once to the projected input and
        # to W_hh, so each step is one matmul, one add, one tanh and one multiply-add.
        scale = np.full(4 * hidden, 0.5, dtype=w_hh.dtype)
        scale[2 * hidden : 3 * hidden] = 1.0
        shift = np.where(scale == 1.0, 0.0, 0.5).astype(scale.dtype)
        pre = _project(x, w_ih, b_ih, b_hh)
        pre *= scale
        w_hh_t = _transposed(w_hh * scale[:, None])
        gates = np.empty_like(pre)  # i, f, g, o after their nonlinearity
        cells = np.empty((length, batch, hidden), dtype=pre.dtype)
        tanh_cells = np.empty_like(cells)
        packed = np.empty(length * batch * size + batch * hidden, dtype=pre.dtype)
        out = packed[: length * batch * size].reshape(length, batch, size)
        m = out if w_hr is None else np.empty_like(cells)  # o * tanh(c_t)
        w_hr_t = None if w_hr is None else _transposed(w_hr)
        h, c = h0, c0
        for t in _steps(length, reverse):
            a = gates[t]
            np.matmul(h, w_hh_t, out=a)
            a += pre[t]
            np.tanh(a, out=a)
            a *= scale
            a += shift
            i, f, g, o = np.split(a, 4, axis=1)  # views
            np.multiply(f, c, out=cells[t])
            cells[t] += i * g
            np.tanh(cells[t], out=tanh_cells[t])
            np.multiply(o, tanh_cells[t], out=m[t])
            if w_hr_t is not None:
                np.matmul(m[t], w_hr_t, out=out[t])
            h, c = out[t], cells[t]
        packed[length * batch * size :] = c.ravel()
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, w_hr, gates, cells, tanh_cells, out, m)
        ctx.reverse = reverse
        return packed

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, h0, c0, w_ih, w_hh, w_hr, gates, cells, tanh_cells, out, m = ctx.saved_tensors
        length, batch, hidden = cells.shape
        reverse, size = ctx.reverse, h0.shape[-1]
        grad_out = grad[: out.size].reshape(out.shape)
        by_gate = gates.reshape(length, batch, 4, hidden)
        i, f, g, o = (by_gate[:, :, k] for k in range(4))
        c_prev = _previous(cells, c0, reverse)
        # Each gate's pre-activation gradient is (dc or dm) * local, where local is the factor
        # the gate meets times its slope (sigmoid' = s (1 - s), tanh' = 1 - g^2), computed for
        # all steps before the loop: i: g, f: c_{t-1}, g: i, o: tanh(c_t).
        slope = by_gate * (1.0 - by_gate)
        slope[:, :, 2] = 1.0 - g * g
        local = np.stack([g, c_prev, i, tanh_cells], axis=2) * slope
        through_tanh = o * (1.0 - tanh_cells * tanh_cells)  # d m_t / d c_t
        dgates = np.empty_like(by_gate)
        dhs = np.empty_like(out)  # dh of every step, for W_hr's gradient
        dh = np.zeros_like(h0)
        dc = grad[out.size :].reshape(batch, hidden).copy()  # reaching c_T from the caller
        for t in _steps(length, not reverse):
            dh = np.add(dh, grad_out[t], out=dhs[t])
            dm = dh if w_hr is None else dh @ w_hr
            dc += dm * through_tanh[t]
            np.multiply(local[t, :, :3], dc[:, None, :], out=dgates[t, :, :3])
            np.multiply(local[t, :, 3], dm, out=dgates[t, :, 3])
            dc *= f[t]
            dh = dgates[t].reshape(batch, 4 * hidden) @ w_hh
        dpre = dgates.reshape(length, batch, 4 * hidden)
        h_prev = _previous(out, h0, reverse)
        grads = _gradients(ctx, dpre, dpre, x, h_prev, w_ih, w_hh, (dh, dc))
        if w_hr is None:
            return grads
        needs = ctx.needs_input_grad[-1]
        dw_hr = dhs.reshape(-1, size).T @ m.reshape(-1, hidden) if needs else None
        return (*grads, dw_hr)


class GRUOp(Function):
    """GRU over a sequence, PyTorch's equations and gate order (r, z, n)::

        r = sigmoid(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr)
        z = sigmoid(x_t W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz)
        n = tanh(x_t W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))
        h_t = (1 - z) * n + z * h_{t-1}

    Inputs x (T, B, I), h0 (B, H), w_ih (3H, I), w_hh (3H, H)[, b_ih, b_hh]; output every h_t,
    (T, B, H).

    Backward through time: with ``dh = dout_t + dh_next``, the pre-activation gradients are
    ``dh * (1 - z) * (1 - n^2)`` for n, that times ``(W_hn h + b_hn) * r (1 - r)`` for r, and
    ``dh * (h_{t-1} - n) * z (1 - z)`` for z; the hidden side's n part is also scaled by r, and
    ``dh_next = dh * z + d_hidden @ W_hh``.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        h0: np.ndarray,
        w_ih: np.ndarray,
        w_hh: np.ndarray,
        b_ih: np.ndarray | None = None,
        b_hh: np.ndarray | None = None,
        reverse: bool = False,
    ) -> np.ndarray:
        length, batch, _ = x.shape
        hidden = h0.shape[-1]
        pre = _project(x, w_ih, b_ih)
        if b_hh is not None:  # b_hr and b_hz simply add; b_hn stays inside r * (...)
            pre[:, :, : 2 * hidden] += b_hh[: 2 * hidden]
        gates = np.empty_like(pre)  # r, z, n after their nonlinearity
        hidden_n = np.empty((length, batch, hidden), dtype=pre.dtype)  # W_hn h + b_hn
        out = np.empty_like(hidden_n)
        w_hh_t, h = _transposed(w_hh), h0
        for t in _steps(length, reverse):
            projected = h @ w_hh_t
            rz, n = gates[t, :, : 2 * hidden], gates[t, :, 2 * hidden :]
            np.add(pre[t, :, : 2 * hidden], projected[:, : 2 * hidden], out=rz)
            _sigmoid_(rz)
            np.add(
                projected[:, 2 * hidden :],
                0.0 if b_hh is None else b_hh[2 * hidden :],
                out=hidden_n[t],
            )
            np.multiply(rz[:, :hidden], hidden_n[t], out=n)
            n += pre[t, :, 2 * hidden :]
            np.tanh(n, out=n)
            np.subtract(h, n, out=out[t])  # h_t = n + z * (h_{t-1} - n)
            out[t] *= rz[:, hidden:]
            out[t] += n
            h = out[t]
        ctx.save_for_backward(x, h0, w_ih, w_hh, gates, hidden_n, out)
        ctx.reverse = reverse
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        x, h0, w_ih, w_hh, gates, hidden_n, out = ctx.saved_tensors
        length, batch, hidden = out.shape
        reverse = ctx.reverse
        by_gate = gates.reshape(length, batch, 3, hidden)
        r, z, n = (by_gate[:, :, k] for k in range(3))
        h_prev = _previous(out, h0, reverse)
        # Every pre-activation gradient is dh times a factor known before the loop.
        dn = (1.0 - z) * (1.0 - n * n)
        local = np.stack([dn * hidden_n * r * (1.0 - r), (h_prev - n) * z * (1.0 - z), dn], axis=2)
        local_hidden = local.copy()
        local_hidden[:, :, 2] *= r  # the hidden side's n part passes through r
        dhs = np.empty_like(out)  # dh of every step, for dpre after the loop
        dhid = np.empty_like(by_gate)
        dh = np.zeros_like(h0)
        for t in _steps(length, not reverse):
            dh = np.add(grad[t], dh, out=dhs[t])
            np.multiply(local_hidden[t], dh[:, None, :], out=dhid[t])
            dh = dh * z[t] + dhid[t].reshape(batch, 3 * hidden) @ w_hh
        dpre = (local * dhs[:, :, None, :]).reshape(length, batch, 3 * hidden)
        dhid_flat = dhid.reshape(length, batch, 3 * hidden)
        return _gradients(ctx, dpre, dhid_flat, x, h_prev, w_ih, w_hh, (dh,))


# ---------------------------------------------------------------------- functional forms
def _check_layer(
    op: str, x: Any, states: dict[str, Any], w_ih: Any, w_hh: Any, gates: int, size: int = 0
) -> tuple[int, int]:
    """Check the shapes of one layer's inputs; returns (T, hidden_size). ``size`` is the size
    of h when it differs from hidden_size (an LSTM's projection)."""
    w_shape, x_shape = np.shape(w_ih), np.shape(x)
    if len(w_shape) != 2 or w_shape[0] % gates:
        raise ShapeError(
            f"{op}: w_ih must have shape ({gates} * hidden_size, input_size), got {w_shape}"
        )
    hidden = w_shape[0] // gates
    size = size or hidden
    if len(x_shape) != 3 or x_shape[-1] != w_shape[1] or x_shape[0] == 0:
        raise ShapeError(
            f"{op}: input must have shape (seq_len >= 1, batch, {w_shape[1]}) to fit w_ih of "
            f"shape {w_shape}, got {x_shape}"
        )
    if np.shape(w_hh) != (gates * hidden, size):
        raise ShapeError(
            f"{op}: w_hh must have shape ({gates * hidden}, {size}), got {np.shape(w_hh)}"
        )
    for name, state in states.items():
        expected = (x_shape[1], hidden if name == "c0" else size)
        what = "proj_size" if expected[1] != hidden else "hidden_size"
        if np.shape(state) != expected:
            raise ShapeError(
                f"{op}: {name} must have shape (batch, {what}) = {expected}, got {np.shape(state)}"
            )
    return x_shape[0], hidden


def _biases(op: str, b_ih: Any, b_hh: Any, size: int) -> tuple[Any, ...]:
    if (b_ih is None) != (b_hh is None):
        raise ValueError(f"{op}: give both b_ih and b_hh, or neither")
    if b_ih is None:
        return ()
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if np.shape(b) != (size,):
            raise ShapeError(f"{op}: {name} must have shape ({size},), got {np.shape(b)}")
    return (b_ih, b_hh)


def rnn_layer(
    x: Any,
    h0: Any,
    w_ih: Any,
    w_hh: Any,
    b_ih: Any = None,
    b_hh: Any = None,
    nonlinearity: str = "tanh",
    reverse: bool = False,
) -> Tensor:
    """One RNN layer in one direction over a time-major sequence: every h_t, (T, B, H).

    Examples:
        >>> import glassnet as gn
        >>> from glassnet.ops.recurrent import rnn_layer
        >>> rnn_layer(gn.ones(5, 2, 3), gn.zeros(2, 4), gn.ones(4, 3), gn.zeros(4, 4)).shape
        (5, 2, 4)
    """
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"rnn_layer: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    _, hidden = _check_layer("rnn_layer", x, {"h0": h0}, w_ih, w_hh, 1)
    biases = _biases("rnn_layer", b_ih, b_hh, hidden)
    return RNNOp.apply(x, h0, w_ih, w_hh, *biases, nonlinearity=nonlinearity, reverse=reverse)


def lstm_layer(
    x: Any,
    h0: Any,
    c0: Any,
    w_ih: Any,
    w_hh: Any,
    b_ih: Any = None,
    b_hh: Any = None,
    reverse: bool = False,
    w_hr: Any = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """One LSTM layer in one direction over a time-major sequence: (every h_t (T, B, P),
    the last visited step's h (B, P) and c (B, H)); P = H, or w_hr's (P, H) projection's.

    Examples:
        >>> import glassnet as gn
        >>> from glassnet.ops.recurrent import lstm_layer
        >>> out, h, c = lstm_layer(gn.ones(5, 2, 3), gn.zeros(2, 4), gn.zeros(2, 4),
        ...                        gn.ones(16, 3), gn.zeros(16, 4))
        >>> out.shape, h.shape, c.shape
        ((5, 2, 4), (2, 4), (2, 4))
    """
    size = np.shape(w_hr)[0] if w_hr is not None else 0
    states = {"h0": h0, "c0": c0}
    length, hidden = _check_layer("lstm_layer", x, states, w_ih, w_hh, 4, size)
    biases = _biases("lstm_layer", b_ih, b_hh, 4 * hidden)
    inputs = (x, h0, c0, w_ih, w_hh, *biases)
    if w_hr is not None:
        if np.shape(w_hr) != (size, hidden):
            raise ShapeError(
                f"lstm_layer: w_hr must have shape (P, {hidden}), got {np.shape(w_hr)}"
            )
        if not biases:  # zeros keep w_hr in its place among the inputs
            inputs += (np.zeros(4 * hidden, np.result_type(w_ih)),) * 2
        inputs += (w_hr,)
    packed = LSTMOp.apply(*inputs, reverse=reverse)
    split = length * np.shape(x)[1] * (size or hidden)
    out = packed[:split].reshape(length, -1, size or hidden)
    return out, out[0 if reverse else length - 1], packed[split:].reshape(-1, hidden)


def gru_layer(
    x: Any,
    h0: Any,
    w_ih: Any,
    w_hh: Any,
    b_ih: Any = None,
    b_hh: Any = None,
    reverse: bool = False,
) -> Tensor:
    """One GRU layer in one direction over a time-major sequence: every h_t, (T, B, H).

    Examples:
        >>> import glassnet as gn
        >>> from glassnet.ops.recurrent import gru_layer
        >>> gru_layer(gn.ones(5, 2, 3), gn.zeros(2, 4), gn.ones(12, 3), gn.zeros(12, 4)).shape
        (5, 2, 4)
    """
    _, hidden = _check_layer("gru_layer", x, {"h0": h0}, w_ih, w_hh, 3)
    biases = _biases("gru_layer", b_ih, b_hh, 3 * hidden)
    return GRUOp.apply(x, h0, w_ih, w_hh, *biases, reverse=reverse)
