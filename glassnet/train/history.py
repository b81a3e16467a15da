"""``History``: what ``fit`` returns, per-epoch lists of every logged value (as in Keras)."""

from __future__ import annotations

from typing import Any


class History:
    """``history.history`` maps "loss", each metric and their "val_" forms to per-epoch lists.

    Examples:
        >>> from glassnet.train import History
        >>> h = History()
        >>> h.append(0, {"loss": 0.5, "val_loss": 0.7})
        >>> h.history, h.epoch
        ({'loss': [0.5], 'val_loss': [0.7]}, [0])
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        """Record one epoch; a value missing this epoch (no validation) is stored as NaN."""
        self.epoch.append(epoch)
        new_keys = [key for key in logs if key not in self.history]
        for key in [*self.history, *new_keys]:  # a stable order: first seen, first listed
            column = self.history.setdefault(key, [float("nan")] * (len(self.epoch) - 1))
            column.append(float(logs.get(key, float("nan"))))

    def plot(self, metrics: Any = None) -> Any:
        """Training curves as a matplotlib Figure (needs the ``viz`` extra)."""
        from glassnet.viz.plots import plot_history

        return plot_history(self, metrics)

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"
