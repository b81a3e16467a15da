"""glassnet and the hand-written NumPy reference, one training step each in turn, in one process.

The machine this was written on changes speed by up to 2x over a few seconds (a shared host),
so two epochs timed one after the other can differ by more than glassnet's whole overhead.
Here a glassnet step and a NumPy step on the same batch alternate (which one goes first
alternates too), so both see the same machine; the ratio of each pair is taken, and the median
of those ratios is reported. Both use the same BLAS thread pool, so neither slows the other.

Run by bench/run.py; by hand: ``python bench/interleaved.py`` (prints one JSON line).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload_glassnet  # noqa: E402
import workload_numpy  # noqa: E402
from worker import initial_weights, load_data  # noqa: E402


def paired_steps(batch_size: int, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """An epoch's full batches, each trained by both contenders in turn."""
    weights = initial_weights()
    contenders = [workload_glassnet.MLP(weights), workload_numpy.MLP(weights)]
    order = np.random.default_rng(0).permutation(len(X))
    batches = [order[i : i + batch_size] for i in range(0, len(X) - batch_size + 1, batch_size)]
    times = np.zeros((len(batches), 2))
    for index in batches[:20]:  # warm-up
        for mlp in contenders:
            mlp.train_batch(X[index], y[index])
    for i, index in enumerate(batches):
        x_batch, y_batch = X[index], y[index]
        for which in (0, 1) if i % 2 else (1, 0):
            started = time.perf_counter()
            contenders[which].train_batch(x_batch, y_batch)
            times[i, which] = time.perf_counter() - started
    return {
        "glassnet_ms": float(np.median(times[:, 0]) * 1e3),
        "numpy_ms": float(np.median(times[:, 1]) * 1e3),
        "ratio": float(np.median(times[:, 0] / times[:, 1])),
    }


def main() -> None:
    X, y, _ = load_data()
    print(json.dumps({f"b{size}": paired_steps(size, X, y) for size in (32, 128, 512)}))


if __name__ == "__main__":
    main()
