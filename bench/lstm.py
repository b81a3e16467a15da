"""A character LSTM's training step, glassnet against PyTorch's nn.LSTM, in one run.

The model of the sequence-models issue: an embedding, a 2-layer LSTM with 256 hidden units over
a context of 64 characters, a linear head, cross-entropy and Adam, from the same initial weights
(``workload_lstm_torch.initial_weights``) on the same batches of tiny Shakespeare (random
characters when the text is absent). Each contender runs in its own subprocess (in one process,
PyTorch's OpenMP threads keep spinning after their work and slow NumPy's down), in alternating
order round after round; each round reports medians over its steps, and the best round is shown
with the range of the per-round ratios: for the whole training step, the forward alone (no
graph) and the LSTM layer alone (forward and backward).

Run (PyTorch and threadpoolctl are bench-only extras)::

    unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
    python bench/lstm.py                       # 2 threads, 3 rounds of 30 timed steps
    python bench/lstm.py --threads 1 --batch 64

Thread counts are pinned before NumPy and PyTorch load (OMP, OpenBLAS, MKL and
``torch.set_num_threads``). The last line printed is the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--embed", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30, help="timed steps per measurement")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per contender")
    parser.add_argument("--worker", choices=["glassnet", "torch"], help=argparse.SUPPRESS)
    parser.add_argument("--weights", help=argparse.SUPPRESS)
    return parser.parse_args()


SIZES = ("threads", "batch", "context", "hidden", "layers", "embed", "steps", "warmup")


def text_codes() -> tuple:
    """Tiny Shakespeare as character codes and the vocabulary size (random text if absent)."""
    import numpy as np

    path = Path(os.environ.get("GLASSNET_DATA", "")) / "tinyshakespeare" / "input.txt"
    if os.environ.get("GLASSNET_DATA") and path.is_file():
        text = path.read_text(encoding="utf-8")
        chars = sorted(set(text))
        lookup = np.zeros(max(map(ord, chars)) + 1, dtype=np.int64)
        lookup[[ord(c) for c in chars]] = np.arange(len(chars))
        return lookup[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)], len(chars), path
    return np.random.default_rng(0).integers(0, 65, 200_000), 65, "random characters"


def timed(run, batches: list) -> float:
    """The median time of ``run(batch)`` over the batches, in ms."""
    import numpy as np

    times = []
    for batch in batches:
        started = time.perf_counter()
        run(batch)
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e3)


def worker(args: argparse.Namespace) -> None:
    """One contender in this process: the first loss, then the timings, as one JSON line."""
    import numpy as np

    if args.worker == "torch":
        import torch

        torch.set_num_threads(args.threads)
    sys.path.insert(0, str(HERE))
    work = __import__(f"workload_lstm_{args.worker}")
    codes, vocab, _ = text_codes()
    weights = dict(np.load(args.weights))
    contender = work.Workload(vocab, args.embed, args.hidden, args.layers, weights)
    rng = np.random.default_rng(0)  # the same batches in both workers

    def batches(count: int) -> list:
        starts = rng.integers(0, len(codes) - args.context - 1, (count, args.batch))
        windows = codes[starts[..., None] + np.arange(args.context + 1)]
        return [(w[:, :-1].copy(), w[:, 1:].copy()) for w in windows]

    result = {"first_loss": contender.forward_only(*batches(1)[0])}
    for batch in batches(args.warmup):
        contender.train_batch(*batch)
    result["train step"] = timed(lambda b: contender.train_batch(*b), batches(args.steps))
    result["forward (no graph)"] = timed(lambda b: contender.forward_only(*b), batches(args.steps))
    result["LSTM layer fwd+bwd"] = timed(lambda b: contender.lstm_step(b[0]), batches(args.steps))
    print(json.dumps(result))


def main() -> None:
    args = parse()
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(args.threads)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # they slow a current NumPy down
        env.pop(name, None)
    if args.worker:
        return worker(args)
    import numpy as np

    try:
        import torch
    except ImportError:
        sys.exit("bench/lstm.py compares against PyTorch: pip install torch")
    sys.path.insert(0, str(HERE))
    import workload_lstm_torch

    _, vocab, source = text_codes()
    weights = workload_lstm_torch.initial_weights(vocab, args.embed, args.hidden, args.layers)
    rounds: dict[str, list[dict]] = {"glassnet": [], "torch": []}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "weights.npz"
        np.savez(path, **weights)
        for round_ in range(args.rounds):
            for name in ("glassnet", "torch") if round_ % 2 == 0 else ("torch", "glassnet"):
                command = [sys.executable, __file__, "--worker", name, "--weights", str(path)]
                command += [f"--{k}={v}" for k, v in vars(args).items() if k in SIZES]
                done = subprocess.run(command, env=env, capture_output=True, text=True)
                if done.returncode:
                    sys.exit(f"{name} worker failed:\n{done.stderr}")
                rounds[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    ours, theirs = rounds["glassnet"], rounds["torch"]
    print(
        f"data: {source}; vocab {vocab}; first loss glassnet {ours[0]['first_loss']:.6f}, "
        f"PyTorch {theirs[0]['first_loss']:.6f}"
    )
    print(
        f"batch {args.batch}, context {args.context}, {args.layers} layers x {args.hidden} "
        f"hidden, embedding {args.embed}, {args.threads} threads, {args.rounds} alternating "
        f"rounds of {args.steps} steps (median per round, best round shown); "
        f"NumPy {np.__version__}, PyTorch {torch.__version__}"
    )
    print(f"{'':22} {'glassnet ms':>12} {'PyTorch ms':>12} {'ratio':>7} {'round ratios':>14}")
    summary = {}
    for key in ("train step", "forward (no graph)", "LSTM layer fwd+bwd"):
        best = min(r[key] for r in ours), min(r[key] for r in theirs)
        ratios = sorted(a[key] / b[key] for a, b in zip(ours, theirs))
        summary[key] = {"glassnet_ms": best[0], "torch_ms": best[1], "ratio": best[0] / best[1]}
        print(
            f"{key:22} {best[0]:12.1f} {best[1]:12.1f} {best[0] / best[1]:6.2f}x "
            f"{ratios[0]:.2f}-{ratios[-1]:.2f}x"
        )
    print(json.dumps({"first_loss": [ours[0]["first_loss"], theirs[0]["first_loss"]], **summary}))


if __name__ == "__main__":
    main()
