"""What ``glassnet train`` can train on: the built-in datasets (how each is loaded and split,
its default model, epochs, batch size, learning rate and validation) and the MLP it builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import data, nn


@dataclass
class DatasetSpec:
    """How to load a dataset and train on it by default. With a validation split, training
    stops once the validation loss has not improved for ``patience`` epochs and keeps the best
    epoch's weights, so ``epochs`` is a ceiling."""

    task: str  # "classification" or "regression"
    epochs: int
    batch_size: int
    load: Callable[[Any, int], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    hidden: list[int]
    lr: float = 1e-3
    validation_split: float = 0.1
    patience: int = 10
    # pixels already in [0, 1] train better as they are: standardizing each one blows up the
    # nearly constant border pixels into noise
    standardize: bool = True


def _split(loader: Callable[[], tuple[np.ndarray, np.ndarray]], stratify: bool = True):
    def load(data_dir: Any, seed: int):
        X, y = loader()
        return data.train_test_split(X, y, 0.2, rng=seed, stratify=y if stratify else None)

    return load


def _idx(loader: Callable[..., Any]):
    def load(data_dir: Any, seed: int):
        (X, y), (Xt, yt) = loader(data_dir=data_dir)
        return X, Xt, y, yt

    return load


def _synthetic(maker: Callable[..., tuple[np.ndarray, np.ndarray]]):
    def load(data_dir: Any, seed: int):
        X, y = maker(n_samples=1000, rng=seed)
        return data.train_test_split(X, y, 0.2, rng=seed, stratify=y)

    return load


ds = data.datasets


IDX_DATASETS = ("mnist", "fashion_mnist")


def _name(text: str) -> str:
    """A dataset name as typed: ``fashion-mnist`` and ``fashion_mnist`` are the same set."""
    return text.strip().lower().replace("-", "_")


# The defaults reach what the example scripts reach (measured: see docs/cli.md).
DATASETS: dict[str, DatasetSpec] = {
    "digits": DatasetSpec("classification", 40, 32, _split(ds.load_digits), [128]),
    "iris": DatasetSpec(
        "classification", 200, 16, _split(ds.load_iris), [16], lr=1e-2, patience=30
    ),
    "wine": DatasetSpec("classification", 100, 16, _split(ds.load_wine), [32], lr=3e-3),
    "breast_cancer": DatasetSpec(
        "classification", 100, 32, _split(ds.load_breast_cancer), [16], lr=3e-3
    ),
    "diabetes": DatasetSpec(
        "regression",
        1000,
        32,
        _split(ds.load_diabetes, stratify=False),
        [64],
        validation_split=0.2,
        patience=20,
    ),
    # the big sets have their own test split and train like examples/mnist_mlp.py: every
    # sample, no validation split (--validation-split 0.05 adds one, with early stopping)
    "mnist": DatasetSpec(
        "classification",
        5,
        128,
        _idx(ds.load_mnist),
        [256, 128],
        validation_split=0.0,
        standardize=False,
    ),
    "fashion_mnist": DatasetSpec(
        "classification",
        10,
        128,
        _idx(ds.load_fashion_mnist),
        [256, 128],
        validation_split=0.0,
        standardize=False,
    ),
    "spiral": DatasetSpec(
        "classification", 500, 32, _synthetic(ds.make_spiral), [64, 64], lr=1e-2, patience=30
    ),
    "moons": DatasetSpec(
        "classification", 200, 32, _synthetic(ds.make_moons), [16, 16], lr=1e-2, patience=20
    ),
}


@dataclass
class ModelConfig:
    """Everything needed to rebuild a trained model, saved beside its weights."""

    dataset: str
    task: str
    in_features: int
    out_features: int
    hidden: list[int]
    activation: str
    seed: int
    model: str = "mlp"  # "mlp", "cnn", a text spec or a .py file (glassnet/cli/models.py)
    image: list[int] | None = None  # (channels, height, width) for a model taking images


def build_mlp(config: ModelConfig) -> nn.Sequential:
    """An MLP: Dense layers with the chosen activation, then a linear output layer."""
    layers: list[nn.Module] = []
    width = config.in_features
    for size in config.hidden:
        layers.append(nn.Dense(width, size, config.activation))
        width = size
    layers.append(nn.Dense(width, config.out_features))
    return nn.Sequential(layers, name=f"mlp-{config.dataset}")


def _prepare(spec: DatasetSpec, split: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
    """Standardize the features (unless the spec says not to) and regression targets with
    statistics of the training part."""
    X, Xt, y, yt = split
    X, Xt = X.reshape(len(X), -1), Xt.reshape(len(Xt), -1)
    scaler = data.StandardScaler().fit(X)
    if not spec.standardize:  # keep the inputs; the saved statistics then change nothing
        scaler.mean_ = np.zeros_like(scaler.mean_)
        scaler.scale_ = np.ones_like(scaler.scale_)
    prepared = {
        "X": scaler(X).astype(np.float32),
        "Xt": scaler(Xt).astype(np.float32),
        "y": y,
        "yt": yt,
        "x_mean": scaler.mean_,
        "x_scale": scaler.scale_,
    }
    if spec.task == "regression":
        target = data.StandardScaler().fit(y.reshape(-1, 1))
        prepared["y"] = target(y.reshape(-1, 1)).astype(np.float32)
        prepared.update(y_mean=target.mean_, y_scale=target.scale_)
    return prepared


def _classes(spec: DatasetSpec, y: np.ndarray, yt: np.ndarray) -> int | None:
    """The number of classes (labels 0..C-1 in either split), None for regression."""
    return int(max(y.max(), yt.max())) + 1 if spec.task == "classification" else None
