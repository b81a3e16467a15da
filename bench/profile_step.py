"""Where a training step's time goes: glassnet's forward, backward and optimizer step beside the
same three parts of the hand-written NumPy reference, interleaved in one process; then
cProfile's top functions of glassnet's steps.

    python bench/profile_step.py             # batch 128
    python bench/profile_step.py --batch 32 --top 15
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload_glassnet  # noqa: E402
import workload_numpy  # noqa: E402
from worker import initial_weights, load_data  # noqa: E402

PARTS = ("forward + loss", "backward", "optimizer step")


def glassnet_parts(mlp: workload_glassnet.MLP, x: np.ndarray, y: np.ndarray) -> list[float]:
    clock = [time.perf_counter()]
    mlp.opt.zero_grad()
    loss = mlp.loss_fn(mlp.model(x), y)
    clock.append(time.perf_counter())
    loss.backward()
    clock.append(time.perf_counter())
    mlp.opt.step()
    clock.append(time.perf_counter())
    return list(np.diff(clock))


def numpy_parts(mlp: workload_numpy.MLP, x: np.ndarray, y: np.ndarray) -> list[float]:
    clock = [time.perf_counter()]
    activations, _, delta = mlp.forward_loss(x, y)
    clock.append(time.perf_counter())
    grads = mlp.backward(activations, delta)
    clock.append(time.perf_counter())
    mlp.opt.step(grads)
    clock.append(time.perf_counter())
    return list(np.diff(clock))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()

    X, y, _ = load_data()
    weights = initial_weights()
    ours, reference = workload_glassnet.MLP(weights), workload_numpy.MLP(weights)
    order = np.random.default_rng(0).permutation(len(X))
    batches = [order[(i * args.batch) % (len(X) - args.batch) :][: args.batch]
               for i in range(args.steps)]  # fmt: skip
    times = np.zeros((args.steps, 2, len(PARTS)))
    for i, index in enumerate(batches):
        x, t = X[index], y[index]
        times[i, 0] = glassnet_parts(ours, x, t)
        times[i, 1] = numpy_parts(reference, x, t)
    times = times[20:] * 1e6  # warm-up excluded
    print(f"batch {args.batch}, median over {len(times)} interleaved steps (us)")
    print(f"{'':16s} {'glassnet':>9s} {'NumPy':>9s} {'extra':>8s}")
    for p, part in enumerate(PARTS):
        ours_us, ref_us = np.median(times[:, 0, p]), np.median(times[:, 1, p])
        print(f"{part:16s} {ours_us:9.0f} {ref_us:9.0f} {ours_us - ref_us:+8.0f}")
    ours_us, ref_us = np.median(times[:, 0].sum(1)), np.median(times[:, 1].sum(1))
    print(f"{'whole step':16s} {ours_us:9.0f} {ref_us:9.0f} {ours_us - ref_us:+8.0f}"
          f"   ratio {ours_us / ref_us:.3f}")  # fmt: skip

    profile = cProfile.Profile()
    profile.enable()
    for index in batches:
        ours.train_batch(X[index], y[index])
    profile.disable()
    print(f"\ncProfile of {len(batches)} glassnet steps, by own time:")
    pstats.Stats(profile).strip_dirs().sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
