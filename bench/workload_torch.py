"""The same workloads in PyTorch (CPU)."""

from __future__ import annotations

import numpy as np
import torch


class MLP:
    def __init__(self, weights, lr=1e-3):
        layers: list[torch.nn.Module] = []
        for w in weights[0::2]:
            layers += [torch.nn.Linear(*w.shape), torch.nn.ReLU()]
        self.model = torch.nn.Sequential(*layers[:-1])
        with torch.no_grad():
            for p, w in zip(self.model.parameters(), weights):
                p.copy_(
                    torch.from_numpy(w.T.copy() if w.ndim == 2 else w)
                )  # PyTorch stores (out, in)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = torch.nn.CrossEntropyLoss()

    def train_batch(self, x, y):
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()

    def predict(self, x):
        with torch.no_grad():
            return np.concatenate(
                [
                    self.model(torch.from_numpy(x[i : i + 1000])).numpy()
                    for i in range(0, len(x), 1000)
                ]
            )


def op_chain(steps):
    x = torch.from_numpy(
        np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)
    ).requires_grad_()

    def run():
        y = x
        for _ in range(steps):
            y = torch.tanh(y * 1.001 + 0.001)
        y.backward(torch.ones(8, 8))
        grad, x.grad = x.grad, None
        return grad

    return run
