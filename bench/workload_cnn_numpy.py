"""The benchmark CNN written by hand in NumPy, in layer order: the reference glassnet is held to.

conv(1->8, 3x3) + bias, ReLU, max-pool 2, conv(8->16, 3x3) + bias, ReLU, max-pool 2, flatten,
linear(400->10), softmax cross-entropy, Adam. Float32 throughout. Layout as a careful NumPy
programmer would choose it: im2col by one slice copy per kernel offset into a channel-major
buffer, one GEMM per convolution, max-pool by strided views with the gradient to the first
maximum of each window (a "taken" mask), col2im by strided ``+=``.
"""

from __future__ import annotations

import numpy as np


def im2col(x, k):
    """x (C, N, H, W) -> (C * k * k, N * OH * OW), stride 1, no padding."""
    c, n, h, w = x.shape
    oh, ow = h - k + 1, w - k + 1
    cols = np.empty((c, k, k, n, oh, ow), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, i, j] = x[:, :, i : i + oh, j : j + ow]
    return cols.reshape(c * k * k, -1)


def col2im(cols, shape, k):
    c, n, h, w = shape
    oh, ow = h - k + 1, w - k + 1
    cols = cols.reshape(c, k, k, n, oh, ow)
    dx = np.zeros(shape, dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, :, i : i + oh, j : j + ow] += cols[:, i, j]
    return dx


def pool_forward(x):
    """2x2 max-pool of (C, N, H, W) (odd sizes drop the last row/column, as floor mode)."""
    h, w = x.shape[2] // 2 * 2, x.shape[3] // 2 * 2
    views = [x[:, :, i:h:2, j:w:2] for i in (0, 1) for j in (0, 1)]
    out = np.maximum(np.maximum(views[0], views[1]), np.maximum(views[2], views[3]))
    return out, views


def pool_backward(dout, out, views, shape):
    dx = np.zeros(shape, dtype=dout.dtype)
    h, w = shape[2] // 2 * 2, shape[3] // 2 * 2
    taken = np.zeros(out.shape, dtype=bool)
    for (i, j), view in zip(((0, 0), (0, 1), (1, 0), (1, 1)), views):
        hit = view == out
        hit &= ~taken
        taken |= hit
        np.multiply(hit, dout, out=dx[:, :, i:h:2, j:w:2])
    return dx


class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        b1, b2 = self.betas
        step = self.lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= step * m / (np.sqrt(v) + self.eps * np.sqrt(1 - b2**self.t))


class CNN:
    def __init__(self, weights, lr=1e-3):
        self.params = [np.array(w, dtype=np.float32) for w in weights]  # w1 b1 w2 b2 w3 b3
        self.opt = Adam(self.params, lr)

    def train_batch(self, x, y):
        w1, b1, w2, b2, w3, b3 = self.params
        n = x.shape[0]
        x = np.ascontiguousarray(x.reshape(n, 1, 28, 28).transpose(1, 0, 2, 3))  # (C, N, H, W)
        cols1 = im2col(x, 3)
        z1 = (w1.reshape(8, -1) @ cols1).reshape(8, n, 26, 26) + b1.reshape(8, 1, 1, 1)
        a1 = np.maximum(z1, 0)
        p1, views1 = pool_forward(a1)
        cols2 = im2col(p1, 3)
        z2 = (w2.reshape(16, -1) @ cols2).reshape(16, n, 11, 11) + b2.reshape(16, 1, 1, 1)
        a2 = np.maximum(z2, 0)
        p2, views2 = pool_forward(a2)
        flat = p2.transpose(1, 0, 2, 3).reshape(n, 400)
        logits = flat @ w3.T + b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        probs = exp / exp.sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(n), y]).mean()

        dlogits = probs
        dlogits[np.arange(n), y] -= 1
        dlogits /= n
        dw3, db3 = dlogits.T @ flat, dlogits.sum(axis=0)
        dflat = dlogits @ w3
        dp2 = np.ascontiguousarray(dflat.reshape(n, 16, 5, 5).transpose(1, 0, 2, 3))
        da2 = pool_backward(dp2, p2, views2, a2.shape)
        dz2 = da2 * (z2 > 0)
        dz2_2d = dz2.reshape(16, -1)
        dw2, db2 = (dz2_2d @ cols2.T).reshape(w2.shape), dz2_2d.sum(axis=1)
        dp1 = col2im(w2.reshape(16, -1).T @ dz2_2d, p1.shape, 3)
        da1 = pool_backward(dp1, p1, views1, a1.shape)
        dz1 = da1 * (z1 > 0)
        dz1_2d = dz1.reshape(8, -1)
        dw1, db1 = (dz1_2d @ cols1.T).reshape(w1.shape), dz1_2d.sum(axis=1)
        self.opt.step([dw1, db1, dw2, db2, dw3, db3])
        return float(loss)
