"""Matrix products (``matmul``, ``mm``, ``mv``, ``dot``, ``bmm``, ``outer``, ``addmm``,
``baddbmm``) and ``einsum``."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.arithmetic import promote
from glassnet.tensor import Tensor, as_tensor


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


class EinsumOp(Function):
    """``np.einsum`` on explicit subscripts (no ``...``, no index repeated inside one operand).

    The gradient of operand k is itself an einsum: the output gradient contracted with the
    other operands onto operand k's subscripts; a letter only operand k has (summed away) comes
    back by broadcasting.
    """

    @staticmethod
    def forward(ctx: Context, *operands: np.ndarray, terms: Any = (), out: str = ""):
        floats = [o.dtype for o in operands if o.dtype.kind == "f"]
        dtype = np.result_type(*floats) if floats else np.dtype(np.int64)
        operands = tuple(o.astype(dtype, copy=False) for o in operands)
        for term, operand in zip(terms, operands):
            if len(term) != operand.ndim:
                raise ShapeError(
                    f"einsum: subscripts '{term}' name {len(term)} dims but the operand has "
                    f"shape {operand.shape}"
                )
        ctx.save_for_backward(*operands)
        ctx.terms, ctx.out = terms, out
        try:
            return np.einsum(f"{','.join(terms)}->{out}", *operands)
        except ValueError as e:
            shapes = ", ".join(str(o.shape) for o in operands)
            raise ShapeError(
                f"einsum: operands {shapes} do not fit '{','.join(terms)}' ({e})"
            ) from None

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        operands, terms = ctx.saved_tensors, ctx.terms
        grads: list[Any] = []
        for k, (term, operand) in enumerate(zip(terms, operands)):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(terms) if j != k]
            known = set(ctx.out).union(*others)
            keep = "".join(c for c in term if c in known)
            g = np.einsum(
                f"{','.join([ctx.out, *others])}->{keep}",
                grad,
                *[o for j, o in enumerate(operands) if j != k],
            )
            missing = [i for i, c in enumerate(term) if c not in known]
            grads.append(np.broadcast_to(np.expand_dims(g, missing), operand.shape))
        return tuple(grads)


def _einsum_terms(equation: str, count: int) -> tuple[list[str], str]:
    eq = equation.replace(" ", "")
    if "." in eq:
        raise ValueError("einsum: '...' (ellipsis) is not supported; write every dim out")
    inputs, arrow, out = eq.partition("->")
    terms = inputs.split(",")
    if len(terms) != count:
        raise ValueError(f"einsum: '{equation}' has {len(terms)} operands, got {count} Tensors")
    letters = "".join(terms)
    if not all(c.isalpha() for c in letters + out):
        raise ValueError(f"einsum: subscripts must be letters, got '{equation}'")
    for term in terms:
        if len(set(term)) != len(term):
            raise ValueError(
                f"einsum: the repeated index in '{term}' (a diagonal) is not supported; use "
                "diagonal() first"
            )
    if not arrow:  # implicit output: the letters used once, in alphabetical order
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    if len(set(out)) != len(out) or not set(out) <= set(letters):
        raise ValueError(f"einsum: output '{out}' must name distinct input letters")
    return terms, out


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, differentiable in every operand, as ``torch.einsum``. Supported:
    explicit letters (``"bij,bjk->bik"``), implicit output, any number of operands; not
    supported (a clear error): ``...`` and an index repeated inside one operand.

    Examples:
        >>> import glassnet as gn
        >>> gn.einsum("ij,jk->ik", gn.ones(2, 3), gn.ones(3, 4)).shape
        (2, 4)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, out = _einsum_terms(equation, len(operands))
    return EinsumOp.apply(*operands, terms=tuple(terms), out=out)


def _need_dims(op: str, x: Any, ndim: int, what: str) -> Tensor:
    x = as_tensor(x, op=op)
    if x.ndim != ndim:
        raise ShapeError(f"{op}: {what} must be {ndim}-D, got shape {x.shape}")
    return x


def mm(input: Any, mat2: Any) -> Tensor:
    """Matrix product of two 2-D Tensors."""
    return matmul(_need_dims("mm", input, 2, "input"), _need_dims("mm", mat2, 2, "mat2"))


def mv(input: Any, vec: Any) -> Tensor:
    """Matrix (2-D) times vector (1-D)."""
    return matmul(_need_dims("mv", input, 2, "input"), _need_dims("mv", vec, 1, "vec"))


def dot(input: Any, other: Any) -> Tensor:
    """Inner product of two 1-D Tensors."""
    return matmul(_need_dims("dot", input, 1, "input"), _need_dims("dot", other, 1, "other"))


def bmm(input: Any, mat2: Any) -> Tensor:
    """Batched matrix product of (b, n, m) and (b, m, p) Tensors."""
    return matmul(_need_dims("bmm", input, 3, "input"), _need_dims("bmm", mat2, 3, "mat2"))


def outer(input: Any, vec2: Any) -> Tensor:
    """Outer product of two 1-D Tensors: (n,) and (m,) -> (n, m)."""
    a, b = _need_dims("outer", input, 1, "input"), _need_dims("outer", vec2, 1, "vec2")
    return a.reshape(-1, 1) * b.reshape(1, -1)


ger = outer


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``."""
    return beta * as_tensor(input, op="addmm") + alpha * mm(mat1, mat2)


def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: float = 1, alpha: float = 1):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    return beta * as_tensor(input, op="baddbmm") + alpha * bmm(batch1, batch2)


def addmv(input: Any, mat: Any, vec: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    return beta * as_tensor(input, op="addmv") + alpha * mv(mat, vec)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """Contract the last ``dims`` dims of ``a`` with the first ``dims`` of ``b`` (or the dims
    listed in ``dims = (dims_a, dims_b)``), as ``torch.tensordot``; built on ``einsum``.

    Examples:
        >>> import glassnet as gn
        >>> gn.tensordot(gn.ones(2, 3, 4), gn.ones(3, 4, 5)).shape
        (2, 5)
    """
    a, b = as_tensor(a, op="tensordot"), as_tensor(b, op="tensordot")
    if isinstance(dims, (int, np.integer)):
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(int(dims)))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b) or len(a.shape) + len(b.shape) > 52:
        raise ValueError(f"tensordot: dims {dims} must name as many dims of a as of b")
    dims_a = [d % a.ndim for d in dims_a]
    dims_b = [d % b.ndim for d in dims_b]
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    term_a = [next(letters) for _ in range(a.ndim)]
    term_b = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        term_b[db] = term_a[da]
    out = [c for i, c in enumerate(term_a) if i not in dims_a]
    out += [c for i, c in enumerate(term_b) if i not in dims_b]
    return einsum(f"{''.join(term_a)},{''.join(term_b)}->{''.join(out)}", a, b)
