"""Handwritten digits with a multi-layer perceptron: MNIST to about 98% in five epochs.

Run:
    python examples/mnist_mlp.py

The first run downloads MNIST (11 MB, checked against its published MD5 sums) into the data
folder's mnist/ ($GLASSNET_DATA, else ~/.cache/glassnet); files already there are used as they
are (see docs/data.md).
"""

import time

import glassnet as gn
from glassnet import data, metrics, nn

(X_train, y_train), (X_test, y_test) = data.datasets.load_mnist()
print(f"{len(X_train)} training and {len(X_test)} test images of {X_train.shape[1]} pixels")

gn.manual_seed(0)
model = nn.Sequential(
    [
        nn.Dense(784, 256, activation="relu"),
        nn.Dense(256, 128, activation="relu"),
        nn.Dense(128, 10),  # logits: the cross-entropy loss applies the softmax itself
    ],
    name="mnist_mlp",
)
print(model.summary())

model.compile(optimizer="adam", loss="cross_entropy", metrics=["accuracy"], lr=1e-3)
started = time.perf_counter()
history = model.fit(X_train, y_train, epochs=5, batch_size=128, rng=0, verbose=2)
print(f"{(time.perf_counter() - started) / 5:.2f}s per epoch")

predictions = model.predict(X_test)  # the logits; their argmax is the predicted digit
print(f"test accuracy {metrics.accuracy(y_test, predictions):.4f}")
confusion = metrics.confusion_matrix(y_test, predictions)
worst = max(range(10), key=lambda digit: 1 - confusion[digit, digit] / confusion[digit].sum())
print(f"the hardest digit was {worst}: {confusion[worst, worst]} of {confusion[worst].sum()} right")
