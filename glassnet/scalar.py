"""A scalar autograd engine: every number is a ``Value`` that remembers how it was made.

This is the lesson in its smallest form (in the spirit of micrograd): each operation creates a
new Value holding its inputs in ``_prev`` and a ``_backward`` closure that applies the chain
rule locally; ``backward()`` visits the graph in reverse topological order and calls them.
The tensor engine (``glassnet.Tensor``) does the same with whole arrays; the tests keep the
two in agreement.

Examples:
    >>> from glassnet.scalar import Value
    >>> x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    >>> w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    >>> b = Value(6.8813735870195432, label="b")
    >>> o = (x1 * w1 + x2 * w2 + b).tanh()
    >>> o.backward()
    >>> round(o.data, 4), round(x1.grad, 4), round(w1.grad, 4)
    (0.7071, -1.5, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from glassnet.rng import RngLike, get_rng  # a leaf module: the scalar engine uses nothing else


class Value:
    """A scalar with a gradient.

    Attributes:
        data: the number.
        grad: d(output)/d(this value), filled by ``backward()`` on the output.
        label: a name for graph pictures.
        _op: the operation that made it ("" for a leaf); _prev: its inputs, in order.
    """

    def __init__(self, data: float, label: str = "", _prev: tuple[Value, ...] = (), _op: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev = _prev
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"

    # Every operation: compute the output, then say how its gradient flows to the inputs.
    # Gradients are added (+=), never assigned: a value used twice gets both contributions.
    def __add__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, _prev=(self, other), _op="+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, _prev=(self, other), _op="*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        if not isinstance(exponent, (int, float)):
            raise TypeError("Value ** exponent: the exponent must be a number (int or float)")
        out = Value(self.data**exponent, _prev=(self,), _op=f"**{exponent:g}")

        def _backward() -> None:
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), _prev=(self,), _op="exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        out = Value(math.log(self.data), _prev=(self,), _op="log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), _prev=(self,), _op="tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(max(self.data, 0.0), _prev=(self,), _op="relu")

        def _backward() -> None:
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))  # the same as 1 / (1 + e^-x), never overflows
        out = Value(s, _prev=(self,), _op="sigmoid")

        def _backward() -> None:
            self.grad += s * (1.0 - s) * out.grad

        out._backward = _backward
        return out

    # The rest are built from the operations above.
    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Any) -> Value:
        return self + (-other)

    def __truediv__(self, other: Any) -> Value:
        return self * (other if isinstance(other, Value) else Value(other)) ** -1

    def __radd__(self, other: Any) -> Value:
        return self + other

    def __rmul__(self, other: Any) -> Value:
        return self * other

    def __rsub__(self, other: Any) -> Value:
        return Value(other) - self

    def __rtruediv__(self, other: Any) -> Value:
        return Value(other) / self

    def backward(self) -> None:
        """Fill ``grad`` of every value this one depends on (this one's grad is set to 1)."""
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:  # an iterative depth-first search: no recursion limit on long chains
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if id(child) not in visited)
        self.grad = 1.0
        for node in reversed(order):  # outputs before the inputs they were made from
            node._backward()


class Module:
    """Base of Neuron, Layer and MLP: parameters and zero_grad."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """w . x + b, then tanh when ``nonlin`` (the lesson's choice), else linear."""

    def __init__(self, nin: int, nonlin: bool = True, rng: RngLike = None) -> None:
        generator = get_rng(rng)
        self.w = [Value(generator.uniform(-1, 1), label="w") for _ in range(nin)]
        self.b = Value(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x: Iterable[Any]) -> Value:
        activation = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return activation.tanh() if self.nonlin else activation

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{'Tanh' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs."""

    def __init__(self, nin: int, nout: int, nonlin: bool = True, rng: RngLike = None) -> None:
        generator = get_rng(rng)
        self.neurons = [Neuron(nin, nonlin, generator) for _ in range(nout)]

    def __call__(self, x: Iterable[Any]) -> Value | list[Value]:
        x = list(x)
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of tanh neurons; the last layer is linear.

    Examples:
        >>> from glassnet.scalar import MLP
        >>> net = MLP(3, [4, 4, 1], rng=0)
        >>> len(net.parameters())
        41
    """

    def __init__(self, nin: int, nouts: list[int], rng: RngLike = None) -> None:
        generator = get_rng(rng)
        sizes = [nin, *nouts]
        last = len(nouts) - 1  # the output layer is linear
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, rng=generator)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Iterable[Any]) -> Value | list[Value]:
        out: Any = x
        for layer in self.layers:
            out = layer(
                [out] if isinstance(out, Value) else out
            )  # a one-neuron layer gives a Value
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
