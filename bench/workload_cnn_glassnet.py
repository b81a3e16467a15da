"""The benchmark CNNs in glassnet, written the way a user writes them."""

from __future__ import annotations

import numpy as np

from glassnet import nn, optim
from glassnet.nn.batchnorm import BatchNorm2d
from glassnet.nn.conv import Conv2d
from glassnet.nn.pooling import MaxPool2d


def small_cnn() -> nn.Sequential:
    """conv(1->8) ReLU pool conv(8->16) ReLU pool linear(400->10): the issue's network."""
    return nn.Sequential(
        Conv2d(1, 8, 3), nn.ReLU(), MaxPool2d(2),
        Conv2d(8, 16, 3), nn.ReLU(), MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )  # fmt: skip


def deep_cnn() -> nn.Sequential:
    """Two 3x3 convs per stage (32 then 64 channels) with BatchNorm, then a linear layer."""

    def block(c_in: int, c_out: int) -> list[nn.Module]:
        return [Conv2d(c_in, c_out, 3, padding=1, bias=False), BatchNorm2d(c_out), nn.ReLU()]

    return nn.Sequential(
        *block(1, 32), *block(32, 32), MaxPool2d(2),
        *block(32, 64), *block(64, 64), MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 10),
    )  # fmt: skip


class CNN:
    def __init__(self, weights=None, lr=1e-3, deep=False):
        self.model = deep_cnn() if deep else small_cnn()
        if weights is not None:  # w1 b1 w2 b2 (PyTorch layouts) then the linear layer's
            convs = [m for m in self.model.modules() if isinstance(m, Conv2d)]
            for conv, (w, b) in zip(convs, zip(weights[0:4:2], weights[1:4:2])):
                conv.load_state_dict({"weight": w, "bias": b})
            linear = self.model[-1]
            linear.load_state_dict(linear_state(linear, weights[4], weights[5]))
        self.opt = optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def train_batch(self, x, y):
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()


def linear_state(linear: nn.Module, weight: np.ndarray, bias: np.ndarray) -> dict:
    """A PyTorch-layout (out, in) linear weight in whichever layout this Linear keeps."""
    current = linear.state_dict()["weight"].shape
    return {"weight": weight if current == weight.shape else weight.T, "bias": bias}
