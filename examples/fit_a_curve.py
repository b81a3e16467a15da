"""Fit y = x^2 + 3x with a two-layer network built from raw Tensors: the engine alone, no nn.

Run:
    python examples/fit_a_curve.py

Every step is visible: the forward pass is Tensor arithmetic, ``loss.backward()`` fills
``.grad`` on the weights, and the update is plain NumPy under ``no_grad``.
"""

import numpy as np

import glassnet as gn

rng = np.random.default_rng(0)
x = rng.uniform(-5, 5, size=(256, 1)).astype(np.float32)
y = x**2 + 3 * x + rng.normal(0, 0.5, size=x.shape).astype(np.float32)
x_scaled = x / 5  # inputs of order 1 keep tanh out of its flat tails

hidden = 32
w1 = gn.randn(1, hidden, rng=rng, requires_grad=True)
b1 = gn.zeros(hidden, requires_grad=True)
w2 = gn.tensor(rng.normal(0, hidden**-0.5, (hidden, 1)), dtype=np.float32, requires_grad=True)
b2 = gn.zeros(1, requires_grad=True)
params = [w1, b1, w2, b2]

learning_rate = 0.05
velocity = [np.zeros_like(p.data) for p in params]
for step in range(2001):
    prediction = (x_scaled @ w1 + b1).tanh() @ w2 + b2
    loss = ((prediction - y) ** 2).mean()
    for p in params:
        p.zero_grad()
    loss.backward()
    with gn.no_grad():
        for p, v in zip(params, velocity):
            v *= 0.9  # SGD with momentum, written out
            v -= learning_rate * p.grad
            p.data += v
    if step % 250 == 0:
        print(f"step {step:4d}  loss {loss.item():9.4f}")

clean = x**2 + 3 * x
final = ((x_scaled @ w1 + b1).tanh() @ w2 + b2).numpy()
print(f"MSE against the noiseless curve: {np.mean((final - clean) ** 2):.4f}")
