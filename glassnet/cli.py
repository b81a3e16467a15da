"""The ``glassnet`` command: ``glassnet train``, ``glassnet evaluate``, ``glassnet info``.

``glassnet train`` alone trains an MLP on scikit-learn's digits (no download) in a few seconds
and prints its test accuracy.

Every user error (a bad argument, an unwritable --save path, a model file evaluated on data it
was not trained for) is one line on stderr and exit code 2, reported before any training; a
failure while running (a download, a diverging loss) is one line and exit code 1.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import math
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__, data, metrics, nn
from glassnet.io import FileFormatError, has_safetensors, load, save
from glassnet.rng import manual_seed
from glassnet.train import LambdaCallback
from glassnet.train.checkpoint import checkpoint_path


class UsageError(ValueError):
    """A bad command-line argument: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with errors in one line (no usage block): ``glassnet train: error: ...``."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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


MAX_WIDTH = 1 << 16  # a hidden layer wider than this is a typo, not a model


def _parse_hidden(text: str) -> list[int]:
    if not text.strip():
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes sizes like 256,128, not {text!r}"
        ) from None
    if any(not 0 < s <= MAX_WIDTH for s in sizes):
        raise argparse.ArgumentTypeError(
            f"--hidden sizes must be between 1 and {MAX_WIDTH}, got {text!r}"
        )
    return sizes


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glassnet", description="Train and evaluate glassnet models from the command line."
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model on a dataset and report test metrics")
    train.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    train.add_argument("--model", choices=["mlp"], default="mlp")
    hidden_help = "hidden layer sizes, e.g. 256,128 ('' for none)"
    train.add_argument("--hidden", type=_parse_hidden, default=[256, 128], help=hidden_help)
    train.add_argument("--activation", choices=sorted(nn.activations.ACTIVATIONS), default="relu")
    train.add_argument(
        "--optimizer", choices=["adam", "adamw", "sgd", "rmsprop", "adagrad"], default="adam"
    )
    train.add_argument("--lr", type=_positive(float), default=1e-3)
    train.add_argument("--epochs", type=_positive(int), help="default: chosen per dataset")
    train.add_argument("--batch-size", type=_positive(int), help="default: chosen per dataset")
    train.add_argument("--seed", type=_seed, default=0)
    train.add_argument("--data-dir", help="folder holding MNIST-style IDX files (default: cache)")
    train.add_argument("--save", help="write the trained model to this file (gn.save format)")
    train.add_argument(
        "--plot", help="write the training curves to this image file (needs matplotlib)"
    )
    train.add_argument(
        "--checkpoint-dir", metavar="DIR", help="write a checkpoint there after every epoch"
    )
    again = train.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="continue the run checkpointed in --checkpoint-dir"
    )
    again.add_argument(
        "--overwrite", action="store_true", help="start over, replacing that checkpoint"
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


def _writable_file(option: str, text: str) -> Path:
    """A file path that can be written later (its folder exists or can be created, and is
    writable), checked now so that a long run does not fail at its end."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise UsageError(f"{option} {text}: is a folder; give a file name")
    _writable_folder(option, text, path.parent)
    return path


def _writable_folder(option: str, text: str, folder: Path) -> None:
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise UsageError(f"{option} {text}: {existing} is a file, not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".glassnet-probe-"):
            pass
    except OSError as error:
        raise UsageError(
            f"{option} {text}: cannot write in {existing} ({error.strerror or error})"
        ) from None


def _check_data_dir(data_dir: str | None, dataset: str) -> None:
    """--data-dir only for the datasets read from files, and a folder that exists (a typo
    would otherwise become a new folder that the download fills)."""
    if data_dir is None:
        return
    if dataset not in IDX_DATASETS:
        raise UsageError(f"--data-dir applies to {' and '.join(IDX_DATASETS)}, not {dataset}")
    if not Path(data_dir).expanduser().is_dir():
        raise UsageError(
            f"--data-dir {data_dir}: no such folder (create it to download the files into it)"
        )


def _check_plot_format(text: str) -> None:
    """The image format matplotlib will pick from the file's suffix (png without one)."""
    from matplotlib.figure import Figure

    suffix = Path(text).suffix.lstrip(".").lower()
    formats = Figure().canvas.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise UsageError(
            f"--plot {text}: matplotlib cannot write .{suffix} files; use one of "
            f"{', '.join(sorted(formats))}"
        )


def _check_train_arguments(args: argparse.Namespace) -> None:
    """Everything about the arguments that can fail, checked before any data is loaded."""
    _check_data_dir(args.data_dir, args.dataset)
    if args.save:
        args.save = str(_writable_file("--save", args.save))
        if Path(args.save).suffix == ".safetensors" and not has_safetensors():
            raise UsageError(
                f"--save {args.save}: the safetensors format needs pip install 'glassnet[io]' "
                "(or save to a .npz file)"
            )
    if args.plot:
        args.plot = str(_writable_file("--plot", args.plot))
        if importlib.util.find_spec("matplotlib") is None:
            raise UsageError("--plot needs matplotlib: pip install 'glassnet[viz]'")
        _check_plot_format(args.plot)
    if args.checkpoint_dir is None:
        for flag, value in (("--resume", args.resume), ("--overwrite", args.overwrite)):
            if value:
                raise UsageError(f"{flag} needs --checkpoint-dir")
        return
    folder = Path(args.checkpoint_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--checkpoint-dir {args.checkpoint_dir}: is a file, not a folder")
    _writable_folder("--checkpoint-dir", args.checkpoint_dir, folder)
    if checkpoint_path(folder).exists() and not (args.resume or args.overwrite):
        raise UsageError(
            f"--checkpoint-dir {args.checkpoint_dir} holds the checkpoint of an earlier run: "
            "add --resume to continue it or --overwrite to start over"
        )
    if args.resume:
        _check_same_run(args, folder)


#: What a resumed run must share with the run it continues (--epochs may grow).
RUN_OPTIONS = ("dataset", "model", "hidden", "activation", "optimizer", "lr", "batch_size", "seed")
RUN_FILE = "glassnet-run.json"


def _run_options(args: argparse.Namespace) -> dict[str, Any]:
    options = {name: getattr(args, name) for name in RUN_OPTIONS}
    options["batch_size"] = args.batch_size or DATASETS[args.dataset].batch_size
    return options


def _check_same_run(args: argparse.Namespace, folder: Path) -> None:
    """Refuse to resume a checkpoint with other options than the run that wrote it: a
    different model would not load, and a different --lr or --batch-size would be silently
    replaced by, or mixed with, the saved run's."""
    try:
        saved = json.loads((folder / RUN_FILE).read_text())
    except (OSError, ValueError):
        return  # a checkpoint written by fit(checkpoint_dir=...) itself
    current = _run_options(args)
    differing = [n for n in RUN_OPTIONS if n in saved and saved[n] != current[n]]
    if differing:
        shown = ", ".join(f"--{n.replace('_', '-')} {_shown(saved[n])}" for n in differing)
        raise UsageError(
            f"--resume: the checkpoint in {args.checkpoint_dir} was written with {shown}; "
            "resume with the same options, or start over with --overwrite"
        )


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "''"
    return str(value)


def _test_metrics(
    model: nn.Module, spec: DatasetSpec, Xt: np.ndarray, yt: np.ndarray, y_mean=None, y_scale=None
):
    outputs = model.predict(Xt)
    if spec.task == "classification":
        return {"accuracy": metrics.accuracy(yt, outputs)}
    predictions = outputs * y_scale + y_mean
    return {"r2": metrics.r2(yt, predictions), "rmse": metrics.rmse(yt, predictions)}


def train(args: argparse.Namespace) -> int:
    _check_train_arguments(args)
    spec = DATASETS[args.dataset]
    epochs = args.epochs or spec.epochs
    batch_size = args.batch_size or spec.batch_size
    manual_seed(args.seed)
    prepared = _prepare(spec, spec.load(args.data_dir, args.seed))
    X, y = prepared["X"], prepared["y"]
    classes = _classes(spec, y, prepared["yt"])
    config = ModelConfig(
        args.dataset, spec.task, X.shape[1], classes or 1, args.hidden, args.activation, args.seed
    )
    model = build_mlp(config)
    if args.checkpoint_dir is not None:
        folder = Path(args.checkpoint_dir).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUN_FILE).write_text(json.dumps(_run_options(args)))
    loss = "cross_entropy" if spec.task == "classification" else "mse"
    model.compile(
        args.optimizer, loss, ["accuracy"] if spec.task == "classification" else ["r2"], lr=args.lr
    )
    if not args.quiet:
        sizes = f"{len(X)} training, {len(prepared['Xt'])} test samples"
        print(f"glassnet {__version__}: {args.dataset} ({sizes}), {epochs} epochs")
        print(model.summary())
    started = time.perf_counter()
    ran: list[int] = []  # the epochs run now (a resumed run has done some before)
    history = model.fit(
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        rng=args.seed,
        verbose=0 if args.quiet else 1,
        callbacks=[LambdaCallback(on_epoch_end=lambda epoch, logs: ran.append(epoch))],
        checkpoint_dir=args.checkpoint_dir,
        resume=args.resume,
        overwrite=args.overwrite,
    )
    seconds = time.perf_counter() - started
    scores = _test_metrics(
        model, spec, prepared["Xt"], prepared["yt"], prepared.get("y_mean"), prepared.get("y_scale")
    )
    if ran:
        print(f"trained in {seconds:.1f}s ({seconds / len(ran):.3f}s per epoch)")
    else:
        print(f"nothing to train: the checkpoint holds all {len(history.epoch)} epochs")
    print("test " + ", ".join(f"{name} {value:.4f}" for name, value in scores.items()))
    if args.save:
        scalers = {
            k: v.tolist()
            for k, v in prepared.items()
            if k in ("x_mean", "x_scale", "y_mean", "y_scale")
        }
        described = {"name": args.dataset, "features": int(X.shape[1]), "classes": classes}
        extra = {"config": asdict(config), "data": described, **scalers}
        save(model, args.save, extra=extra)
        print(f"saved the model to {args.save}")
    if args.plot:
        history.plot().savefig(args.plot, dpi=100)
        print(f"saved the training curves to {args.plot}")
    return 0


def _read_model(path: Path) -> tuple[nn.Module, ModelConfig, dict[str, Any]]:
    """A model written by ``glassnet train --save``, its config and the data it was trained on
    (``extra["data"]``: name, features, classes; derived from the config for older files)."""
    if not path.exists():
        raise UsageError(f"--model {path}: no such file")
    if path.is_dir():
        raise UsageError(f"--model {path}: is a folder, not a model file")
    try:
        model, extra = load(path, with_extra=True)
    except (FileFormatError, OSError) as error:
        raise UsageError(f"--model: {error}") from None
    not_ours = UsageError(f"--model {path}: not a model saved by 'glassnet train --save'")
    if not isinstance(extra.get("config"), dict) or "x_mean" not in extra:
        raise not_ours
    try:
        config = ModelConfig(**extra["config"])
    except TypeError:
        raise not_ours from None
    if config.task == "regression" and "y_mean" not in extra:
        raise not_ours
    trained_on = extra.get("data") or {
        "name": config.dataset,
        "features": config.in_features,
        "classes": config.out_features if config.task == "classification" else None,
    }
    return model, config, {**extra, "data": trained_on}


def _check_compatible(dataset: str, features: int, classes: int | None, trained_on: dict) -> None:
    """Refuse data the model cannot score meaningfully: another task, feature count or number
    of classes than it was trained for."""
    model = f"the model (trained on {trained_on['name']})"
    if (classes is None) != (trained_on["classes"] is None):
        kinds = ("regression", "classification")
        raise UsageError(
            f"--dataset {dataset} is a {kinds[classes is not None]} dataset but {model} does "
            f"{kinds[trained_on['classes'] is not None]}"
        )
    if features != trained_on["features"]:
        raise UsageError(
            f"--dataset {dataset} has {features} features but {model} takes "
            f"{trained_on['features']}"
        )
    if classes != trained_on["classes"]:
        raise UsageError(
            f"--dataset {dataset} has {classes} classes but {model} predicts "
            f"{trained_on['classes']}"
        )


def evaluate(args: argparse.Namespace) -> int:
    path = Path(args.model)
    model, config, extra = _read_model(path)
    trained_on = extra["data"]
    dataset = args.dataset or config.dataset
    if dataset not in DATASETS:
        raise UsageError(f"--model {path}: trained on {dataset!r}, a dataset this version lacks")
    _check_data_dir(args.data_dir, dataset)
    spec = DATASETS[dataset]
    _, Xt, y, yt = spec.load(args.data_dir, config.seed)
    Xt = Xt.reshape(len(Xt), -1)
    _check_compatible(dataset, Xt.shape[1], _classes(spec, y, yt), trained_on)
    Xt = ((Xt - np.array(extra["x_mean"])) / np.array(extra["x_scale"])).astype(np.float32)
    y_mean, y_scale = (np.array(extra[k]) if k in extra else None for k in ("y_mean", "y_scale"))
    scores = _test_metrics(model, spec, Xt, yt, y_mean, y_scale)
    where = dataset if dataset == trained_on["name"] else f"{dataset} (trained on {config.dataset})"
    print(f"{path.name} on {where}: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
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
    """Run the command; exit code 2 for a bad argument, 1 for a failure (one line each)."""
    args = _parser().parse_args(argv)
    command = {"train": train, "evaluate": evaluate, "info": info}[args.command]
    try:
        return command(args)
    except UsageError as error:
        print(f"glassnet {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"glassnet {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, ImportError, OSError, KeyError, ArithmeticError, MemoryError) as error:
        # ArithmeticError: a diverging run (FloatingPointError names the epoch and batch)
        message = " ".join(str(error).split())  # one line, even for a multi-line message
        print(f"glassnet {args.command}: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
