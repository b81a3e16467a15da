"""The Keras façade: ``model.compile(...)``, ``fit``, ``evaluate``, ``predict`` on any Module.

These methods import ``glassnet.train`` inside themselves: the one sanctioned call from
``nn`` up into ``train``, so that ``model.fit(...)`` works while ``nn`` itself knows nothing of
training loops. Each is a thin door to a ``glassnet.train.Trainer``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Scores(list):
    """``[loss, *metrics]``, as Keras' evaluate returns them; indexing it by a name (the dict
    glassnet's evaluate used to return) is an error saying how to get the dict.

    Examples:
        >>> Scores([0.5, 0.9])["loss"]  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: evaluate returns [loss, *metrics] as Keras does; for scores by name call ...
    """

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, str):
            raise TypeError(
                "evaluate returns [loss, *metrics] as Keras does; for scores by name call "
                "evaluate(..., return_dict=True)"
            )
        return super().__getitem__(index)


class KerasFacade:
    """``compile``/``fit``/``evaluate``/``predict``, mixed into every Module."""

    def compile(
        self,
        optimizer: Any = "adam",
        loss: Any = "cross_entropy",
        metrics: Any = None,
        **optimizer_options: Any,
    ) -> Any:
        """Choose how to train: optimizer and loss (objects or names), metrics to report.

        Examples:
            >>> from glassnet import nn
            >>> model = nn.Sequential(nn.Dense(4, 3, rng=0))
            >>> _ = model.compile("adam", "cross_entropy", metrics=["accuracy"], lr=1e-2)
        """
        from glassnet.train import Trainer

        trainer = Trainer(self, optimizer, loss, metrics, **optimizer_options)  # type: ignore[arg-type]
        object.__setattr__(self, "_trainer", trainer)
        return self

    def _compiled(self) -> Any:
        trainer = self.__dict__.get("_trainer")
        if trainer is None:
            raise RuntimeError(
                f"{type(self).__name__}: call compile(optimizer, loss) before fit/evaluate"
            )
        return trainer

    def fit(self, X: Any, y: Any, **options: Any) -> Any:
        """Train (see ``glassnet.train.Trainer.fit`` for the options); returns a History."""
        return self._compiled().fit(X, y, **options)

    def evaluate(
        self,
        X: Any,
        y: Any,
        batch_size: int | None = None,
        verbose: int = 0,
        return_dict: bool = False,
    ) -> Any:
        """The loss and metrics on (X, y), as Keras returns them: the loss alone (a float)
        when no metrics were compiled, else the list ``[loss, *metrics]`` in the compiled order,
        so ``loss, acc = model.evaluate(X, y)`` works; ``return_dict=True`` gives the dict
        ``{"loss": ..., "accuracy": ...}``. ``verbose`` is accepted; nothing is printed.

        Examples:
            >>> from glassnet import nn
            >>> model = nn.Sequential(nn.Dense(2, 2, rng=0)).compile("sgd", metrics=["accuracy"])
            >>> loss, accuracy = model.evaluate(np.eye(2), np.array([0, 1]))
            >>> sorted(model.evaluate(np.eye(2), np.array([0, 1]), return_dict=True))
            ['accuracy', 'loss']
        """
        scores = self._compiled().evaluate(X, y, batch_size)
        if return_dict:
            return scores
        if len(scores) == 1:
            return scores["loss"]
        return Scores(scores.values())

    def predict(self, X: Any, batch_size: int = 1000, verbose: int = 0) -> np.ndarray:
        """Outputs for X in batches, without a graph, in eval mode (the mode is restored).
        ``verbose`` is accepted, as Keras', and prints nothing."""
        from glassnet.train import Trainer

        trainer = self.__dict__.get("_trainer") or Trainer(self, None, None)  # type: ignore[arg-type]
        return trainer.predict(X, batch_size)
