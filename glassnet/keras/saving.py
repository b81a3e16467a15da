"""``model.save`` / ``keras.models.load_model`` and the weights-only files.

Whatever the suffix (``.keras``, ``.h5``, ``.weights.h5``), the file is glassnet's own (see
``glassnet.io``: safetensors or npz, a checksummed JSON header, never pickle). A saved model
holds, beside its architecture and weights, what ``compile`` was given (the optimizer's
settings, the loss, the metric names) and the optimizer's state, so ``load_model`` returns a
model that continues training exactly where it stopped. Such a file's kind is "keras_model";
``glassnet.load`` reads the "model" files that ``glassnet.save`` and ``save_weights`` write.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from glassnet import nn
from glassnet import optim as torch_optim
from glassnet.errors import FileFormatError
from glassnet.io import models as model_files
from glassnet.io.architecture import _SPARE_WEIGHTS, _Builder, _check_description_size, describe
from glassnet.io.container import read_file, write_file
from glassnet.keras import optimizers
from glassnet.train.checkpoint import _join, _split

_OPTIMIZER_PREFIX = "optimizer"


def _check_overwrite(path: Path, overwrite: bool) -> None:
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")


def save_weights(model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """The weights (and architecture) as a glassnet model file."""
    path = Path(filepath)
    _check_overwrite(path, overwrite)
    model_files.save(model, path)


def load_weights(model: Any, filepath: str | os.PathLike) -> None:
    """Weights from ``save_weights`` or ``save`` into ``model`` (names and shapes checked)."""
    path = Path(filepath)
    arrays, header = read_file(path)
    if header.get("kind") not in ("model", "keras_model"):
        raise FileFormatError(f"{path}: holds a {header.get('kind')!r}, not model weights")
    weights = {k: v for k, v in arrays.items() if not k.startswith(_OPTIMIZER_PREFIX + "/")}
    model_files._check_fits(path, model, weights, exact_dtypes=False)
    try:
        model.load_state_dict(weights)
    except (KeyError, ValueError) as error:
        raise FileFormatError(
            f"{path}: the saved weights do not match the model: {error}"
        ) from None


def _loss_config(loss: Any) -> Any:
    """A loss as JSON: its name, or its class and plain settings (None if it cannot be)."""
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, nn.Loss) and type(loss).__name__ in nn.__all__:
        settings = {
            k: v
            for k, v in vars(loss).items()
            if not k.startswith("_") and k != "training" and isinstance(v, (bool, int, float, str))
        }
        return {"class": type(loss).__name__, "config": settings}
    return None


def _loss_from_config(config: Any) -> Any:
    if config is None or isinstance(config, str):
        return config
    loss = getattr(nn, config["class"])()
    for key, value in config["config"].items():
        setattr(loss, key, value)
    return loss


def _optimizer_config(spec: Any) -> Any:
    if isinstance(spec, optimizers.Optimizer):
        return {"keras": spec.get_config()}
    if isinstance(spec, torch_optim.Optimizer):
        return {"glassnet": type(spec).__name__.lower(), "defaults": spec.defaults}
    return None


def save_model(model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """Write model, compile settings and optimizer state to one file (see the module)."""
    path = Path(filepath)
    _check_overwrite(path, overwrite)
    arrays = dict(model.state_dict())
    header: dict[str, Any] = {"kind": "keras_model", "model": describe(model)}
    if header["model"] is None:
        raise TypeError(
            f"{path}: the model has layers glassnet cannot describe; save_weights() saves "
            "the weights alone"
        )
    dtypes = {str(p.dtype) for p in model.parameters()}
    header["dtype"] = dtypes.pop() if len(dtypes) == 1 else None
    trainer = model.__dict__.get("_trainer")
    if trainer is not None:
        compiled = getattr(model, "compile_config", {})
        loss = _loss_config(compiled.get("loss"))
        metrics = compiled.get("metrics") or []
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        kept = [m for m in metrics if isinstance(m, str)]
        if (loss is None and compiled.get("loss") is not None) or len(kept) != len(metrics):
            warnings.warn(
                f"{path}: a loss or metric given as a function is not saved; load_model "
                "leaves it out (compile again to set it)",
                UserWarning,
                stacklevel=3,
            )
        header["compile"] = {
            "optimizer": _optimizer_config(trainer._optimizer_spec),
            "loss": loss,
            "metrics": kept,
        }
        if trainer.optimizer is not None:
            header["optimizer_state"] = _split(
                trainer.optimizer.state_dict(), _OPTIMIZER_PREFIX, arrays
            )
    write_file(path, arrays, header)


def load_model(filepath: str | os.PathLike, compile: bool = True) -> Any:
    """The model a file holds, compiled with its optimizer state when it was saved so."""
    path = Path(filepath)
    arrays, header = read_file(path)
    kind = header.get("kind")
    if kind == "model":
        return model_files.load(path)
    if kind != "keras_model":
        raise FileFormatError(f"{path}: holds a {kind!r}, not a model")
    description = header.get("model")
    weights = {k: v for k, v in arrays.items() if not k.startswith(_OPTIMIZER_PREFIX + "/")}
    stored = sum(a.size for a in weights.values())
    _check_description_size(path, description, stored, len(weights))
    max_bytes = 2 * sum(a.nbytes for a in weights.values()) + 4 * _SPARE_WEIGHTS
    model = _Builder(str(path), max_bytes).build(description)
    if header.get("dtype") is not None:
        model.to(header["dtype"])
    model_files._check_fits(path, model, weights, exact_dtypes=True)
    model.load_state_dict(weights)
    settings = header.get("compile")
    if not compile or settings is None:
        return model
    spec = settings.get("optimizer") or {}
    if "keras" in spec:
        optimizer: Any = optimizers.deserialize(spec["keras"])
    elif "glassnet" in spec:
        defaults = {k: tuple(v) if k == "betas" else v for k, v in spec["defaults"].items()}
        optimizer = torch_optim.get(spec["glassnet"], model.parameters(), **defaults)
    else:
        optimizer = "rmsprop"
    model.compile(optimizer, _loss_from_config(settings.get("loss")), settings.get("metrics"))
    state = header.get("optimizer_state")
    if state is not None:
        built = optimizer.build(model.parameters()) if hasattr(optimizer, "build") else optimizer
        model._compiled().optimizer = built
        try:
            built.load_state_dict(_join(state, arrays))
        except (KeyError, ValueError, TypeError) as error:
            raise FileFormatError(f"{path}: the optimizer state does not fit: {error}") from None
    return model


__all__ = ["load_model", "load_weights", "save_model", "save_weights"]
