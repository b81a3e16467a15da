"""Progress display: on a terminal, one line per epoch that redraws itself batch by batch and is
fitted to the terminal's width; elsewhere (a pipe, a file, a notebook) one plain line per epoch.

What a narrow terminal drops first: the bar, then the timing, then the batch count, then the
training metrics other than the loss. The epoch, the loss and every validation metric stay.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import Any, TextIO

#: The width used when the terminal reports none (a zero-size pseudo-terminal, for instance).
FALLBACK_COLUMNS = 80
BAR_WIDTH = 20


def format_logs(logs: dict[str, float]) -> str:
    """``loss 0.1234 - val_loss 0.2345``: each finite-or-infinite value (NaN is skipped).

    Examples:
        >>> format_logs({"loss": 0.5, "accuracy": float("nan"), "val_loss": 0.25})
        'loss 0.5000 - val_loss 0.2500'
    """
    return " - ".join(f"{k} {v:.4f}" for k, v in logs.items() if v == v)  # v == v skips NaN


def terminal_columns(stream: Any = None) -> int:
    """The terminal's width, or 80 when it reports none or zero (never a blank line)."""
    try:
        columns = shutil.get_terminal_size((FALLBACK_COLUMNS, 24)).columns
    except (OSError, ValueError):
        columns = FALLBACK_COLUMNS
    return columns if columns > 0 else FALLBACK_COLUMNS


def fit_line(parts: list[tuple[int, str]], columns: int) -> str:
    """Join ``(priority, text)`` parts with " - ", dropping the lowest priorities (0 first)
    until the line fits in ``columns``; parts of the highest priority always stay.

    Examples:
        >>> parts = [(3, "epoch 2/5"), (0, "[#####     ]"), (1, "acc 0.9"), (3, "val_loss 0.2")]
        >>> fit_line(parts, 80)
        'epoch 2/5 - [#####     ] - acc 0.9 - val_loss 0.2'
        >>> fit_line(parts, 40)
        'epoch 2/5 - acc 0.9 - val_loss 0.2'
        >>> fit_line(parts, 10)
        'epoch 2/5 - val_loss 0.2'
    """
    keep = list(parts)
    highest = max((p for p, _ in parts), default=0)
    while keep:
        line = " - ".join(text for _, text in keep)
        lowest = min(p for p, _ in keep)
        if len(line) <= columns or lowest == highest:
            return line
        drop = max(i for i, (p, _) in enumerate(keep) if p == lowest)  # the rightmost first
        del keep[drop]
    return ""


def _log_parts(logs: dict[str, float]) -> list[tuple[int, str]]:
    """The loss and the validation metrics must stay (priority 3); other metrics may go (1)."""
    parts = []
    for name, value in logs.items():
        if value != value:  # NaN: nothing measured
            continue
        keep = 3 if name.startswith("val_") or name == "loss" else 1
        parts.append((keep, f"{name} {value:.4f}"))
    return parts


class Progress:
    """``verbose``: 0 prints nothing, 1 a live line on a terminal (a plain line per epoch
    elsewhere), 2 a plain line per epoch.

    Examples:
        >>> import io
        >>> out = io.StringIO()
        >>> progress = Progress(2, epochs=3, stream=out)
        >>> progress.epoch_begin(0, batches=10)
        >>> progress.epoch_end(0, {"loss": 0.5, "val_loss": 0.25})
        >>> print(out.getvalue(), end="")  # doctest: +ELLIPSIS
        epoch 1/3 - ...s - loss 0.5000 - val_loss 0.2500
    """

    def __init__(self, verbose: int, epochs: int, stream: TextIO | None = None) -> None:
        self.verbose = verbose
        self.epochs = epochs
        self.stream = stream
        self.started = 0.0
        self.batches = 0
        self.done = 0
        self.loss_sum = 0.0
        self.drawn = 0.0  # when the live line was last redrawn

    @property
    def out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stdout

    def _live(self) -> bool:
        isatty = getattr(self.out, "isatty", None)
        return self.verbose == 1 and callable(isatty) and bool(isatty())

    def _epoch(self, epoch: int) -> str:
        return f"epoch {int(epoch) + 1}/{int(self.epochs)}"

    def epoch_begin(self, epoch: int, batches: int) -> None:
        self.started = self.drawn = time.perf_counter()
        self.epoch, self.batches, self.done, self.loss_sum = epoch, batches, 0, 0.0

    def batch_end(self, loss: float) -> None:
        self.done += 1
        self.loss_sum += float(loss)
        if not self._live():
            return
        now = time.perf_counter()
        if now - self.drawn < 0.1 and self.done < self.batches:
            return  # redraw at most ten times a second
        self.drawn = now
        filled = BAR_WIDTH * self.done // max(self.batches, 1)
        parts = [
            (3, self._epoch(self.epoch)),
            (0, "[" + "#" * filled + " " * (BAR_WIDTH - filled) + "]"),
            (1, f"{self.done}/{self.batches}"),
            (3, f"loss {self.loss_sum / self.done:.4f}"),
            (0, f"{now - self.started:.1f}s"),
        ]
        self._draw(fit_line(parts, terminal_columns() - 1), end="")

    def _draw(self, line: str, end: str) -> None:
        self.out.write("\r\x1b[2K" + line + end)  # back to the start, clear, write
        self.out.flush()

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if not self.verbose:
            return
        seconds = time.perf_counter() - self.started
        parts = [(3, self._epoch(epoch)), (0, f"{seconds:.2f}s"), *_log_parts(logs)]
        if self._live():
            self._draw(fit_line(parts, terminal_columns() - 1), end="\n")
        else:
            self.out.write(" - ".join(text for _, text in parts) + "\n")
            self.out.flush()
