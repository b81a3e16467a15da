"""Logistic regression on the breast-cancer data: one Dense unit, a sigmoid, the log loss, SGD.

Run:
    python examples/breast_cancer_logistic.py

Logistic regression is the smallest neural network: p = sigmoid(x @ w + b), trained by
gradient descent on the binary cross-entropy.
"""

import numpy as np

import glassnet as gn
from glassnet import data, metrics, nn

X, y = data.datasets.load_breast_cancer()
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, rng=0, stratify=y)
scaler = data.StandardScaler().fit(X_train)  # statistics of the training part only
X_train, X_test = scaler(X_train), scaler(X_test)

gn.manual_seed(0)
model = nn.Sequential(nn.Dense(30, 1, activation="sigmoid"), name="logistic_regression")
model.compile(optimizer="sgd", loss="bce", metrics=["accuracy"], lr=0.1)
model.fit(X_train, y_train.astype(np.float32), epochs=50, batch_size=32, rng=0, verbose=0)

probabilities = model.predict(X_test)
print(f"test accuracy {metrics.accuracy(y_test, probabilities):.4f}")
print(f"test precision {metrics.precision(y_test, probabilities):.4f}, "
      f"recall {metrics.recall(y_test, probabilities):.4f}")  # fmt: skip
weights = next(p for p in model.parameters() if p.ndim == 2).numpy().ravel()  # one per feature
print(
    "the three features that push hardest towards 'benign':",
    np.argsort(weights)[-3:][::-1].tolist(),
)
