"""``glassnet train --dataset tiny-shakespeare`` (a character-level GPT) and ``glassnet sample``.

The defaults are the reference small configuration of examples/train_gpt.py: 4 layers, 4 heads,
128-wide embeddings, a context of 64 characters, batches of 12, 2000 iterations, AdamW (beta2
0.99, weight decay 0.1 on the 2-D weights only), learning rate 1e-3 warmed up over 100
iterations then cosine-decayed to 1e-4, gradients clipped to norm 1.0, the first 90% of the
text to train on and the last 10% to validate.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__, no_grad, optim
from glassnet.cli.checks import UsageError, _writable_file
from glassnet.data.text import CharTokenizer, random_windows, train_val_split
from glassnet.errors import FileFormatError
from glassnet.models import GPT, GPTConfig, load_gpt, save_gpt
from glassnet.nn.utils import clip_grad_norm_
from glassnet.optim.lr_scheduler import LambdaLR
from glassnet.rng import manual_seed

#: the reference small configuration (examples/train_gpt.py); the command line overrides it
GPT_DEFAULTS: dict[str, Any] = {
    "iterations": 2000,
    "lr": 1e-3,
    "batch_size": 12,
    "block_size": 64,
    "n_layer": 4,
    "n_head": 4,
    "n_embd": 128,
    "eval_interval": 250,
}
MIN_LR_FRACTION = 0.1  # the cosine ends at a tenth of the peak learning rate
WARMUP = 100  # iterations (at most a tenth of the run)
WEIGHT_DECAY = 0.1
CLIP_NORM = 1.0
EVAL_BATCHES = 20  # batches per periodic evaluation
FINAL_EVAL_BATCHES = 200

#: options of the MLP/CNN training that make no sense for a GPT
NOT_FOR_GPT = (
    "hidden",
    "epochs",
    "validation_split",
    "patience",
    "plot",
    "checkpoint_dir",
    "resume",
    "overwrite",
    "no_early_stopping",
)


def warmup_cosine(iterations: int, warmup: int, min_fraction: float):
    """The lr factor at each step: linear warm-up to 1, then a cosine down to ``min_fraction``.

    Examples:
        >>> f = warmup_cosine(100, 10, 0.1)
        >>> round(f(0), 3), f(10), round(f(100), 3)
        (0.091, 1.0, 0.1)
    """

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / (warmup + 1)
        progress = min(1.0, (step - warmup) / max(1, iterations - warmup))
        return min_fraction + 0.5 * (1.0 + math.cos(math.pi * progress)) * (1.0 - min_fraction)

    return factor


def check_gpt_arguments(args: argparse.Namespace, defaults: dict[str, Any]) -> None:
    """Refuse the options a GPT run does not use and fill in the reference defaults."""
    if args.model not in (None, "gpt"):
        raise UsageError(f"--dataset tiny_shakespeare trains --model gpt, not {args.model}")
    if args.dataset != "tiny_shakespeare":
        raise UsageError(f"--model gpt trains on --dataset tiny-shakespeare, not {args.dataset}")
    args.model = "gpt"
    for name in NOT_FOR_GPT:
        if getattr(args, name, None) not in (None, False):
            raise UsageError(
                f"--{name.replace('_', '-')} does not apply to --model gpt (it trains for "
                "--iterations and validates every --eval-interval)"
            )
    for name, value in GPT_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.n_embd % args.n_head:
        raise UsageError(f"--n-embd {args.n_embd} must be a multiple of --n-head {args.n_head}")
    if args.optimizer not in ("adam", "adamw"):
        raise UsageError(f"--model gpt trains with adamw, not --optimizer {args.optimizer}")
    if args.data_dir is not None and not Path(args.data_dir).expanduser().is_dir():
        raise UsageError(f"--data-dir {args.data_dir}: no such folder")
    if args.save:
        args.save = str(_writable_file("--save", args.save))


def _estimate(model: GPT, data: np.ndarray, args: argparse.Namespace, batches: int) -> float:
    """The mean loss over ``batches`` random batches (the same ones every time), no graph."""
    rng = np.random.default_rng(1234)
    block = min(args.block_size, len(data) - 1)
    losses = []
    with no_grad():
        model.eval()
        for _ in range(batches):
            x, y = random_windows(data, args.batch_size, block, rng)
            losses.append(model(x, y)[1].item())
        model.train()
    return float(np.mean(losses))


def _load_text(args: argparse.Namespace) -> str:
    from glassnet.data.datasets.shakespeare import load_tiny_shakespeare

    return load_tiny_shakespeare(args.data_dir)


def train_gpt(args: argparse.Namespace) -> int:
    """Train the GPT; the last line printed is ``val loss 1.9140``."""
    text = _load_text(args)
    tokenizer = CharTokenizer(text)
    train, val = train_val_split(tokenizer.encode(text), 0.9)
    if min(len(train), len(val)) <= args.block_size:
        raise UsageError(
            f"--block-size {args.block_size}: the text's validation part has only {len(val)} "
            "characters"
        )
    config = GPTConfig(
        n_layer=args.n_layer,
        n_head=args.n_head,
        n_embd=args.n_embd,
        block_size=args.block_size,
        vocab_size=tokenizer.vocab_size,
        dropout=0.0,
        bias=False,
    )
    manual_seed(args.seed)
    model = GPT(config, rng=args.seed)
    opt = optim.AdamW(model.optimizer_groups(WEIGHT_DECAY), lr=args.lr, betas=(0.9, 0.99))
    warmup = min(WARMUP, args.iterations // 10)
    schedule = LambdaLR(opt, warmup_cosine(args.iterations, warmup, MIN_LR_FRACTION))
    params = list(model.parameters())
    rng = np.random.default_rng(args.seed)
    say = (lambda line: None) if args.quiet else print
    say(
        f"glassnet {__version__}: tiny shakespeare ({len(text):,} characters, "
        f"{tokenizer.vocab_size} distinct), GPT of {model.num_parameters():,} parameters, "
        f"{args.iterations} iterations of {args.batch_size} x {args.block_size}"
    )
    live = not args.quiet and sys.stdout.isatty()
    started = time.perf_counter()
    running = 0.0
    for step in range(args.iterations):
        x, y = random_windows(train, args.batch_size, args.block_size, rng)
        _, loss = model(x, y)
        opt.zero_grad()
        loss.backward()
        clip_grad_norm_(params, CLIP_NORM)
        opt.step()
        schedule.step()
        running = loss.item() if step == 0 else 0.9 * running + 0.1 * loss.item()
        if not math.isfinite(running):
            raise FloatingPointError(f"the loss diverged at iteration {step + 1}")
        done = step + 1
        elapsed = time.perf_counter() - started
        if live:
            sys.stdout.write(
                f"\r\x1b[2Kiteration {done}/{args.iterations} - loss {running:.4f} - {elapsed:.0f}s"
            )
            sys.stdout.flush()
        if done % args.eval_interval == 0 or done == args.iterations:
            val_loss = _estimate(model, val, args, EVAL_BATCHES)
            if live:
                sys.stdout.write("\r\x1b[2K")
            say(
                f"iteration {done}/{args.iterations} - loss {running:.4f} - val_loss "
                f"{val_loss:.4f} - lr {opt.param_groups[0]['lr']:.2e} - {elapsed:.0f}s"
            )
    seconds = time.perf_counter() - started
    final = _estimate(model, val, args, FINAL_EVAL_BATCHES)
    say(f"trained in {seconds:.1f}s ({1000 * seconds / args.iterations:.0f} ms per iteration)")
    if args.save:
        save_gpt(model, args.save, tokenizer)
        say(f"saved the model and its vocabulary to {args.save}")
    print(f"val loss {final:.4f}")  # over FINAL_EVAL_BATCHES batches; the line scripts read
    return 0


def sample(args: argparse.Namespace) -> int:
    """Print the prompt and its continuation by a GPT saved with ``--save``."""
    path = Path(args.model).expanduser()
    if not path.is_file():
        raise UsageError(f"MODEL {args.model}: no such file")
    try:
        model, tokenizer = load_gpt(path)
    except FileFormatError as error:
        raise UsageError(f"MODEL {args.model}: {error}") from None
    if tokenizer is None:
        raise UsageError(f"MODEL {args.model}: saved without its vocabulary")
    if not args.prompt:
        raise UsageError("--prompt must not be empty")
    missing = sorted(set(args.prompt) - set(tokenizer.chars))
    if missing:
        raise UsageError(f"--prompt: characters the model never saw: {''.join(missing)!r}")
    ids = model.generate(
        tokenizer.encode(args.prompt),
        args.tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        rng=args.seed,
    )
    print(tokenizer.decode(ids))
    return 0
