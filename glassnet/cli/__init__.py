"""The ``glassnet`` command: ``glassnet train``, ``evaluate``, ``info`` and ``data``.

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
from glassnet.cli.checks import UsageError, _fraction, _parse_hidden, _positive, _seed
from glassnet.cli.commands import evaluate, train
from glassnet.cli.data_command import data
from glassnet.cli.datasets import DATASETS
from glassnet.cli.datasets import _name as _dataset_name
from glassnet.cli.gpt_command import GPT_DEFAULTS, sample
from glassnet.cli.info import info
from glassnet.cli.models import CNN_EPOCHS, CNN_SPEC
from glassnet.data.datasets.download import DATA_VARIABLE
from glassnet.data.datasets.mnist import IDX_SETS

DATA_DIR_HELP = (
    f"the data folder, holding mnist/, fashion-mnist/, ... (default: ${DATA_VARIABLE}, else "
    "~/.cache/glassnet)"
)


class _Parser(argparse.ArgumentParser):
    """argparse with errors in one line (no usage block): ``glassnet train: error: ...``."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _defaults_table() -> str:
    rows = [
        f"  {name:<14} {spec.task:<15} {','.join(map(str, spec.hidden)) or 'none':<8} "
        f"{spec.epochs:>6} {spec.batch_size:>6} {spec.lr:>7g} {spec.validation_split:>6g} "
        f"{spec.patience:>8}"
        for name, spec in sorted(DATASETS.items())
    ]
    head = (
        f"  {'dataset':<14} {'task':<15} {'hidden':<8} {'epochs':>6} {'batch':>6} {'lr':>7} "
        f"{'val':>6} {'patience':>8}"
    )
    return "\n".join([head, *rows])


TRAIN_EPILOG = """\
defaults per dataset (any option given on the command line wins):
{table}
With a validation split (val > 0) training stops when the validation loss has not improved for
'patience' epochs and keeps the best epoch's weights, so 'epochs' is a ceiling.

default epochs of --model cnn (and of other models taking images): {cnn_epochs}.
--model gpt on tiny_shakespeare: {iterations} iterations of batches of {batch_size} x {block_size}
characters, a {n_layer}-layer, {n_head}-head, {n_embd}-wide GPT, AdamW (weight decay 0.1 on the 2-D
weights), lr {lr} warmed up over 100 iterations then cosine-decayed to a tenth, gradients
clipped to norm 1; the validation loss (last 10% of the text) every --eval-interval iterations.

examples:
  glassnet train                                   # digits, about 97% in a few seconds
  glassnet train --dataset diabetes --plot         # r2 about 0.5; curves in diabetes-curves.png
  glassnet train --dataset mnist --data-dir ~/data --save mnist.safetensors
  glassnet train --dataset spiral --hidden 128,64 --epochs 300 --validation-split 0
  glassnet train --dataset mnist --model cnn       # about 99%
  glassnet train --dataset fashion-mnist --model conv32-pool-conv64-pool-fc256-drop0.5
  glassnet train --dataset tiny-shakespeare --save gpt.npz   # val loss about 1.9
  glassnet sample gpt.npz --prompt "ROMEO:" --tokens 300

The last line printed is the test result, e.g. 'test accuracy 0.9721' or 'test r2 0.4512'
('val loss 1.9140' for a GPT).
"""

DATA_EPILOG = f"""\
The data folder is --data-dir, else ${DATA_VARIABLE}, else ~/.cache/glassnet. It holds one
folder per dataset with the files under their original names, e.g.
  <data folder>/mnist/train-images-idx3-ubyte.gz
  <data folder>/fashion-mnist/t10k-labels-idx1-ubyte.gz   (fashion_mnist/ works too)

examples:
  glassnet data                         # what is there, where, how big
  glassnet data --fetch mnist           # download MNIST now (checked against its MD5 sums)
  glassnet data --data-dir ~/data --fetch fashion-mnist
"""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glassnet",
        description="Train and evaluate glassnet models from the command line.",
        epilog="examples:\n  glassnet train\n  glassnet train --dataset diabetes --plot\n"
        "  glassnet info model.safetensors\n  glassnet data --fetch mnist\n"
        "'glassnet COMMAND --help' describes each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train",
        help="train a model on a dataset and report test metrics",
        description="Train a model (an MLP by default, a CNN, a GPT) on a built-in dataset and "
        "print its test metrics.",
        epilog=TRAIN_EPILOG.format(
            table=_defaults_table(),
            cnn_epochs=", ".join(f"{d} {n}" for d, n in CNN_EPOCHS.items()),
            **GPT_DEFAULTS,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sets = ", ".join(sorted([*DATASETS, "tiny_shakespeare"]))
    train.add_argument(
        "--dataset",
        type=_dataset_name,
        choices=sorted([*DATASETS, "tiny_shakespeare"]),
        default="digits",
        metavar="NAME",
        help=f"one of {sets} (default: digits; fashion-mnist works too)",
    )
    train.add_argument(
        "--model",
        metavar="MODEL",
        help="mlp (default); cnn, a convolutional network for image sets; a spec of layers "
        "joined by '-' (convN: 3x3 conv + ReLU, pool: 2x2 max-pool, fcN: dense + ReLU, dropP: "
        f"dropout; cnn is {CNN_SPEC}); mlp:256,128; a .py file defining 'model' or "
        "'build_model()' (given images N x 1 x H x W); gpt (the default for tiny_shakespeare)",
    )
    train.add_argument(
        "--hidden",
        type=_parse_hidden,
        help="hidden layer sizes, e.g. 256,128 ('' for none; default: per dataset, see below)",
    )
    train.add_argument(
        "--activation",
        choices=sorted(nn.activations.ACTIVATIONS),
        default="relu",
        metavar="NAME",
        help="of the hidden layers (default: relu)",
    )
    train.add_argument(
        "--optimizer",
        choices=["adam", "adamw", "sgd", "rmsprop", "adagrad"],
        default="adam",
        help="(default: adam)",
    )
    train.add_argument(
        "--lr", type=_positive(float), help="learning rate (default: per dataset, see below)"
    )
    train.add_argument(
        "--epochs",
        type=_positive(int),
        help="most epochs to train (default: per dataset, see below)",
    )
    train.add_argument(
        "--batch-size", type=_positive(int), help="(default: per dataset, see below)"
    )
    train.add_argument(
        "--validation-split",
        type=_fraction,
        metavar="FRACTION",
        help="hold out this fraction of the training data (its end, as in Keras) to watch the "
        "validation loss; 0 for none (default: per dataset, see below)",
    )
    train.add_argument(
        "--patience",
        type=_positive(int),
        help="stop after this many epochs without a better validation loss (default: per "
        "dataset, see below)",
    )
    train.add_argument(
        "--no-early-stopping",
        action="store_true",
        help="train every epoch even with a validation split",
    )
    train.add_argument("--seed", type=_seed, default=0, help="(default: 0)")
    train.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP)
    train.add_argument(
        "--save", metavar="PATH", help="write the trained model to this file (gn.save format)"
    )
    train.add_argument(
        "--plot",
        nargs="?",
        const="",
        metavar="PATH",
        help="save the loss and metric curves as an image (default PATH: DATASET-curves.png; "
        "needs matplotlib)",
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
    gpt = train.add_argument_group("--model gpt (tiny_shakespeare)")
    gpt.add_argument(
        "--iterations",
        type=_positive(int),
        help=f"training steps (default: {GPT_DEFAULTS['iterations']})",
    )
    gpt.add_argument(
        "--eval-interval",
        type=_positive(int),
        metavar="N",
        help=f"print the validation loss every N iterations (default: "
        f"{GPT_DEFAULTS['eval_interval']})",
    )
    for name in ("block_size", "n_layer", "n_head", "n_embd"):
        gpt.add_argument(
            f"--{name.replace('_', '-')}",
            type=_positive(int),
            help=f"(default: {GPT_DEFAULTS[name]})",
        )

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate a saved model on a dataset's test split",
        epilog="example:\n  glassnet train --save digits.npz && glassnet evaluate --model "
        "digits.npz",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument(
        "--model", required=True, help="a file written by 'glassnet train --save'"
    )
    evaluate.add_argument(
        "--dataset",
        type=_dataset_name,
        choices=sorted(DATASETS),
        metavar="NAME",
        help="default: the one it was trained on",
    )
    evaluate.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP)

    sampler = commands.add_parser(
        "sample",
        help="continue a prompt with a GPT saved by 'glassnet train --model gpt --save'",
        epilog="example:\n  glassnet train --dataset tiny-shakespeare --save gpt.npz\n"
        '  glassnet sample gpt.npz --prompt "ROMEO:" --tokens 300',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sampler.add_argument("model", metavar="MODEL", help="a file written by --model gpt --save")
    sampler.add_argument("--prompt", default="\n", help="the text to continue (default: a newline)")
    sampler.add_argument(
        "--tokens", type=_positive(int), default=300, help="characters to add (default: 300)"
    )
    sampler.add_argument(
        "--temperature",
        type=_positive(float),
        default=0.8,
        help="below 1 sharpens the distribution, above 1 flattens it (default: 0.8)",
    )
    sampler.add_argument(
        "--top-k",
        type=_positive(int),
        default=None,
        help="draw only from the K most likely characters (default: all)",
    )
    sampler.add_argument("--seed", type=_seed, default=0, help="(default: 0)")

    info = commands.add_parser(
        "info",
        help="versions, extras and the data folder; or what a saved model is",
        description="Without MODEL: versions, optional extras and where data is kept. With "
        "MODEL: its layers, the data it was trained on, its metrics and whether its checksums "
        "match.",
        epilog="examples:\n  glassnet info\n  glassnet info digits.safetensors",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    info.add_argument("model", nargs="?", metavar="MODEL", help="a file written by gn.save")

    data_command = commands.add_parser(
        "data",
        help="list the datasets in the data folder, or fetch one ahead of time",
        description="List what the data folder holds (where, how big, complete or not), or "
        "download a dataset ahead of time.",
        epilog=DATA_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data_command.add_argument(
        "--fetch",
        metavar="NAME",
        action="append",
        help=f"download this dataset now ({', '.join(IDX_SETS)}); may be repeated",
    )
    data_command.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit code 2 for a bad argument, 1 for a failure (one line each)."""
    args = _parser().parse_args(argv)
    commands = {"train": train, "evaluate": evaluate, "info": info, "data": data, "sample": sample}
    command = commands[args.command]
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
