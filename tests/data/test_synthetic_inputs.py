"""Bad arguments to the synthetic dataset makers are named errors, not NumPy's."""

import pytest

from glassnet.data.datasets import make_moons, make_regression_curve, make_spiral


@pytest.mark.parametrize(
    "make, arguments, error, message",
    [
        (make_spiral, dict(n_samples=0), ValueError, "make_spiral: n_samples must be at least 1"),
        (make_spiral, dict(n_samples=-5), ValueError, "n_samples must be at least 1, got -5"),
        (make_spiral, dict(n_samples=2.5), TypeError, "make_spiral: n_samples must be an int"),
        (make_spiral, dict(n_classes=0), ValueError, "make_spiral: n_classes must be at least 1"),
        (make_spiral, dict(noise=-1), ValueError, "noise must be a finite number >= 0, got -1"),
        (make_spiral, dict(noise=float("nan")), ValueError, "make_spiral: noise must be a finite"),
        (make_moons, dict(n_samples=-1), ValueError, "make_moons: n_samples must be at least 1"),
        (make_moons, dict(noise=-0.1), ValueError, "make_moons: noise must be a finite number"),
        (make_moons, dict(noise="0.1"), TypeError, "make_moons: noise must be a number"),
        (
            make_regression_curve,
            dict(low=5, high=-5),
            ValueError,
            "low must be below high, got low=5, high=-5",
        ),
        (make_regression_curve, dict(high=float("inf")), ValueError, "high must be a finite"),
        (make_regression_curve, dict(n_samples=0), ValueError, "n_samples must be at least 1"),
    ],
)
def test_bad_arguments_are_named(make, arguments, error, message):
    with pytest.raises(error, match=message):
        make(**arguments)


def test_good_arguments_still_work():
    X, y = make_spiral(7, 3, rng=0)
    assert X.shape == (7, 2) and sorted(y.tolist()) == [0, 0, 0, 1, 1, 1, 2]
    assert make_moons(1, rng=0)[0].shape == (1, 2)
    assert make_regression_curve(3, noise=0, low=0, high=1, rng=0)[0].shape == (3, 1)
