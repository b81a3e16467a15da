"""Driving a layer by hand, as the classic from-scratch lessons do.

The lessons build networks from layers with two methods: ``out = layer.forward(x)`` remembers
what it needs, and ``dx = layer.backward(dout)`` returns the gradient for the input and stores
each parameter's gradient. glassnet keeps that pair working on every Module, with one engine
under it: ``backward`` is the ordinary backward pass, started at the output the last
``forward`` returned.

Calling ``layer.forward(x)`` directly is what switches this on. ``model(x)``, the ordinary way
(``Module.__call__``), runs the very same computation but keeps nothing, so an ordinary training
step holds no memory after ``loss.backward()``. To tell the two apart, each Module instance has
an attribute ``forward`` that shadows the class's method: it is ``ByHand.forward_by_hand``,
which calls the class's ``forward`` and remembers the input and the output. What it remembers
is let go by ``backward`` or replaced by the next call.

Examples:
    >>> from glassnet import nn
    >>> layer = nn.Linear(3, 2, rng=0)
    >>> out = layer.forward(np.ones((4, 3)))   # NumPy in, Tensor out
    >>> dx = layer.backward(np.ones((4, 2)))   # NumPy in, NumPy out; fills p.grad
    >>> dx.shape, layer.weight.grad.shape
    ((4, 3), (2, 3))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd import engine, graph
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor, as_array


class ByHand:
    """The ``forward``/``backward`` pair of the lessons, mixed into every Module."""

    _by_hand: tuple[Tensor, Any] | None  # (input, output) of the last forward_by_hand call

    def __init__(self) -> None:
        # An instance attribute wins over the class's method: ``layer.forward(x)`` reaches
        # forward_by_hand, while ``layer(x)`` calls ``type(layer).forward`` itself. (The bound
        # method makes each Module a small reference cycle; it holds no arrays.)
        object.__setattr__(self, "forward", self.forward_by_hand)
        object.__setattr__(self, "_by_hand", None)

    def forward_by_hand(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """``layer.forward(x)``: the forward, remembering the input and output for ``backward``.

        A NumPy input (or a Tensor outside any graph) becomes a fresh leaf that requires grad,
        so the backward pass ends there and hands back its gradient, ``dx``.
        """
        x = self.prepare_input(x)  # type: ignore[attr-defined]
        if isinstance(x, Tensor) and not graph.is_tracked(x):
            x = Tensor(x.data, requires_grad=x.dtype.kind == "f")  # our own leaf, not the user's
        out = type(self).forward(self, x, *args, **kwargs)  # type: ignore[attr-defined]
        object.__setattr__(self, "_by_hand", (x, out))
        return out

    def backward(self, grad_output: Any = None, retain_graph: bool = False) -> np.ndarray:
        """Backpropagate through this module's last ``forward`` call, by hand.

        Args:
            grad_output: d loss / d output of the last forward, of that output's shape
                (may be omitted when the output has one element, e.g. a loss).
            retain_graph: keep the graph so backward can be called again.

        Returns:
            d loss / d input of the last forward, as an ``np.ndarray`` (zeros for an integer
            input such as an Embedding's indices). Each parameter's gradient is added into
            ``p.grad``. The walk stops at that input, even when it was itself computed by
            earlier layers: their own ``backward(dx)`` comes next, as in the lessons.
        """
        name = type(self).__name__
        if self._by_hand is None:
            raise RuntimeError(
                f"{name}.backward() needs a forward first: out = layer.forward(x), then "
                "dx = layer.backward(dout) (calling layer(x) keeps nothing to go back through)"
            )
        x, out = self._by_hand
        if not isinstance(out, Tensor) or not out.requires_grad:
            raise RuntimeError(
                f"{name}.backward(): the last forward recorded no graph (was it run under "
                "no_grad(), or does its output not depend on its input or parameters?)"
            )
        grad = None if grad_output is None else as_array(grad_output, dtype=out.dtype)
        if grad is not None and grad.shape != out.shape:
            raise ShapeError(
                f"{name}.backward: grad_output has shape {grad.shape}, but the last "
                f"forward's output has shape {out.shape}"
            )
        dx = engine.backward(out, grad, retain_graph=retain_graph, stop_at=x)
        if not retain_graph:
            object.__setattr__(self, "_by_hand", None)
        return np.zeros_like(x.data) if dx is None else dx
