"""The ``glassnet`` command: ``glassnet train``, ``glassnet evaluate``, ``glassnet info``.

``glassnet train`` alone trains an MLP on scikit-learn's digits (no download) in a few seconds
and prints its test accuracy.

Every user error (a bad argument, an unwritable --save path, a model file evaluated on data it
was not trained for) is one line on stderr and exit code 2, reported before any training; a
failure while running (a download, a diverging loss) is one line and exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from glassnet import __version__, nn
from glassnet.cli.checks import UsageError, _parse_hidden, _positive, _seed
from glassnet.cli.commands import evaluate, info, train
from glassnet.cli.datasets import DATASETS


class _Parser(argparse.ArgumentParser):
    """argparse with errors in one line (no usage block): ``glassnet train: error: ...``."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glassnet", description="Train and evaluate glassnet models from the command line."
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model on a dataset and report test metrics")
    train.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    train.add_argument("--model", choices=["mlp"], default="mlp")
    hidden_help = "hidden layer sizes, e.g. 256,128 ('' for none)"
    train.add_argument("--hidden", type=_parse_hidden, default=[256, 128], help=hidden_help)
    train.add_argument("--activation", choices=sorted(nn.activations.ACTIVATIONS), default="relu")
    train.add_argument(
        "--optimizer", choices=["adam", "adamw", "sgd", "rmsprop", "adagrad"], default="adam"
    )
    train.add_argument("--lr", type=_positive(float), default=1e-3)
    train.add_argument("--epochs", type=_positive(int), help="default: chosen per dataset")
    train.add_argument("--batch-size", type=_positive(int), help="default: chosen per dataset")
    train.add_argument("--seed", type=_seed, default=0)
    train.add_argument("--data-dir", help="folder holding MNIST-style IDX files (default: cache)")
    train.add_argument("--save", help="write the trained model to this file (gn.save format)")
    train.add_argument(
        "--plot", help="write the training curves to this image file (needs matplotlib)"
    )
    train.add_argument(
        "--checkpoint-dir", metavar="DIR", help="write a checkpoint there after every epoch"
    )
    again = train.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="continue the run checkpointed in --checkpoint-dir"
    )
    again.add_argument(
        "--overwrite", action="store_true", help="start over, replacing that checkpoint"
    )
    train.add_argument("--quiet", action="store_true", help="print only the final metrics")

    evaluate = commands.add_parser(
        "evaluate", help="evaluate a saved model on a dataset's test split"
    )
    evaluate.add_argument(
        "--model", required=True, help="a file written by 'glassnet train --save'"
    )
    evaluate.add_argument(
        "--dataset", choices=sorted(DATASETS), help="default: the one it was trained on"
    )
    evaluate.add_argument("--data-dir")

    commands.add_parser("info", help="versions, optional extras and where data is kept")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit code 2 for a bad argument, 1 for a failure (one line each)."""
    args = _parser().parse_args(argv)
    command = {"train": train, "evaluate": evaluate, "info": info}[args.command]
    try:
        return command(args)
    except UsageError as error:
        print(f"glassnet {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"glassnet {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, ImportError, OSError, KeyError, ArithmeticError, MemoryError) as error:
        # ArithmeticError: a diverging run (FloatingPointError names the epoch and batch)
        message = " ".join(str(error).split())  # one line, even for a multi-line message
        print(f"glassnet {args.command}: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
