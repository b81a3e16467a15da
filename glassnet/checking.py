"""Numerical checks: is the hand-written gradient right? Are two results the same?

The idea is the definition of a derivative: nudge one input element by +eps and -eps, see how
the output moves, and compare that slope with what backward computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.arguments import check_float_dtype, check_int, check_number
from glassnet.autograd import engine, graph
from glassnet.tensor import Tensor, as_array


class GradientCheckError(AssertionError):
    """An analytical gradient disagrees with central differences."""


def _tolerances(owner: str, eps: float | None, atol: float, rtol: float) -> None:
    if eps is not None:
        check_number(owner, "eps", eps, low=0.0, low_open=True)
    check_number(owner, "atol", atol, low=0.0)
    check_number(owner, "rtol", rtol, low=0.0)


def _numbers(owner: str, what: str, value: Any) -> np.ndarray:
    try:
        array = as_array(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{owner}: {what} is not an array of numbers: {error}") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"{owner}: {what} must hold numbers, got dtype {array.dtype} from "
            f"{type(value).__name__}"
        )
    return array


def check_same(expected: Any, actual: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """Assert that two arrays (or Tensors) have the same shape and values within tolerance.

    Raises an AssertionError naming the worst element, both values and how many differ.
    Booleans and integers compare as numbers, complex values by the size of the difference.

    Raises:
        TypeError: something that is not numbers (strings, None, objects).
        ValueError: a negative tolerance.

    Examples:
        >>> import glassnet as gn
        >>> gn.check_same([1.0, 2.0], gn.tensor([1.0, 2.0]))
        True
    """
    _tolerances("check_same", None, atol, rtol)
    expected = _numbers("check_same", "expected", expected)
    actual = _numbers("check_same", "actual", actual)
    if expected.shape != actual.shape:
        raise AssertionError(f"shapes differ: expected {expected.shape}, got {actual.shape}")
    if expected.size == 0:
        return True
    complex_ = "c" in (expected.dtype.kind, actual.dtype.kind)
    e = expected.astype(np.complex128 if complex_ else np.float64)
    a = actual.astype(np.complex128 if complex_ else np.float64)
    tolerance = atol + rtol * np.abs(e)
    bad = ~(np.abs(a - e) <= tolerance)  # NaN compares False, so it counts as bad
    bad &= ~(np.isnan(e) & np.isnan(a))
    if not bad.any():
        return True
    excess = np.where(bad, np.nan_to_num(np.abs(a - e) - tolerance, nan=np.inf), -np.inf)
    worst = np.unravel_index(int(np.argmax(excess)), e.shape)
    raise AssertionError(
        f"{int(bad.sum())} of {e.size} elements differ (rtol={rtol}, atol={atol}); worst at "
        f"index {tuple(int(i) for i in worst)}: expected {e[worst].item()!r}, "
        f"got {a[worst].item()!r}"
    )


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f() / d array by central differences: each element is nudged in place by +eps and
    -eps and restored. The loop is over elements on purpose: it is the definition itself."""
    numerical = np.zeros(array.shape, dtype=np.float64)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        up = f()
        array[index] = original - eps
        down = f()
        array[index] = original
        numerical[index] = (up - down) / (2 * eps)
    return numerical


def _mismatch(analytical: Any, numerical: np.ndarray, atol: float, rtol: float):
    """The index of the worst element outside tolerance (or non-finite), else None."""
    analytical = np.zeros_like(numerical) if analytical is None else analytical
    excess = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    if not (excess > 0).any() and np.isfinite(analytical).all():
        return None
    worst = np.unravel_index(int(np.argmax(np.nan_to_num(excess, nan=np.inf))), numerical.shape)
    return tuple(int(i) for i in worst), float(analytical[worst]), float(numerical[worst])


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Compare the analytical gradient of ``fn`` with float64 central differences.

    Every input Tensor that requires grad is copied to float64 and checked; other inputs are
    passed through unchanged. A non-scalar output is projected on a fixed random direction
    ``v`` (the check is on ``sum(fn(*inputs) * v)``), so every output element takes part.

    Returns True, or raises ``GradientCheckError`` naming the input, the worst element
    and both values.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.randn(3, 4, rng=0, dtype="float64", requires_grad=True)
        >>> gn.gradcheck(lambda t: (t * t).sum(axis=1), [x])
        True
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__}")
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(
            "gradcheck: inputs must be a list or tuple of fn's arguments, such as [x], got "
            f"{type(inputs).__name__}"
        )
    _tolerances("gradcheck", eps, atol, rtol)
    args = [
        Tensor(x.data.astype(np.float64), requires_grad=True)
        if isinstance(x, Tensor) and x.requires_grad
        else x
        for x in inputs
    ]
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")

    out = fn(*args)
    if not isinstance(out, Tensor) or out.data.dtype.kind != "f":
        raise TypeError("gradcheck: fn must return a float Tensor")
    # A one-element output is checked as it is; a larger one along a random direction.
    if out.size == 1:
        direction = np.ones(out.shape)
    else:
        direction = np.random.default_rng(seed).standard_normal(out.shape)
    analytical = engine.grad(out, [args[i] for i in checked], direction)

    def projected() -> float:
        with graph.no_grad():
            return float(np.sum(np.asarray(fn(*args).data, dtype=np.float64) * direction))

    for position, grad in zip(checked, analytical):
        x = args[position].data
        found = _mismatch(grad, numerical_gradient(projected, x, eps), atol, rtol)
        if found is not None:
            index, got, expected = found
            raise GradientCheckError(
                f"gradient of input {position} (shape {x.shape}) is wrong at index {index}: "
                f"analytical {got:.6g}, numerical {expected:.6g} (atol={atol}, rtol={rtol})"
            )
    return True


def check_layer_gradients(
    layer: Any,
    input_shape: Sequence[int],
    samples: int = 10,
    dtype: Any = np.float64,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    rng: Any = 0,
) -> dict[str, float]:
    """Check a Module's layer-level ``backward`` against central differences.

    For ``samples`` random inputs ``x`` and output gradients ``dy``, the loss is
    ``sum(layer.forward(x) * dy)``; ``layer.backward(dy)`` must give its gradient for the input
    and for every parameter. The check runs on a float64 copy of the layer (the layer itself is
    not changed). Randomness inside the layer (Dropout) must be off: use ``layer.eval()``.

    Returns:
        The largest absolute error seen, per name (``"input"`` and each parameter name).

    Raises:
        GradientCheckError: naming the input or parameter and the worst element.

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import nn
        >>> report = gn.check_layer_gradients(nn.Dense(3, 2, "tanh", rng=0), (4, 3), samples=2)
        >>> sorted(report)
        ['bias', 'input', 'kernel']
    """
    import copy

    from glassnet.nn.layers import Dropout
    from glassnet.nn.module import Module
    from glassnet.rng import get_rng

    if not isinstance(layer, Module):
        raise TypeError(
            f"check_layer_gradients: layer must be a Module, got {type(layer).__name__} "
            "(for a function, use gradcheck)"
        )
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(
            "check_layer_gradients: input_shape must be a tuple of ints including the batch "
            f"axis, such as (4, 3), got {input_shape!r}"
        )
    input_shape = tuple(
        check_int("check_layer_gradients", f"input_shape {tuple(input_shape)!r}: each size", n)
        for n in input_shape
    )
    check_int("check_layer_gradients", "samples", samples, minimum=1)
    _tolerances("check_layer_gradients", eps, atol, rtol)
    dtype = check_float_dtype("check_layer_gradients", dtype, "central differences need fractions")
    random = [
        f"{name or type(layer).__name__} (Dropout, p={m.p})"
        for name, m in layer.named_modules()
        if isinstance(m, Dropout) and m.training and m.p > 0
    ]
    if random:
        raise ValueError(
            f"check_layer_gradients: {', '.join(random)} drops at random in training mode, so "
            "no two forwards agree; check layer.eval() (or a copy without dropout)"
        )
    module = copy.deepcopy(layer).to(dtype)
    generator = get_rng(rng)
    params = dict(module.named_parameters())
    worst: dict[str, float] = {"input": 0.0, **{name: 0.0 for name in params}}

    for _ in range(samples):
        x = generator.standard_normal(tuple(input_shape)).astype(dtype)
        out = module.forward(x)
        dy = generator.standard_normal(out.shape).astype(dtype)
        module.zero_grad()
        analytical = {"input": module.backward(dy)}
        analytical.update({name: _array_or_none(p.grad) for name, p in params.items()})

        def loss(x: np.ndarray = x, dy: np.ndarray = dy) -> float:
            with graph.no_grad():
                return float(np.sum(module.forward(x).data * dy))

        arrays = {"input": x, **{name: p.data for name, p in params.items()}}
        for name, array in arrays.items():
            numerical = numerical_gradient(loss, array, eps)
            found = _mismatch(analytical[name], numerical, atol, rtol)
            if found is not None:
                index, got, expected = found
                raise GradientCheckError(
                    f"{type(layer).__name__}: gradient of {name} (shape {array.shape}) is wrong "
                    f"at index {index}: backward gave {got:.6g}, central differences {expected:.6g}"
                )
            grad = analytical[name]
            if grad is not None and grad.size:
                worst[name] = max(worst[name], float(np.max(np.abs(grad - numerical))))
    return worst


def _array_or_none(grad: Any) -> np.ndarray | None:
    """A ``.grad`` (a Tensor) as its NumPy array; None stays None."""
    return None if grad is None else np.asarray(grad)
