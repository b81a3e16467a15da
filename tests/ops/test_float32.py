"""Every op keeps float32 in float32: outputs and gradients (NumPy 2 would promote some)."""

import numpy as np
import pytest

import glassnet as gn

x = np.random.default_rng(0).uniform(0.5, 2.0, (3, 4)).astype(np.float32)

# name -> how to call it on one float32 (3, 4) Tensor
CALLS = {
    "tensor_split": lambda t: gn.tensor_split(t, 2, 1)[0],
    "layer_norm": lambda t: gn.layer_norm(t, 4),
    "rms_norm": lambda t: gn.rms_norm(t, 4),
    "scaled_dot_product_attention": lambda t: gn.scaled_dot_product_attention(t, t, t, is_causal=True),
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
    # PyTorch-named ops
    "clamp": lambda t: gn.clamp(t, max=gn.ones(4, dtype=np.float32)), "prod": lambda t: gn.prod(t, 1),
    "amax": lambda t: gn.amax(t, 1), "amin": gn.amin, "cat": lambda t: gn.cat([t, t], dim=1), "concat": lambda t: gn.concat([t]),
    "hstack": lambda t: gn.hstack([t, t]), "vstack": lambda t: gn.vstack([t, t]), "chunk": lambda t: gn.chunk(t, 2, 1)[0],
    "unbind": lambda t: gn.unbind(t)[1], "gather": lambda t: gn.gather(t, 1, np.array([[0], [1], [3]])),
    "scatter": lambda t: gn.scatter(t, 1, np.array([[0], [1], [3]]), value=2.0), "scatter_add": lambda t: gn.scatter_add(t, 0, np.zeros((1, 4), int), t),
    "index_select": lambda t: gn.index_select(t, 1, np.array([3, 0])), "masked_select": lambda t: gn.masked_select(t, t > 1),
    "masked_fill": lambda t: gn.masked_fill(t, t > 1, 0.0), "take_along_dim": lambda t: gn.take_along_dim(t, np.array([[1], [2], [0]]), 1),
    "einsum": lambda t: gn.einsum("ij,kj->ik", t, t), "mm": lambda t: gn.mm(t, t.T), "mv": lambda t: gn.mv(t, t[0]),
    "dot": lambda t: gn.dot(t[0], t[1]), "bmm": lambda t: gn.bmm(t[None], t.T[None]), "outer": lambda t: gn.outer(t[0], t[1]),
    "ger": lambda t: gn.ger(t[0], t[1]), "addmm": lambda t: gn.addmm(t[:, :3], t, t.T), "addmv": lambda t: gn.addmv(t[:, 0], t, t[0]),
    "baddbmm": lambda t: gn.baddbmm(t[None, :, :3], t[None], t.T[None]), "norm": gn.norm, "dist": lambda t: gn.dist(t, 1.0),
    "cumsum": lambda t: gn.cumsum(t, 1), "cumprod": lambda t: gn.cumprod(t, dim=0),
    "sort": lambda t: gn.sort(t).values, "topk": lambda t: gn.topk(t, 2).values, "kthvalue": lambda t: gn.kthvalue(t, 2).values,
    "median": gn.median, "mode": lambda t: gn.mode(t).values, "msort": gn.msort,
    "flip": lambda t: gn.flip(t, 0), "fliplr": gn.fliplr, "flipud": gn.flipud, "roll": lambda t: gn.roll(t, 1, 1),
    "tile": lambda t: gn.tile(t, (2, 1)), "repeat_interleave": lambda t: gn.repeat_interleave(t, 2, 0),
    "triu": gn.triu, "tril": gn.tril, "diag": gn.diag, "diagonal": gn.diagonal, "trace": lambda t: gn.trace(t),
    "unflatten": lambda t: gn.unflatten(t, 1, (2, 2)), "clone": gn.clone, "meshgrid": lambda t: gn.meshgrid(t[0], t[1])[0],
    "exp2": gn.exp2, "expm1": gn.expm1, "log2": gn.log2, "log10": gn.log10, "log1p": gn.log1p, "tan": gn.tan,
    "asin": lambda t: gn.asin(t / 3), "acos": lambda t: gn.acos(t / 3), "atan": gn.atan, "arcsin": lambda t: gn.arcsin(t / 3),
    "arccos": lambda t: gn.arccos(t / 3), "arctan": gn.arctan, "sinh": gn.sinh, "cosh": gn.cosh, "erf": gn.erf, "rsqrt": gn.rsqrt,
    "reciprocal": gn.reciprocal, "square": gn.square, "sign": gn.sign, "floor": gn.floor, "ceil": gn.ceil, "trunc": gn.trunc,
    "fix": gn.fix, "frac": gn.frac, "round": gn.round, "atan2": lambda t: gn.atan2(t, 2.0), "arctan2": lambda t: gn.arctan2(1.0, t),
    "lerp": lambda t: gn.lerp(t, 2.0, 0.25), "fmod": lambda t: gn.fmod(t, 0.7), "remainder": lambda t: gn.remainder(t, 0.7),
    "subtract": lambda t: gn.subtract(t, 1), "multiply": lambda t: gn.multiply(t, 2), "divide": lambda t: gn.divide(t, 2),
    "true_divide": lambda t: gn.true_divide(t, 2), "negative": gn.negative, "absolute": gn.absolute,
    "narrow": lambda t: gn.narrow(t, 1, 1, 2), "select": lambda t: gn.select(t, 0, -1), "take": lambda t: gn.take(t, np.array([[0, 11]])),
    "tensordot": lambda t: gn.tensordot(t, t, ([1], [1])), "addcmul": lambda t: gn.addcmul(t, t, t, value=0.5),
    "addcdiv": lambda t: gn.addcdiv(t, t, t, value=0.5), "std_mean": lambda t: gn.std_mean(t, 1)[0],
    "var_mean": lambda t: gn.var_mean(t, axis=0)[1], "diff": lambda t: gn.diff(t, 2, dim=0),
    "index_add": lambda t: gn.index_add(t, 1, [0, 0, 1, 2], t), "index_copy": lambda t: gn.index_copy(t, 0, [2, 1, 0], t),
    "index_fill": lambda t: gn.index_fill(t, 0, [1], 0.0), "cdist": lambda t: gn.cdist(t, t[:2]), "nan_to_num": gn.nan_to_num,
    "rot90": gn.rot90, "cummax": lambda t: gn.cummax(t, 1).values, "cummin": lambda t: gn.cummin(t, 0).values,
}  # fmt: skip
FLOAT64 = {"float_power"}  # float64 by definition
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
    "eq", "ne", "lt", "le", "gt", "ge", "greater_than", "less_than", "isnan", "isinf", "isfinite",
    "isclose", "allclose", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "any", "all", "count_nonzero", "argsort", "nonzero",
    "argwhere", "floor_divide", "return_types", "unique", "bincount", "histc", "searchsorted",
    "bucketize",
}  # fmt: skip


def test_every_op_is_covered():
    assert set(gn.ops.__all__) == set(CALLS) | NOT_DIFFERENTIABLE | FLOAT64


@pytest.mark.parametrize("name", sorted(CALLS))
def test_float32_stays_float32(name):
    t = gn.tensor(x, requires_grad=True)
    out = CALLS[name](t)
    assert out.dtype == np.float32, f"{name} gave {out.dtype}"
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert t.grad.dtype == np.float32
