import numpy as np
import pytest

from glassnet import metrics


def test_accuracy_accepts_labels_one_hot_scores_and_probabilities():
    y = np.array([0, 2, 1, 1])
    scores = np.array([[5, 1, 0], [0, 1, 3], [0, 2, 1], [3, 0, 0]], dtype=float)
    assert metrics.accuracy(y, scores) == 0.75
    assert metrics.accuracy(np.eye(3)[y], scores) == 0.75
    assert metrics.accuracy(y, [0, 2, 1, 0]) == 0.75
    assert metrics.accuracy([1, 0, 1], np.array([[0.9], [0.2], [0.4]])) == pytest.approx(2 / 3)
    assert metrics.accuracy([1, 0, 1], [0.9, 0.2, 0.4], threshold=0.3) == 1.0


def test_top_k_accuracy():
    scores = np.array([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]])
    assert metrics.top_k_accuracy([2, 1], scores, k=1) == 0.0
    assert metrics.top_k_accuracy([2, 1], scores, k=2) == 1.0


def test_confusion_matrix_precision_recall_f1_by_hand():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    cm = metrics.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    # per class precision: 1/1, 2/3, 1/2; recall: 1/2, 2/3, 1/1
    assert metrics.precision(y_true, y_pred) == pytest.approx((1 + 2 / 3 + 1 / 2) / 3)
    assert metrics.recall(y_true, y_pred) == pytest.approx((1 / 2 + 2 / 3 + 1) / 3)
    f1s = [2 * 1 / (1 + 2), 2 * 2 / (3 + 3), 2 * 1 / (2 + 1)]
    assert metrics.f1(y_true, y_pred) == pytest.approx(np.mean(f1s))
    assert metrics.confusion_matrix([0], [0], num_classes=3).shape == (3, 3)


def test_regression_metrics():
    t = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([1.5, 2.0, 2.0, 4.0])
    assert metrics.mse(t, p) == pytest.approx((0.25 + 0 + 1 + 0) / 4)
    assert metrics.mae(t, p) == pytest.approx(1.5 / 4)
    assert metrics.rmse(t, p) == pytest.approx(np.sqrt(1.25 / 4))
    assert metrics.r2(t, p) == pytest.approx(1 - 1.25 / 5.0)
    assert metrics.r2(t, t.reshape(-1, 1)) == 1.0


def test_metrics_by_name():
    assert metrics.get("accuracy") is metrics.accuracy
    assert metrics.get("ACC") is metrics.accuracy
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.get("auc-ish")


SCORES = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])  # two classes


@pytest.mark.parametrize(
    "metric, y_true, y_pred, message",
    [
        (metrics.accuracy, [0, 1], [0, 1, 1], "accuracy: 2 true labels but 3 predictions"),
        (metrics.accuracy, [], [], r"accuracy: y_true must hold one entry per sample, got no"),
        (metrics.accuracy, 1, 1, "accuracy: y_true must hold one entry per sample, got a scalar"),
        (metrics.accuracy, [0, 2, 1], SCORES, "labels from 0 to 2 but y_pred scores only 2"),
        (metrics.accuracy, np.eye(3), np.eye(2)[[0, 1, 1]], "one-hot rows of 3 classes"),
        (metrics.accuracy, np.zeros((2, 2, 2)), [0, 1], r"shape \(2, 2, 2\); expected"),
        (metrics.top_k_accuracy, [0, 1], SCORES, "top_k_accuracy: 2 true labels but 3"),
        (metrics.top_k_accuracy, [0, 1, 1], [0.2, 0.3, 0.1], r"scores must be \(N, classes\)"),
        (metrics.top_k_accuracy, [0, 5, 1], SCORES, "labels from 0 to 5"),
        (metrics.confusion_matrix, [0, 1, 1], [0, 1], "confusion_matrix: 3 true labels but 2"),
        (metrics.confusion_matrix, [0, -1], [0, 1], "labels must not be negative, got -1"),
        (metrics.confusion_matrix, [], [], "confusion_matrix: y_true must hold one entry"),
        (metrics.precision, [0, 1], [0], "confusion_matrix: 2 true labels but 1 predictions"),
        (metrics.mse, [1.0, 2.0], [1.0], r"mse: y_true has shape \(2,\) but y_pred has shape"),
        (metrics.mae, [], [], "mae: y_true must hold one entry per sample"),
        (metrics.rmse, np.ones((3, 2)), np.ones(6), r"rmse: y_true has shape \(3, 2\)"),
        (metrics.r2, [], [], "r2: y_true must hold one entry per sample, got no samples"),
        (metrics.r2, [1.0, 2.0, 3.0], [1.0, 2.0], r"r2: y_true has shape \(3,\)"),
    ],
)
def test_bad_inputs_are_named_errors(metric, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        metric(y_true, y_pred)


def test_top_k_needs_a_positive_k():
    for k in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="k must be a positive int"):
            metrics.top_k_accuracy([0, 1, 1], SCORES, k=k)


def test_confusion_matrix_refuses_labels_outside_num_classes():
    # t * n + p used to count the prediction 4 for class 0 in the cell of (1, 1)
    with pytest.raises(ValueError, match=r"label 4 is outside range\(num_classes=3\)"):
        metrics.confusion_matrix([0, 1], [4, 1], num_classes=3)


def test_r2_of_constant_targets_follows_scikit_learn():
    assert metrics.r2([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert metrics.r2([2.0, 2.0, 2.0], [2.0, 2.5, 2.0]) == 0.0
    assert metrics.r2([[1.0], [2.0]], [1.0, 2.0]) == 1.0  # a column and a vector compare
