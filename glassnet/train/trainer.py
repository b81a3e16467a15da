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
from glassnet.data.dataloader import DataLoader
from glassnet.nn.module import Module, temporary_mode
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import as_array
from glassnet.train.callbacks import Callback
from glassnet.train.checkpoint import checkpoint_path, restore_checkpoint, save_checkpoint
from glassnet.train.history import History
from glassnet.train.progress import Progress


class Trainer:
    """Train ``model`` with ``optimizer`` and ``loss``, reporting ``metrics``.

    The arguments come in Keras' order, the same as ``model.compile(optimizer, loss, metrics)``.

    Args:
        model: a Module.
        optimizer: an Optimizer, or a name ("adam", "sgd", ...) created over the model's
            parameters (after a first forward call, so lazy layers have their weights).
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
        self.model = model
        self.loss_fn = None if loss is None else nn.get_loss(loss)
        self._optimizer_spec = optimizer
        self._optimizer_options = optimizer_options
        self.optimizer: optim.Optimizer | None = (
            optimizer if isinstance(optimizer, optim.Optimizer) else None
        )
        functions = [metric_functions.get(m) for m in metrics or []]
        self.metrics = [(getattr(f, "__name__", type(f).__name__), f) for f in functions]
        self.history = History()
        self.stop_training = False
        self.epoch = 0
        self.batch = 0

    # ----------------------------------------------------------------- steps
    def train_step(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """One optimization step on a batch; returns the batch loss and the model's output."""
        assert self.loss_fn is not None and self.optimizer is not None
        self.optimizer.zero_grad()
        output = self.model(x)
        loss = self.loss_fn(output, y)
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
        assert self.loss_fn is not None
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
    ) -> History:
        """Train for ``epochs`` epochs and return the History.

        Args:
            X: training inputs, samples along the first axis.
            y: targets (class indices, one-hot rows or values). A 1-D target for a loss other
                than cross-entropy/NLL is read as a column (N, 1).
            validation_data: ``(X_val, y_val)`` evaluated every ``eval_every`` epochs.
            validation_split: or hold out this fraction of the (unshuffled) end of X, y.
            callbacks: EarlyStopping, ModelCheckpoint, ... (see ``glassnet.train``).
            rng: Generator or seed for the shuffling order (None: the global generator).
            verbose: 0 silent, 1 progress bar (a line when not on a terminal), 2 a line.
            checkpoint_dir: write a checkpoint there after every epoch (model, optimizer,
                callbacks, random generators, history).
            resume: continue from the checkpoint in ``checkpoint_dir`` if there is one; then
                ``epochs`` counts the whole run, the epochs done before included, and the result
                is bit for bit that of an uninterrupted run.
        """
        if self.loss_fn is None:
            raise RuntimeError("Trainer.fit needs a loss (and an optimizer)")
        X, y = np.asarray(X), self._targets(y)
        if len(X) != len(y):
            raise ValueError(f"fit: X has {len(X)} samples but y has {len(y)}")
        if validation_split:
            if validation_data is not None or not 0.0 < validation_split < 1.0:
                raise ValueError("fit: validation_split must be in (0, 1), without validation_data")
            cut = len(X) - round(len(X) * validation_split)
            X, y, validation_data = X[:cut], y[:cut], (X[cut:], y[cut:])
        loader_rng = get_rng(rng)
        loader = DataLoader(X, y, batch_size, shuffle=shuffle, rng=loader_rng)
        self._ensure_optimizer(X[:batch_size])
        callbacks = list(callbacks)
        for callback in callbacks:
            callback.set_trainer(self)
        self.stop_training = False
        progress = Progress(verbose, epochs)
        first_epoch = len(self.history.epoch)
        for callback in callbacks:
            callback.on_train_begin({})
        checkpoint = None if checkpoint_dir is None else checkpoint_path(checkpoint_dir)
        done = 0
        if resume and checkpoint is not None and checkpoint.exists():
            done = restore_checkpoint(checkpoint, self, callbacks, loader_rng)
            first_epoch = len(self.history.epoch) - done
        elif resume and checkpoint_dir is None:
            raise ValueError("fit(resume=True) needs checkpoint_dir=")
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
                scores = self.evaluate(*validation_data, batch_size=max(batch_size, 256))
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

    def _train_epoch(self, loader: DataLoader, progress: Progress, callbacks: list[Callback]):
        self.model.train()
        total, count = 0.0, 0
        outputs, targets = [], []
        for batch, (xb, yb) in enumerate(loader):
            self.batch = batch
            value, output = self.train_step(xb, yb)
            total += value * len(xb)
            count += len(xb)
            if self.metrics:
                outputs.append(output)
                targets.append(yb)
            progress.batch_end(value)
            for callback in callbacks:
                callback.on_batch_end(batch, {"loss": value})
        logs = {"loss": total / count}
        if self.metrics:
            logs.update(self._score(np.concatenate(targets), np.concatenate(outputs)))
        return logs

    # ----------------------------------------------------------------- evaluation
    def evaluate(self, X: Any, y: Any, batch_size: int | None = None) -> dict[str, float]:
        """The loss (the mean over all samples, each batch weighted by its size) and metrics."""
        if self.loss_fn is None:
            raise RuntimeError("Trainer.evaluate needs a loss")
        X, y = np.asarray(X), self._targets(y)
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
        """The model's outputs for X, computed in batches, as one array."""
        X = np.asarray(X)
        with temporary_mode(self.model, training=False), no_grad():
            return np.concatenate(
                [self.model(xb).numpy() for xb in DataLoader(X, batch_size=batch_size)]
            )

    # ----------------------------------------------------------------- helpers
    def _score(self, y_true: np.ndarray, output: np.ndarray) -> dict[str, float]:
        if isinstance(self.loss_fn, nn.Loss):
            output = self.loss_fn.predictions(output)  # e.g. probabilities for a loss on logits
        return {name: float(function(y_true, output)) for name, function in self.metrics}

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
        self.optimizer = optim.get(
            self._optimizer_spec, self.model.parameters(), **self._optimizer_options
        )
