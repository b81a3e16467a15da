"""Datasets: MNIST-style IDX data (downloaded or local), scikit-learn's, and synthetic ones."""

from glassnet.data.datasets.download import DownloadError, cache_dir
from glassnet.data.datasets.idx import IDXError, read_idx
from glassnet.data.datasets.mnist import load_fashion_mnist, load_mnist
from glassnet.data.datasets.shakespeare import load_tiny_shakespeare
from glassnet.data.datasets.sklearn import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from glassnet.data.datasets.synthetic import make_moons, make_regression_curve, make_spiral

__all__ = [
    "DownloadError",
    "IDXError",
    "cache_dir",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "load_fashion_mnist",
    "load_iris",
    "load_mnist",
    "load_tiny_shakespeare",
    "load_wine",
    "make_moons",
    "make_regression_curve",
    "make_spiral",
    "read_idx",
]
