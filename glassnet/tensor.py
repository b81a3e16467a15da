"""``Tensor``: an ``np.ndarray`` that remembers how it was made, so gradients can flow back.

The arithmetic lives in ``glassnet.ops`` (one Function per operation); the methods in
``tensor_methods`` are thin doors to it, so ``x.exp()`` and ``gn.exp(x)`` are the same thing.
In-place changes (``add_``, ``x[mask] = 0``, ``p -= lr * p.grad``) are in ``tensor_inplace``.
This file holds the data, the gradient, dtype and device conversions and the graph bookkeeping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet import dtypes
from glassnet.device import CPU
from glassnet.device import device as Device
from glassnet.tensor_convert import TensorConvert
from glassnet.tensor_inplace import TensorInPlace
from glassnet.tensor_methods import TensorMath

if TYPE_CHECKING:
    from glassnet.autograd.function import Context

DTypeLike = Any
print_precision = 4  # digits after the point in a Tensor's repr (gn.set_printoptions)
Number = float  # inside Tensor, the names ``float``, ``int`` and ``bool`` are methods that cast
Integer = int
Boolean = bool


def set_print_precision(digits: int) -> None:
    """Digits after the point in a Tensor's repr (``gn.set_printoptions(precision=...)``)."""
    global print_precision
    print_precision = int(digits)


def _infer_array(data: Any, dtype: DTypeLike = None) -> np.ndarray:
    """The array behind a new Tensor, with PyTorch's dtype rules (Python floats -> the default
    dtype, float32 unless ``set_default_dtype`` changed it)."""
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], Tensor):
            data = [np.asarray(t) for t in data]  # gn.tensor([t1, t2]) of 0-d Tensors
        array = np.asarray(data)
        if array.dtype == np.float64 and dtype is None:
            array = array.astype(dtypes.default_dtype())  # Python floats, as in PyTorch
    if dtype is not None:
        array = array.astype(dtypes.as_dtype(dtype), copy=False)
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
        scalar_dtype = dtypes.default_dtype() if isinstance(value, float) else None
        return Tensor(np.asarray(value, dtype=scalar_dtype))
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


# NumPy ufuncs that are Python operators: ``ndarray * Tensor`` runs glassnet's op (a Tensor).
_OPERATOR_UFUNCS = {
    "add": "add",
    "subtract": "sub",
    "multiply": "mul",
    "divide": "div",
    "true_divide": "div",
    "power": "pow",
    "matmul": "matmul",
    "less": "less",
    "less_equal": "less_equal",
    "greater": "greater",
    "greater_equal": "greater_equal",
    "equal": "equal",
    "not_equal": "not_equal",
}


class Size(tuple):
    """A shape, as ``x.size()`` returns it (a tuple, as PyTorch's ``torch.Size``).

    Examples:
        >>> import glassnet as gn
        >>> gn.zeros(2, 3).size(), gn.zeros(2, 3).size().numel()
        (glassnet.Size([2, 3]), 6)
    """

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"glassnet.Size({list(self)})"


class SizeMethod(int):
    """What ``x.size`` is: PyTorch's method (``x.size()`` is the shape, a ``Size``, and
    ``x.size(d)`` the length of dimension ``d``), and, read without a call, NumPy's element count
    (``x.size == x.numel()``), so code written either way works."""

    _shape: tuple[int, ...]

    def __new__(cls, shape: tuple[int, ...]) -> SizeMethod:
        count = super().__new__(cls, int(np.prod(shape, dtype=np.int64)))
        count._shape = shape
        return count

    def __call__(self, dim: Integer | None = None) -> Any:
        if dim is None:
            return Size(self._shape)
        if not -len(self._shape) <= dim < len(self._shape):
            raise IndexError(
                f"size(dim={dim}): a Tensor of shape {self._shape} has {len(self._shape)} dims"
            )
        return self._shape[dim]


class Tensor(TensorConvert, TensorInPlace, TensorMath):
    """A NumPy array with an autograd history.

    Args:
        data: array-like; Python floats become float32 (the default dtype), NumPy arrays keep
            their dtype (and are not copied when the dtype already matches, like ``np.asarray``).
        requires_grad: whether gradients should flow into this Tensor (float dtypes only).
        dtype: convert to this dtype.
        name: an optional label, shown in graph pictures.

    The gradient ``.grad`` is a Tensor too (or None), as in PyTorch; its NumPy array is one
    attribute away: ``x.grad.data`` (or ``x.grad.numpy()``, ``np.asarray(x.grad)``).

    Examples:
        >>> import glassnet as gn
        >>> x = gn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> y = (x @ x.T).relu().sum()
        >>> y.backward()
        >>> x.grad.data
        array([[ 8., 12.],
               [ 8., 12.]], dtype=float32)
    """

    __slots__ = (
        "__weakref__",
        "_ctx",
        "_grad",
        "_hooks",
        "_in_graph",
        "_post_accumulate_hooks",
        "_retain_grad",
        "_version",
        "_watched",
        "data",
        "name",
        "requires_grad",
    )
    __hash__ = object.__hash__  # __eq__ is elementwise; hashing by identity keeps Tensors dict keys

    def __init__(
        self,
        data: Any,
        requires_grad: Boolean = False,
        dtype: DTypeLike = None,
        name: str | None = None,
    ) -> None:
        # --8<-- [start:tensor-fields]
        self.data: np.ndarray = _infer_array(data, dtype)
        self._grad: Tensor | None = None  # read and set as .grad
        self.requires_grad = False
        self.name = name
        # The graph's bookkeeping, owned by glassnet.autograd.graph:
        self._ctx: Context | None = None  # the node of the op that made this Tensor
        self._version = 0  # bumped by every in-place change of data
        self._in_graph = False  # an input of a recorded op (in-place changes must know)
        self._watched = False  # recorded by a GradientTape without requiring grad
        self._retain_grad = False  # keep .grad although not a leaf
        self._hooks: list[Any] | None = None
        self._post_accumulate_hooks: list[Any] | None = None
        # --8<-- [end:tensor-fields]
        if requires_grad:
            self.requires_grad_(True)

    # ----------------------------------------------------------------- the gradient
    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward()``: a Tensor of this Tensor's shape and
        dtype, or None. The engine adds into its array (``.grad.data``)."""
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:
            self._grad = None
            return
        array = value.data if isinstance(value, Tensor) else np.asarray(value)
        if array.shape != self.data.shape:
            raise ValueError(
                f"assigned grad has shape {array.shape} but the Tensor has shape {self.shape}"
            )
        if array.dtype != self.data.dtype:
            if array.dtype.kind != "f" or self.data.dtype.kind != "f":
                raise TypeError(
                    f"assigned grad has dtype {array.dtype} but the Tensor has dtype {self.dtype}"
                )
            array, value = array.astype(self.data.dtype), None
        self._grad = value if isinstance(value, Tensor) else Tensor(array)

    # ----------------------------------------------------------------- shape, dtype, device
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> Integer:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> SizeMethod:
        """``x.size()`` the shape, ``x.size(d)`` one dim (PyTorch); ``x.size`` alone is the
        element count (NumPy)."""
        return SizeMethod(self.data.shape)

    def numel(self) -> Integer:
        """The number of elements."""
        return int(self.data.size)

    nelement = numel

    def dim(self) -> Integer:
        """The number of dimensions (``ndim``)."""
        return self.data.ndim

    ndimension = dim

    def element_size(self) -> Integer:
        """Bytes per element."""
        return self.data.itemsize

    @property
    def device(self) -> Device:
        """Always the CPU."""
        return CPU

    is_cuda = False

    def is_floating_point(self) -> Boolean:
        return self.data.dtype.kind == "f"

    def is_complex(self) -> Boolean:
        return False

    def is_contiguous(self) -> Boolean:
        return bool(self.data.flags.c_contiguous)

    def contiguous(self) -> Tensor:
        """Self when its array is already C-contiguous, else a C-ordered copy that stays in
        the graph (as PyTorch's ``contiguous``)."""
        return self if self.is_contiguous() else self.clone()

    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (a batch of matrices transposed)."""
        return ops.swapaxes(self, -2, -1)

    # ----------------------------------------------------------------- Python protocols
    def __bool__(self) -> Boolean:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a Tensor with {self.data.size} elements is ambiguous "
                f"(shape {self.shape}): use .any() or .all()"
            )
        return bool(self.data.item())

    def __float__(self) -> Number:
        return float(self._one("float()"))

    def __int__(self) -> Integer:
        return int(self._one("int()"))

    def __index__(self) -> Integer:
        if self.data.dtype.kind not in "iu":
            raise TypeError(f"only integer Tensors can be used as an index, not {self.dtype}")
        return int(self._one("index"))

    def _one(self, what: str) -> Any:
        if self.data.size != 1:
            raise ValueError(
                f"{what}: only a one-element Tensor converts to a Python number; this one has "
                f"shape {self.shape}"
            )
        return self.data.item()

    def __len__(self) -> Integer:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def __array__(self, dtype: DTypeLike = None, copy: Boolean | None = None) -> np.ndarray:
        if copy is False and dtype is not None and np.dtype(dtype) != self.data.dtype:
            raise ValueError("np.asarray(tensor, dtype, copy=False): converting needs a copy")
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return array.copy() if copy else array

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy functions on Tensors. An operator ufunc (``ndarray * Tensor``, ``np.add``, a
        comparison) is the glassnet op, differentiable, giving a Tensor. Any other ufunc
        (``np.isfinite(x.grad)``, ``np.abs``) works on the arrays and gives an array, for
        Tensors no gradient can flow through; on one that can, it raises a TypeError rather
        than silently drop the gradient (as PyTorch refuses ``.numpy()`` there)."""
        if method == "__call__" and not kwargs and len(inputs) == 2:
            op = _OPERATOR_UFUNCS.get(ufunc.__name__)
            if op is not None:
                return getattr(ops, op)(*inputs)
        out = kwargs.get("out", ())
        tensors = [x for x in (*inputs, *out) if isinstance(x, Tensor)]
        if any(graph.is_tracked(t) for t in tensors):
            raise TypeError(
                f"np.{ufunc.__name__} on a Tensor that requires grad would drop its gradient: "
                f"use glassnet's op (gn.{ufunc.__name__} if it exists), or .detach() first"
            )
        arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
        if out:
            kwargs["out"] = tuple(x.data if isinstance(x, Tensor) else x for x in out)
            for t in tensors:
                if any(t is o for o in out):
                    graph.bump_version(t)
        return getattr(ufunc, method)(*arrays, **kwargs)

    def __repr__(self) -> str:
        body = np.array2string(
            self.data, separator=", ", prefix="Tensor(", precision=print_precision
        )
        extras = [f"dtype={self.data.dtype}"]
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}, {', '.join(extras)})"

    # ----------------------------------------------------------------- autograd
    @property
    def is_leaf(self) -> Boolean:
        """True for Tensors made by the user rather than by an op."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Context | None:
        """The graph node of the op that made this Tensor (None for a leaf): it prints as
        ``<MulOp>`` and holds the op's ``function`` and its input Tensors, ``parents``."""
        return self._ctx

    def requires_grad_(self, requires_grad: Boolean = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves of float dtype only) and return self."""
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only float Tensors can require gradients; this one has dtype {self.data.dtype}"
            )
        if self._ctx is not None and not requires_grad:
            raise RuntimeError("requires_grad can only be switched off on a leaf; use detach()")
        self.requires_grad = requires_grad
        return self

    def backward(
        self,
        gradient: Any = None,
        retain_graph: Boolean | None = None,
        create_graph: Boolean = False,
        inputs: Any = None,
        *,
        grad: Any = None,
    ) -> None:
        """Accumulate the gradient of this Tensor into ``.grad`` of every leaf that needs one.

        Args:
            gradient: d(something)/d(self), of self's shape; omitted for a one-element Tensor
                (1). ``grad=`` is the same argument under glassnet's older name.
            retain_graph: keep the graph's saved arrays so backward can run through it again.
            create_graph: not supported (glassnet's backwards are NumPy, not recorded): True
                raises NotImplementedError.
            inputs: accumulate only into these Tensors' ``.grad``.
        """
        engine.backward_api(
            self, grad if gradient is None else gradient, retain_graph, create_graph, inputs
        )

    def register_hook(self, hook: Any) -> Any:
        """Call ``hook(grad)`` whenever this Tensor's gradient has been computed in a backward
        pass; a hook may return a replacement gradient. Returns a handle with ``remove()``.

        Examples:
            >>> import glassnet as gn
            >>> x = gn.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = x.register_hook(lambda g: g * 10)
            >>> (x * x).sum().backward()
            >>> x.grad.data
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

    @property
    def retains_grad(self) -> Boolean:
        return self._retain_grad and self._ctx is not None

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self) -> Tensor:
        """The same data (shared, not copied), cut from the graph."""
        return Tensor(self.data)

    def detach_(self) -> Tensor:
        """Cut this Tensor from the graph, in place: it becomes a leaf without grad."""
        self._ctx, self.requires_grad = None, False
        return self

    # ----------------------------------------------------------------- NumPy and Python values
    def numpy(self, force: Boolean = False) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The value of a one-element Tensor as a Python number."""
        return self._one("item()")

    def tolist(self) -> Any:
        return self.data.tolist()

    # ----------------------------------------------------------------- queries (not differentiable)
    def any(self, dim: Any = None, keepdim: Boolean = False, **kw: Any) -> Tensor:
        """Whether any element (over ``dim``/``axis``) is nonzero: ``glassnet.any``."""
        return ops.any(self, dim, keepdim, **kw)

    def all(self, dim: Any = None, keepdim: Boolean = False, **kw: Any) -> Tensor:
        """Whether every element (over ``dim``/``axis``) is nonzero: ``glassnet.all``."""
        return ops.all(self, dim, keepdim, **kw)

    # ----------------------------------------------------------------- dtype and device
    def astype(self, dtype: DTypeLike) -> Tensor:
        """A differentiable cast (the gradient comes back in this Tensor's dtype)."""
        return ops.astype(self, dtypes.as_dtype(dtype, "astype"))


# The ops package builds on Tensor, so it is imported after the class exists; the methods here
# and in tensor_methods look ``ops``, ``engine`` and ``graph`` up when they are called.
from glassnet import ops, tensor_inplace, tensor_methods  # noqa: E402
from glassnet.autograd import engine, graph, setitem  # noqa: E402

tensor_methods.ops = ops
tensor_inplace.ops, tensor_inplace.graph, tensor_inplace.setitem = ops, graph, setitem
