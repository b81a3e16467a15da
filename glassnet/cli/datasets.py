"""What ``glassnet train`` can train on: the built-in datasets (how each is loaded and split,
its default epochs and batch size) and the MLP it builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import data, nn


@dataclass
class DatasetSpec:
    """How to load a dataset and train on it by default."""

    task: str  # "classification" or "regression"
    epochs: int
    batch_size: int
    load: Callable[[Any, int], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def _split(loader: Callable[[], tuple[np.ndarray, np.ndarray]], stratify: bool = True):
    def load(data_dir: Any, seed: int):
        X, y = loader()
        return data.train_test_split(X, y, 0.2, rng=seed, stratify=y if stratify else None)

    return load


def _idx(loader: Callable[..., Any]):
    def load(data_dir: Any, seed: int):
        (X, y), (Xt, yt) = loader(root=data_dir)
        return X, Xt, y, yt

    return load


def _synthetic(maker: Callable[..., tuple[np.ndarray, np.ndarray]]):
    def load(data_dir: Any, seed: int):
        X, y = maker(n_samples=1000, rng=seed)
        return data.train_test_split(X, y, 0.2, rng=seed, stratify=y)

    return load


ds = data.datasets


IDX_DATASETS = ("mnist", "fashion_mnist")


DATASETS: dict[str, DatasetSpec] = {
    "digits": DatasetSpec("classification", 30, 32, _split(ds.load_digits)),
    "iris": DatasetSpec("classification", 100, 16, _split(ds.load_iris)),
    "wine": DatasetSpec("classification", 60, 16, _split(ds.load_wine)),
    "breast_cancer": DatasetSpec("classification", 40, 32, _split(ds.load_breast_cancer)),
    "diabetes": DatasetSpec("regression", 300, 32, _split(ds.load_diabetes, stratify=False)),
    "mnist": DatasetSpec("classification", 5, 128, _idx(ds.load_mnist)),
    "fashion_mnist": DatasetSpec("classification", 10, 128, _idx(ds.load_fashion_mnist)),
    "spiral": DatasetSpec("classification", 300, 32, _synthetic(ds.make_spiral)),
    "moons": DatasetSpec("classification", 100, 32, _synthetic(ds.make_moons)),
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
    """Standardize the features (and regression targets) with statistics of the training part."""
    X, Xt, y, yt = split
    X, Xt = X.reshape(len(X), -1), Xt.reshape(len(Xt), -1)
    scaler = data.StandardScaler().fit(X)
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
