"""The fused fast paths compute exactly what their unfused compositions compute (float64)."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn import functional as F

rng = np.random.default_rng(0)


def agree(fused, unfused, *arrays):
    """Same values and same gradients for every input, to 1e-10."""
    fused_inputs = [gn.tensor(a, requires_grad=True) for a in arrays]
    plain_inputs = [gn.tensor(a, requires_grad=True) for a in arrays]
    out_fused, out_plain = fused(*fused_inputs), unfused(*plain_inputs)
    np.testing.assert_allclose(out_fused.numpy(), out_plain.numpy(), rtol=1e-10, atol=1e-12)
    direction = rng.standard_normal(out_fused.shape)
    out_fused.backward(direction)
    out_plain.backward(direction)
    for a, b in zip(fused_inputs, plain_inputs):
        np.testing.assert_allclose(a.grad, b.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,), (1, 4)])
def test_linear_equals_matmul_plus_bias(shape):
    agree(gn.linear, lambda x, w, b: x @ w + b, rng.standard_normal(shape), rng.standard_normal((4, 3)),
          rng.standard_normal(3))  # fmt: skip
    agree(
        lambda x, w: gn.linear(x, w),
        lambda x, w: x @ w,
        rng.standard_normal(shape),
        rng.standard_normal((4, 3)),
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_equals_log_softmax_and_pick(reduction):
    targets = rng.integers(0, 5, 6)

    def unfused(z):
        picked = -z.log_softmax(axis=1)[np.arange(6), targets]
        return {"mean": picked.mean(), "sum": picked.sum(), "none": picked}[reduction]

    agree(
        lambda z: F.cross_entropy(z, targets, reduction), unfused, rng.standard_normal((6, 5)) * 3
    )


def test_cross_entropy_with_smoothing_and_soft_targets_equals_its_definition():
    soft = rng.dirichlet(np.ones(5), 6)
    mixed = 0.8 * soft + 0.2 / 5
    agree(lambda z: F.cross_entropy(z, soft, label_smoothing=0.2),
          lambda z: -(z.log_softmax(axis=1) * mixed).sum(axis=1).mean(), rng.standard_normal((6, 5)))  # fmt: skip


def test_softmax_log_softmax_logsumexp_equal_their_formulas():
    x = rng.standard_normal((4, 6)) * 2
    agree(lambda z: z.softmax(axis=1), lambda z: z.exp() / z.exp().sum(axis=1, keepdims=True), x)
    agree(
        lambda z: z.log_softmax(axis=0), lambda z: z - z.exp().sum(axis=0, keepdims=True).log(), x
    )
    agree(lambda z: z.logsumexp(axis=1), lambda z: z.exp().sum(axis=1).log(), x)


def test_bce_with_logits_equals_sigmoid_then_log_loss():
    y = (rng.random((8, 1)) > 0.5).astype(np.float64)
    agree(lambda z: F.binary_cross_entropy_with_logits(z, y),
          lambda z: -(y * z.sigmoid().log() + (1 - y) * (1 - z.sigmoid()).log()).mean(), rng.standard_normal((8, 1)))  # fmt: skip
