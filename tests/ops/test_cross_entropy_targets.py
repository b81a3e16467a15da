"""cross_entropy as torch.nn.functional.cross_entropy: index and probability targets, class
weights, ignore_index, label smoothing, every reduction, (N, C, d1, ...) logits.

References are the definitions written out in NumPy (float64); gradients are checked against
float64 central differences with gn.gradcheck, for the logits and for a probability target.
"""

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn import functional as F

rng = np.random.default_rng(7)
N, C = 6, 4
LOGITS = rng.standard_normal((N, C)) * 2
CLASSES = np.array([0, 3, 1, 1, 2, 0])
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])
SOFT = rng.dirichlet(np.ones(C), N)
UNNORMALISED = rng.uniform(0.0, 1.5, (N, C))  # rows do not sum to 1


def log_softmax(z, axis=1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def reference_index(z, y, weight=None, ignore_index=-100, reduction="mean", eps=0.0):
    """The definition for (M, C) logits and (M,) class indices."""
    log_p = log_softmax(z)
    w = np.ones(z.shape[1]) if weight is None else weight
    kept = y != ignore_index
    y_safe = np.where(kept, y, 0)
    nll = -w[y_safe] * log_p[np.arange(len(y)), y_safe] * kept
    smooth = -(log_p * w).sum(axis=1) * kept
    losses = (1 - eps) * nll + eps / z.shape[1] * smooth
    if reduction == "mean":
        return losses.sum() / (w[y_safe] * kept).sum()
    return losses.sum() if reduction == "sum" else losses


def reference_probabilities(z, t, weight=None, reduction="mean", eps=0.0):
    w = np.ones(z.shape[1]) if weight is None else weight
    q = (1 - eps) * t + eps / z.shape[1]
    losses = -(q * w * log_softmax(z)).sum(axis=1)
    if reduction == "mean":
        return losses.sum() / len(z)
    return losses.sum() if reduction == "sum" else losses


REDUCTIONS = ["mean", "sum", "none"]
OPTIONS = [
    {},
    {"weight": WEIGHT},
    {"ignore_index": 3},
    {"ignore_index": 0, "weight": WEIGHT},
    {"label_smoothing": 0.2},
    {"label_smoothing": 0.3, "weight": WEIGHT, "ignore_index": 1},
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_index_targets_match_the_definition(options, reduction):
    expected = reference_index(
        LOGITS,
        CLASSES,
        options.get("weight"),
        options.get("ignore_index", -100),
        reduction,
        options.get("label_smoothing", 0.0),
    )
    smoothing = options.get("label_smoothing", 0.0)
    kwargs = {k: v for k, v in options.items() if k != "label_smoothing"}
    out = F.cross_entropy(LOGITS, CLASSES, reduction, smoothing, **kwargs)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    z = gn.tensor(LOGITS, requires_grad=True)
    assert gn.gradcheck(lambda t: F.cross_entropy(t, CLASSES, reduction, smoothing, **kwargs), [z])


def test_index_target_mean_divides_by_the_weights_of_the_targets_by_hand():
    z = np.zeros((2, 4))  # every class has probability 1/4
    weight = [1.0, 2.0, 3.0, 4.0]
    # losses 2 log 4 and 4 log 4; the mean divides by 2 + 4, not by 2
    assert F.cross_entropy(z, [1, 3], weight=weight).item() == pytest.approx(np.log(4))
    assert F.cross_entropy(z, [1, 3], "sum", weight=weight).item() == pytest.approx(6 * np.log(4))
    # an ignored sample counts neither in the sum nor in the mean's denominator
    assert F.cross_entropy(z, [1, -100], weight=weight).item() == pytest.approx(np.log(4))
    per_sample = F.cross_entropy(z, [1, 0], "none", ignore_index=0, weight=weight)
    np.testing.assert_allclose(per_sample.numpy(), [2 * np.log(4), 0.0])


def test_all_targets_ignored_mean_is_nan_and_gradient_zero():
    z = gn.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(z, np.full(N, -100))
    assert np.isnan(loss.item())  # 0 / 0, as PyTorch
    loss.backward()
    np.testing.assert_array_equal(z.grad, np.zeros((N, C)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target", [SOFT, UNNORMALISED], ids=["soft", "unnormalised"])
@pytest.mark.parametrize("options", [{}, {"weight": WEIGHT}, {"label_smoothing": 0.25},
                                     {"weight": WEIGHT, "label_smoothing": 0.1}],
                         ids=["plain", "weight", "smoothing", "weight+smoothing"])  # fmt: skip
def test_probability_targets_values_and_both_gradients(options, target, reduction):
    smoothing = options.get("label_smoothing", 0.0)
    weight = options.get("weight")
    expected = reference_probabilities(LOGITS, target, weight, reduction, smoothing)
    out = F.cross_entropy(LOGITS, target, reduction, smoothing, weight=weight)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    z = gn.tensor(LOGITS, requires_grad=True)
    t = gn.tensor(target, requires_grad=True)
    assert gn.gradcheck(
        lambda a, b: F.cross_entropy(a, b, reduction, smoothing, weight=weight), [z, t]
    )


def test_unnormalised_target_gradients_by_hand():
    # z = 0 so softmax = (1/2, 1/2); target (1, 1) sums to 2: loss = 2 log 2, and the logits
    # gradient is softmax * sum(target) - target = 0 (softmax - target would give -1/2 each)
    z = gn.tensor([[0.0, 0.0]], requires_grad=True)
    t = gn.tensor([[1.0, 1.0]], requires_grad=True)
    loss = F.cross_entropy(z, t)
    assert loss.item() == pytest.approx(2 * np.log(2))
    loss.backward()
    np.testing.assert_allclose(z.grad, [[0.0, 0.0]], atol=1e-7)
    np.testing.assert_allclose(t.grad, [[np.log(2), np.log(2)]], rtol=1e-6)  # -log softmax


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": WEIGHT, "ignore_index": 2},
                                     {"label_smoothing": 0.1}],
                         ids=["plain", "weight+ignore", "smoothing"])  # fmt: skip
def test_class_axis_one_with_extra_axes_matches_the_flattened_case(options, reduction):
    # (B, C, T) logits and (B, T) classes, as a sequence model gives them; and (B, C, H, W)
    for shape in [(2, C, 5), (2, C, 3, 2)]:
        logits = rng.standard_normal(shape)
        classes = rng.integers(0, C, (shape[0], *shape[2:]))
        flat_logits = np.moveaxis(logits, 1, -1).reshape(-1, C)
        smoothing = options.get("label_smoothing", 0.0)
        expected = reference_index(
            flat_logits,
            classes.reshape(-1),
            options.get("weight"),
            options.get("ignore_index", -100),
            reduction,
            smoothing,
        )
        kwargs = {k: v for k, v in options.items() if k != "label_smoothing"}
        out = F.cross_entropy(logits, classes, reduction, smoothing, **kwargs)
        if reduction == "none":
            expected = expected.reshape(classes.shape)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
        z = gn.tensor(logits, requires_grad=True)
        assert gn.gradcheck(
            lambda a, c=classes, s=smoothing, k=kwargs: F.cross_entropy(a, c, reduction, s, **k),
            [z],
        )


def test_probability_targets_with_extra_axes_and_one_sample():
    logits = rng.standard_normal((2, C, 3))
    target = rng.dirichlet(np.ones(C), (2, 3)).transpose(0, 2, 1)  # (2, C, 3)
    flat = np.moveaxis(logits, 1, -1).reshape(-1, C), np.moveaxis(target, 1, -1).reshape(-1, C)
    out = F.cross_entropy(logits, target, "none")
    np.testing.assert_allclose(
        out.numpy(), reference_probabilities(*flat, None, "none").reshape(2, 3)
    )
    z, t = gn.tensor(logits, requires_grad=True), gn.tensor(target, requires_grad=True)
    assert gn.gradcheck(lambda a, b: F.cross_entropy(a, b), [z, t])
    # unbatched: (C,) logits with a scalar class, as PyTorch accepts
    one = F.cross_entropy(LOGITS[1], np.int64(3), "none")
    assert one.shape == ()
    assert one.item() == pytest.approx(-log_softmax(LOGITS[1:2])[0, 3])


def test_sequence_model_reshaped_call_equals_class_axis_call():
    logits = rng.standard_normal((3, 5, 4))  # (B, V, T)
    classes = rng.integers(0, 5, (3, 4))
    classes[0, 1] = -100
    z1 = gn.tensor(logits, requires_grad=True)
    z2 = gn.tensor(logits, requires_grad=True)
    F.cross_entropy(z1, classes).backward()
    F.cross_entropy(z2.permute(0, 2, 1).reshape(-1, 5), classes.reshape(-1)).backward()
    np.testing.assert_allclose(z1.grad, z2.grad, rtol=1e-12)


def test_errors_name_the_problem():
    with pytest.raises(gn.ShapeError, match=r"weight must have shape \(4,\)"):
        F.cross_entropy(LOGITS, CLASSES, weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="ignore_index is only for class-index targets"):
        F.cross_entropy(LOGITS, SOFT, ignore_index=0)
    with pytest.raises(gn.ShapeError, match=r"class indices of shape \(2, 5\)"):
        F.cross_entropy(np.zeros((2, 3, 5)), np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(gn.ShapeError, match="class indices"):
        F.cross_entropy(LOGITS, CLASSES.astype(np.float64))  # float indices: not silently cast
    with pytest.raises(ValueError, match=r"class targets must lie in \[0, 4\)"):
        F.cross_entropy(LOGITS, [0, 1, 2, 3, 4, -1], ignore_index=-1)
    with pytest.raises(ValueError, match=r"class targets must lie in \[0, 4\)"):
        F.cross_entropy(LOGITS, [0, 1, 2, 3, -1, 0])
    with pytest.raises(ValueError, match="weight="):
        F.cross_entropy(LOGITS, CLASSES, WEIGHT)  # PyTorch's positional weight
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(LOGITS, CLASSES, label_smoothing=1.5)
    with pytest.raises(gn.ShapeError, match="class axis"):
        F.cross_entropy(np.float64(1.0), np.int64(0))


def test_plain_index_targets_stay_one_fused_node():
    z = gn.tensor(LOGITS, requires_grad=True)
    assert F.cross_entropy(z, CLASSES).grad_fn.name() == "CrossEntropyOp"
    soft = F.cross_entropy(z, SOFT)
    assert soft.grad_fn.name() == "SoftTargetCrossEntropyOp"
