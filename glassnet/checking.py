"""Numerical checks: is the hand-written gradient right? Are two results the same?

The idea is the definition of a derivative: nudge one input element by +eps and -eps, see how
the output moves, and compare that slope with what backward computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.autograd import engine
from glassnet.tensor import Tensor


class GradientCheckError(AssertionError):
    """An analytical gradient disagrees with central differences."""


def check_same(expected: Any, actual: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """Assert that two arrays (or Tensors) have the same shape and values within tolerance.

    Raises an AssertionError naming the worst element, both values and how many differ.

    Example:
        >>> import glassnet as gn
        >>> gn.check_same([1.0, 2.0], gn.tensor([1.0, 2.0]))
        True
    """
    expected = np.asarray(getattr(expected, "data", expected))
    actual = np.asarray(getattr(actual, "data", actual))
    if expected.shape != actual.shape:
        raise AssertionError(f"shapes differ: expected {expected.shape}, got {actual.shape}")
    if expected.size == 0:
        return True
    e = expected.astype(np.float64)
    a = actual.astype(np.float64)
    tolerance = atol + rtol * np.abs(e)
    bad = ~(np.abs(a - e) <= tolerance)  # NaN compares False, so it counts as bad
    bad &= ~(np.isnan(e) & np.isnan(a))
    if not bad.any():
        return True
    excess = np.where(bad, np.nan_to_num(np.abs(a - e) - tolerance, nan=np.inf), -np.inf)
    worst = np.unravel_index(int(np.argmax(excess)), e.shape)
    raise AssertionError(
        f"{int(bad.sum())} of {e.size} elements differ (rtol={rtol}, atol={atol}); worst at "
        f"index {tuple(int(i) for i in worst)}: expected {float(e[worst])!r}, "
        f"got {float(a[worst])!r}"
    )


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

    Returns True, or raises :class:`GradientCheckError` naming the input, the worst element
    and both values.

    Example:
        >>> import glassnet as gn
        >>> x = gn.randn(3, 4, rng=0, dtype="float64", requires_grad=True)
        >>> gn.gradcheck(lambda t: (t * t).sum(axis=1), [x])
        True
    """
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
        with engine.no_grad():
            return float(np.sum(np.asarray(fn(*args).data, dtype=np.float64) * direction))

    for position, grad in zip(checked, analytical):
        x = args[position].data
        numerical = np.zeros_like(x)
        for index in np.ndindex(x.shape):  # one nudge per element: this is the check itself
            original = x[index]
            x[index] = original + eps
            up = projected()
            x[index] = original - eps
            down = projected()
            x[index] = original
            numerical[index] = (up - down) / (2 * eps)
        grad = np.zeros_like(x) if grad is None else grad
        error = np.abs(grad - numerical) - (atol + rtol * np.abs(numerical))
        if (error > 0).any() or not np.isfinite(grad).all():
            worst = np.unravel_index(int(np.argmax(np.nan_to_num(error, nan=np.inf))), x.shape)
            raise GradientCheckError(
                f"gradient of input {position} (shape {x.shape}) is wrong at index "
                f"{tuple(int(i) for i in worst)}: analytical {float(grad[worst]):.6g}, "
                f"numerical {float(numerical[worst]):.6g} (atol={atol}, rtol={rtol})"
            )
    return True
