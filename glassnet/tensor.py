"""``Tensor``: an ``np.ndarray`` that remembers how it was made, so gradients can flow back.

The arithmetic lives in ``glassnet.ops`` (one Function per operation); the methods here are
thin doors to it, so ``x.exp()`` and ``gn.exp(x)`` are the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.tensor_methods import TensorMath

if TYPE_CHECKING:
    from glassnet.autograd.function import Context

DTypeLike = Any
Number = float  # inside Tensor, the name ``float`` is the method that casts to float32


def _infer_array(data: Any, dtype: DTypeLike = None) -> np.ndarray:
    """The array behind a new Tensor, with PyTorch's dtype rules (Python floats -> float32)."""
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        array = np.asarray(data)
        if array.dtype == np.float64 and dtype is None:
            array = array.astype(np.float32)  # Python floats: float32, as in PyTorch
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"a Tensor holds bool, integer or float numbers; got data of dtype {array.dtype} "
            f"from {type(data).__name__}"
        )
    return array


def as_tensor(value: Any, like: np.dtype | None = None, op: str = "Tensor") -> Tensor:
    """Wrap an operand of an op: a scalar takes the dtype ``like`` of the op's Tensors.

    Python and NumPy scalars are "weak", as in PyTorch: ``x32 * 0.5`` and ``x32 * np.float64(2)``
    stay float32. Arrays keep their dtype and promote as NumPy does.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        if like is not None and (like.kind == "f" or not isinstance(value, (float, np.floating))):
            return Tensor(np.asarray(value, dtype=like))
        return Tensor(np.asarray(value, dtype=np.float32 if isinstance(value, float) else None))
    if isinstance(value, (np.ndarray, list, tuple)):
        return Tensor(value)
    raise TypeError(f"{op}: cannot use an operand of type {type(value).__name__} as a Tensor")


def as_array(value: Any, dtype: DTypeLike = None) -> np.ndarray:
    """The array behind a Tensor, or ``np.asarray(value, dtype)`` for anything else.

    Examples:
        >>> import glassnet as gn
        >>> from glassnet.tensor import as_array
        >>> as_array(gn.tensor([1, 2]), dtype=np.float64)
        array([1., 2.])
    """
    return np.asarray(value.data if isinstance(value, Tensor) else value, dtype=dtype)


class Tensor(TensorMath):
    """A NumPy array with an autograd history.

    Args:
        data: array-like; Python floats become float32, NumPy arrays keep their dtype (and are
            not copied when the dtype already matches, like ``np.asarray``).
        requires_grad: whether gradients should flow into this Tensor (float dtypes only).
        dtype: convert to this dtype.
        name: an optional label, shown in graph pictures.

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> y = (x @ x.T).relu().sum()
        >>> y.backward()
        >>> x.grad
        array([[ 8., 12.],
               [ 8., 12.]], dtype=float32)
    """

    __slots__ = (
        "__weakref__",
        "_ctx",
        "_hooks",
        "_post_accumulate_hooks",
        "_retain_grad",
        "_version",
        "_watched",
        "data",
        "grad",
        "name",
        "requires_grad",
    )
    __array_ufunc__ = None  # makes ``ndarray * Tensor`` call Tensor.__rmul__ instead of NumPy
    __hash__ = object.__hash__  # __eq__ is elementwise; hashing by identity keeps Tensors dict keys

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        dtype: DTypeLike = None,
        name: str | None = None,
    ) -> None:
        # --8<-- [start:tensor-fields]
        self.data: np.ndarray = _infer_array(data, dtype)
        self.grad: np.ndarray | None = None
        self.requires_grad = False
        self.name = name
        # The graph's bookkeeping, owned by glassnet.autograd.graph:
        self._ctx: Context | None = None  # the node of the op that made this Tensor
        self._version = 0  # bumped by every in-place change of data
        self._watched = False  # recorded by a GradientTape without requiring grad
        self._retain_grad = False  # keep .grad although not a leaf
        self._hooks: list[Any] | None = None
        self._post_accumulate_hooks: list[Any] | None = None
        # --8<-- [end:tensor-fields]
        if requires_grad:
            self.requires_grad_(True)

    # ----------------------------------------------------------------- NumPy-style properties
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return int(self.data.size)

    @property
    def is_leaf(self) -> bool:
        """True for Tensors made by the user rather than by an op."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Context | None:
        """The graph node of the op that made this Tensor (None for a leaf): it prints as
        ``<MulOp>`` and holds the op's ``function`` and its input Tensors, ``parents``."""
        return self._ctx

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a Tensor with {self.data.size} elements is ambiguous "
                f"(shape {self.shape}): use .any() or .all()"
            )
        return bool(self.data.item())

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        if copy is False and dtype is not None and np.dtype(dtype) != self.data.dtype:
            raise ValueError("np.asarray(tensor, dtype, copy=False): converting needs a copy")
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return array.copy() if copy else array

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(", precision=4)
        extras = [f"dtype={self.data.dtype}"]
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}, {', '.join(extras)})"

    # ----------------------------------------------------------------- autograd
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves of float dtype only) and return self."""
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only float Tensors can require gradients; this one has dtype {self.data.dtype}"
            )
        if self._ctx is not None and not requires_grad:
            raise RuntimeError("requires_grad can only be switched off on a leaf; use detach()")
        self.requires_grad = requires_grad
        return self

    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Accumulate the gradient of this Tensor into ``.grad`` of every leaf that needs one.

        Args:
            grad: d(something)/d(self), of self's shape; omitted for a one-element Tensor (1).
            retain_graph: keep the graph's saved arrays so backward can run through it again.
        """
        engine.backward(self, grad, retain_graph=retain_graph)

    def register_hook(self, hook: Any) -> Any:
        """Call ``hook(grad)`` whenever this Tensor's gradient has been computed in a backward
        pass; a hook may return a replacement gradient. Returns a handle with ``remove()``.

        Examples:
            >>> import glassnet as gn
            >>> x = gn.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = x.register_hook(lambda g: g * 10)
            >>> (x * x).sum().backward()
            >>> x.grad
            array([20., 40.], dtype=float32)
        """
        return graph.add_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook: Any) -> Any:
        """Call ``hook(tensor)`` on a leaf right after a backward pass added into its ``.grad``
        (data-parallel training starts sending a gradient the moment it is ready)."""
        return graph.add_hook(self, hook, after_accumulate=True)

    def retain_grad(self) -> Tensor:
        """Also store ``.grad`` on this non-leaf Tensor during backward (for inspection)."""
        self._retain_grad = True
        return self

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self) -> Tensor:
        """The same data, cut from the graph."""
        return Tensor(self.data)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The value of a one-element Tensor as a Python number."""
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    # ----------------------------------------------------------------- queries (not differentiable)
    def any(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Whether any element (along ``axis``) is nonzero: a bool Tensor, not differentiable."""
        return Tensor(np.any(self.data, axis=axis, keepdims=keepdims))

    def all(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Whether every element (along ``axis``) is nonzero: a bool Tensor."""
        return Tensor(np.all(self.data, axis=axis, keepdims=keepdims))

    # ----------------------------------------------------------------- dtype
    def astype(self, dtype: DTypeLike) -> Tensor:
        """A differentiable cast (the gradient comes back in this Tensor's dtype)."""
        return ops.astype(self, dtype)

    def float(self) -> Tensor:
        return ops.astype(self, np.float32)

    def double(self) -> Tensor:
        return ops.astype(self, np.float64)


# The ops package builds on Tensor, so it is imported after the class exists; the methods here
# and in tensor_methods look ``ops``, ``engine`` and ``graph`` up when they are called.
from glassnet import ops, tensor_methods  # noqa: E402
from glassnet.autograd import engine, graph  # noqa: E402

tensor_methods.ops = ops
