"""A character-level GPT on tiny Shakespeare: the reference small configuration.

Run:
    python examples/train_gpt.py                      # 2000 iterations, the reference setup
    python examples/train_gpt.py --iters 200          # a quick look
    python examples/train_gpt.py --out gpt.safetensors  # save the model with its vocabulary

The reference setup: 4 layers, 4 heads, 128-wide embeddings, a context of 64 characters,
batches of 12, 2000 iterations, AdamW (beta2 0.99, weight decay 0.1 on the 2-D weights only),
learning rate 1e-3 warmed up over 100 iterations then cosine-decayed to 1e-4, gradients clipped
to norm 1.0, no dropout, no biases, the first 90% of the text for training and the last 10%
for validation. The well-known PyTorch implementation of this setup reaches a validation loss
of about 1.88.

Measured (2026-11-29, 1 thread on a shared, heavily loaded 2-core machine, GeluOp's x**3
written as x*x*x): validation loss 1.914 at iteration 2000 (20 batches; 1.917 over 200), in
455 ms per iteration. The PyTorch twin of this model (bench/workload_gpt_torch.py), started
from the same weights on the same batches, ends at the same 1.914 / 1.917: the gap to 1.88 is
the run's batches and seed, not the library.

The first run downloads the text (1.1 MB, MD5-checked) into $GLASSNET_DATA or
~/.cache/glassnet; ``--data-dir`` points at a folder that already holds ``input.txt``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import glassnet as gn
from glassnet import optim
from glassnet.data.datasets.shakespeare import load_tiny_shakespeare
from glassnet.data.text import CharTokenizer, random_windows, train_val_split
from glassnet.models import GPT, GPTConfig, save_gpt


def learning_rate(step: int, args: argparse.Namespace) -> float:
    """Linear warm-up to ``lr``, then a cosine from ``lr`` down to ``min_lr`` at the end."""
    if step < args.warmup:
        return args.lr * (step + 1) / (args.warmup + 1)
    progress = min(1.0, (step - args.warmup) / max(1, args.iters - args.warmup))
    return args.min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (args.lr - args.min_lr)


def estimate_loss(model: GPT, data: np.ndarray, args: argparse.Namespace, batches: int) -> float:
    """The mean loss over ``batches`` random batches, in evaluation mode and without a graph."""
    rng = np.random.default_rng(1234)  # the same batches at every evaluation
    losses = []
    with gn.no_grad():
        model.eval()
        for _ in range(batches):
            x, y = random_windows(data, args.batch_size, args.block_size, rng)
            losses.append(model(x, y)[1].item())
        model.train()
    return float(np.mean(losses))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument("--n-layer", type=int, default=4)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--block-size", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=12)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--min-lr", type=float, default=1e-4)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--eval-iters", type=int, default=20, help="batches per evaluation")
    p.add_argument("--final-eval-iters", type=int, default=200)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--out", default=None, help="save the model and its vocabulary here")
    p.add_argument("--sample-tokens", type=int, default=300)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse(argv)
    text = load_tiny_shakespeare(args.data_dir)
    tokenizer = CharTokenizer(text)
    train, val = train_val_split(tokenizer.encode(text), 0.9)
    print(f"{len(text):,} characters, {tokenizer.vocab_size} distinct; {len(train):,} to train")

    config = GPTConfig(
        n_layer=args.n_layer,
        n_head=args.n_head,
        n_embd=args.n_embd,
        block_size=args.block_size,
        vocab_size=tokenizer.vocab_size,
        dropout=0.0,
        bias=False,
    )
    gn.manual_seed(args.seed)
    model = GPT(config, rng=args.seed)
    print(f"GPT with {model.num_parameters():,} parameters")
    params = list(model.parameters())
    opt = optim.AdamW(model.optimizer_groups(args.weight_decay), lr=args.lr, betas=(0.9, 0.99))
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    for step in range(args.iters + 1):
        if step % args.eval_interval == 0 or step == args.iters:
            val_loss = estimate_loss(model, val, args, args.eval_iters)
            train_loss = estimate_loss(model, train, args, args.eval_iters)
            elapsed = time.perf_counter() - started
            print(
                f"step {step}: train loss {train_loss:.4f}, val loss {val_loss:.4f} "
                f"({elapsed:.0f}s)"
            )
        if step == args.iters:
            break
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, args)
        x, y = random_windows(train, args.batch_size, args.block_size, rng)
        _, loss = model(x, y)
        opt.zero_grad()
        loss.backward()
        optim.clip_grad_norm_(params, 1.0)
        opt.step()
    seconds = time.perf_counter() - started

    final_val = estimate_loss(model, val, args, args.final_eval_iters)
    print(
        f"{args.iters} iterations in {seconds:.0f}s ({1000 * seconds / max(1, args.iters):.0f} ms "
        f"each, evaluations included); val loss over {args.final_eval_iters} batches "
        f"{final_val:.4f}"
    )
    if args.out:
        save_gpt(model, args.out, tokenizer)
        print(f"saved to {args.out}")
    if args.sample_tokens:
        prompt = tokenizer.encode("ROMEO:\n")
        sample = model.generate(prompt, args.sample_tokens, temperature=0.8, top_k=20, rng=0)
        print("-" * 40 + "\n" + tokenizer.decode(sample))
    return {"val_loss": val_loss, "final_val_loss": final_val, "seconds": seconds}


if __name__ == "__main__":
    main()
