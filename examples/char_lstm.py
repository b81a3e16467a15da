"""A character-level LSTM on tiny Shakespeare: read 64 characters, predict each next one.

The model: an embedding of each character, a 2-layer LSTM with 256 hidden units, a linear layer
to one logit per character; trained with Adam and gradient clipping on random windows of the
first 90% of the text, validated on the last 10%. Then it writes a few lines, one character at
a time, carrying the LSTM's state (h, c) from step to step.

Run:
    python examples/char_lstm.py                     # 500 iterations
    python examples/char_lstm.py --iterations 2000 --data path/to/input.txt

The text is the char-rnn ``input.txt`` (1,115,394 bytes), read from
$GLASSNET_DATA/tinyshakespeare/input.txt unless --data names it.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet import nn, optim
from glassnet.nn.recurrent import LSTM

parser = argparse.ArgumentParser(description="A character LSTM on tiny Shakespeare.")
parser.add_argument("--data", help="the text file (default: $GLASSNET_DATA/tinyshakespeare/...)")
parser.add_argument("--iterations", type=int, default=500)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--context", type=int, default=64)
parser.add_argument("--hidden", type=int, default=256)
parser.add_argument("--layers", type=int, default=2)
parser.add_argument("--lr", type=float, default=2e-3)
parser.add_argument("--eval-every", type=int, default=100)
parser.add_argument("--eval-batches", type=int, default=20)
parser.add_argument("--sample", type=int, default=300, help="characters to write at the end")
args = parser.parse_args()

path = Path(args.data or Path(os.environ.get("GLASSNET_DATA", ".")) / "tinyshakespeare/input.txt")
if not path.is_file():
    sys.exit(f"{path} not found: set GLASSNET_DATA or pass --data path/to/input.txt")
text = path.read_text(encoding="utf-8")

# A tiny character vocabulary: the sorted characters of the text, each an index.
chars = sorted(set(text))
index_of = {c: i for i, c in enumerate(chars)}
codes = np.array([index_of[c] for c in text], dtype=np.int64)
split = int(0.9 * len(codes))
train_codes, val_codes = codes[:split], codes[split:]
print(f"{len(text):,} characters, vocabulary of {len(chars)}; {split:,} for training")


class CharLSTM(nn.Module):
    """Characters (B, T) -> logits (B, T, vocab); ``hx`` carries the LSTM's state when
    writing one character at a time."""

    casts_input = False  # the input is character indices, not numbers to cast to float

    def __init__(self, vocab: int, hidden: int, layers: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, 64)
        self.lstm = LSTM(64, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx, hx=None):
        output, hx = self.lstm(self.embedding(idx), hx)
        return self.head(output), hx


def windows(source: np.ndarray, rng: np.random.Generator):
    """A batch of random windows: inputs (B, T) and the next character of each, (B, T)."""
    starts = rng.integers(0, len(source) - args.context - 1, args.batch)
    chunk = source[starts[:, None] + np.arange(args.context + 1)]
    return chunk[:, :-1], chunk[:, 1:]


def loss_on(x: np.ndarray, y: np.ndarray):
    logits, _ = model(x)
    return gn.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))


def validation_loss() -> float:
    rng = np.random.default_rng(1)  # the same validation windows every time
    model.eval()
    with gn.no_grad():
        losses = [loss_on(*windows(val_codes, rng)).item() for _ in range(args.eval_batches)]
    model.train()
    return float(np.mean(losses))


gn.manual_seed(0)
model = CharLSTM(len(chars), args.hidden, args.layers)
optimizer = optim.Adam(model.parameters(), lr=args.lr)
print(f"{model.num_parameters():,} parameters: {model.lstm!r}")

rng = np.random.default_rng(0)
started = time.perf_counter()
for step in range(1, args.iterations + 1):
    optimizer.zero_grad()
    loss = loss_on(*windows(train_codes, rng))
    loss.backward()
    optim.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step % args.eval_every == 0 or step == args.iterations:
        elapsed = time.perf_counter() - started
        print(
            f"step {step}: train loss {loss.item():.3f}, val loss {validation_loss():.3f}, "
            f"{elapsed / step * 1e3:.0f} ms per iteration"
        )
seconds = time.perf_counter() - started
print(f"time per iteration {seconds / args.iterations * 1e3:.0f} ms (validation included)")
print(f"final val loss {validation_loss():.4f}")

# Write: feed one character, sample the next from the softmax, carry (h, c) along.
model.eval()
written, hx = [index_of["\n"]], None
with gn.no_grad():
    for _ in range(args.sample):
        logits, hx = model(np.array([[written[-1]]]), hx)
        p = gn.softmax(logits[0, -1]).numpy().astype(np.float64)
        written.append(int(rng.choice(len(chars), p=p / p.sum())))
print("sample:\n" + "".join(chars[i] for i in written))
