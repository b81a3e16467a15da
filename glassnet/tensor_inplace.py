"""In-place changes of a Tensor, with PyTorch's rules: ``add_``, ``mul_``, ``zero_``, ``copy_``,
``x += y``, ``x[mask] = 0`` ...

The rules, checked in this order:

1. On a leaf that requires grad, outside ``no_grad``: RuntimeError (its ``.grad`` would no longer
   be the gradient of the value it holds). Under ``no_grad`` it is how parameters are updated:
   ``with no_grad(): p -= lr * p.grad`` changes ``p``'s array in place (same object, same array).
2. When no gradient can flow (grad mode off, or neither the Tensor nor the operand is tracked),
   the array is changed in place.
3. Otherwise the change is recorded, as PyTorch does: the Tensor keeps its identity and its array
   (written in place), and its history becomes "the op applied to what it held before", so
   ``h = layer(x); h += x`` is differentiable. glassnet's graph links Tensors rather than nodes,
   so this works only while no recorded op has used the Tensor yet; after that it raises a
   RuntimeError naming the fix (``h = h + x``) rather than compute a wrong gradient.

Every change bumps the Tensor's version, so a backward whose op saved the old array refuses to
run (``graph.check_versions``). The Tensor keeps its dtype: a result that cannot be cast to it
under NumPy's ``same_kind`` rule (``int_tensor += 0.5``) raises, as in PyTorch.

Examples:
    >>> import glassnet as gn
    >>> w = gn.tensor([1.0, 2.0], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> with gn.no_grad():
    ...     w -= 0.5 * w.grad
    >>> w
    Tensor([0., 0.], dtype=float32, requires_grad=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from glassnet import ops
    from glassnet.autograd import graph, setitem
    from glassnet.autograd.function import Context
    from glassnet.tensor import Tensor
else:  # set by tensor.py once these exist (they are built on Tensor)
    ops = graph = setitem = None

Number = float  # inside the class, ``float`` may be a method


def _split_index(index: Any, ndim: int) -> tuple[Any, Any]:
    from glassnet.ops import movement  # the indexing rules live with getitem

    index = movement._plain_index(index)
    if not isinstance(index, tuple) or movement._is_basic(index):
        return index, None
    return movement._torch_index(index, ndim)


class TensorInPlace:
    """The in-place methods of ``glassnet.Tensor`` (a mixin: it holds no data)."""

    __slots__ = ()

    if TYPE_CHECKING:
        data: np.ndarray
        requires_grad: bool
        _ctx: Context | None
        _version: int
        _in_graph: bool

    # ----------------------------------------------------------------- the three rules
    def _check_leaf(self, what: str) -> bool:
        """Rule 1, then whether the change must be recorded (rule 3) for these operands."""
        if not graph.is_grad_enabled():
            return False
        if self.requires_grad and self._ctx is None:
            raise RuntimeError(
                f"{what}: a leaf Variable that requires grad is being used in an in-place "
                "operation. Update parameters under `with glassnet.no_grad():`"
            )
        return True

    def _update(self, what: str, compute: Callable[[Any], Any], *operands: Any) -> Tensor:
        """Replace the values by ``compute(self)`` in place, by the three rules above."""
        me: Tensor = self  # type: ignore[assignment]
        record = self._check_leaf(what) and (
            graph.is_tracked(me)
            or any(isinstance(o, TensorInPlace) and graph.is_tracked(o) for o in operands)  # type: ignore[arg-type]
        )
        if not record:
            with graph.no_grad():
                result = compute(me)
            self._write(what, np.asarray(result))
            return me
        if self._in_graph:
            raise RuntimeError(
                f"{what}: this Tensor was already used by a recorded op, and glassnet cannot "
                "change its history in place afterwards (its graph links Tensors). Write it "
                "out of place instead (e.g. `h = h + x` rather than `h += x`), or clone() first"
            )
        from glassnet.tensor import Tensor

        before = Tensor(self.data.copy())  # what the Tensor held: the recorded op's input
        before._ctx, before.requires_grad = self._ctx, self.requires_grad
        before._watched = getattr(me, "_watched", False)
        result = compute(before)
        if result.data.dtype != self.data.dtype:
            self._check_cast(what, result.data.dtype)
            result = ops.astype(result, self.data.dtype)
        self._write(what, result.data)
        me._ctx, me.requires_grad = result._ctx, result.requires_grad
        return me

    def _check_cast(self, what: str, dtype: np.dtype) -> None:
        if not np.can_cast(dtype, self.data.dtype, casting="same_kind"):
            raise RuntimeError(
                f"{what}: result type {dtype} can't be cast to the Tensor's dtype "
                f"{self.data.dtype} (an in-place op keeps the dtype); use an out-of-place op"
            )

    def _write(self, what: str, values: np.ndarray) -> None:
        if values.dtype != self.data.dtype:
            self._check_cast(what, values.dtype)
        if (
            values.shape != self.data.shape
            and np.broadcast_shapes(values.shape, self.data.shape) != self.data.shape
        ):
            raise RuntimeError(
                f"{what}: the result has shape {values.shape}, which does not fit the Tensor's "
                f"shape {self.data.shape} (an in-place op cannot change the shape)"
            )
        np.copyto(self.data, values, casting="unsafe")
        graph.bump_version(self)  # type: ignore[arg-type]

    # ----------------------------------------------------------------- arithmetic
    def add_(self, other: Any, alpha: Number = 1) -> Tensor:
        """``self += alpha * other`` in place."""
        return self._update("add_", lambda t: t + (other if alpha == 1 else other * alpha), other)

    def sub_(self, other: Any, alpha: Number = 1) -> Tensor:
        """``self -= alpha * other`` in place."""
        return self._update("sub_", lambda t: t - (other if alpha == 1 else other * alpha), other)

    def mul_(self, other: Any) -> Tensor:
        return self._update("mul_", lambda t: t * other, other)

    def div_(self, other: Any) -> Tensor:
        return self._update("div_", lambda t: t / other, other)

    def pow_(self, exponent: Any) -> Tensor:
        return self._update("pow_", lambda t: t**exponent, exponent)

    def neg_(self) -> Tensor:
        return self._update("neg_", lambda t: -t)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._update("clamp_", lambda t: ops.clip(t, min, max))

    clip_ = clamp_

    def exp_(self) -> Tensor:
        return self._update("exp_", ops.exp)

    def log_(self) -> Tensor:
        return self._update("log_", ops.log)

    def sqrt_(self) -> Tensor:
        return self._update("sqrt_", ops.sqrt)

    def abs_(self) -> Tensor:
        return self._update("abs_", ops.abs)

    def relu_(self) -> Tensor:
        return self._update("relu_", ops.relu)

    def sigmoid_(self) -> Tensor:
        return self._update("sigmoid_", ops.sigmoid)

    def tanh_(self) -> Tensor:
        return self._update("tanh_", ops.tanh)

    def __iadd__(self, other: Any) -> Tensor:
        return self._update("+=", lambda t: t + other, other)

    def __isub__(self, other: Any) -> Tensor:
        return self._update("-=", lambda t: t - other, other)

    def __imul__(self, other: Any) -> Tensor:
        return self._update("*=", lambda t: t * other, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._update("/=", lambda t: t / other, other)

    def __ipow__(self, other: Any) -> Tensor:
        return self._update("**=", lambda t: t**other, other)

    # ----------------------------------------------------------------- overwriting
    def __setitem__(self, index: Any, value: Any) -> None:
        """``x[index] = value`` (ints, slices, masks, index arrays, as ``x[index]`` reads)."""
        basic, then = _split_index(index, self.data.ndim)
        self._update(
            "x[index] = value",
            lambda t: setitem.SetItemOp.apply(t, _like(value, self), index=basic, then=then),
            value,
        )

    def fill_(self, value: Any) -> Tensor:
        """Every element becomes ``value``."""
        self[...] = value
        return self  # type: ignore[return-value]

    def zero_(self) -> Tensor:
        """Every element becomes 0."""
        return self.fill_(0)

    def copy_(self, src: Any, non_blocking: bool = False) -> Tensor:
        """Copy ``src``'s values (broadcast to this shape, cast to this dtype) into this Tensor;
        recorded, the gradient flows to ``src``."""
        self[...] = src
        return self  # type: ignore[return-value]

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """Write ``value`` where the bool ``mask`` (broadcast to this shape) is True."""
        mask_array = np.asarray(getattr(mask, "data", mask))
        if mask_array.dtype != np.bool_:
            raise TypeError(
                f"masked_fill_: mask must be a bool Tensor, got dtype {mask_array.dtype}"
            )
        self[np.broadcast_to(mask_array, self.data.shape)] = value
        return self  # type: ignore[return-value]

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Number = 1) -> Tensor:
        """``self += value * tensor1 * tensor2`` in place (optimizers' habit)."""
        return self._update(
            "addcmul_", lambda t: ops.addcmul(t, tensor1, tensor2, value=value), tensor1, tensor2
        )

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Number = 1) -> Tensor:
        """``self += value * tensor1 / tensor2`` in place."""
        return self._update(
            "addcdiv_", lambda t: ops.addcdiv(t, tensor1, tensor2, value=value), tensor1, tensor2
        )

    def lerp_(self, end: Any, weight: Any) -> Tensor:
        """``self += weight * (end - self)`` in place (exponential moving averages)."""
        return self._update("lerp_", lambda t: ops.lerp(t, end, weight), end, weight)

    def scatter_(
        self, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: Any = None
    ) -> Tensor:
        """``scatter`` in place: ``src`` (a Tensor or a number) written at ``index`` along
        ``dim``."""
        return self._update(
            "scatter_",
            lambda t: ops.scatter(t, dim, index, src, value, reduce=reduce),
            src,
        )

    def scatter_add_(self, dim: int, index: Any, src: Any) -> Tensor:
        """``scatter_add`` in place: ``src`` added at ``index`` along ``dim``."""
        return self._update("scatter_add_", lambda t: ops.scatter_add(t, dim, index, src), src)

    def index_fill_(self, dim: int, index: Any, value: Any) -> Tensor:
        """``index_fill`` in place: the slices ``index`` along ``dim`` become ``value``."""
        return self._update("index_fill_", lambda t: ops.index_fill(t, dim, index, value))

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: Number = 1) -> Tensor:
        """``index_add`` in place: ``alpha * source`` added to the slices ``index``."""
        return self._update(
            "index_add_", lambda t: ops.index_add(t, dim, index, source, alpha=alpha), source
        )

    def uniform_(self, a: Number = 0.0, b: Number = 1.0, generator: Any = None) -> Tensor:
        """Fill with samples of U(a, b)."""
        from glassnet.rng import get_rng

        self[...] = get_rng(generator).uniform(a, b, self.data.shape).astype(self.data.dtype)
        return self  # type: ignore[return-value]

    def normal_(self, mean: Number = 0.0, std: Number = 1.0, generator: Any = None) -> Tensor:
        """Fill with samples of N(mean, std**2)."""
        from glassnet.rng import get_rng

        self[...] = get_rng(generator).normal(mean, std, self.data.shape).astype(self.data.dtype)
        return self  # type: ignore[return-value]


def _like(value: Any, target: Any) -> Any:
    """A scalar or array written into ``target``: a Tensor of ``target``'s dtype (Tensors stay)."""
    if isinstance(value, TensorInPlace):
        return value
    from glassnet.tensor import Tensor

    return Tensor(np.asarray(value).astype(target.data.dtype, copy=False))
