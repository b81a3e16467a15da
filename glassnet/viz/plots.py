"""Training plots with matplotlib (the ``viz`` extra)."""

from __future__ import annotations

from typing import Any


def _pyplot() -> Any:
    try:
        import matplotlib

        if matplotlib.get_backend().lower() not in ("agg",) and not _has_display():
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'glassnet[viz]'") from None
    return plt


def _has_display() -> bool:
    import os
    import sys

    return sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY"))


def plot_history(history: Any, metrics: Any = None) -> Any:
    """Curves of a History (or its ``.history`` dict): one panel per quantity, training and
    validation together.

    Args:
        history: a ``History`` or a dict of per-epoch lists.
        metrics: the quantities to show (default: every one that has no ``val_`` prefix).

    Returns:
        a matplotlib Figure.
    """
    plt = _pyplot()
    logs = getattr(history, "history", history)
    names = list(metrics) if metrics is not None else [k for k in logs if not k.startswith("val_")]
    if not names:
        raise ValueError("plot_history: nothing to plot")
    figure, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = range(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], marker="o", markersize=3, label="train")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], marker="o", markersize=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    figure.tight_layout()
    return figure
