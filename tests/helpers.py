"""Shared checks: one helper checks an op end to end (forward vs NumPy, backward vs float64
central differences, float32 kept float32)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import glassnet as gn

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
broadcastable_pairs = hnp.mutually_broadcastable_shapes(
    num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=4
)
seeds = st.integers(0, 2**32 - 1)


def values(rng: np.random.Generator, shape, low=-2.0, high=2.0, away_from_zero=0.0):
    """Random float64 values in [low, high], optionally at least ``away_from_zero`` from 0
    (so non-smooth points such as relu's kink are never within a finite-difference step)."""
    x = rng.uniform(low, high, size=shape)
    if away_from_zero:
        x = np.where(x >= 0, 1.0, -1.0) * (away_from_zero + np.abs(x))
    return x


def check_op(fn: Callable, reference: Callable, *arrays: np.ndarray, rtol=1e-3, atol=1e-5):
    """Forward equals the NumPy reference; backward equals central differences in float64;
    float32 inputs give a float32 output and float32 gradients."""
    tensors64 = [gn.tensor(a.astype(np.float64), requires_grad=True) for a in arrays]
    out = fn(*tensors64)
    gn.check_same(reference(*arrays), out, rtol=1e-10, atol=1e-12)
    gn.gradcheck(fn, tensors64, rtol=rtol, atol=atol)

    tensors32 = [gn.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    out32 = fn(*tensors32)
    assert out32.dtype == np.float32, f"float32 in, {out32.dtype} out"
    out32.backward(np.ones(out32.shape, dtype=np.float32))
    for t in tensors32:
        assert t.grad is not None and t.grad.dtype == np.float32 and t.grad.shape == t.shape


def check_layer(layer, input_shape, output_shape, num_parameters, rng=0):
    """One layer, end to end: output shape, parameter count, gradients through both APIs
    (layer-level backward and autograd) against float64 central differences, and a
    state_dict round trip into a freshly initialised twin."""
    import copy

    x = np.random.default_rng(rng).standard_normal(input_shape)
    out = layer(x)
    assert out.shape == output_shape, f"output shape {out.shape}, expected {output_shape}"
    assert layer.num_parameters() == num_parameters

    gn.check_layer_gradients(layer, input_shape, samples=2)  # layer-level forward/backward

    double = copy.deepcopy(layer).double()  # autograd: loss.backward() through the same ops
    params = list(double.parameters())
    inputs = [gn.tensor(x, requires_grad=True), *params]
    gn.gradcheck(lambda t, *_: double(t), inputs)

    twin = copy.deepcopy(layer)
    for p in twin.parameters():
        p.data[...] = 0.0
    twin.load_state_dict(layer.state_dict())
    with gn.no_grad():
        np.testing.assert_array_equal(twin.eval()(x).numpy(), layer.eval()(x).numpy())
    layer.train()
