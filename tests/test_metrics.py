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
