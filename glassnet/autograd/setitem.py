"""The op behind a recorded ``x[index] = value`` (and ``fill_``, ``copy_``, ``masked_fill_``):
see ``glassnet/tensor_inplace.py`` for when an in-place change is recorded."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function


class SetItemOp(Function):
    """``x[index] = value`` recorded: the output is ``x`` with ``value`` written at ``index``.

    The gradient of ``x`` is the output's gradient with the overwritten places set to 0; that
    of ``value`` is the output's gradient at ``index`` (summed back to ``value``'s shape).
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, value: np.ndarray, index: Any = None, then: Any = None
    ):
        out = x.copy()
        _assign(out, index, then, value)
        ctx.index, ctx.then = index, then
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        grad_x = grad_value = None
        if ctx.needs_input_grad[0]:
            grad_x = grad.copy()
            _assign(grad_x, ctx.index, ctx.then, 0)
        if ctx.needs_input_grad[1]:
            picked = grad[ctx.index]
            grad_value = picked if ctx.then is None else picked[ctx.then]
        return grad_x, grad_value


def _assign(array: np.ndarray, index: Any, then: Any, value: Any) -> None:
    """``array[index] = value`` with PyTorch's indexing (integers first, then index arrays)."""
    if then is None:
        array[index] = value
    else:
        array[index][then] = value  # array[index] is a view: only ints, slices and None
