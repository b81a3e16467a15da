"""A new layer with its own hand-written backward, in this one file: a learned Swish activation.

Run:
    python examples/custom_layer.py

    y = x * sigmoid(beta * x), with one learned beta per feature.

Nothing in glassnet is edited to add it. The file defines the op (a Function with its forward
and backward) and the layer (a Module that owns ``beta`` and says how it is saved, summarized
and exported); then glassnet checks its gradients, trains it, saves and loads it without this
code's help, and exports it to ONNX.
"""

import tempfile
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet import nn


# --8<-- [start:op]
class SwishOp(gn.Function):
    """y = x * s with s = sigmoid(beta * x).

    dy/dx    = s + beta * x * s * (1 - s)
    dy/dbeta = x * x * s * (1 - s)
    """

    @staticmethod
    def forward(ctx, x, beta):
        s = 1.0 / (1.0 + np.exp(-beta * x))
        ctx.save_for_backward(x, beta, s)
        return x * s

    @staticmethod
    def backward(ctx, grad):
        x, beta, s = ctx.saved_tensors
        slope = s * (1.0 - s)
        grad_x = grad * (s + beta * x * slope)
        grad_beta = grad * x * x * slope  # shape (N, features): the engine sums over N
        return grad_x, grad_beta


# --8<-- [end:op]


# --8<-- [start:layer]
class Swish(nn.Module):
    """A learned Swish: ``x * sigmoid(beta * x)``, one ``beta`` per feature (starting at 1).

    Shape:
        input (..., features) -> output (..., features)
    """

    def __init__(self, features: int) -> None:
        super().__init__()
        self.features = features
        self.beta = nn.Parameter(np.ones(features, dtype=np.float32))

    def forward(self, x):
        return SwishOp.apply(x, self.beta)

    # How the layer describes itself: to gn.save (its constructor arguments), to
    # Sequential.summary() (its label and the input it expects) and to gn.export_onnx.
    def get_config(self):
        return {"features": self.features}

    def summary_label(self):
        return f"Swish({self.features})"

    def sample_input_shape(self):
        return (self.features,)

    def to_onnx(self, graph, x, name):
        beta = graph.constant(f"{name}.beta", self.beta.numpy())
        gate = graph.node("Sigmoid", [graph.node("Mul", [x, beta])])
        return graph.node("Mul", [x, gate])


# --8<-- [end:layer]


def main() -> None:
    # --8<-- [start:use]
    gn.check_layer_gradients(Swish(3), (5, 3))  # both backward paths against float64 numerics

    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (512, 2)).astype(np.float32)
    y = (np.sin(X[:, 0]) + X[:, 1] ** 2 / 3).reshape(-1, 1)
    model = nn.Sequential(nn.Linear(2, 16, rng=0), Swish(16), nn.Linear(16, 1, rng=1), name="swish")
    print(model.summary())
    model.compile(optimizer="adam", loss="mse", lr=1e-2)
    history = model.fit(X, y, epochs=60, batch_size=64, rng=0, verbose=0)
    print(f"training loss: {history.history['loss'][0]:.3f} -> {history.history['loss'][-1]:.4f}")

    folder = Path(tempfile.mkdtemp())
    gn.save(model, folder / "swish.npz")
    loaded = gn.load(folder / "swish.npz")  # rebuilt from the file: Swish is found by its name
    same = np.array_equal(loaded.predict(X), model.predict(X))
    print(f"loaded model gives the same predictions: {same}")
    # --8<-- [end:use]
    try:
        gn.export_onnx(model, folder / "swish.onnx", (2,))
        print(f"exported to ONNX: {(folder / 'swish.onnx').stat().st_size:,} bytes")
    except ImportError as error:
        print(f"ONNX export skipped ({error})")


if __name__ == "__main__":
    main()
