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


# ----------------------------------------------------------------- PyTorch options on the Modules
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])


def test_cross_entropy_loss_weight_and_ignore_index():
    loss_fn = nn.CrossEntropyLoss(weight=WEIGHT, ignore_index=1)
    kept = CLASSES != 1
    picked = -_log_softmax(LOGITS)[np.arange(6), CLASSES] * WEIGHT[CLASSES] * kept
    expected = picked.sum() / (WEIGHT[CLASSES] * kept).sum()
    np.testing.assert_allclose(loss_fn(LOGITS, CLASSES).item(), expected, rtol=1e-10)
    z = gn.tensor(LOGITS, requires_grad=True)
    assert gn.gradcheck(lambda t: loss_fn(t, CLASSES), [z])
    assert "weight=[0.5, 2.0, 1.0, 3.0]" in repr(loss_fn) and "ignore_index=1" in repr(loss_fn)
    with pytest.raises(TypeError, match="reduction='sum'"):
        nn.CrossEntropyLoss("sum")  # reduction is no longer the first argument


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_weight_ignore_index_and_extra_axes(reduction):
    log_p = _log_softmax(LOGITS)
    loss_fn = nn.NLLLoss(weight=WEIGHT, ignore_index=0, reduction=reduction)
    kept = CLASSES != 0
    per = -log_p[np.arange(6), CLASSES] * WEIGHT[CLASSES] * kept
    expected = {"mean": per.sum() / (WEIGHT[CLASSES] * kept).sum(), "sum": per.sum(), "none": per}
    np.testing.assert_allclose(loss_fn(log_p, CLASSES).numpy(), expected[reduction], rtol=1e-10)
    p = gn.tensor(log_p, requires_grad=True)
    assert gn.gradcheck(lambda t: loss_fn(t, CLASSES), [p])
    # (N, C, T) log-probabilities with (N, T) classes: the same as the (N*T, C) rows
    seq = _log_softmax(rng.standard_normal((2, 4, 3)))
    classes = np.array([[0, 1, 3], [2, 2, 0]])
    flat = np.moveaxis(seq, 1, -1).reshape(-1, 4)
    out = F.nll_loss(seq, classes, reduction, weight=WEIGHT, ignore_index=0)
    ref = F.nll_loss(flat, classes.reshape(-1), reduction, weight=WEIGHT, ignore_index=0).numpy()
    np.testing.assert_allclose(out.numpy(), ref.reshape(out.shape), rtol=1e-12)
    assert gn.gradcheck(
        lambda t: F.nll_loss(t, classes, reduction, weight=WEIGHT, ignore_index=0),
        [gn.tensor(seq, requires_grad=True)],
    )


def test_nll_loss_all_ignored_is_nan_with_zero_gradient():
    p = gn.tensor(_log_softmax(LOGITS), requires_grad=True)
    loss = F.nll_loss(p, np.full(6, -100))
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(p.grad, np.zeros((6, 4)))


# ----------------------------------------------------------------- Keras' names take probabilities
PROBABILITIES = np.exp(_log_softmax(LOGITS))  # what a model ending in Softmax outputs


def test_keras_names_take_probabilities_and_pytorch_names_logits():
    expected = -np.mean(np.log(PROBABILITIES[np.arange(6), CLASSES]))
    sparse = nn.get_loss("sparse_categorical_crossentropy")
    assert isinstance(sparse, nn.SparseCategoricalCrossentropy)
    np.testing.assert_allclose(sparse(PROBABILITIES, CLASSES).item(), expected, rtol=1e-7)
    categorical = nn.get_loss("categorical_crossentropy")
    np.testing.assert_allclose(categorical(PROBABILITIES, ONE_HOT).item(), expected, rtol=1e-7)
    binary = nn.get_loss("binary_crossentropy")
    assert isinstance(binary, nn.BinaryCrossentropy)
    bce = -np.mean(BINARY * np.log(PROBS) + (1 - BINARY) * np.log(1 - PROBS))
    np.testing.assert_allclose(binary(PROBS, BINARY).item(), bce, rtol=1e-7)
    # the PyTorch names read the same numbers as logits
    np.testing.assert_allclose(nn.get_loss("cross_entropy")(LOGITS, CLASSES).item(), expected)
    logits_bce = nn.get_loss("bce_with_logits")(np.log(PROBS / (1 - PROBS)), BINARY).item()
    np.testing.assert_allclose(logits_bce, bce, rtol=1e-7)


def test_keras_losses_from_logits_equal_the_logits_losses():
    for loss_fn, target in [
        (nn.get_loss("sparse_categorical_crossentropy", from_logits=True), CLASSES),
        (nn.CategoricalCrossentropy(from_logits=True), ONE_HOT),
    ]:
        np.testing.assert_allclose(
            loss_fn(LOGITS, target).item(), F.cross_entropy(LOGITS, CLASSES).item(), rtol=1e-10
        )
        np.testing.assert_allclose(loss_fn.predictions(LOGITS), PROBABILITIES, rtol=1e-10)
        assert gn.gradcheck(
            lambda t, f=loss_fn, y=target: f(t, y), [gn.tensor(LOGITS, requires_grad=True)]
        )
    binary = nn.BinaryCrossentropy(from_logits=True)
    z = PRED[:, :1]
    np.testing.assert_allclose(
        binary(z, BINARY).item(), F.binary_cross_entropy_with_logits(z, BINARY).item()
    )
    np.testing.assert_allclose(binary.predictions(z), 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize(
    "loss_fn, target",
    [(nn.SparseCategoricalCrossentropy(), CLASSES), (nn.CategoricalCrossentropy(), ONE_HOT)],
    ids=["sparse", "categorical"],
)
def test_keras_probability_losses_clip_and_normalise_like_keras(loss_fn, target):
    # a probability of 0 for the true class costs -log(1e-7), finite, with a finite gradient
    p = np.eye(4)[(CLASSES + 1) % 4]
    np.testing.assert_allclose(loss_fn(p, target).item(), -np.log(1e-7), rtol=1e-6)
    t = gn.tensor(p, requires_grad=True)
    loss_fn(t, target).backward()
    assert np.isfinite(t.grad).all()
    # scores that do not sum to 1 are scaled first, as Keras does
    np.testing.assert_allclose(
        loss_fn(3 * PROBABILITIES, target).item(), loss_fn(PROBABILITIES, target).item()
    )
    assert gn.gradcheck(
        lambda a: loss_fn(a, target), [gn.tensor(PROBABILITIES, requires_grad=True)]
    )
    assert loss_fn.predictions(PROBABILITIES) is PROBABILITIES  # metrics see them as they are


def test_keras_losses_classes_last_on_sequences():
    probabilities = np.exp(_log_softmax(rng.standard_normal((2, 3, 4)).reshape(-1, 4))).reshape(
        2, 3, 4
    )  # (N, T, C)
    classes = np.array([[0, 1, 3], [2, 2, 0]])
    expected = -np.mean(np.log(np.take_along_axis(probabilities, classes[..., None], -1)))
    sparse = F.sparse_categorical_crossentropy(probabilities, classes)
    np.testing.assert_allclose(sparse.item(), expected, rtol=1e-7)
    one_hot = np.eye(4)[classes]
    np.testing.assert_allclose(F.categorical_crossentropy(probabilities, one_hot).item(), expected)
    logits = np.log(probabilities)
    np.testing.assert_allclose(
        F.sparse_categorical_crossentropy(logits, classes, from_logits=True).item(), expected
    )
    np.testing.assert_allclose(
        F.categorical_crossentropy(logits, one_hot, from_logits=True).item(), expected
    )


def test_loss_attributes_for_the_trainer():
    assert nn.SparseCategoricalCrossentropy.takes_class_indices
    assert not nn.CategoricalCrossentropy.takes_class_indices
    assert not nn.BinaryCrossentropy.takes_class_indices
    assert nn.CrossEntropyLoss.takes_class_indices and nn.NLLLoss.takes_class_indices
    np.testing.assert_allclose(nn.CrossEntropyLoss().predictions(LOGITS), PROBABILITIES)
    np.testing.assert_allclose(nn.NLLLoss().predictions(_log_softmax(LOGITS)), PROBABILITIES)
    assert nn.BinaryCrossentropy().predictions(PROBS) is PROBS


def test_one_hot_is_int64_and_keeps_axes():
    out = F.one_hot(np.array([[0, 2], [1, 1]]))
    assert isinstance(out, gn.Tensor) and out.dtype == np.int64 and out.shape == (2, 2, 3)
    assert out.tolist() == [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0]]]
    assert F.one_hot(gn.tensor([3]), num_classes=5).tolist() == [[0, 0, 0, 1, 0]]
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        F.one_hot(np.array([0, 2]), 2)
    with pytest.raises(TypeError, match="integer"):
        F.one_hot(np.array([0.0]))


# ----------------------------------------------------------------- BCE on probabilities as torch's
def test_bce_clamps_the_log_at_minus_100_like_torch():
    # p = 1e-9 for a positive: -log(1e-9) = 20.7 (clipping p to 1e-7 first gave 16.1)
    p = np.array([1e-9, 0.0, 1.0, 0.3])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    expected = [-np.log(1e-9), 100.0, 100.0, -np.log(0.7)]
    np.testing.assert_allclose(F.binary_cross_entropy(p, y, "none").numpy(), expected)
    t = gn.tensor(p, requires_grad=True)
    F.binary_cross_entropy(t, y, "sum").backward()
    # (p - y) / max(p (1 - p), 1e-12): finite even at p = 0 and p = 1
    np.testing.assert_allclose(t.grad, [(1e-9 - 1) / (1e-9 * (1 - 1e-9)), -1e12, 1e12, 1 / 0.7])


def test_bce_gradients_for_probabilities_and_soft_targets():
    p = gn.tensor(PROBS, requires_grad=True)
    y = gn.tensor(rng.uniform(0, 1, PROBS.shape), requires_grad=True)
    assert gn.gradcheck(lambda a, b: F.binary_cross_entropy(a, b), [p, y])
    assert gn.gradcheck(lambda a, b: nn.BinaryCrossentropy()(a, b), [p, y])


def test_bce_refuses_values_outside_0_1():
    with pytest.raises(ValueError, match="must lie in"):
        nn.BCELoss()(np.array([1.5, 0.2]), np.array([1.0, 0.0]))


def test_keras_binary_crossentropy_clips_at_1e_7():
    value = nn.BinaryCrossentropy()(np.array([0.0]), np.array([1.0])).item()
    np.testing.assert_allclose(value, -np.log(1e-7), rtol=1e-6)
