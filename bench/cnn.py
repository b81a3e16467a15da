"""CNN benchmark: one epoch of MNIST in glassnet, PyTorch (CPU) and hand-written NumPy, one run.

Run from the project root (after ``unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE``):
    python bench/cnn.py                     # the issue's small CNN, 3 rounds, 2 threads
    python bench/cnn.py --net deep          # two 3x3 convs per stage, 32-64 channels, BatchNorm
    python bench/cnn.py --rounds 5 --data path/to/mnist

The network: conv(1->8, 3x3)-ReLU-maxpool2-conv(8->16, 3x3)-ReLU-maxpool2-linear(400->10),
batch 128, Adam(lr=1e-3), 60,000 images (MNIST when found in --data or $GLASSNET_DATA/mnist,
random images otherwise). All contenders start from the same weights and see the same batches.
Each runs in its own subprocess, in rotating order round after round, with equal pinned thread
counts; a round times one whole epoch after a warm-up of 20 batches. Reported: the minimum
epoch time over rounds, its ratio to PyTorch, and the peak resident memory (the process's, and
what the epoch added on top of the data and libraries).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BATCH = 128


def load_images(data: str | None) -> tuple[np.ndarray, np.ndarray, str]:
    """60,000 (N, 1, 28, 28) float32 images in [0, 1] and int64 labels, and where they came from."""
    folder = Path(data) if data else None
    if folder is None and os.environ.get("GLASSNET_DATA"):
        folder = Path(os.environ["GLASSNET_DATA"]) / "mnist"
    if folder is not None and (folder / "train-images-idx3-ubyte.gz").exists():
        from glassnet.data.datasets.idx import read_idx

        images = read_idx(folder / "train-images-idx3-ubyte.gz")
        labels = read_idx(folder / "train-labels-idx1-ubyte.gz")
        x = (images.reshape(-1, 1, 28, 28) / np.float32(255)).astype(np.float32)
        return x, labels.astype(np.int64), "MNIST"
    rng = np.random.default_rng(0)
    x = rng.random((60000, 1, 28, 28), dtype=np.float32)
    return x, rng.integers(0, 10, 60000), "random images (MNIST not found)"


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    """The small CNN's weights in PyTorch's layouts, PyTorch's default init bounds."""
    rng = np.random.default_rng(seed)
    shapes = [
        ((8, 1, 3, 3), 9),
        ((8,), 9),
        ((16, 8, 3, 3), 72),
        ((16,), 72),
        ((10, 400), 400),
        ((10,), 400),
    ]
    return [
        rng.uniform(-1, 1, shape).astype(np.float32) / np.float32(np.sqrt(fan))
        for shape, fan in shapes
    ]


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(name: str, net: str, data: str | None, threads: int, batches: int | None) -> dict:
    """One contender, one epoch (after a warm-up); returns its numbers."""
    sys.path.insert(0, str(HERE))
    x, y, _ = load_images(data)
    deep = net == "deep"
    if name == "torch":
        import torch

        torch.set_num_threads(threads)
        import workload_cnn_torch as workload
    elif name == "numpy":
        if deep:
            return {"skipped": "no NumPy reference for the deep net"}
        import workload_cnn_numpy as workload
    else:
        import workload_cnn_glassnet as workload
    weights = None if deep else initial_weights()
    if name == "numpy":
        model = workload.CNN(weights)
    else:
        model = workload.CNN(weights, deep=deep)
    order = np.random.default_rng(1).permutation(len(x))
    for start in range(0, 20 * BATCH, BATCH):  # warm-up: allocations, BLAS threads
        batch = order[start : start + BATCH]
        model.train_batch(x[batch], y[batch])
    before = current_rss_mb()
    started = time.perf_counter()
    losses = []
    end = len(x) if batches is None else min(len(x), batches * BATCH)
    for start in range(0, end, BATCH):
        batch = order[start : start + BATCH]
        losses.append(model.train_batch(x[batch], y[batch]))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "epoch_s": seconds,
        "last_loss": float(np.mean(losses[-50:])),
        "peak_rss_mb": peak,
        "epoch_extra_mb": max(0.0, peak - before),
    }


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info

        return ", ".join(
            f"{p['internal_api']} {p.get('version', '')} ({p.get('architecture', '?')}, "
            f"{p.get('num_threads')} threads)"
            for p in threadpool_info()
        )
    except ImportError:
        return "unknown (pip install threadpoolctl)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--net", choices=["small", "deep"], default="small")
    parser.add_argument("--data", default=None, help="folder holding MNIST's IDX files")
    parser.add_argument("--batches", type=int, default=None, help="time only this many batches")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.net, args.data, args.threads, args.batches)))
        return

    contenders = ["glassnet", "numpy"]
    if importlib.util.find_spec("torch") is not None:
        contenders.append("torch")
    else:
        print("PyTorch is not installed: comparing with NumPy only (pip install torch==2.13.0)")
    if args.net == "deep":
        contenders.remove("numpy")
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(args.threads)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # they slow a current NumPy down
        env.pop(name, None)
    span = f"{args.batches} batches" if args.batches else "one epoch"
    print(f"data: {load_images(args.data)[2]}; BLAS: {blas_info()}; net: {args.net}; {span}")
    results: dict[str, list[dict]] = {c: [] for c in contenders}
    for round_ in range(args.rounds):
        order = contenders[round_ % len(contenders) :] + contenders[: round_ % len(contenders)]
        for name in order:
            command = [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--net",
                args.net,
                "--threads",
                str(args.threads),
            ]
            if args.data:
                command += ["--data", args.data]
            if args.batches:
                command += ["--batches", str(args.batches)]
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed:\n{done.stderr}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results[name].append(result)
            seconds, loss = result["epoch_s"], result["last_loss"]
            print(f"  round {round_ + 1} {name:9s} {seconds:6.2f} s  loss {loss:.3f}")
    best = {name: min(r["epoch_s"] for r in runs) for name, runs in results.items()}
    header = f"{'epoch (s)':>10s} {'vs torch':>9s} {'peak RSS (MB)':>14s} {'epoch extra (MB)':>17s}"
    print(f"\n{'':10s} {header}")
    for name, runs in results.items():
        ratio = f"{best[name] / best['torch']:.2f}x" if "torch" in best else "-"
        peak = max(r["peak_rss_mb"] for r in runs)
        extra = max(r["epoch_extra_mb"] for r in runs)
        print(f"{name:10s} {best[name]:10.2f} {ratio:>9s} {peak:14.0f} {extra:17.0f}")


if __name__ == "__main__":
    main()
