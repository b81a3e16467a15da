"""nn.functional with PyTorch's names and signatures: values from NumPy, gradients checked."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.nn import functional as F

RNG = np.random.default_rng(0)


def leaf(array):
    return gn.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize(
    "mode, numpy_mode",
    [("constant", "constant"), ("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")],
)
def test_pad_takes_pytorch_order_last_axis_first(mode, numpy_mode):
    x = RNG.standard_normal((2, 3, 4))
    out = F.pad(gn.tensor(x), (1, 2, 2, 0), mode=mode)
    np.testing.assert_allclose(out.numpy(), np.pad(x, ((0, 0), (2, 0), (1, 2)), mode=numpy_mode))
    assert gn.gradcheck(lambda t: F.pad(t, (1, 2, 2, 0), mode=mode), [leaf(x)])


def test_pad_value_and_errors():
    assert F.pad(gn.zeros(1, 1), (1, 1), value=7.0).numpy().tolist() == [[7.0, 0.0, 7.0]]
    with pytest.raises(gn.ShapeError, match="pairs"):
        F.pad(gn.zeros(2), (1, 1, 1))
    with pytest.raises(ValueError, match="reflect padding"):
        F.pad(gn.zeros(1, 2), (2, 0), mode="reflect")
    with pytest.raises(ValueError, match="mode must be one of"):
        F.pad(gn.zeros(1, 2), (1, 0), mode="mirror")


def test_normalize_cosine_similarity_pairwise_distance():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(
        F.normalize(gn.tensor(a)).numpy(), a / np.linalg.norm(a, axis=1, keepdims=True)
    )
    np.testing.assert_allclose(
        F.normalize(gn.tensor(a), p=1, dim=0).numpy(), a / np.abs(a).sum(axis=0)
    )
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    np.testing.assert_allclose(F.cosine_similarity(gn.tensor(a), gn.tensor(b)).numpy(), cos)
    np.testing.assert_allclose(
        F.pairwise_distance(gn.tensor(a), gn.tensor(b)).numpy(),
        np.linalg.norm(a - b + 1e-6, axis=1),
    )
    assert gn.gradcheck(lambda x, y: F.cosine_similarity(x, y), [leaf(a), leaf(b)])
    assert gn.gradcheck(lambda x: F.normalize(x, dim=1), [leaf(a)])


def test_embedding_one_hot_dropout_linear():
    weight = leaf(RNG.standard_normal((5, 2)))
    out = F.embedding(np.array([[0, 4], [4, 1]]), weight, padding_idx=4)
    np.testing.assert_array_equal(out.numpy()[0, 1], weight.numpy()[4])
    out.sum().backward()
    np.testing.assert_array_equal(np.asarray(weight.grad)[:, 0], [1, 1, 0, 0, 0])
    with pytest.raises(NotImplementedError, match=r"max_norm|only input"):
        F.embedding(np.array([0]), weight, max_norm=1.0)
    assert F.one_hot(gn.tensor([[0, 2]]), 3).numpy().tolist() == [[[1, 0, 0], [0, 0, 1]]]
    assert (F.dropout(gn.ones(4), 0.5, training=False).numpy() == 1).all()
    w, b = RNG.standard_normal((2, 3)), RNG.standard_normal(2)
    x = RNG.standard_normal((4, 3))
    np.testing.assert_allclose(
        F.linear(gn.tensor(x), gn.tensor(w), gn.tensor(b)).numpy(), x @ w.T + b
    )


def test_regression_losses_with_pytorch_signatures():
    p, t = RNG.standard_normal(6), RNG.standard_normal(6)
    e = np.abs(p - t)
    assert F.mse_loss(p, t, reduction="sum").item() == pytest.approx(((p - t) ** 2).sum())
    assert F.mse_loss(p, t, reduce=False).shape == (6,)  # PyTorch's deprecated flags
    assert F.l1_loss(p, t, size_average=False).item() == pytest.approx(e.sum())
    beta = 0.4
    smooth = np.where(e < beta, 0.5 * e**2 / beta, e - beta / 2).mean()
    assert F.smooth_l1_loss(p, t, beta=beta).item() == pytest.approx(smooth)
    assert nn.SmoothL1Loss(beta=beta)(p, t).item() == pytest.approx(smooth)
    huber = np.where(e < 0.7, 0.5 * e**2, 0.7 * (e - 0.35)).sum()
    assert F.huber_loss(p, t, "sum", 0.7).item() == pytest.approx(huber)
    assert nn.HuberLoss("sum", 0.7)(p, t).item() == pytest.approx(huber)
    assert nn.HuberLoss(0.7, "sum")(p, t).item() == pytest.approx(huber)  # glassnet's old order
    assert gn.gradcheck(lambda a: F.smooth_l1_loss(a, t, beta=beta), [leaf(p)])


def test_kl_div_with_and_without_log_targets():
    q = RNG.random((3, 4))
    q /= q.sum(1, keepdims=True)
    target = RNG.random((3, 4))
    target /= target.sum(1, keepdims=True)
    target[0, 0] = 0.0  # 0 log 0 counts as 0
    pointwise = np.where(
        target > 0, target * (np.log(np.where(target > 0, target, 1)) - np.log(q)), 0
    )
    assert F.kl_div(np.log(q), target, reduction="batchmean").item() == pytest.approx(
        pointwise.sum() / 3
    )
    assert F.kl_div(np.log(q), target).item() == pytest.approx(pointwise.mean())
    t2 = target[1:]
    assert nn.KLDivLoss(reduction="sum", log_target=True)(np.log(q[1:]), np.log(t2)).item() == (
        pytest.approx((t2 * (np.log(t2) - np.log(q[1:]))).sum())
    )
    assert gn.gradcheck(lambda a: F.kl_div(a, target, reduction="batchmean"), [leaf(np.log(q))])


def test_binary_losses_weight_and_pos_weight():
    z, y = RNG.standard_normal((4, 3)), (RNG.random((4, 3)) > 0.5).astype(float)
    w, pos = RNG.random((4, 1)), np.array([1.0, 2.0, 3.0])
    s = 1 / (1 + np.exp(-z))
    expected = (w * -(pos * y * np.log(s) + (1 - y) * np.log(1 - s))).mean()
    loss = nn.BCEWithLogitsLoss(weight=w, pos_weight=pos)
    assert loss(z, y).item() == pytest.approx(expected)
    assert gn.gradcheck(lambda a: loss(a, y), [leaf(z)])
    bce = (w * -(y * np.log(s) + (1 - y) * np.log(1 - s))).sum()
    assert F.binary_cross_entropy(s, y, w, reduction="sum").item() == pytest.approx(bce)
    assert nn.BCELoss(weight=w, reduction="sum")(s, y).item() == pytest.approx(bce)
    with pytest.raises(gn.ShapeError, match="does not broadcast"):
        F.binary_cross_entropy(s, y, np.ones(5))


def test_cross_entropy_over_a_sequence_layout():
    logits = RNG.standard_normal((2, 5, 3))  # (B, V, T): classes on axis 1, as PyTorch
    target = RNG.integers(0, 5, (2, 3))
    per = -np.take_along_axis(
        logits - np.log(np.exp(logits).sum(1, keepdims=True)), target[:, None], axis=1
    )[:, 0]
    assert nn.CrossEntropyLoss()(logits, target).item() == pytest.approx(per.mean())
    flat = logits.transpose(0, 2, 1).reshape(-1, 5)  # (B*T, V)
    assert F.cross_entropy(flat, target.reshape(-1)).item() == pytest.approx(per.mean())
    with pytest.raises(TypeError, match="ignore_index= and reduction= by keyword"):
        nn.CrossEntropyLoss(None, -1)
