"""The checks ``Trainer`` makes of its arguments before any work starts, and the warnings it
gives about a setup that would train, but badly (an activation applied twice, validation
classes never seen in training)."""

from __future__ import annotations

import math
import numbers
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.nn.module import Module
from glassnet.train.callbacks import caller_stacklevel
from glassnet.train.checkpoint import checkpoint_path
from glassnet.train.weights import class_labels, is_classification


def check_classes_are_instances(optimizer: Any, loss: Any) -> None:
    """A class where an object belongs (``nn.CrossEntropyLoss`` for ``nn.CrossEntropyLoss()``)
    would otherwise fail later with a message about something else."""
    if isinstance(loss, type):
        raise TypeError(
            f"Trainer: loss must be a name or a loss object; got the class {loss.__name__}, "
            f"pass an instance: {loss.__name__}()"
        )
    if isinstance(optimizer, type):
        raise TypeError(
            f"Trainer: optimizer must be a name or an optimizer object; got the class "
            f"{optimizer.__name__}: pass its name (e.g. 'adam') with options such as lr=, or "
            f"{optimizer.__name__}(model.parameters(), ...)"
        )


def check_optimizer_options(optimizer: Any, options: dict[str, Any]) -> None:
    """Options such as ``lr`` only configure an optimizer given by name; with an optimizer
    object they would be silently ignored. And a NaN or infinite one never trains anything."""
    if options and not isinstance(optimizer, str):
        shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
        raise TypeError(
            f"Trainer: optimizer options ({shown}) apply to an optimizer given by name; "
            f"{type(optimizer).__name__} objects take them in their constructor"
        )
    for key, value in options.items():
        if isinstance(value, numbers.Real) and not math.isfinite(value):
            raise ValueError(f"Trainer: optimizer option {key}={value} must be finite")


def check_count(where: str, name: str, value: Any, minimum: int) -> None:
    """An int argument (epochs, batch_size, ...) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be at least {minimum}, got {value}")


def split_off(X: np.ndarray, y: np.ndarray, fraction: Any, validation_data: Any):
    """Hold out the last ``fraction`` of X, y as validation data."""
    if validation_data is not None:
        raise ValueError("fit: give validation_split or validation_data, not both")
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise TypeError(f"fit: validation_split must be a number in [0, 1), got {fraction!r}")
    fraction = float(fraction)
    if not 0.0 <= fraction < 1.0:  # also refuses NaN
        raise ValueError(f"fit: validation_split must be in [0, 1), got {fraction}")
    held_out = round(len(X) * fraction)
    if not 0 < held_out < len(X):
        raise ValueError(
            f"fit: validation_split={fraction} of {len(X)} samples leaves "
            f"{held_out} for validation and {len(X) - held_out} for training; both need some"
        )
    cut = len(X) - held_out
    return X[:cut], y[:cut], (X[cut:], y[cut:])


def checkpoint_file(folder: Any, resume: bool, overwrite: bool) -> Path | None:
    """The checkpoint file in ``folder`` (None without one), refusing to lose an old run."""
    if folder is None:
        for flag, value in (("resume", resume), ("overwrite", overwrite)):
            if value:
                raise ValueError(f"fit({flag}=True) needs checkpoint_dir=")
        return None
    if resume and overwrite:
        raise ValueError(
            "fit: resume=True continues the checkpoint and overwrite=True replaces it; pass one"
        )
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"fit: checkpoint_dir {folder} is a file, not a folder")
    checkpoint = checkpoint_path(folder)
    if checkpoint.exists() and not resume and not overwrite:
        raise FileExistsError(
            f"fit: {checkpoint} holds the checkpoint of an earlier run; pass resume=True to "
            "continue it, or overwrite=True to start over and replace it"
        )
    return checkpoint


# --------------------------------------------------------------------- activation before a loss
#: Losses that apply softmax or sigmoid to the model's output themselves, and the losses by
#: Keras' names that take the probabilities instead.
def warn_if_activated_twice(model: Any, loss: Any) -> None:
    """Warn when a loss that takes logits follows a model ending in Softmax or Sigmoid."""
    suggestion = getattr(loss, "probability_alternative", None)
    if suggestion is None or not isinstance(model, Module):
        return
    name, layer = model.output_layer()
    if not getattr(layer, "outputs_probabilities", False):
        return
    where = f"layer {name!r}" if name else "the model itself"
    warnings.warn(
        f"{type(loss).__name__} takes logits and applies softmax/sigmoid itself, but the model "
        f"ends in {type(layer).__name__} ({where}), so training sees it twice: drop the final "
        f"activation, or use the loss {suggestion}, which takes probabilities",
        UserWarning,
        stacklevel=caller_stacklevel(),
    )


def warn_if_validation_has_new_classes(
    loss_fn: Any, y_train: np.ndarray, y_val: np.ndarray
) -> None:
    """Warn when the validation tail holds classes the training part lacks: the data was
    probably sorted by class, and the validation scores then measure something never taught.

    Only for classification losses; the classes are named in the warning."""
    if not is_classification(loss_fn):
        return
    train_labels, val_labels = class_labels(y_train), class_labels(y_val)
    if train_labels is None or val_labels is None:
        return
    unseen = np.setdiff1d(np.unique(val_labels), np.unique(train_labels))
    if unseen.size:
        warnings.warn(
            f"fit: validation_split takes the last samples, and they hold the class(es) "
            f"{unseen.tolist()} that the training part never has (is the data sorted by class?); "
            "shuffle X and y before fit, or pass validation_data=",
            UserWarning,
            stacklevel=caller_stacklevel(),
        )
