"""Handwritten digits with a small convolutional network: MNIST to about 99% test accuracy.

Run:
    python examples/mnist_cnn.py                       # MNIST, 5 epochs
    python examples/mnist_cnn.py --dataset fashion-mnist --epochs 10
    python examples/mnist_cnn.py --subset 2000 --epochs 1   # a quick look

The data comes from $GLASSNET_DATA (or --data-dir, a folder holding the four IDX files), and is
downloaded there, checked against its published MD5 sums, when missing. Images stay images:
(N, 1, 28, 28), channels first, as PyTorch.

The network (``mnist_cnn()``, shared with ``glassnet train --model cnn``): two stages of 3x3
convolution, ReLU and 2x2 max-pooling (16 then 32 channels), then a hidden layer of 128 with
dropout 0.25 and the 10 logits; Adam at 1e-3. Measured: 98.9% test accuracy
after the default 5 epochs (seed 0).
"""

import argparse
import time

import glassnet as gn
from glassnet import data
from glassnet.cli.models import mnist_cnn  # the network `glassnet train --model cnn` trains


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["mnist", "fashion-mnist"], default="mnist")
    parser.add_argument("--data-dir", default=None, help="a folder holding the IDX files")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--subset", type=int, default=None, help="train on the first N images")
    args = parser.parse_args()

    load = data.datasets.load_mnist if args.dataset == "mnist" else data.datasets.load_fashion_mnist
    (X_train, y_train), (X_test, y_test) = load(root=args.data_dir, flatten=False)
    if args.subset:
        X_train, y_train = X_train[: args.subset], y_train[: args.subset]
    print(f"{len(X_train)} training and {len(X_test)} test images of shape {X_train.shape[1:]}")

    gn.manual_seed(0)
    model = mnist_cnn()
    print(model.summary(X_train.shape[1:]))
    model.compile(optimizer="adam", loss="cross_entropy", metrics=["accuracy"], lr=1e-3)
    started = time.perf_counter()
    model.fit(X_train, y_train, epochs=args.epochs, batch_size=args.batch_size, rng=0, verbose=2)
    seconds = time.perf_counter() - started
    print(f"{seconds:.1f}s of training, {seconds / args.epochs:.1f}s per epoch")
    loss, accuracy = model.evaluate(X_test, y_test)  # Keras' order: the loss, then the metrics
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
