"""The same workloads in glassnet, written the way a user writes them."""

from __future__ import annotations

import numpy as np

import glassnet as gn
from glassnet import nn, optim


class MLP:
    def __init__(self, weights, lr=1e-3):
        layers: list[nn.Module] = []
        for w in weights[0::2]:
            layers += [nn.Linear(*w.shape), nn.ReLU()]
        self.model = nn.Sequential(layers[:-1])  # no ReLU after the output layer
        for p, w in zip(self.model.parameters(), weights):
            p.data[...] = w.T if w.ndim == 2 else w  # Linear stores (out, in), as PyTorch
        self.opt = optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def train_batch(self, x, y):
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()

    def predict(self, x):
        return self.model.predict(x, batch_size=1000)


def op_chain(steps):
    x = gn.tensor(
        np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32), requires_grad=True
    )

    def run():
        y = x
        for _ in range(steps):
            y = (y * 1.001 + 0.001).tanh()
        y.backward(np.ones((8, 8), dtype=np.float32))
        grad, x.grad = x.grad, None
        return grad

    return run
