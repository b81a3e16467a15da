"""Real learning on real data: thresholds that must hold across seeds, not for one lucky run."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import data, metrics, nn
from glassnet.train import EarlyStopping

SEEDS = [0, 1, 2]


def standardized_split(X, y, seed, stratify=True, test_size=0.2):
    X_tr, X_te, y_tr, y_te = data.train_test_split(
        X, y, test_size, rng=seed, stratify=y if stratify else None
    )
    scaler = data.StandardScaler().fit(X_tr)
    return scaler(X_tr).astype(np.float32), scaler(X_te).astype(np.float32), y_tr, y_te


def linear_regression_predictions(X_tr, y_tr, X_te):
    """Ordinary least squares with an intercept: the baseline a network must match or beat."""
    design = np.c_[X_tr, np.ones(len(X_tr))]
    coefficients, *_ = np.linalg.lstsq(design, y_tr, rcond=None)
    return np.c_[X_te, np.ones(len(X_te))] @ coefficients


@pytest.mark.parametrize("seed", SEEDS)
def test_digits_mlp_reaches_95_percent(seed):
    gn.manual_seed(seed)
    X_tr, X_te, y_tr, y_te = standardized_split(*data.datasets.load_digits(), seed)
    model = nn.Sequential(nn.Dense(64, 128, "relu"), nn.Dense(128, 10))
    model.compile("adam", "cross_entropy", ["accuracy"], lr=1e-3)
    model.fit(X_tr, y_tr, epochs=20, batch_size=32, rng=seed, verbose=0)
    assert model.evaluate(X_te, y_te, return_dict=True)["accuracy"] >= 0.95


@pytest.mark.parametrize("seed", SEEDS)
def test_breast_cancer_logistic_regression_reaches_95_percent(seed):
    gn.manual_seed(seed)
    X_tr, X_te, y_tr, y_te = standardized_split(*data.datasets.load_breast_cancer(), seed)
    model = nn.Sequential(nn.Dense(30, 1, activation="sigmoid"))  # logistic regression
    model.compile("sgd", "bce", ["accuracy"], lr=0.1)
    model.fit(X_tr, y_tr.astype(np.float32), epochs=50, batch_size=32, rng=seed, verbose=0)
    assert model.evaluate(X_te, y_te.astype(np.float32), return_dict=True)["accuracy"] >= 0.95


@pytest.mark.parametrize("seed", SEEDS)
def test_iris_reaches_90_percent(seed):
    gn.manual_seed(seed)
    X_tr, X_te, y_tr, y_te = standardized_split(*data.datasets.load_iris(), seed)
    model = nn.Sequential(nn.Dense(4, 16, "tanh"), nn.Dense(16, 3))
    model.compile("adam", "cross_entropy", ["accuracy"], lr=1e-2)
    model.fit(X_tr, y_tr, epochs=60, batch_size=16, rng=seed, verbose=0)
    assert model.evaluate(X_te, y_te, return_dict=True)["accuracy"] >= 0.90


def test_diabetes_network_with_early_stopping_matches_linear_regression():
    X, y = data.datasets.load_diabetes()
    network_r2, linear_r2 = [], []
    for seed in range(5):
        gn.manual_seed(seed)
        X_tr, X_te, y_tr, y_te = standardized_split(X, y, seed, stratify=False)
        linear_r2.append(metrics.r2(y_te, linear_regression_predictions(X_tr, y_tr, X_te)))
        target = data.StandardScaler().fit(y_tr.reshape(-1, 1))
        model = nn.Sequential(nn.Dense(10, 16, "relu"), nn.Dense(16, 1))
        model.compile("adam", "mse", lr=1e-3)
        stop = EarlyStopping(patience=20, restore_best_weights=True)
        model.fit(X_tr, target(y_tr.reshape(-1, 1)), epochs=500, batch_size=32, validation_split=0.2,
                  callbacks=[stop], rng=seed, verbose=0)  # fmt: skip
        network_r2.append(metrics.r2(y_te, target.inverse_transform(model.predict(X_te))))
    assert np.mean(network_r2) >= np.mean(linear_r2) - 0.05 * abs(np.mean(linear_r2))


def test_friedman_network_beats_linear_regression_by_30_percent():
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=2000, noise=1.0, random_state=0)
    gn.manual_seed(0)
    X_tr, X_te, y_tr, y_te = standardized_split(
        X.astype(np.float32), y.astype(np.float32), 0, stratify=False
    )
    linear_rmse = metrics.rmse(y_te, linear_regression_predictions(X_tr, y_tr, X_te))
    model = nn.Sequential(nn.Dense(10, 64, "relu"), nn.Dense(64, 64, "relu"), nn.Dense(64, 1))
    model.compile("adam", "mse", lr=3e-3)
    model.fit(X_tr, y_tr, epochs=150, batch_size=64, rng=0, verbose=0)
    network_rmse = metrics.rmse(y_te, model.predict(X_te))
    assert network_rmse <= 0.7 * linear_rmse


def test_tensor_mlp_fits_the_quadratic_curve():
    X, y = data.datasets.make_regression_curve(400, noise=1.0, rng=0)
    gn.manual_seed(0)
    model = nn.Sequential(nn.Dense(1, 64, "tanh"), nn.Dense(64, 64, "tanh"), nn.Dense(64, 1))
    model.compile("adam", "mse", lr=3e-3)
    model.fit(X / 5, y, epochs=300, batch_size=32, rng=0, verbose=0)
    grid = np.linspace(-5, 5, 201, dtype=np.float32).reshape(-1, 1)
    assert metrics.mse(grid**2 + 3 * grid, model.predict(grid / 5)) < 0.5


@pytest.mark.slow
def test_mnist_mlp_reaches_97_5_percent_in_five_epochs(mnist_dir):
    (X, y), (X_te, y_te) = data.datasets.load_mnist(root=mnist_dir, download=False)
    gn.manual_seed(0)
    model = nn.Sequential(nn.Dense(784, 256, "relu"), nn.Dense(256, 128, "relu"), nn.Dense(128, 10))
    model.compile("adam", "cross_entropy", ["accuracy"], lr=1e-3)
    model.fit(X, y, epochs=5, batch_size=128, rng=0, verbose=0)
    assert model.evaluate(X_te, y_te, return_dict=True)["accuracy"] >= 0.975
