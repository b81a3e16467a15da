"""Benchmarks: glassnet against hand-written NumPy and PyTorch (CPU), side by side, in one run.

Run from the project root:
    python bench/run.py                # 7 rounds, 2 threads each
    python bench/run.py --rounds 3 --threads 1

Each contender runs in its own subprocess, in alternating order round after round, so one's
thread pool never slows another and machine noise hits all alike; every number is the minimum
over rounds (warm-up excluded). Thread counts are pinned equal for all through OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS, MKL_NUM_THREADS and torch.set_num_threads. PyTorch is skipped, with a
message, when it is not installed (pip install torch==2.13.0).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROWS = [
    ("epoch_b128", "MLP epoch, batch 128 (s)"),
    ("epoch_b32", "MLP epoch, batch 32 (s)"),
    ("epoch_b512", "MLP epoch, batch 512 (s)"),
    ("op_us", "elementwise op on (8, 8), fwd+bwd (us)"),
    ("step_b1_us", "2-layer MLP train step at batch 1 (us)"),
    ("predict_10k", "predict 10,000 samples (s)"),
    ("peak_rss_mb", "peak RSS during an epoch (MB)"),
    ("traced_peak_mb", "peak traced allocations (MB)"),
]


def run_script(args: list[str], threads: int) -> dict:
    """Run a bench script in a fresh Python with pinned thread counts; its last line is JSON."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # they slow a current NumPy down
        env.pop(name, None)
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def blas_info() -> str:
    try:
        import numpy  # noqa: F401
        from threadpoolctl import threadpool_info

        pools = [
            f"{p['internal_api']} {p.get('version', '')} ({p.get('architecture', '?')})"
            for p in threadpool_info()
        ]
        return ", ".join(pools) or "unknown"
    except ImportError:
        return "unknown (pip install threadpoolctl)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    contenders = ["glassnet", "numpy"]
    if importlib.util.find_spec("torch") is not None:
        contenders.append("torch")
    else:
        print("PyTorch is not installed: comparing with NumPy only (pip install torch==2.13.0)")
    results: dict[str, list[dict]] = {c: [] for c in contenders}
    for round_number in range(args.rounds):
        order = (
            contenders[round_number % len(contenders) :]
            + contenders[: round_number % len(contenders)]
        )
        for contender in order:
            results[contender].append(
                run_script([str(HERE / "worker.py"), contender], args.threads)
            )
        print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    best = {c: {k: min(r[k] for r in runs if k in r) for k in runs[0] if k not in ("data",)}
            for c, runs in results.items()}  # fmt: skip
    import numpy

    python = platform.python_version()
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {python}, "
          f"NumPy {numpy.__version__}, BLAS {blas_info()}, threads {args.threads}, "
          f"data {results['glassnet'][0]['data']} ({best['glassnet']['dataset_mb']:.0f} MB), "
          f"min of {args.rounds} rounds")  # fmt: skip
    names = {"glassnet": "glassnet", "numpy": "NumPy by hand", "torch": "PyTorch"}
    columns = [names[c] for c in contenders] + [f"glassnet / {names[c]}" for c in contenders[1:]]
    print("| benchmark | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for key, label in ROWS:
        if key not in best["glassnet"]:
            continue
        values = [best[c].get(key) for c in contenders]
        ratios = [best["glassnet"][key] / v if v else None for v in values[1:]]
        cells = ["-" if v is None else f"{v:.3g}" for v in values]
        cells += ["-" if r is None else f"{r:.2f}x" for r in ratios]
        print(f"| {label} | " + " | ".join(cells) + " |")

    # The minimum of each contender's rounds can come from different minutes of a machine whose
    # speed drifts; the ratio within each round (runs seconds apart) is steadier: its median.
    print(f"\nMedian over the {args.rounds} rounds of the ratio within each round:")
    print("| epoch | " + " | ".join(f"glassnet / {names[c]}" for c in contenders[1:]) + " |")
    print("|---" * len(contenders) + "|")
    for key, label in ROWS[:3]:
        ratios = [
            statistics.median(g[key] / o[key] for g, o in zip(results["glassnet"], results[c]))
            for c in contenders[1:]
        ]
        print(f"| {label.removesuffix(' (s)')} | " + " | ".join(f"{r:.2f}x" for r in ratios) + " |")

    print("\nInterleaved in one process (bench/interleaved.py), a full epoch of batches, each "
          "trained by glassnet and by NumPy by hand in turn:")  # fmt: skip
    paired = run_script([str(HERE / "interleaved.py")], args.threads)
    print("| batch size | glassnet step (ms) | NumPy by hand step (ms) | median of paired ratios |")
    print("|---|---|---|---|")
    for key, row in paired.items():
        times = f"{row['glassnet_ms']:.3g} | {row['numpy_ms']:.3g}"
        print(f"| {key[1:]} | {times} | {row['ratio']:.3f}x |")


if __name__ == "__main__":
    main()
