import numpy as np
import pytest

from glassnet.data import datasets


@pytest.mark.parametrize(
    "loader, shape, classes",
    [
        (datasets.load_digits, (1797, 64), 10),
        (datasets.load_iris, (150, 4), 3),
        (datasets.load_breast_cancer, (569, 30), 2),
        (datasets.load_wine, (178, 13), 3),
    ],
)
def test_sklearn_classification_sets(loader, shape, classes):
    X, y = loader()
    assert X.shape == shape and X.dtype == np.float32
    assert y.dtype == np.int64 and len(np.unique(y)) == classes


def test_digits_are_scaled_to_unit_range_and_diabetes_is_regression():
    X, _ = datasets.load_digits()
    assert X.min() == 0.0 and X.max() == 1.0
    X, y = datasets.load_diabetes()
    assert X.shape == (442, 10) and y.dtype == np.float32 and y.min() > 20


def test_synthetic_sets_are_seeded():
    for maker in (datasets.make_spiral, datasets.make_moons, datasets.make_regression_curve):
        X1, y1 = maker(rng=3)
        X2, y2 = maker(rng=3)
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)
    X, y = datasets.make_regression_curve(500, noise=0.0, rng=0)
    np.testing.assert_allclose(y, X**2 + 3 * X, rtol=1e-5, atol=1e-5)  # float32 rounding
    X, y = datasets.make_moons(101, rng=0)
    assert X.shape == (101, 2) and np.bincount(y).tolist() == [50, 51]


@pytest.mark.parametrize("maker", [datasets.make_spiral, datasets.make_moons])
def test_synthetic_sets_come_shuffled_so_a_validation_tail_holds_every_class(maker):
    _, y = maker(rng=0)
    tail = y[-len(y) // 10 :]  # what validation_split=0.1 takes
    assert set(tail.tolist()) == set(y.tolist())
    _, y2 = maker(rng=1)
    assert not np.array_equal(y, y2)  # the order depends on the seed


def test_shuffled_spiral_keeps_each_point_with_its_label():
    X, y = datasets.make_spiral(300, 3, noise=0.0, rng=0)
    # without noise, class k's arm at radius r sits at angle k * 2pi/3 + 4r
    radius = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 0], X[:, 1])
    expected = y * (2 * np.pi / 3) + radius * 4.0
    away = radius > 1e-3  # at the centre the angle is undefined
    np.testing.assert_allclose(np.cos(angle - expected)[away], 1.0, atol=1e-4)
