"""One contender's run of every benchmark, in its own process; prints one JSON line.

Run by bench/run.py; not meant to be called by hand (but ``python bench/worker.py glassnet`` works).
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MNIST = Path(
    os.environ.get("GLASSNET_MNIST_DIR") or HERE.parent.parent / "shared" / "data" / "mnist"
)


def load_data():
    if (MNIST / "train-images-idx3-ubyte.gz").exists():
        from glassnet.data.datasets import load_mnist

        (X, y), _ = load_mnist(root=MNIST, download=False)
        return X, y, "MNIST"
    rng = np.random.default_rng(0)
    return rng.random((60000, 784), dtype=np.float32), rng.integers(0, 10, 60000), "random"


def initial_weights(sizes=(784, 256, 128, 10)):
    rng = np.random.default_rng(0)
    weights = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1 / np.sqrt(fan_in)
        weights += [rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                    rng.uniform(-bound, bound, fan_out).astype(np.float32)]  # fmt: skip
    return weights


def epoch(mlp, X, y, batch_size, seed=0, limit=None):
    order = np.random.default_rng(seed).permutation(len(X))
    stop = len(X) if limit is None else limit * batch_size
    for start in range(0, stop, batch_size):
        index = order[start : start + batch_size]
        mlp.train_batch(X[index], y[index])


def best_of(repetitions, run):
    """The shortest of several timed runs of ``run()``, in seconds."""
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_rss_reset():
    with open("/proc/self/clear_refs", "w") as f:  # "5" resets the peak resident set size
        f.write("5")


def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(contender: str) -> None:
    sys.path.insert(0, str(HERE))
    if contender == "torch":
        import torch

        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    work = importlib.import_module(f"workload_{contender}")
    X, y, source = load_data()
    weights = initial_weights()
    results: dict[str, float | str] = {"data": source}

    for batch_size in (128, 32, 512):
        mlp = work.MLP(weights)
        epoch(mlp, X, y, batch_size, limit=30)  # warm-up: caches, thread pools, allocator
        started = time.perf_counter()
        epoch(mlp, X, y, batch_size, seed=1)
        results[f"epoch_b{batch_size}"] = time.perf_counter() - started

    # The short benchmarks below take the best of 5 repetitions: a shared machine's hiccups
    # would otherwise dominate them.
    chain = work.op_chain(333)  # 3 elementwise ops per round: 999 ops
    for _ in range(3):
        chain()
    results["op_us"] = best_of(5, lambda: [chain() for _ in range(5)]) / 5 / 999 * 1e6

    small = work.MLP(initial_weights((784, 128, 10)))  # a 2-layer MLP
    for i in range(50):
        small.train_batch(X[i : i + 1], y[i : i + 1])

    def steps_at_batch_1():
        for i in range(200):
            small.train_batch(X[i : i + 1], y[i : i + 1])

    results["step_b1_us"] = best_of(5, steps_at_batch_1) / 200 * 1e6

    test = X[:10000]
    mlp.predict(test)
    results["predict_10k"] = best_of(5, lambda: mlp.predict(test))

    mlp = work.MLP(weights)
    peak_rss_reset()
    if contender != "torch":
        tracemalloc.start()
    epoch(mlp, X, y, 128, seed=2)
    if contender != "torch":
        results["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    results["peak_rss_mb"] = peak_rss_mb()
    results["dataset_mb"] = X.nbytes / 2**20
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
