"""Bad inputs to train_test_split and the scalers are named errors, never silent nonsense."""

import numpy as np
import pytest

from glassnet.data import MinMaxScaler, StandardScaler, train_test_split


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        (dict(X=np.zeros((0, 2))), ValueError, r"train_test_split: X is empty \(shape \(0, 2\)\)"),
        (dict(X=5.0), ValueError, "train_test_split: X must hold samples"),
        (dict(X=np.arange(5), y=np.arange(6)), ValueError, "X has 5 samples but y has 6"),
        (dict(X=np.arange(10), test_size=float("nan")), ValueError, "test_size=nan of 10 samples"),
        (dict(X=np.arange(10), test_size=1.5), ValueError, "leaves no train or test data"),
        (dict(X=np.arange(10), test_size=-2), ValueError, "leaves no train or test data"),
        (dict(X=np.arange(10), test_size="0.2"), TypeError, "test_size must be a number"),
        (dict(X=np.arange(10), test_size=True), TypeError, "test_size must be a number"),
        (
            dict(X=np.arange(10), stratify=np.arange(9) % 2),
            ValueError,
            "X has 10 samples but stratify has 9",
        ),
        (
            dict(X=np.arange(10), stratify=np.eye(2)[np.arange(10) % 2]),
            ValueError,
            r"stratify must hold one label per sample, got shape \(10, 2\)",
        ),
    ],
)
def test_bad_split_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        train_test_split(**arguments)


def test_a_stratified_split_has_exactly_the_requested_size_never_an_empty_part():
    y = np.repeat(np.arange(5), 2)  # 5 classes of 2: each class's share of 1 rounds to 0
    X_tr, X_te, _, _ = train_test_split(np.arange(10), y, test_size=0.1, rng=0, stratify=y)
    assert len(X_te) == 1 and len(X_tr) == 9
    y = np.array([0] * 7 + [1] * 7 + [2] * 7)  # shares of 4 are 1.33 each: rounding gives 3
    _, X_te, _, y_te = train_test_split(np.arange(21), y, test_size=4, rng=0, stratify=y)
    assert len(X_te) == 4 and sorted(np.bincount(y_te).tolist()) == [1, 1, 2]
    y = np.array([0] * 5 + [1] * 5)  # shares of 9 are 4.5 each: rounding gives 8
    X_tr, X_te, *_ = train_test_split(np.arange(10), y, test_size=9, rng=0, stratify=y)
    assert len(X_te) == 9 and len(X_tr) == 1


def test_split_keeps_nan_for_later_imputation():
    X = np.array([[np.nan], [1.0], [2.0], [3.0]])
    X_tr, X_te = train_test_split(X, test_size=2, rng=0)
    assert np.isnan(np.concatenate([X_tr, X_te])).sum() == 1


@pytest.mark.parametrize("scaler", [StandardScaler(), MinMaxScaler()], ids=["standard", "minmax"])
def test_scalers_refuse_what_they_would_get_silently_wrong(scaler):
    name = type(scaler).__name__
    with pytest.raises(RuntimeError, match=rf"{name}.transform: call fit\(\) first"):
        scaler.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match=rf"{name}.fit: X is empty"):
        scaler.fit(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=rf"{name}.fit: X holds NaN or inf \(first at sample 1\)"):
        scaler.fit(np.array([[1.0, 2.0], [np.nan, 0.0]]))
    scaler.fit(np.random.default_rng(0).normal(size=(20, 3)))
    with pytest.raises(ValueError, match=r"X has samples of shape \(1,\) but .* shape \(3,\)"):
        scaler.transform(np.ones((4, 1)))  # NumPy would broadcast this into 3 columns
    with pytest.raises(ValueError, match=rf"{name}.inverse_transform: X has samples of shape"):
        scaler.inverse_transform(np.ones((4, 2)))
    assert scaler.transform(np.ones((4, 3))).shape == (4, 3)


def test_min_max_range_must_be_increasing():
    with pytest.raises(ValueError, match=r"feature_range needs low < high, got \(1, 0\)"):
        MinMaxScaler((1, 0))
    with pytest.raises(ValueError, match=r"feature_range\[1\] must be a finite number"):
        MinMaxScaler((0.0, float("nan")))
    with pytest.raises(TypeError, match=r"feature_range must be a pair \(low, high\)"):
        MinMaxScaler(1.0)
