"""Two commands: ``glassnet train`` and ``glassnet evaluate``."""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__, metrics, nn
from glassnet.cli.checks import (
    RUN_FILE,
    UsageError,
    _check_data_dir,
    _check_train_arguments,
    _run_options,
)
from glassnet.cli.datasets import DATASETS, DatasetSpec, ModelConfig, _classes, _prepare, build_mlp
from glassnet.cli.gpt_command import GPT_DEFAULTS, check_gpt_arguments, train_gpt
from glassnet.cli.models import build_spec, image_shape, load_model_file, uses_images
from glassnet.io import FileFormatError, load, save
from glassnet.io.container import read_file
from glassnet.rng import manual_seed
from glassnet.train import Callback, EarlyStopping, LambdaCallback, LearningRateScheduler


def _test_metrics(
    model: nn.Module, spec: DatasetSpec, Xt: np.ndarray, yt: np.ndarray, y_mean=None, y_scale=None
):
    outputs = model.predict(Xt)
    if spec.task == "classification":
        return {"accuracy": metrics.accuracy(yt, outputs)}
    predictions = outputs * y_scale + y_mean
    return {"r2": metrics.r2(yt, predictions), "rmse": metrics.rmse(yt, predictions)}


def train(args: argparse.Namespace) -> int:
    if args.dataset == "tiny_shakespeare" or args.model == "gpt":
        check_gpt_arguments(args, GPT_DEFAULTS)
        return train_gpt(args)
    for name in ("iterations", "eval_interval", "block_size", "n_layer", "n_head", "n_embd"):
        if getattr(args, name, None) is not None:
            raise UsageError(f"--{name.replace('_', '-')} applies to --model gpt only")
    _check_train_arguments(args)  # also fills in the dataset's defaults
    spec = DATASETS[args.dataset]
    manual_seed(args.seed)
    prepared = _prepare(spec, spec.load(args.data_dir, args.seed))
    X, y = prepared["X"], prepared["y"]
    classes = _classes(spec, y, prepared["yt"])
    config = ModelConfig(
        args.dataset, spec.task, X.shape[1], classes or 1, args.hidden, args.activation, args.seed
    )
    model, X, prepared["Xt"] = _build_model(args, config, X, prepared["Xt"])
    if args.checkpoint_dir is not None:
        folder = Path(args.checkpoint_dir).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUN_FILE).write_text(json.dumps(_run_options(args)))
    loss = "cross_entropy" if spec.task == "classification" else "mse"
    model.compile(
        args.optimizer, loss, ["accuracy"] if spec.task == "classification" else ["r2"], lr=args.lr
    )
    ran: list[int] = []  # the epochs run now (a resumed run has done some before)
    callbacks: list[Callback] = [LambdaCallback(on_epoch_end=lambda epoch, logs: ran.append(epoch))]
    stopping = args.validation_split > 0 and not args.no_early_stopping
    if stopping:
        callbacks.append(
            EarlyStopping("val_loss", patience=args.patience, restore_best_weights=True)
        )
    if _anneals(args):
        callbacks.append(LearningRateScheduler(_cosine(args.lr, args.epochs)))
    if not args.quiet:
        sizes = f"{len(X)} training, {len(prepared['Xt'])} test samples"
        print(f"glassnet {__version__}: {args.dataset} ({sizes}), {_plan(args, stopping)}")
        summary = getattr(model, "summary", None)  # a Sequential's; a model file's may lack it
        print(summary(X.shape[1:]) if summary else model)
    started = time.perf_counter()
    history = model.fit(
        X,
        y,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_split=args.validation_split,
        rng=args.seed,
        verbose=0 if args.quiet else 1,
        callbacks=callbacks,
        checkpoint_dir=args.checkpoint_dir,
        resume=args.resume,
        overwrite=args.overwrite,
    )
    seconds = time.perf_counter() - started
    scores = _test_metrics(
        model, spec, prepared["Xt"], prepared["yt"], prepared.get("y_mean"), prepared.get("y_scale")
    )
    if ran:
        stopped = f", stopped early after {len(ran)}" if len(ran) < args.epochs and stopping else ""
        print(f"trained in {seconds:.1f}s ({seconds / len(ran):.3f}s per epoch{stopped})")
    else:
        print(f"nothing to train: the checkpoint holds all {len(history.epoch)} epochs")
    if args.plot:
        history.plot().savefig(args.plot, dpi=100)
        print(f"saved the training curves to {args.plot}")
    if args.save:
        scalers = {
            k: v.tolist()
            for k, v in prepared.items()
            if k in ("x_mean", "x_scale", "y_mean", "y_scale")
        }
        described = {"name": args.dataset, "features": config.in_features, "classes": classes}
        trained = {
            "epochs": len(history.epoch),
            "training_samples": len(X),
            "validation_split": args.validation_split,
            "test_samples": len(prepared["Xt"]),
            "test": {k: float(v) for k, v in scores.items()},
        }
        extra = {"config": asdict(config), "data": described, "training": trained, **scalers}
        save(model, args.save, extra=extra)
        print(f"saved the model to {args.save}")
    # the last line, which scripts read: "test accuracy 0.9721" or "test r2 0.4512, rmse 55.1"
    print("test " + ", ".join(f"{name} {value:.4f}" for name, value in scores.items()))
    return 0


def _build_model(
    args: argparse.Namespace, config: ModelConfig, X: np.ndarray, Xt: np.ndarray
) -> tuple[Any, np.ndarray, np.ndarray]:
    """The model ``--model`` names, and the data in the shape it takes (images for a CNN)."""
    config.model = args.model
    if args.model == "mlp":
        return build_mlp(config), X, Xt
    if config.task != "classification":
        raise UsageError(f"--model {args.model}: only 'mlp' trains on {args.dataset}, a regression")
    if args.model.endswith(".py"):
        model = load_model_file(args.model)
        config.image = list(image_shape(X.shape[1]))  # a model of ours takes images
    else:
        config.image = list(image_shape(X.shape[1])) if uses_images(args.model) else None
        shape = tuple(config.image) if config.image else (1, 1, X.shape[1])
        model = build_spec(args.model, shape, config.out_features)  # type: ignore[arg-type]
    if config.image:
        X, Xt = X.reshape(len(X), *config.image), Xt.reshape(len(Xt), *config.image)
    return model, X, Xt


def _anneals(args: argparse.Namespace) -> bool:
    """Whether the learning rate decays over the run: for every model but the MLP. A CNN's last
    epochs at a small rate settle its weights (MNIST: 0.9894 at a constant rate, 10 epochs)."""
    return args.model not in (None, "mlp") and not str(args.model).startswith("mlp:")


def _cosine(lr: float, epochs: int) -> Callable[[int], float]:
    """Cosine annealing by epoch, from ``lr`` at the first epoch towards 0 after the last."""
    return lambda epoch: lr * 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))


def _plan(args: argparse.Namespace, stopping: bool) -> str:
    """``up to 40 epochs, 10% held out for validation, early stopping (patience 5)``."""
    plan = _plan_epochs(args, stopping)
    return f"{plan}, learning rate {args.lr:g} decaying to 0 (cosine)" if _anneals(args) else plan


def _plan_epochs(args: argparse.Namespace, stopping: bool) -> str:
    if args.validation_split == 0:
        return f"{args.epochs} epochs, no validation"
    held = f"{args.validation_split:.0%} held out for validation"
    if not stopping:
        return f"{args.epochs} epochs, {held}"
    return f"up to {args.epochs} epochs, {held}, early stopping (patience {args.patience})"


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
        if _is_gpt(path):
            raise UsageError(
                f"--model {path}: a GPT; 'glassnet sample {path}' continues a prompt"
            ) from None
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


def _is_gpt(path: Path) -> bool:
    """Whether the file is a GPT written by ``save_gpt`` (its header names a GPT config)."""
    try:
        _, header = read_file(path, kind="model")
    except (FileFormatError, OSError):
        return False
    extra = header.get("extra")
    return isinstance(extra, dict) and "gpt_config" in extra


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
    if config.image:
        Xt = Xt.reshape(len(Xt), *config.image)
    y_mean, y_scale = (np.array(extra[k]) if k in extra else None for k in ("y_mean", "y_scale"))
    scores = _test_metrics(model, spec, Xt, yt, y_mean, y_scale)
    where = dataset if dataset == trained_on["name"] else f"{dataset} (trained on {config.dataset})"
    print(f"{path.name} on {where}: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    return 0
