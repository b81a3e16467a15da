"""``Trainer``: the training loop, written once.

``fit`` runs epochs of mini-batches through an overridable ``train_step`` (forward, loss,
backward, optimizer step), evaluates on validation data, calls callbacks and records a
``History``. ``evaluate`` and ``predict`` run without recording a graph and leave the model's
mode (train or eval) as they found it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from glassnet import metrics as metric_functions
from glassnet import nn, optim
from glassnet.autograd import no_grad
from glassnet.data.dataloader import DataLoader, as_samples, check_same_length
from glassnet.nn.module import Module, temporary_mode
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import as_array
from glassnet.train.callbacks import Callback
from glassnet.train.checkpoint import restore_checkpoint, save_checkpoint
from glassnet.train.checks import (
    check_classes_are_instances,
    check_count,
    check_optimizer_options,
    checkpoint_file,
    split_off,
    warn_if_activated_twice,
    warn_if_validation_has_new_classes,
)
from glassnet.train.history import History
from glassnet.train.progress import Progress
from glassnet.train.weights import sample_weights, weighted_loss


class Trainer:
    """Train ``model`` with ``optimizer`` and ``loss``, reporting ``metrics``.

    The arguments come in Keras' order, the same as ``model.compile(optimizer, loss, metrics)``.

    Args:
        model: a Module.
        optimizer: an Optimizer, or a name ("adam", "sgd", ...) or a Keras optimizer
            (``keras.optimizers.Adam(learning_rate=...)``) created over the model's parameters
            (after a first forward call, so lazy layers have their weights).
        loss: a loss Module or callable ``loss(prediction, target)``, or a name
            ("cross_entropy", "mse", "bce", "bce_with_logits", ...).
        metrics: names ("accuracy", "r2", ...) or functions ``metric(y_true, y_pred)``.
        **optimizer_options: hyperparameters for an optimizer given by name (e.g. ``lr``).

    Examples:
        >>> from glassnet import nn
        >>> from glassnet.train import Trainer
        >>> X = np.random.default_rng(0).standard_normal((64, 2))
        >>> y = (X[:, 0] > 0).astype(np.int64)
        >>> model = nn.Sequential(nn.Dense(2, 8, "relu", rng=0), nn.Dense(8, 2, rng=1))
        >>> trainer = Trainer(model, "adam", "cross_entropy", metrics=["accuracy"], lr=0.05)
        >>> history = trainer.fit(X, y, epochs=20, batch_size=16, rng=0, verbose=0)
        >>> trainer.evaluate(X, y)["accuracy"] > 0.9
        True
    """

    def __init__(
        self,
        model: Module,
        optimizer: Any,
        loss: Any,
        metrics: Sequence[Any] | None = None,
        **optimizer_options: Any,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"Trainer: model must be a Module, got {type(model).__name__}")
        check_classes_are_instances(optimizer, loss)
        check_optimizer_options(optimizer, optimizer_options)
        self.model = model
        self.loss_fn = None if loss is None else nn.get_loss(loss)
        if self.loss_fn is not None:
            warn_if_activated_twice(model, self.loss_fn)
        self._optimizer_spec = optimizer
        self._optimizer_options = optimizer_options
        self.optimizer: optim.Optimizer | None = (
            optimizer if isinstance(optimizer, optim.Optimizer) else None
        )
        if isinstance(metrics, str) or callable(metrics):
            metrics = [metrics]  # one metric on its own, not the letters of its name
        # A metric named by a string is logged under that string ("acc" stays "acc"), as Keras
        self.metrics = [
            (m if isinstance(m, str) else getattr(m, "__name__", type(m).__name__), f)
            for m, f in ((m, metric_functions.get(m)) for m in metrics or [])
        ]
        self.history = History()
        self.stop_training = False
        self.epoch = 0
        self.batch = 0

    # ----------------------------------------------------------------- steps
    def train_step(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """One optimization step on a batch; returns the batch loss and the model's output.
        With ``sample_weight`` (one per sample) the loss is Keras' weighted mean,
        ``sum(w_i * loss_i) / batch_size``."""
        if self.loss_fn is None or self.optimizer is None:
            raise RuntimeError(
                "Trainer.train_step needs a loss and an optimizer (an optimizer given by name is "
                "created by fit())"
            )
        self.optimizer.zero_grad()
        output = self.model(x)
        if sample_weight is None:
            loss = self.loss_fn(output, y)
        else:
            loss = weighted_loss(self.loss_fn, output, y, sample_weight)
        value = loss.item()
        if not math.isfinite(value):
            raise FloatingPointError(
                f"the loss is {value} at epoch {self.epoch + 1}, batch {self.batch + 1}: lower the "
                "learning rate, scale the inputs, or look for NaN/inf in the data"
            )
        loss.backward()
        self.optimizer.step()
        return value, output.numpy()

    def eval_step(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss and output on a batch, without a graph or an update."""
        if self.loss_fn is None:
            raise RuntimeError("Trainer.eval_step needs a loss")
        with no_grad():
            output = self.model(x)
            return self.loss_fn(output, y).item(), output.numpy()

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 1,
        batch_size: int = 32,
        shuffle: bool = True,
        validation_data: tuple[Any, Any] | None = None,
        validation_split: float = 0.0,
        eval_every: int = 1,
        callbacks: Iterable[Callback] = (),
        rng: RngLike = None,
        verbose: int = 1,
        checkpoint_dir: str | os.PathLike | None = None,
        resume: bool = False,
        overwrite: bool = False,
        class_weight: dict[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
    ) -> History:
        """Train for ``epochs`` epochs and return the History.

        Args:
            X: training inputs, samples along the first axis.
            y: targets (class indices, one-hot rows or values). A 1-D target for a loss other
                than cross-entropy/NLL is read as a column (N, 1).
            validation_data: ``(X_val, y_val)`` evaluated every ``eval_every`` epochs.
            validation_split: or hold out this fraction of the (unshuffled) end of X, y, as
                Keras does; a warning names the classes found there but not in training.
            callbacks: EarlyStopping, ModelCheckpoint, ... (see ``glassnet.train``).
            rng: Generator or seed for the shuffling order (None: the global generator).
            verbose: 0 silent, 1 progress bar (a line when not on a terminal), 2 a line.
            checkpoint_dir: write a checkpoint there after every epoch (model, optimizer,
                callbacks, random generators, history).
            resume: continue from the checkpoint in ``checkpoint_dir`` if there is one; then
                ``epochs`` counts the whole run, the epochs done before included, and the result
                is bit for bit that of an uninterrupted run.
            overwrite: start afresh even though ``checkpoint_dir`` holds a checkpoint, replacing
                it. Without ``resume`` or ``overwrite`` an existing checkpoint is an error rather
                than silently lost.
            class_weight: ``{class: weight}`` multiplying each sample's loss by its class's
                weight (classification losses; every class present needs one).
            sample_weight: one weight per training sample (N,), multiplying its loss; the batch
                loss is ``sum(w_i * loss_i) / batch_size`` as in Keras.
            initial_epoch: Keras' resumption: train the epochs ``initial_epoch`` to
                ``epochs - 1`` (so ``epochs`` is the index to end at, not a count).

        Raises:
            ValueError: for empty data, X and y of different lengths, NaN or inf in them,
                ``epochs < 0``, ``batch_size < 1``, ``eval_every < 1``, or a
                ``validation_split`` outside [0, 1) or leaving one side without samples.
            TypeError: for a count that is not an int, validation_data that is not a pair,
                or a callback class instead of an instance.
            FileExistsError: ``checkpoint_dir`` holds a checkpoint and neither ``resume`` nor
                ``overwrite`` is set (NotADirectoryError when it is a file).
            FloatingPointError: the loss or the weights became NaN or inf while training.
        """
        if self.loss_fn is None:
            raise RuntimeError("Trainer.fit needs a loss (and an optimizer)")
        check_count("fit", "epochs", epochs, minimum=0)
        check_count("fit", "batch_size", batch_size, minimum=1)
        check_count("fit", "eval_every", eval_every, minimum=1)
        check_count("fit", "initial_epoch", initial_epoch, minimum=0)
        if initial_epoch and checkpoint_dir is not None:
            raise ValueError("fit: give initial_epoch or checkpoint_dir (which resumes), not both")
        X, y = self._samples("fit", X, y)
        weights = sample_weights(y, sample_weight, class_weight, self.loss_fn)
        if validation_data is not None:
            validation_data = self._validation_data(validation_data, X)
        if validation_split:
            X, y, validation_data = split_off(X, y, validation_split, validation_data)
            weights = None if weights is None else weights[: len(X)]
            warn_if_validation_has_new_classes(self.loss_fn, y, validation_data[1])
        callbacks = [callbacks] if isinstance(callbacks, Callback) else list(callbacks)
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"fit: callbacks must be Callback instances, got {callback!r} (for a class, "
                    "pass an instance: EarlyStopping(), not EarlyStopping)"
                )
        checkpoint = checkpoint_file(checkpoint_dir, resume, overwrite)
        loader_rng = get_rng(rng)
        loader: DataLoader | _WeightedBatches
        if weights is None:
            loader = DataLoader(X, y, batch_size, shuffle=shuffle, rng=loader_rng)
        else:  # batches of sample indices (the same order), to gather X, y and the weights
            loader = _WeightedBatches(X, y, weights, batch_size, shuffle, loader_rng)
        self._ensure_optimizer(X[:batch_size])
        for callback in callbacks:
            callback.set_trainer(self)
        self.stop_training = False
        progress = Progress(verbose, epochs)
        first_epoch = initial_epoch or len(self.history.epoch)
        if initial_epoch:
            epochs = max(epochs - initial_epoch, 0)
        for callback in callbacks:
            callback.on_train_begin({})
        done = 0
        if resume and checkpoint is not None and checkpoint.exists():
            done = restore_checkpoint(checkpoint, self, callbacks, loader_rng)
            first_epoch = len(self.history.epoch) - done
        logs: dict[str, float] = {}
        for index in range(done, epochs if checkpoint_dir is not None else done + epochs):
            if self.stop_training:
                break
            epoch = self.epoch = first_epoch + index
            for callback in callbacks:
                callback.on_epoch_begin(epoch)
            progress.epoch_begin(epoch, len(loader))
            logs = self._train_epoch(loader, progress, callbacks)
            if validation_data is not None and (epoch - first_epoch + 1) % eval_every == 0:
                scores = self._evaluate(*validation_data, batch_size=max(batch_size, 256))
                logs.update({f"val_{k}": v for k, v in scores.items()})
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs)
            self.history.append(epoch, logs)
            progress.epoch_end(epoch, logs)
            if checkpoint is not None:
                save_checkpoint(checkpoint, self, callbacks, loader_rng, epochs_done=index + 1)
        for callback in callbacks:
            callback.on_train_end(logs)
        return self.history

    def _train_epoch(self, loader: Any, progress: Progress, callbacks: list[Callback]):
        self.model.train()
        total, count = 0.0, 0
        outputs, targets = [], []
        terminate_on_nan = any(getattr(c, "terminates_on_nan", False) for c in callbacks)
        for batch, (xb, yb, *weights) in enumerate(loader):
            self.batch = batch
            try:
                value, output = (
                    self.train_step(xb, yb, weights[0]) if weights else self.train_step(xb, yb)
                )
            except FloatingPointError:
                if not terminate_on_nan:
                    raise
                for callback in callbacks:  # TerminateOnNaN stops here, the step not taken
                    callback.on_batch_end(batch, {"loss": math.nan})
                return {"loss": math.nan}
            total += value * len(xb)
            count += len(xb)
            if self.metrics:
                outputs.append(output)
                targets.append(yb)
            progress.batch_end(value)
            for callback in callbacks:
                callback.on_batch_end(batch, {"loss": value})
                callback.on_train_batch_end(batch, {"loss": value})
            if self.stop_training:
                break  # a callback stopped training in the middle of the epoch
        self._check_weights_finite()
        logs = {"loss": total / count}
        if self.metrics:
            logs.update(self._score(np.concatenate(targets), np.concatenate(outputs)))
        return logs

    def _check_weights_finite(self) -> None:
        """The loss is checked before each step; this catches a last step that diverged."""
        for name, parameter in self.model.named_parameters():
            data = as_array(parameter)
            if data.size and not (np.isfinite(data.min()) and np.isfinite(data.max())):
                raise FloatingPointError(
                    f"the weight {name!r} holds NaN or inf after epoch {self.epoch + 1}: lower "
                    "the learning rate, scale the inputs, or look for NaN/inf in the data"
                )

    # ----------------------------------------------------------------- evaluation
    def evaluate(self, X: Any, y: Any, batch_size: int | None = None) -> dict[str, float]:
        """The loss (the mean over all samples, each batch weighted by its size) and metrics.

        Raises:
            ValueError: for empty data, X and y of different lengths, NaN or inf in them, or
                ``batch_size < 1``.
        """
        if self.loss_fn is None:
            raise RuntimeError("Trainer.evaluate needs a loss")
        if batch_size is not None:
            check_count("evaluate", "batch_size", batch_size, minimum=1)
        X, y = self._samples("evaluate", X, y)
        return self._evaluate(X, y, batch_size)

    def _evaluate(self, X: np.ndarray, y: np.ndarray, batch_size: int | None) -> dict[str, float]:
        total, outputs = 0.0, []
        with temporary_mode(self.model, training=False):
            for xb, yb in DataLoader(X, y, batch_size or 1000):
                value, output = self.eval_step(xb, yb)
                total += value * len(xb)
                outputs.append(output)
        scores = {"loss": total / len(X)}
        if self.metrics:
            scores.update(self._score(y, np.concatenate(outputs)))
        return scores

    def predict(self, X: Any, batch_size: int = 1000) -> np.ndarray:
        """The model's outputs for X, computed in batches, as one array.

        Raises:
            ValueError: for an empty X, NaN or inf in it, or ``batch_size < 1``.
        """
        check_count("predict", "batch_size", batch_size, minimum=1)
        X = as_samples(X, "X", "predict")
        with temporary_mode(self.model, training=False), no_grad():
            return np.concatenate(
                [self.model(xb).numpy() for xb in DataLoader(X, batch_size=batch_size)]
            )

    # ----------------------------------------------------------------- helpers
    def _score(self, y_true: np.ndarray, output: np.ndarray) -> dict[str, float]:
        if isinstance(self.loss_fn, nn.Loss):
            output = self.loss_fn.predictions(output)  # e.g. probabilities for a loss on logits
        scores = {}
        for name, function in self.metrics:
            value = function(y_true, output)
            try:
                scores[name] = float(value)
            except (TypeError, ValueError):
                raise TypeError(
                    f"the metric {name} returned {type(value).__name__} {np.shape(value)}, "
                    "not a number"
                ) from None
        return scores

    def _samples(self, where: str, X: Any, y: Any, names: Sequence[str] = ("X", "y")):
        """X and the targets y as arrays, checked (see ``as_samples``), y shaped for the loss."""
        if y is None:
            raise TypeError(f"{where}: needs targets {names[1]} (got None)")
        X = as_samples(X, names[0], where)
        y = self._targets(as_samples(y, names[1], where))
        check_same_length(X, y, where, (names[0], names[1]))
        return X, y

    def _validation_data(self, validation_data: Any, X: np.ndarray) -> tuple[Any, Any]:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(
                "fit: validation_data must be a pair (X_val, y_val), got "
                f"{type(validation_data).__name__}"
            )
        names = ("validation_data X", "validation_data y")
        X_val, y_val = self._samples("fit", validation_data[0], validation_data[1], names)
        if X_val.shape[1:] != X.shape[1:]:
            raise ValueError(
                f"fit: validation_data X has samples of shape {X_val.shape[1:]} but X has "
                f"{X.shape[1:]}"
            )
        return X_val, y_val

    def _targets(self, y: Any) -> np.ndarray:
        y = as_array(y)
        if y.ndim == 1 and not getattr(self.loss_fn, "takes_class_indices", False):
            return y.reshape(-1, 1)
        return y

    def _ensure_optimizer(self, sample: np.ndarray) -> None:
        if self.optimizer is not None:
            return
        if self._optimizer_spec is None:
            raise RuntimeError("Trainer.fit needs an optimizer")
        with temporary_mode(self.model, training=False), no_grad():
            self.model(sample)  # lazy layers create their weights before the optimizer sees them
        spec = self._optimizer_spec
        if hasattr(spec, "build") and not isinstance(spec, (str, optim.Optimizer)):
            self.optimizer = spec.build(self.model.parameters())  # a Keras optimizer
            return
        self.optimizer = optim.get(spec, self.model.parameters(), **self._optimizer_options)


class _WeightedBatches:
    """``(xb, yb, wb)`` batches: the order of ``DataLoader(X, y)`` with the same generator."""

    def __init__(self, X: Any, y: Any, weights: np.ndarray, batch_size: int, shuffle: bool, rng):
        self.X, self.y, self.weights = X, y, weights
        self.indices = DataLoader(
            np.arange(len(X)), batch_size=batch_size, shuffle=shuffle, rng=rng
        )

    def __len__(self) -> int:
        return len(self.indices)

    def __iter__(self):
        for index in self.indices:
            yield self.X[index], self.y[index], self.weights[index]
