"""Arithmetic with NumPy broadcasting: ``+ - * / ** neg`` and dtype casts.

Each backward returns the gradient in the output's (broadcast) shape; the engine sums it back
to each input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor


def broadcast_error(op: str, a: np.ndarray, b: np.ndarray) -> ShapeError:
    return ShapeError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together")


def _category(dtype: np.dtype) -> int:
    """PyTorch's type categories: bool < integer < float."""
    return 0 if dtype.kind == "b" else 2 if dtype.kind == "f" else 1


def promote(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The operands in PyTorch's result dtype, where it differs from NumPy's.

    - A float with an integer or bool array keeps the float dtype (NumPy would turn float32
      with int64 into float64).
    - A 0-d array of the same category as an array with dims does not widen it: float32 (3,)
      with a float64 0-d stays float32, as PyTorch treats "dimensionless" tensors (and Python
      numbers) as weak.

    Everything else is NumPy's promotion, which agrees with PyTorch (float32 with float64 is
    float64, int with bool is int, uint8 with int8 is int16).

    Examples:
        >>> import numpy as np
        >>> from glassnet.ops.arithmetic import promote
        >>> [x.dtype.name for x in promote(np.ones(2, np.float32), np.ones(2, np.int64))]
        ['float32', 'float32']
        >>> [x.dtype.name for x in promote(np.ones(2, np.float32), np.float64(2.0))]
        ['float32', 'float32']
    """
    if a.dtype == b.dtype:
        return a, b
    a_kind, b_kind = _category(a.dtype), _category(b.dtype)
    if a_kind == 2 and b_kind < 2:
        return a, b.astype(a.dtype)
    if b_kind == 2 and a_kind < 2:
        return a.astype(b.dtype), b
    if a_kind == b_kind and (a.ndim == 0) != (b.ndim == 0):
        if b.ndim == 0:
            return a, b.astype(a.dtype)
        return a.astype(b.dtype), b
    return a, b


class AddOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = promote(a, b)
        try:
            return a + b
        except ValueError:
            raise broadcast_error("add", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad, grad


class SubOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = promote(a, b)
        try:
            return a - b
        except ValueError:
            raise broadcast_error("sub", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


# --8<-- [start:mul]
class MulOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        try:
            return a * b
        except ValueError:
            raise broadcast_error("mul", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


# --8<-- [end:mul]
class DivOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind != "f" and b.dtype.kind != "f":
            a = a.astype(np.float32)  # int / int is float32, as in PyTorch
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        try:
            return a / b
        except ValueError:
            raise broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad / b
        return (grad_a if need_a else None), (-grad_a * a / b if need_b else None)


class PowOp(Function):
    """``base ** exponent`` with PyTorch's gradient conventions (``torch.pow``) at the edges.

    - d/d base = ``e * b**(e - 1)``, but exactly 0 wherever ``e == 0``: ``x**0`` is the
      constant 1, so its gradient is 0 even at ``x = 0`` (the formula gives ``0 * inf = nan``).
      Elsewhere the formula stands: ``inf`` for ``0**0.5``, ``nan`` for a negative base with a
      non-integer exponent (the forward is nan there too), exact for integer exponents of a
      negative base.
    - d/d exponent = ``b**e * log(b)``, but 0 where ``b == 0 and e >= 0``: there ``b**e`` is
      constant (0, or 1 at e = 0) for exponents near e >= 0 from the right, which is the
      limit PyTorch takes. For ``b < 0`` the function ``e -> b**e`` is not real-valued around
      ``e``, so the gradient is ``nan`` (as PyTorch gives), not a silent 0; for ``b == 0`` and
      ``e < 0`` it is ``inf * log 0 = -inf``, again as PyTorch.
    """

    @staticmethod
    def forward(ctx: Context, base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
        base, exponent = promote(base, exponent)
        if base.dtype.kind in "iu" and exponent.dtype.kind in "iu" and (exponent < 0).any():
            raise ValueError(  # NumPy's own ValueError, which read as a broadcast error before
                "pow: integers to negative integer powers are not allowed; make the base a "
                "float Tensor (x.float() ** -1)"
            )
        # x**2 and x**-1 of floats by multiplication and division: the same correctly rounded
        # values, several times faster than NumPy's float power (x**3 by multiplication would
        # round twice, so it stays a power).
        square = reciprocal = False
        if (
            exponent.ndim == 0
            and base.dtype.kind == "f"
            and np.result_type(base, exponent) == base.dtype
        ):
            square, reciprocal = bool(exponent == 2), bool(exponent == -1)
        try:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                if square:
                    out = base * base
                elif reciprocal:
                    out = np.reciprocal(base)
                else:
                    out = np.power(base, exponent)
        except ValueError:
            raise broadcast_error("pow", base, exponent) from None
        ctx.square = square
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        base, exponent, out = ctx.saved_tensors
        need_base, need_exponent = ctx.needs_input_grad
        grad_base = grad_exponent = None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if need_base and ctx.square:
                grad_base = grad * (exponent * base)  # 2 * x**1, exactly
            elif need_base:
                grad_base = grad * np.where(
                    exponent == 0, 0, exponent * np.power(base, exponent - 1)
                )
            if need_exponent:
                zero = (base == 0) & (exponent >= 0)
                grad_exponent = grad * np.where(zero, 0, out * np.log(base))
        return grad_base, grad_exponent


class NegOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray) -> np.ndarray:
        return -a

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return -grad


class AsTypeOp(Function):
    @staticmethod
    def forward(ctx: Context, a: np.ndarray, dtype: Any = None) -> np.ndarray:
        return a.astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        return grad  # the engine casts it back to the input's dtype


def add(a: Any, b: Any, *, alpha: Any = 1) -> Tensor:
    """``a + alpha * b`` with broadcasting (``alpha`` as in ``torch.add``).

    Examples:
        >>> import glassnet as gn
        >>> gn.add(gn.ones(2, 3), gn.tensor([1.0, 2.0, 3.0])).shape
        (2, 3)
        >>> gn.add(gn.tensor([1.0]), gn.tensor([2.0]), alpha=10)
        Tensor([21.], dtype=float32)
    """
    return AddOp.apply(a, b if alpha == 1 else mul(b, alpha))


def sub(a: Any, b: Any, *, alpha: Any = 1) -> Tensor:
    """``a - alpha * b`` with broadcasting."""
    return SubOp.apply(a, b if alpha == 1 else mul(b, alpha))


def mul(a: Any, b: Any) -> Tensor:
    """``a * b`` with broadcasting."""
    return MulOp.apply(a, b)


def div(a: Any, b: Any, *, rounding_mode: str | None = None) -> Tensor:
    """``a / b`` with broadcasting (integer operands give float32); ``rounding_mode="trunc"``
    or ``"floor"`` rounds the quotient (not differentiable, integers stay integers), as
    ``torch.div``.

    Examples:
        >>> import glassnet as gn
        >>> gn.div(gn.tensor([-7, 7]), 2, rounding_mode="trunc")
        Tensor([-3,  3], dtype=int64)
    """
    if rounding_mode is None:
        return DivOp.apply(a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(
            f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}"
        )
    from glassnet.ops.pointwise import floor_divide, fmod

    quotient = floor_divide(a, b)
    if rounding_mode == "floor":
        return quotient
    # trunc: one more than floor where the exact quotient is negative and not whole
    return Tensor(quotient.data + ((fmod(a, b).data != 0) & (quotient.data < 0)))


def pow(base: Any, exponent: Any) -> Tensor:
    """``base ** exponent``; differentiable in both, with ``torch.pow``'s gradients at the
    edges (see [PowOp][glassnet.ops.arithmetic.PowOp]): the gradient of ``x**0`` is 0 everywhere.

    Examples:
        >>> import glassnet as gn
        >>> gn.pow(gn.tensor([2.0, 3.0]), 2)
        Tensor([4., 9.], dtype=float32)
    """
    return PowOp.apply(base, exponent)


def neg(a: Any) -> Tensor:
    """``-a``."""
    return NegOp.apply(a)


def astype(a: Any, dtype: Any) -> Tensor:
    """Cast to ``dtype``; the gradient flows back cast to the input's dtype."""
    return AsTypeOp.apply(a, dtype=np.dtype(dtype))
