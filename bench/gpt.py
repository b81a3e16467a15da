"""GPT training step, glassnet against PyTorch side by side in one run (CPU, same threads).

    unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
    python bench/gpt.py                  # the reference small GPT, 2 threads, 7 rounds
    python bench/gpt.py --threads 1 --rounds 3 --steps 10

Both models are the same GPT (``workload_gpt_glassnet`` / ``workload_gpt_torch``) starting from
the same weights, trained by AdamW with clipping on the same random batches. Each round times
``--steps`` training steps of each contender, alternating which goes first; the ratio is taken
within each round (the machine's speed drifts) and the median reported, with each contender's
best round. Then glassnet's time per op type (forward and backward, every Function wrapped by a
timer) and PyTorch's (its profiler), and the peak memory of each, measured in a fresh process
(peak RSS growth over the step; for glassnet also the traced NumPy peak).
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def build(args):
    """Both trainers on the same weights, and a batch maker."""
    import torch
    import workload_gpt_glassnet as ours
    import workload_gpt_torch as theirs

    from glassnet.models import GPTConfig

    torch.set_num_threads(args.threads)
    config = GPTConfig(
        n_layer=args.n_layer,
        n_head=args.n_head,
        n_embd=args.n_embd,
        block_size=args.block_size,
        vocab_size=65,
    )
    model = ours.make_model(config, seed=0)
    return ours.Trainer(model), theirs.Trainer(theirs.from_glassnet(model)), config


def batches(args, config, count, seed=0):
    rng = np.random.default_rng(seed)
    shape = (args.batch_size, args.block_size)
    return [
        (rng.integers(0, config.vocab_size, shape), rng.integers(0, config.vocab_size, shape))
        for _ in range(count)
    ]


def timed(trainer, data):
    started = time.perf_counter()
    for x, y in data:
        trainer.step(x, y)
    return (time.perf_counter() - started) / len(data)


def side_by_side(args):
    ours, theirs, config = build(args)
    data = batches(args, config, args.steps)
    timed(ours, data[:2]), timed(theirs, data[:2])  # warm-up
    rows = []
    for round_ in range(args.rounds):
        if round_ % 2 == 0:
            g, t = timed(ours, data), timed(theirs, data)
        else:
            t, g = timed(theirs, data), timed(ours, data)
        rows.append((g, t))
        print(
            f"round {round_}: glassnet {1000 * g:.1f} ms, PyTorch {1000 * t:.1f} ms, {g / t:.2f}x"
        )
    g_best, t_best = min(r[0] for r in rows), min(r[1] for r in rows)
    ratio = float(np.median([g / t for g, t in rows]))
    print(
        f"time per iteration: glassnet {1000 * g_best:.1f} ms, PyTorch {1000 * t_best:.1f} ms "
        f"(best rounds); median ratio within rounds {ratio:.2f}x"
    )
    return ours, theirs, config


def glassnet_per_op(trainer, data):
    """Forward and backward time per Function class over the given steps."""
    from glassnet.autograd.function import Function

    totals = collections.defaultdict(float)

    def classes(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from classes(sub)

    def wrap(cls, kind):
        original = cls.__dict__[kind].__func__

        @functools.wraps(original)
        def timer(*a, **k):
            started = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                totals[(cls.__name__, kind)] += time.perf_counter() - started

        setattr(cls, kind, staticmethod(timer))
        return original

    saved = []
    for cls in set(classes(Function)):
        for kind in ("forward", "backward"):
            if kind in cls.__dict__:
                saved.append((cls, kind, wrap(cls, kind)))
    try:
        started = time.perf_counter()
        for x, y in data:
            trainer.step(x, y)
        total = time.perf_counter() - started
    finally:
        for cls, kind, original in saved:
            setattr(cls, kind, staticmethod(original))
    print(f"\nglassnet per op type (ms per iteration; {1000 * total / len(data):.1f} ms in all)")
    ops = sorted(
        {name for name, _ in totals},
        key=lambda n: -sum(totals[(n, k)] for k in ("forward", "backward")),
    )
    for name in ops:
        f, b = (1000 * totals[(name, kind)] / len(data) for kind in ("forward", "backward"))
        print(f"  {name:30s} forward {f:7.2f}  backward {b:7.2f}")


def torch_per_op(trainer, data):
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for x, y in data:
            trainer.step(x, y)
    print("\nPyTorch per op type (its profiler, total over the steps)")
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))


def memory(args):
    """Peak memory of one contender's training steps, in this (fresh) process: the growth of
    the peak RSS from just before the first step (the models built, the libraries loaded)."""
    import workload_gpt_glassnet as ours

    from glassnet.models import GPTConfig

    config = GPTConfig(args.n_layer, args.n_head, args.n_embd, args.block_size, vocab_size=65)
    model = ours.make_model(config, seed=0)
    if args.memory == "glassnet":
        trainer = ours.Trainer(model)
    else:
        import torch
        import workload_gpt_torch as theirs

        torch.set_num_threads(args.threads)
        trainer = theirs.Trainer(theirs.from_glassnet(model))
        del model
    data = batches(args, config, 4)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    traced = None
    if args.memory == "glassnet":
        import tracemalloc

        tracemalloc.start()
    for x, y in data:
        trainer.step(x, y)
    if traced is None and args.memory == "glassnet":
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_growth_mb": round((after - before) / 1024, 1),
                      "traced_peak_mb": traced and round(traced, 1)}))  # fmt: skip


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--n-layer", type=int, default=4)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--block-size", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=12)
    p.add_argument("--no-per-op", action="store_true")
    p.add_argument("--memory", choices=["glassnet", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args()
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            print(f"warning: {name} is set; unset it for a fair comparison")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(args.threads):
        if args.memory:
            memory(args)
            return
        print(
            f"GPT {args.n_layer} layers, {args.n_head} heads, {args.n_embd} wide, context "
            f"{args.block_size}, batch {args.batch_size}; {args.threads} threads"
        )
        ours, theirs, config = side_by_side(args)
        if not args.no_per_op:
            data = batches(args, config, 5, seed=1)
            glassnet_per_op(ours, data)
            torch_per_op(theirs, data)
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(args.threads),
        "OPENBLAS_NUM_THREADS": str(args.threads),
    }
    print("\npeak memory, each in a fresh process:")
    for contender in ("glassnet", "torch"):
        command = [sys.executable, __file__, "--memory", contender, "--threads", str(args.threads),
                   "--n-layer", str(args.n_layer), "--n-head", str(args.n_head),
                   "--n-embd", str(args.n_embd), "--block-size", str(args.block_size),
                   "--batch-size", str(args.batch_size)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        print(f"  {contender}: {result.stdout.strip() or result.stderr.strip()[-300:]}")


if __name__ == "__main__":
    main()
