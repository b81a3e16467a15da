"""The hand-written NumPy reference: no framework, every gradient written inline.

This is the floor a NumPy framework can reach: glassnet's goal is to match it.
"""

from __future__ import annotations

import math

import numpy as np


class Adam:
    """PyTorch's Adam on a list of arrays, updated in place."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        b1, b2 = self.betas
        step = self.lr / (1 - b1**self.t)
        root = math.sqrt(1 - b2**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= step * m / (np.sqrt(v) / root + self.eps)


class MLP:
    """ReLU layers, then a linear output. ``weights``: [W1, b1, W2, b2, ...], W as (in, out)."""

    def __init__(self, weights, lr=1e-3):
        self.params = [w.copy() for w in weights]
        self.opt = Adam(self.params, lr)

    def forward(self, x):
        activations = [x]
        layers = len(self.params) // 2
        for i in range(layers):
            z = activations[-1] @ self.params[2 * i] + self.params[2 * i + 1]
            activations.append(np.maximum(z, 0) if i < layers - 1 else z)
        return activations

    def train_batch(self, x, y):
        activations, loss, delta = self.forward_loss(x, y)
        self.opt.step(self.backward(activations, delta))
        return loss

    def forward_loss(self, x, y):
        """The activations, the mean cross-entropy, and its gradient for the logits."""
        activations = self.forward(x)
        logits = activations[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        n = len(x)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[np.arange(n), y]))
        delta = exp / total
        delta[np.arange(n), y] -= 1
        delta /= n
        return activations, loss, delta

    def backward(self, activations, delta):
        """The gradient of every parameter, from the logits' gradient ``delta``."""
        grads = []
        for i in reversed(range(len(self.params) // 2)):
            grads[:0] = [activations[i].T @ delta, delta.sum(axis=0)]
            if i > 0:  # no gradient for the input itself
                delta = (delta @ self.params[2 * i].T) * (activations[i] > 0)
        return grads

    def predict(self, x):
        return np.concatenate([self.forward(x[i : i + 1000])[-1] for i in range(0, len(x), 1000)])


def op_chain(steps):
    """``steps`` rounds of (y * 1.001 + 0.001).tanh() on an 8x8 array, forward and backward."""
    x = np.random.default_rng(0).standard_normal((8, 8)).astype(np.float32)

    def run():
        outs = []
        y = x
        for _ in range(steps):
            y = np.tanh(y * np.float32(1.001) + np.float32(0.001))
            outs.append(y)
        grad = np.ones_like(y)
        for out in reversed(outs):
            grad = grad * (1 - out * out) * np.float32(1.001)
        return grad

    return run
