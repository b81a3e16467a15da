import numpy as np
import pytest

import glassnet as gn
from glassnet.data import MinMaxScaler, OneHotEncoder, StandardScaler, to_one_hot, train_test_split


def test_one_hot_encoder_round_trip_with_strings_and_ints():
    labels = np.array(["b", "a", "c", "a"])
    enc = OneHotEncoder().fit(labels)
    encoded = enc(labels)
    np.testing.assert_array_equal(encoded, [[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(enc.inverse_transform(encoded), labels)
    ints = OneHotEncoder().fit([10, 30, 20])
    np.testing.assert_array_equal(ints.transform([30]), [[0, 0, 1]])
    with pytest.raises(ValueError, match=r"not seen in fit\(\): \['z'\]"):
        enc.transform(["a", "z"])
    with pytest.raises(RuntimeError, match="fit"):
        OneHotEncoder().transform([1])


def test_to_one_hot():
    np.testing.assert_array_equal(to_one_hot([1, 0, 2]), np.eye(3)[[1, 0, 2]])
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        to_one_hot([0, 2], num_classes=2)


def test_scalers_fit_transform_and_invert():
    X = np.random.default_rng(0).normal(5, 3, (50, 3))
    X[:, 2] = 7.0  # a constant column must not divide by zero
    for scaler in (StandardScaler(), MinMaxScaler((-1, 1))):
        Z = scaler.fit_transform(X)
        assert np.isfinite(Z).all()
        np.testing.assert_allclose(scaler.inverse_transform(Z), X)
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1)
    M = MinMaxScaler().fit_transform(X)
    np.testing.assert_allclose([M[:, :2].min(), M[:, :2].max()], [0, 1])


def test_train_test_split_sizes_disjointness_and_reproducibility():
    X, y = np.arange(100), np.arange(100) % 2
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, rng=1)
    np.testing.assert_array_equal(y_te, X_te % 2)
    assert len(X_te) == 30 and len(X_tr) == 70
    assert set(X_tr).isdisjoint(X_te) and set(X_tr) | set(X_te) == set(range(100))
    np.testing.assert_array_equal(y_tr, X_tr % 2)
    np.testing.assert_array_equal(train_test_split(X, y, 0.3, rng=1)[1], X_te)
    assert len(train_test_split(X, test_size=10)) == 2


def test_stratified_split_keeps_class_shares():
    y = np.array([0] * 80 + [1] * 20)
    _, _, y_tr, y_te = train_test_split(np.arange(100), y, test_size=0.25, rng=0, stratify=y)
    assert np.bincount(y_te).tolist() == [20, 5] and np.bincount(y_tr).tolist() == [60, 15]


def test_split_errors():
    with pytest.raises(ValueError, match="leaves no"):
        train_test_split(np.arange(5), test_size=0.0)
    with pytest.raises(ValueError, match="5 samples but y has 4"):
        train_test_split(np.arange(5), np.arange(4))


def test_to_one_hot_keeps_the_label_axes():
    labels = np.array([[0, 2, 1], [1, 1, 0]])  # (N, T) -> (N, T, C), as torch's one_hot
    out = to_one_hot(labels)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out[0], [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(out[1], [[0, 1, 0], [0, 1, 0], [1, 0, 0]])
    assert to_one_hot(np.zeros((2, 4, 5), dtype=np.int64), 3).shape == (2, 4, 5, 3)
    np.testing.assert_array_equal(to_one_hot(np.int64(1), 3), [0, 1, 0])
    assert to_one_hot(np.zeros((0,), dtype=np.int64), 4).shape == (0, 4)


def test_to_one_hot_errors():
    with pytest.raises(ValueError, match="num_classes"):
        to_one_hot(np.zeros((0,), dtype=np.int64))
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        to_one_hot([[0, 2]], 2)
    with pytest.raises(TypeError, match="integer"):
        to_one_hot([0.0, 1.0])


def test_to_one_hot_with_many_classes_allocates_only_the_output():
    out = to_one_hot([3, 1], num_classes=10**7, dtype=np.uint8)  # np.eye built 10^14 first
    assert out.shape == (2, 10**7) and out.sum() == 2 and out[0, 3] == 1 and out[1, 1] == 1
    np.testing.assert_array_equal(to_one_hot([1, 0], -1), [[0, 1], [1, 0]])  # -1: infer


@pytest.mark.parametrize(
    "num_classes, error, message",
    [
        (2.5, TypeError, r"to_one_hot: num_classes must be an int, got float 2.5"),
        ("3", TypeError, r"num_classes must be an int, got str"),
        (-2, ValueError, r"num_classes must be an int >= -1, got -2"),
    ],
)
def test_to_one_hot_refuses_bad_num_classes(num_classes, error, message):
    with pytest.raises(error, match=message):
        to_one_hot([0, 1], num_classes)


def test_scalers_and_encoder_refuse_use_before_fit_and_wrong_widths():
    for scaler in (StandardScaler(), MinMaxScaler()):
        with pytest.raises(
            RuntimeError, match=rf"{type(scaler).__name__}\.\w+: call fit\(\) first"
        ):
            scaler.transform(np.ones((2, 3)))  # an AttributeError before
        scaler.fit(np.arange(6.0).reshape(3, 2))
        with pytest.raises(
            gn.ShapeError, match=r"shape \(3,\) but the scaler was fitted on .*\(2,\)"
        ):
            scaler.transform(np.ones((2, 3)))
        with pytest.raises(gn.ShapeError, match=r"inverse_transform: X has samples of shape \(\)"):
            scaler.inverse_transform(np.ones(3))
    encoder = OneHotEncoder().fit(["a", "b"])
    with pytest.raises(gn.ShapeError, match=r"rows must have 2 entries .* got shape \(1, 3\)"):
        encoder.inverse_transform([[0.1, 0.2, 0.7]])  # an IndexError (or a wrong label) before


@pytest.mark.parametrize(
    "feature_range, error",
    [((1.0, 0.0), ValueError), ((0.0, 0.0), ValueError), ("ab", TypeError), ((0, "1"), TypeError)],
)
def test_min_max_scaler_refuses_bad_ranges(feature_range, error):
    with pytest.raises(error, match="MinMaxScaler: feature_range"):
        MinMaxScaler(feature_range)


def test_split_refuses_bad_sizes_and_stratify_lengths():
    with pytest.raises(TypeError, match=r"test_size must be a number, got '0.2'"):
        train_test_split(np.arange(5), test_size="0.2")
    with pytest.raises(gn.ShapeError, match=r"X has 5 samples but stratify has 3"):
        train_test_split(np.arange(5), stratify=[0, 1, 0])  # an IndexError before
    with pytest.raises(gn.ShapeError, match=r"X must hold samples along its first axis"):
        train_test_split(np.float64(3.0))
