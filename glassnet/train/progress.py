"""Progress display: a bar per epoch (tqdm, when installed and writing to a terminal), or one
plain line per epoch."""

from __future__ import annotations

import sys
import time
from typing import Any


def format_logs(logs: dict[str, float]) -> str:
    return " - ".join(f"{k} {v:.4f}" for k, v in logs.items() if v == v)  # v == v skips NaN


class Progress:
    """``verbose``: 0 prints nothing, 1 a bar (or a line when not on a terminal), 2 a line."""

    def __init__(self, verbose: int, epochs: int) -> None:
        self.verbose = verbose
        self.epochs = epochs
        self.bar: Any = None
        self.started = 0.0

    def _use_bar(self) -> bool:
        if self.verbose != 1 or not sys.stderr.isatty():
            return False
        try:
            import tqdm  # noqa: F401
        except ImportError:
            return False
        return True

    def epoch_begin(self, epoch: int, batches: int) -> None:
        self.started = time.perf_counter()
        if self._use_bar():
            from tqdm import tqdm

            self.bar = tqdm(total=batches, desc=f"epoch {epoch + 1}/{self.epochs}", leave=True)

    def batch_end(self, loss: float) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)

    def epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        seconds = time.perf_counter() - self.started
        if self.bar is not None:
            self.bar.set_postfix_str(format_logs(logs))
            self.bar.close()
            self.bar = None
        elif self.verbose:
            print(
                f"epoch {epoch + 1}/{self.epochs} - {seconds:.2f}s - {format_logs(logs)}",
                flush=True,
            )
