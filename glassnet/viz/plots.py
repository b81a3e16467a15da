"""Training plots with matplotlib (the ``viz`` extra)."""

from __future__ import annotations

from typing import Any

from glassnet.arguments import check_int
from glassnet.errors import ShapeError

#: Backends that draw into a window: they need a display, the others (files, notebooks) do not.
WINDOW_BACKENDS = ("tkagg", "qtagg", "qt5agg", "qt6agg", "gtk3agg", "gtk4agg", "wxagg", "macosx")


def _pyplot() -> Any:
    """pyplot, switched to the file-only Agg backend only when it would try to open a window
    where none can open (a script on a server). A notebook's inline backend is kept, so figures
    show in a headless Jupyter kernel too; a script saves them with ``figure.savefig``."""
    try:
        import matplotlib

        backend = matplotlib.get_backend().lower()
        if backend in WINDOW_BACKENDS and not _has_display():
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'glassnet[viz]'") from None
    return plt


def _has_display() -> bool:
    import os
    import sys

    return sys.platform in ("win32", "darwin") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def plot_history(history: Any, metrics: Any = None) -> Any:
    """Curves of a History (or its ``.history`` dict): one panel per quantity, training and
    validation together.

    Args:
        history: a ``History`` or a dict of per-epoch lists.
        metrics: the quantities to show (default: every one that has no ``val_`` prefix).

    Returns:
        a matplotlib Figure.

    Raises:
        TypeError: ``history`` that is neither a History nor a dict.
        ValueError: nothing to plot, or a metric the history does not hold.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            f"plot_history: history must be a History or a dict of per-epoch lists, got "
            f"{type(history).__name__}"
        )
    if isinstance(metrics, str):
        metrics = [metrics]
    names = list(metrics) if metrics is not None else [k for k in logs if not k.startswith("val_")]
    if not names:
        raise ValueError("plot_history: nothing to plot")
    unknown = [name for name in names if name not in logs]
    if unknown:
        raise ValueError(f"plot_history: the history has no {unknown}; it holds {sorted(logs)}")
    for key in [*names, *(f"val_{n}" for n in names if f"val_{n}" in logs)]:
        values = logs[key]
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise TypeError(
                f"plot_history: {key!r} must be a list of per-epoch values, got "
                f"{type(values).__name__}"
            )
        train = key.removeprefix("val_") if key.startswith("val_") else key
        if len(values) != len(logs[train]):
            raise ValueError(
                f"plot_history: {key!r} has {len(values)} values but {train!r} has "
                f"{len(logs[train])}; one per epoch each"
            )
    plt = _pyplot()
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


def plot_decision_boundary(
    model: Any, X: Any, y: Any, resolution: int = 200, ax: Any = None
) -> Any:
    """The regions a 2-D classifier assigns to each class, with the data on top.

    ``model`` maps (N, 2) inputs to class scores (N, C), or to one probability/logit (N, 1).
    """
    import numpy as np

    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(f"plot_decision_boundary needs 2-D inputs (N, 2), got {X.shape}")
    if len(X) == 0:
        raise ValueError("plot_decision_boundary: X holds no points")
    if y.shape[:1] != X.shape[:1]:
        raise ShapeError(f"plot_decision_boundary: y has shape {y.shape} but X has {len(X)} points")
    check_int("plot_decision_boundary", "resolution", resolution, minimum=2)
    plt = _pyplot()
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0))
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(
        np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
    )
    grid = np.c_[gx.ravel(), gy.ravel()].astype(np.float32)
    scores = model.predict(grid) if hasattr(model, "predict") else np.asarray(model(grid))
    classes = (
        scores.argmax(axis=1)
        if scores.ndim == 2 and scores.shape[1] > 1
        else (scores.reshape(-1) > (0.5 if scores.min() >= 0 else 0.0))
    )
    figure = None
    if ax is None:
        figure, ax = plt.subplots(figsize=(5, 5))
    ax.contourf(gx, gy, classes.reshape(gx.shape).astype(float), alpha=0.3, cmap="viridis")
    ax.scatter(X[:, 0], X[:, 1], c=y, s=12, cmap="viridis", edgecolors="k", linewidths=0.3)
    ax.set_title("decision boundary")
    return figure if figure is not None else ax.figure


def show_images(
    X: Any, labels: Any = None, predictions: Any = None, n: int = 16, shape: Any = None
) -> Any:
    """A grid of the first ``n`` images (rows of pixels such as MNIST's 784), titled with their
    labels and predictions; a wrong prediction is titled in red."""
    import numpy as np

    check_int("show_images", "n", n, minimum=1)
    X = np.asarray(X)[:n]
    if X.ndim == 0 or len(X) == 0:
        raise ValueError(f"show_images: no images to show (X has shape {X.shape})")
    side = shape or (round(float(np.sqrt(X[0].size))),) * 2
    if int(np.prod(side)) != X[0].size:
        raise ShapeError(
            f"show_images: an image of {X[0].size} values (shape {X[0].shape}) cannot be shown "
            f"as {tuple(side)}; pass shape=(height, width)"
        )
    for what, given in (("labels", labels), ("predictions", predictions)):
        if given is not None and len(np.asarray(given)) < len(X):
            raise ValueError(f"show_images: {len(np.asarray(given))} {what} for {len(X)} images")
    plt = _pyplot()
    columns = min(8, len(X))
    rows = -(-len(X) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(1.4 * columns, 1.6 * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= len(X):
            continue
        ax.imshow(X[i].reshape(side), cmap="gray_r")
        title, color = [], "black"
        if labels is not None:
            title.append(f"{np.asarray(labels)[i]}")
        if predictions is not None:
            guess = np.asarray(predictions)[i]
            guess = guess.argmax() if np.ndim(guess) else guess
            title.append(f"pred {guess}")
            if labels is not None and guess != np.asarray(labels)[i]:
                color = "red"
        ax.set_title(" / ".join(title), fontsize=9, color=color)
    figure.tight_layout()
    return figure


def plot_confusion_matrix(cm: Any, labels: Any = None) -> Any:
    """A confusion matrix as a heat map, counts written in (rows: true, columns: predicted)."""
    import numpy as np

    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.dtype.kind not in "biuf":
        raise ShapeError(
            f"plot_confusion_matrix needs a square matrix of counts (C, C), got shape "
            f"{cm.shape} of dtype {cm.dtype}"
        )
    labels = list(range(len(cm))) if labels is None else list(labels)
    if len(labels) != len(cm):
        raise ValueError(
            f"plot_confusion_matrix: {len(labels)} labels for a {len(cm)}x{len(cm)} matrix"
        )
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(0.6 * len(cm) + 2, 0.6 * len(cm) + 1.5))
    image = ax.imshow(cm, cmap="Blues")
    figure.colorbar(image, ax=ax)
    ticks = range(len(cm))
    ax.set(xticks=ticks, yticks=ticks, xticklabels=labels, yticklabels=labels)
    ax.set(xlabel="predicted", ylabel="true", title="confusion matrix")
    for (i, j), count in np.ndenumerate(cm):
        color = "white" if count > cm.max() / 2 else "black"  # readable on dark and light cells
        ax.text(j, i, str(count), ha="center", va="center", fontsize=8, color=color)
    figure.tight_layout()
    return figure
