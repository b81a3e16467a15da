"""Matrix products."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.arithmetic import promote
from glassnet.tensor import Tensor


class MatMulOp(Function):
    """``a @ b`` for 1-D, 2-D and batched N-D operands, as ``np.matmul``.

    With ``C = A @ B`` and upstream gradient ``G``: ``dA = G @ B^T`` and ``dB = A^T @ G``.
    A 1-D operand is treated as a row (for ``a``) or a column (for ``b``) and the gradient is
    squeezed back; batch axes that broadcast are summed by the engine.
    """

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError(
                f"matmul: operands must have at least 1 axis, got {a.shape} @ {b.shape}"
            )
        inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner_b:
            raise ShapeError(
                f"matmul: {a.shape} @ {b.shape}: "
                f"inner dimensions {a.shape[-1]} and {inner_b} differ"
            )
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        try:
            return np.matmul(a, b)
        except ValueError:
            raise ShapeError(
                f"matmul: batch axes of {a.shape} and {b.shape} do not broadcast"
            ) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a2 = a[np.newaxis, :] if a.ndim == 1 else a
        b2 = b[:, np.newaxis] if b.ndim == 1 else b
        g = grad
        if b.ndim == 1:  # first b's column, then a's row: this order also works for a 0-d grad
            g = g[..., np.newaxis]
        if a.ndim == 1:
            g = g[..., np.newaxis, :]
        grad_a = grad_b = None
        if need_a:
            grad_a = g @ np.swapaxes(b2, -1, -2)
            if a.ndim == 1:
                grad_a = grad_a[..., 0, :]
        if need_b:
            grad_b = np.swapaxes(a2, -1, -2) @ g
            if b.ndim == 1:
                grad_b = grad_b[..., 0]
        return grad_a, grad_b


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product ``a @ b`` (1-D, 2-D or batched).

    Examples:
        >>> import glassnet as gn
        >>> (gn.ones(5, 2, 3) @ gn.ones(3, 4)).shape
        (5, 2, 4)
    """
    return MatMulOp.apply(a, b)
