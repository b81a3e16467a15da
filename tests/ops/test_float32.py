"""Every op keeps float32 in float32: outputs and gradients (NumPy 2 would promote some)."""

import numpy as np
import pytest

import glassnet as gn

x = np.random.default_rng(0).uniform(0.5, 2.0, (3, 4)).astype(np.float32)

# name -> how to call it on one float32 (3, 4) Tensor
CALLS = {
    "abs": gn.abs, "add": lambda t: gn.add(t, 1.5), "sub": lambda t: gn.sub(2.5, t), "mul": lambda t: gn.mul(t, np.float64(3)),
    "div": lambda t: gn.div(t, 3), "pow": lambda t: gn.pow(t, 2.5), "neg": gn.neg,
    "astype": lambda t: gn.astype(t, np.float32), "exp": gn.exp, "log": gn.log, "sqrt": gn.sqrt, "sin": gn.sin,
    "cos": gn.cos, "tanh": gn.tanh, "sigmoid": gn.sigmoid, "relu": gn.relu, "leaky_relu": gn.leaky_relu,
    "elu": gn.elu, "gelu": gn.gelu, "softplus": gn.softplus, "clip": lambda t: gn.clip(t, 0.7, 1.5),
    "maximum": lambda t: gn.maximum(t, 1.0), "minimum": lambda t: gn.minimum(t, np.float64(1.0)),
    "where": lambda t: gn.where(t.numpy() > 1, t, 0.0), "sum": gn.sum, "mean": lambda t: gn.mean(t, axis=0),
    "max": gn.max, "min": lambda t: gn.min(t, axis=1), "var": gn.var, "std": gn.std,
    "logsumexp": lambda t: gn.logsumexp(t, axis=1), "softmax": gn.softmax, "log_softmax": gn.log_softmax,
    "matmul": lambda t: gn.matmul(t, t.T), "linear": lambda t: gn.linear(t, np.ones((4, 2), np.float32)),
    "cross_entropy": lambda t: gn.cross_entropy(t, [0, 1, 3]), "dropout": lambda t: gn.dropout(t, 0.5, rng=0),
    "reshape": lambda t: gn.reshape(t, 4, 3), "flatten": gn.flatten, "transpose": gn.transpose,
    "permute": lambda t: gn.permute(t, 1, 0), "movedim": lambda t: gn.movedim(t, 0, 1), "swapaxes": lambda t: gn.swapaxes(t, 0, 1),
    "squeeze": lambda t: gn.squeeze(gn.unsqueeze(t, 0)), "unsqueeze": lambda t: gn.unsqueeze(t, 1),
    "expand": lambda t: gn.expand(t, 2, 3, 4), "broadcast_to": lambda t: gn.broadcast_to(t, (2, 3, 4)),
    "getitem": lambda t: gn.getitem(t, (slice(None), [0, 0, 2])), "concatenate": lambda t: gn.concatenate([t, t]),
    "stack": lambda t: gn.stack([t, t], axis=1), "split": lambda t: gn.split(t, 2, axis=1)[1],
    "pad": lambda t: gn.pad(t, 1, value=0.5),
}  # fmt: skip
NOT_DIFFERENTIABLE = {
    "one_hot",
    "argmax",
    "argmin",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
}


def test_every_op_is_covered():
    assert set(gn.ops.__all__) == set(CALLS) | NOT_DIFFERENTIABLE


@pytest.mark.parametrize("name", sorted(CALLS))
def test_float32_stays_float32(name):
    t = gn.tensor(x, requires_grad=True)
    out = CALLS[name](t)
    assert out.dtype == np.float32, f"{name} gave {out.dtype}"
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert t.grad.dtype == np.float32
