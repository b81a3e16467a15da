"""The ``glassnet`` command: ``glassnet train``, ``glassnet evaluate``, ``glassnet info``.

``glassnet train`` alone trains an MLP on scikit-learn's digits (no download) in a few seconds
and prints its test accuracy.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import platform
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__, data, metrics, nn
from glassnet.io import FileFormatError, load, save
from glassnet.rng import manual_seed


class UsageError(ValueError):
    """A bad command-line argument: reported in one line, exit code 2."""


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


def _parse_hidden(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes sizes like 256,128, not {text!r}"
        ) from None
    if any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("--hidden sizes must be positive")
    return sizes


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glassnet", description="Train and evaluate glassnet models from the command line."
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model on a dataset and report test metrics")
    train.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    train.add_argument("--model", choices=["mlp"], default="mlp")
    train.add_argument("--hidden", type=_parse_hidden, default=[256, 128],
                       help="hidden layer sizes, e.g. 256,128 ('' for none)")  # fmt: skip
    train.add_argument("--activation", choices=sorted(nn.activations.ACTIVATIONS), default="relu")
    train.add_argument(
        "--optimizer", choices=["adam", "adamw", "sgd", "rmsprop", "adagrad"], default="adam"
    )
    train.add_argument("--lr", type=_positive(float), default=1e-3)
    train.add_argument("--epochs", type=_positive(int), help="default: chosen per dataset")
    train.add_argument("--batch-size", type=_positive(int), help="default: chosen per dataset")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--data-dir", help="folder holding MNIST-style IDX files (default: cache)")
    train.add_argument("--save", help="write the trained model to this file (gn.save format)")
    train.add_argument(
        "--plot", help="write the training curves to this image file (needs matplotlib)"
    )
    train.add_argument("--quiet", action="store_true", help="print only the final metrics")

    evaluate = commands.add_parser(
        "evaluate", help="evaluate a saved model on a dataset's test split"
    )
    evaluate.add_argument(
        "--model", required=True, help="a file written by 'glassnet train --save'"
    )
    evaluate.add_argument(
        "--dataset", choices=sorted(DATASETS), help="default: the one it was trained on"
    )
    evaluate.add_argument("--data-dir")

    commands.add_parser("info", help="versions, optional extras and where data is kept")
    return parser


def _prepare(spec: DatasetSpec, split: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
    """Standardize the features (and regression targets) with statistics of the training part."""
    X, Xt, y, yt = split
    X, Xt = X.reshape(len(X), -1), Xt.reshape(len(Xt), -1)
    scaler = data.StandardScaler().fit(X)
    prepared = {"X": scaler(X).astype(np.float32), "Xt": scaler(Xt).astype(np.float32),
                "y": y, "yt": yt, "x_mean": scaler.mean_, "x_scale": scaler.scale_}  # fmt: skip
    if spec.task == "regression":
        target = data.StandardScaler().fit(y.reshape(-1, 1))
        prepared.update(y=target(y.reshape(-1, 1)).astype(np.float32),
                        y_mean=target.mean_, y_scale=target.scale_)  # fmt: skip
    return prepared


def _test_metrics(
    model: nn.Module, spec: DatasetSpec, Xt: np.ndarray, yt: np.ndarray, y_mean=None, y_scale=None
):
    outputs = model.predict(Xt)
    if spec.task == "classification":
        return {"accuracy": metrics.accuracy(yt, outputs)}
    predictions = outputs * y_scale + y_mean
    return {"r2": metrics.r2(yt, predictions), "rmse": metrics.rmse(yt, predictions)}


def train(args: argparse.Namespace) -> int:
    spec = DATASETS[args.dataset]
    epochs = args.epochs or spec.epochs
    batch_size = args.batch_size or spec.batch_size
    manual_seed(args.seed)
    prepared = _prepare(spec, spec.load(args.data_dir, args.seed))
    X, y = prepared["X"], prepared["y"]
    classes = int(max(y.max(), prepared["yt"].max())) + 1 if spec.task == "classification" else 1
    config = ModelConfig(
        args.dataset, spec.task, X.shape[1], classes, args.hidden, args.activation, args.seed
    )
    model = build_mlp(config)
    loss = "cross_entropy" if spec.task == "classification" else "mse"
    model.compile(
        args.optimizer, loss, ["accuracy"] if spec.task == "classification" else ["r2"], lr=args.lr
    )
    if not args.quiet:
        sizes = f"{len(X)} training, {len(prepared['Xt'])} test samples"
        print(f"glassnet {__version__}: {args.dataset} ({sizes}), {epochs} epochs")
        print(model.summary())
    started = time.perf_counter()
    history = model.fit(
        X, y, epochs=epochs, batch_size=batch_size, rng=args.seed, verbose=0 if args.quiet else 1
    )
    seconds = time.perf_counter() - started
    scores = _test_metrics(
        model, spec, prepared["Xt"], prepared["yt"], prepared.get("y_mean"), prepared.get("y_scale")
    )
    per_epoch = seconds / len(history.epoch)
    print(f"trained in {seconds:.1f}s ({per_epoch:.3f}s per epoch)")
    print("test " + ", ".join(f"{name} {value:.4f}" for name, value in scores.items()))
    if args.save:
        scalers = {
            k: v.tolist()
            for k, v in prepared.items()
            if k in ("x_mean", "x_scale", "y_mean", "y_scale")
        }
        save(model, args.save, extra={"config": asdict(config), **scalers})
        print(f"saved the model to {args.save}")
    if args.plot:
        history.plot().savefig(args.plot, dpi=100)
        print(f"saved the training curves to {args.plot}")
    return 0


def evaluate(args: argparse.Namespace) -> int:
    path = Path(args.model)
    if not path.exists():
        raise UsageError(f"--model {path}: no such file")
    try:
        model, extra = load(path, with_extra=True)
    except FileFormatError as error:
        raise UsageError(f"--model: {error}") from None
    if "config" not in extra:
        raise UsageError(f"--model {path}: not a model saved by 'glassnet train --save'")
    config = ModelConfig(**extra["config"])
    dataset = args.dataset or config.dataset
    spec = DATASETS[dataset]
    _, Xt, _, yt = spec.load(args.data_dir, config.seed)
    Xt = Xt.reshape(len(Xt), -1)
    if Xt.shape[1] != config.in_features:
        raise UsageError(
            f"{dataset} has {Xt.shape[1]} features, the model expects {config.in_features}"
        )
    Xt = ((Xt - np.array(extra["x_mean"])) / np.array(extra["x_scale"])).astype(np.float32)
    y_mean, y_scale = (np.array(extra[k]) if k in extra else None for k in ("y_mean", "y_scale"))
    scores = _test_metrics(model, spec, Xt, yt, y_mean, y_scale)
    print(f"{path.name} on {dataset}: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    return 0


EXTRAS = {
    "scipy": "all",
    "sklearn": "datasets",
    "matplotlib": "viz",
    "graphviz": "viz",
    "tqdm": "progress",
    "safetensors": "io",
    "onnx": "onnx",
    "onnxruntime": "onnx",
}


def info(args: argparse.Namespace) -> int:
    print(f"glassnet {__version__} (Python {platform.python_version()}, NumPy {np.__version__})")
    print("optional extras:")
    for module, extra in EXTRAS.items():
        if importlib.util.find_spec(module) is None:
            print(f"  {module:<12} not installed (pip install 'glassnet[{extra}]')")
        else:
            name = "scikit-learn" if module == "sklearn" else module
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "installed"
            print(f"  {module:<12} {version}")
    print(f"  {'dot':<12} {shutil.which('dot') or 'not found (graph pictures need graphviz)'}")
    print(f"datasets are cached in {data.datasets.cache_dir()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = {"train": train, "evaluate": evaluate, "info": info}[args.command]
    try:
        return command(args)
    except UsageError as error:
        print(f"glassnet: error: {error}", file=sys.stderr)
        return 2
    except (ValueError, ImportError, OSError, KeyError) as error:
        print(f"glassnet {args.command}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
