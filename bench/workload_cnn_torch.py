"""The benchmark CNNs in PyTorch (CPU), the usual way."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def small_cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )  # fmt: skip


def deep_cnn() -> nn.Sequential:
    def block(c_in: int, c_out: int) -> list[nn.Module]:
        return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]

    return nn.Sequential(
        *block(1, 32), *block(32, 32), nn.MaxPool2d(2),
        *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 10),
    )  # fmt: skip


class CNN:
    def __init__(self, weights=None, lr=1e-3, deep=False):
        self.model = deep_cnn() if deep else small_cnn()
        if weights is not None:
            with torch.no_grad():
                for p, w in zip(self.model.parameters(), weights):
                    p.copy_(torch.from_numpy(np.asarray(w)))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def train_batch(self, x, y):
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        self.opt.step()
        return loss.item()
