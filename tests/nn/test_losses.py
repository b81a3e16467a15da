import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.nn import functional as F

rng = np.random.default_rng(0)
PRED = rng.standard_normal((6, 3))
TARGET = rng.standard_normal((6, 3))
LOGITS = rng.standard_normal((6, 4)) * 2
CLASSES = np.array([0, 3, 1, 1, 2, 0])
ONE_HOT = np.eye(4)[CLASSES]
PROBS = rng.uniform(0.05, 0.95, (6, 1))
BINARY = (rng.random((6, 1)) > 0.5).astype(np.float64)


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _huber(e, delta=1.0):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * a**2, delta * (a - 0.5 * delta))


CASES = [
    ("mse", nn.MSELoss(), PRED, TARGET, lambda: np.mean((PRED - TARGET) ** 2)),
    ("l1", nn.L1Loss(), PRED, TARGET, lambda: np.mean(np.abs(PRED - TARGET))),
    ("huber", nn.HuberLoss(1.0), PRED * 2, TARGET, lambda: np.mean(_huber(PRED * 2 - TARGET))),
    ("bce", nn.BCELoss(), PROBS, BINARY,
     lambda: -np.mean(BINARY * np.log(PROBS) + (1 - BINARY) * np.log(1 - PROBS))),
    ("bce_logits", nn.BCEWithLogitsLoss(), PRED[:, :1], BINARY,
     lambda: np.mean(np.log1p(np.exp(-PRED[:, :1])) + (1 - BINARY) * PRED[:, :1])),
    ("cross_entropy", nn.CrossEntropyLoss(), LOGITS, CLASSES,
     lambda: -np.mean(_log_softmax(LOGITS)[np.arange(6), CLASSES])),
    ("cross_entropy_onehot", nn.CrossEntropyLoss(), LOGITS, ONE_HOT,
     lambda: -np.mean(_log_softmax(LOGITS)[np.arange(6), CLASSES])),
    ("nll", nn.NLLLoss(), _log_softmax(LOGITS), CLASSES,
     lambda: -np.mean(_log_softmax(LOGITS)[np.arange(6), CLASSES])),
    ("categorical", nn.CategoricalCrossentropy(), np.exp(_log_softmax(LOGITS)), ONE_HOT,
     lambda: -np.mean(_log_softmax(LOGITS)[np.arange(6), CLASSES])),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, loss_fn, prediction, target, reference", CASES, ids=[c[0] for c in CASES]
)
def test_losses_match_references_and_gradients(name, loss_fn, prediction, target, reference):
    value = loss_fn(prediction, target)
    np.testing.assert_allclose(value.item(), reference(), rtol=1e-6)
    # autograd API, float64 central differences
    p = gn.tensor(prediction, requires_grad=True)
    gn.gradcheck(lambda t: loss_fn(t, target), [p])
    # layer-level API: forward then backward() with no argument gives d loss / d prediction
    loss_fn.forward(prediction, target)
    by_hand = loss_fn.backward()
    loss_fn(p, target).backward()
    np.testing.assert_allclose(by_hand, p.grad, rtol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_reductions(reduction):
    per_sample = nn.MSELoss(reduction="none")(PRED, TARGET).numpy()
    value = nn.MSELoss(reduction=reduction)(PRED, TARGET).numpy()
    expected = {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]
    np.testing.assert_allclose(value, expected)
    ce = nn.CrossEntropyLoss(reduction=reduction)(LOGITS, CLASSES).numpy()
    ce_none = -_log_softmax(LOGITS)[np.arange(6), CLASSES]
    expected = {"mean": ce_none.mean(), "sum": ce_none.sum(), "none": ce_none}[reduction]
    np.testing.assert_allclose(ce, expected, rtol=1e-6)
    z = gn.tensor(LOGITS, requires_grad=True)
    gn.gradcheck(lambda t: F.cross_entropy(t, CLASSES, reduction=reduction), [z])


def test_label_smoothing_matches_its_definition():
    eps = 0.1
    smoothed = (1 - eps) * ONE_HOT + eps / 4
    expected = -np.mean(np.sum(smoothed * _log_softmax(LOGITS), axis=1))
    for target in (CLASSES, ONE_HOT):
        loss = nn.CrossEntropyLoss(label_smoothing=eps)(LOGITS, target)
        np.testing.assert_allclose(loss.item(), expected, rtol=1e-6)
    z = gn.tensor(LOGITS, requires_grad=True)
    gn.gradcheck(lambda t: F.cross_entropy(t, CLASSES, label_smoothing=eps), [z])


def test_soft_probability_targets():
    soft = np.exp(_log_softmax(rng.standard_normal((6, 4))))
    z = gn.tensor(LOGITS, requires_grad=True)
    gn.gradcheck(lambda t: F.cross_entropy(t, soft), [z])


def test_mismatched_shapes_are_errors_never_silent_broadcasts():
    with pytest.raises(
        gn.ShapeError, match=r"prediction has shape \(6, 1\) but target has shape \(6,\)"
    ):
        nn.MSELoss()(np.ones((6, 1)), np.ones(6))
    with pytest.raises(gn.ShapeError, match="class indices of shape"):
        nn.CrossEntropyLoss()(LOGITS, np.ones((6, 3)))
    with pytest.raises(ValueError, match=r"class targets must lie in \[0, 4\)"):
        nn.CrossEntropyLoss()(LOGITS, np.array([0, 1, 2, 3, 4, 0]))
    with pytest.raises(gn.ShapeError, match="nll_loss"):
        nn.NLLLoss()(LOGITS, ONE_HOT)
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")


def test_losses_are_stable_at_extreme_logits():
    z = gn.tensor([[1e4, -1e4], [-1e4, 1e4]], requires_grad=True)
    loss = F.cross_entropy(z, [1, 1]) + F.binary_cross_entropy_with_logits(z, np.ones((2, 2)))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(z.grad).all()
    assert np.isfinite(nn.BCELoss()(np.array([0.0, 1.0]), np.array([1.0, 0.0])).item())


def test_get_loss_by_name():
    assert isinstance(nn.get_loss("cross_entropy"), nn.CrossEntropyLoss)
    assert isinstance(nn.get_loss("mse"), nn.MSELoss)
    with pytest.raises(ValueError, match="unknown loss"):
        nn.get_loss("hinge-ish")
