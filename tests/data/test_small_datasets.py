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
