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
import numbers
from collections.abc import Callable, Iterable
from typing import Any

from glassnet.arguments import check_int  # leaf modules: the scalar engine uses nothing else
from glassnet.errors import ShapeError
from glassnet.rng import RngLike, get_rng


class ScalarDomainError(ValueError):
    """A ``Value`` operation outside its function's domain: the log of a number <= 0, a
    negative number to a fractional power. The message names the operation and the number.

    Examples:
        >>> from glassnet.scalar import Value
        >>> try:
        ...     Value(-1.0).log()
        ... except ValueError as e:
        ...     print(e)
        Value.log(-1): log needs a positive number
    """


class ScalarZeroDivisionError(ZeroDivisionError):
    """A ``Value`` divided by zero, or zero raised to a negative power."""


def _number(data: Any, where: str) -> float:
    if isinstance(data, numbers.Real):  # int, float, bool and NumPy's real scalars
        return float(data)
    raise TypeError(f"{where}: a Value holds a real number, got {type(data).__name__} {data!r}")


def _operand(other: Any, op: str) -> Value:
    if isinstance(other, Value):
        return other
    return Value(_number(other, f"Value {op} {type(other).__name__}"))


def _power(base: float, exponent: float) -> float:
    """``base ** exponent`` as a real number, or a named error where there is none."""
    if base == 0 and exponent < 0:
        raise ScalarZeroDivisionError(
            f"Value ** {exponent:g}: zero cannot be raised to a negative power"
        )
    if base < 0 and not exponent.is_integer():
        raise ScalarDomainError(
            f"Value({base:g}) ** {exponent:g}: a negative number to a fractional power is "
            "not a real number"
        )
    try:
        return base**exponent
    except OverflowError:
        return math.inf if base > 0 or exponent % 2 == 0 else -math.inf


class Value:
    """A scalar with a gradient.

    Attributes:
        data: the number.
        grad: d(output)/d(this value), filled by ``backward()`` on the output.
        label: a name for graph pictures.
        _op: the operation that made it ("" for a leaf); _prev: its inputs, in order.
    """

    def __init__(self, data: float, label: str = "", _prev: tuple[Value, ...] = (), _op: str = ""):
        self.data = _number(data, "Value")
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
        other = _operand(other, "+")
        out = Value(self.data + other.data, _prev=(self, other), _op="+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Any) -> Value:
        other = _operand(other, "*")
        out = Value(self.data * other.data, _prev=(self, other), _op="*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: Any) -> Value:
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"Value ** exponent: the exponent must be a number or a Value, got "
                f"{type(exponent).__name__} {exponent!r}"
            )
        exponent = float(exponent)
        out = Value(_power(self.data, exponent), _prev=(self,), _op=f"**{exponent:g}")

        def _backward() -> None:
            if exponent != 0.0:  # d/dx x^0 = 0, even at x = 0
                self.grad += exponent * _power(self.data, exponent - 1) * out.grad

        out._backward = _backward
        return out

    def _pow_value(self, exponent: Value) -> Value:
        """``self ** exponent`` with both differentiable: d/db a^b = a^b ln a (NaN for a < 0
        and 0 for a = 0, as PyTorch)."""
        out = Value(_power(self.data, exponent.data), _prev=(self, exponent), _op="**")

        def _backward() -> None:
            b = exponent.data
            if b != 0.0:
                self.grad += b * _power(self.data, b - 1) * out.grad
            if self.data > 0:
                exponent.grad += out.data * math.log(self.data) * out.grad
            elif self.data < 0:
                exponent.grad += math.nan

        out._backward = _backward
        return out

    def __rpow__(self, base: Any) -> Value:
        return _operand(base, "**") ** self

    def exp(self) -> Value:
        # past e^709 a float overflows: inf, as the tensor engine (NumPy) gives
        value = math.exp(self.data) if self.data < 709.78 else math.inf
        out = Value(value, _prev=(self,), _op="exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ScalarDomainError(f"Value.log({self.data:g}): log needs a positive number")
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
        return self + (-_operand(other, "-"))

    def __truediv__(self, other: Any) -> Value:
        other = _operand(other, "/")
        if other.data == 0:
            raise ScalarZeroDivisionError(f"Value division by zero: {self.data:g} / 0")
        return self * other**-1

    def __radd__(self, other: Any) -> Value:
        return self + other

    def __rmul__(self, other: Any) -> Value:
        return self * other

    def __rsub__(self, other: Any) -> Value:
        return _operand(other, "-") - self

    def __rtruediv__(self, other: Any) -> Value:
        return _operand(other, "/") / self

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
        check_int("Neuron", "nin", nin)
        generator = get_rng(rng)
        self.w = [Value(generator.uniform(-1, 1), label="w") for _ in range(nin)]
        self.b = Value(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x: Iterable[Any]) -> Value:
        x = list(x)
        if len(x) != len(self.w):
            raise ShapeError(f"{self!r} got {len(x)} inputs: it takes {len(self.w)}")
        activation = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return activation.tanh() if self.nonlin else activation

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{'Tanh' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs."""

    def __init__(self, nin: int, nout: int, nonlin: bool = True, rng: RngLike = None) -> None:
        check_int("Layer", "nin", nin)
        check_int("Layer", "nout", nout, minimum=1)
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
        check_int("MLP", "nin", nin)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
            raise TypeError(f"MLP: nouts must be a list of layer sizes, got {nouts!r}")
        nouts = [check_int("MLP", f"nouts {nouts!r}: each size", n, minimum=1) for n in nouts]
        if not nouts:
            raise ValueError("MLP: nouts must name at least one layer size, got []")
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
