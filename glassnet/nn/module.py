"""``Module`` and ``Parameter``: the building blocks of models.

A Module holds Parameters and child Modules, registered as they are assigned as attributes
(``self.weight = Parameter(...)``, ``self.encoder = Sequential(...)``), so ``parameters()``,
``named_parameters()`` and ``state_dict()`` find them in definition order.

Two ways to drive a Module, one engine under both:

- autograd: ``loss = loss_fn(model(x), y); loss.backward()`` fills every ``p.grad``;
- by hand, as in the classic layer-by-layer designs: ``out = layer.forward(x)`` then
  ``dx = layer.backward(dout)`` returns the gradient for the input and fills ``p.grad``.
  ``backward`` walks the graph that the last forward recorded, stopping at that forward's input.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from glassnet.autograd import engine
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor, as_array


class Parameter(Tensor):
    """A Tensor that is a model's weight: it requires grad, and Modules register it.

    Examples:
        >>> from glassnet import nn
        >>> p = nn.Parameter([[1.0, 2.0]])
        >>> p.requires_grad, p.shape
        (True, (1, 2))
    """

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__()[len("Tensor") :]


def _records_last_call(forward: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a Module's forward so every call (``m(x)`` or ``m.forward(x)``) prepares the input
    and remembers the input and output, which ``Module.backward`` needs."""

    @functools.wraps(forward)
    def recorded_forward(self: Module, x: Any, *args: Any, **kwargs: Any) -> Any:
        if type(x) is not Tensor or x._ctx is None:  # an op's output passes as it is
            x = self._prepare_input(x)
        out = forward(self, x, *args, **kwargs)
        state = self.__dict__  # plain attributes: skip the registering __setattr__ on this hot path
        state["_last_input"] = x
        state["_last_output"] = out
        return out

    recorded_forward.__glassnet_recorded__ = True  # type: ignore[attr-defined]
    return recorded_forward


_MODULE_TYPES: dict[str, type[Module]] = {}


class Module:
    """Base class of layers, losses and models.

    Subclasses call ``super().__init__()``, assign Parameters and Modules as attributes, and
    define ``forward(x, ...)``.

    Examples:
        >>> import glassnet as gn
        >>> from glassnet import nn
        >>> class Affine(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scale = nn.Parameter([2.0])
        ...         self.shift = nn.Parameter([1.0])
        ...     def forward(self, x):
        ...         return x * self.scale + self.shift
        >>> m = Affine()
        >>> m.forward(np.array([3.0]))
        Tensor([7.], dtype=float32, grad_fn=<AddOp>)
        >>> m.backward(np.array([1.0]))           # dy/dx, and fills p.grad
        array([2.], dtype=float32)
        >>> m.gradients()
        {'scale': array([3.], dtype=float32), 'shift': array([1.], dtype=float32)}
    """

    #: Whether inputs are cast to the parameters' float dtype (False for index inputs).
    casts_input = True

    _parameters: dict[str, Parameter]
    _modules: dict[str, Module]
    _buffers: list[str]
    training: bool

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _MODULE_TYPES[cls.type_name()] = cls
        forward = cls.__dict__.get("forward")
        if forward is not None and not getattr(forward, "__glassnet_recorded__", False):
            cls.forward = _records_last_call(forward)  # type: ignore[method-assign]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", [])
        self.training = True
        self._last_input: Tensor | None = None
        self._last_output: Any = None

    # ----------------------------------------------------------------- registration
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() first")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, value: np.ndarray) -> None:
        """A state array that is not trained (BatchNorm's running mean) but is saved and cast."""
        if name not in self._buffers:
            self._buffers.append(name)
        object.__setattr__(self, name, np.asarray(value))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ----------------------------------------------------------------- traversal
    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        yield from self._modules.values()

    def named_children(self) -> Iterator[tuple[str, Module]]:
        yield from self._modules.items()

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first."""
        yield self
        for child in self._modules.values():
            yield from child.modules()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, Parameter)`` pairs: ``"0.weight"``, ``"encoder.2.bias"``; a Parameter
        shared between modules appears once."""
        seen: set[int] = set()
        for name, p in self._named_parameters_with_duplicates(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _named_parameters_with_duplicates(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, p in self._parameters.items():
            yield prefix + name, p
        for name, child in self._modules.items():
            yield from child._named_parameters_with_duplicates(f"{prefix}{name}.")

    def parameters(self) -> Iterator[Parameter]:
        """Every Parameter, in definition order."""
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for name in self._buffers:
            yield prefix + name, getattr(self, name)
        for child_name, child in self._modules.items():
            yield from child.named_buffers(f"{prefix}{child_name}.")

    def num_parameters(self, trainable_only: bool = False) -> int:
        """How many numbers the parameters hold."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    # ----------------------------------------------------------------- gradients
    def zero_grad(self) -> None:
        """Forget every parameter's accumulated gradient."""
        for p in self.parameters():
            p.grad = None

    def gradients(self) -> dict[str, np.ndarray | None]:
        """``{name: grad}``, named like ``named_parameters()``."""
        return {name: p.grad for name, p in self.named_parameters()}

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze the parameters; optimizers skip frozen ones."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def backward(self, grad_output: Any = None, retain_graph: bool = False) -> np.ndarray:
        """Backpropagate through this module's last forward call, by hand.

        Args:
            grad_output: d loss / d output of the last forward, of that output's shape
                (may be omitted when the output has one element, e.g. a loss).
            retain_graph: keep the graph so backward can be called again.

        Returns:
            d loss / d input of the last forward, as an ``np.ndarray``. Each parameter's
            gradient is added into ``p.grad``.
        """
        name = type(self).__name__
        out = self._last_output
        if out is None:
            raise RuntimeError(f"{name}.backward() needs a forward() call first")
        recorded = isinstance(out, Tensor) and (
            out._ctx is not None or out.requires_grad or out._watched
        )
        if not recorded:
            raise RuntimeError(
                f"{name}.backward(): the last forward recorded no graph (was it run under "
                "no_grad(), or does its output not depend on its input?)"
            )
        if grad_output is None:
            grad = engine.root_gradient(out, None)
        else:
            grad = as_array(grad_output, dtype=out.dtype)
            if grad.shape != out.shape:
                raise ShapeError(
                    f"{name}.backward: grad_output has shape {grad.shape}, but the last "
                    f"forward's output has shape {out.shape}"
                )
        x = self._last_input
        assert x is not None
        (dx,) = engine.run_backward(
            [out], [grad], [x], accumulate=True, stop_at_inputs=True, retain_graph=retain_graph
        )
        return np.zeros_like(x.data) if dx is None else dx

    # ----------------------------------------------------------------- inputs and dtypes
    def _parameter_dtype(self) -> np.dtype | None:
        """The dtype of the first parameter, depth first (a plain loop: this runs every call)."""
        lazy = None
        stack: list[Module] = [self]
        while stack:
            module = stack.pop()
            for p in module._parameters.values():
                return p.dtype
            lazy = lazy or module.__dict__.get("_lazy_dtype")  # lazy layers know it before weights
            stack.extend(reversed(module._modules.values()))
        return lazy

    def _prepare_input(self, x: Any) -> Any:
        """Make the input a Tensor the graph can start from, in the parameters' dtype."""
        if isinstance(x, Tensor) and x._ctx is not None:
            return x  # made inside the model: already in the graph, with the layers' dtype
        if not self.casts_input:
            return x if isinstance(x, Tensor) else Tensor(x)
        if isinstance(x, Tensor):
            dtype = self._parameter_dtype()
            if dtype is not None and x.dtype != dtype:
                x = x.astype(dtype)
            elif x.dtype.kind != "f":
                x = x.astype(np.float32)
            fresh_leaf = x._ctx is None and not x.requires_grad and not x._watched
            if fresh_leaf and engine.is_grad_enabled():
                # A fresh leaf that shares the data: recorded from, so backward() can return dx.
                x = Tensor._from_op(x.data, None, False)
                x._watched = True
            return x
        array = np.asarray(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"{type(self).__name__} expects numbers, got an input of dtype {array.dtype}"
            )
        dtype = self._parameter_dtype()
        if dtype is None:
            dtype = array.dtype if array.dtype.kind == "f" else np.dtype(np.float32)
        tensor = Tensor._from_op(array.astype(dtype, copy=False), None, False)
        tensor._watched = engine.is_grad_enabled()
        return tensor

    def to(self, dtype: Any) -> Module:
        """Cast parameters and buffers to ``dtype`` in place (gradients are reset)."""
        dtype = np.dtype(dtype)
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        for module in self.modules():
            if getattr(module, "_lazy_dtype", None) is not None:
                object.__setattr__(module, "_lazy_dtype", dtype)
            for name in module._buffers:
                value = getattr(module, name)
                if np.asarray(value).dtype.kind == "f":
                    object.__setattr__(module, name, np.asarray(value).astype(dtype))
        return self

    def double(self) -> Module:
        """Cast to float64 (for gradient checks)."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Cast to float32."""
        return self.to(np.float32)

    # ----------------------------------------------------------------- modes
    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses batch statistics) for every sub-module."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    # ----------------------------------------------------------------- state
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, by dotted name."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        state.update({name: np.array(b, copy=True) for name, b in self.named_buffers()})
        return state

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> None:
        """Copy values into the parameters and buffers, checking names and shapes first, so a
        mismatch never leaves the model half loaded."""
        name = type(self).__name__
        params = dict(self.named_parameters())
        buffers = {n: self._buffer_owner(n) for n, _ in self.named_buffers()}
        expected = set(params) | set(buffers)
        missing = sorted(expected - set(state))
        unexpected = sorted(set(state) - expected)
        if strict and (missing or unexpected):
            raise KeyError(
                f"{name}.load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        present = [key for key in [*params, *buffers] if key in state]  # definition order
        for key in present:
            value = np.asarray(state[key])
            current = params[key].data if key in params else getattr(*buffers[key])
            if value.shape != np.shape(current):
                raise ShapeError(
                    f"{name}.load_state_dict: {key!r} has shape {value.shape} in the state "
                    f"but {np.shape(current)} in the model"
                )
        for key in present:
            value = np.asarray(state[key])
            if key in params:
                params[key].data[...] = value  # in place: optimizers keep their references
            else:
                owner, attr = buffers[key]
                old = np.asarray(getattr(owner, attr))
                object.__setattr__(owner, attr, value.astype(old.dtype, copy=True))

    def _buffer_owner(self, dotted: str) -> tuple[Module, str]:
        *path, attr = dotted.split(".")
        module = self
        for part in path:
            module = module._modules[part]
        return module, attr

    # ----------------------------------------------------------------- Keras façade
    # These import glassnet.train inside themselves: the one sanctioned call from nn up into
    # train, so that ``model.fit(...)`` works while nn itself knows nothing of training loops.
    def compile(
        self,
        optimizer: Any = "adam",
        loss: Any = "cross_entropy",
        metrics: Any = None,
        **optimizer_options: Any,
    ) -> Module:
        """Choose how to train: optimizer and loss (objects or names), metrics to report.

        Examples:
            >>> from glassnet import nn
            >>> model = nn.Sequential(nn.Dense(4, 3, rng=0))
            >>> _ = model.compile("adam", "cross_entropy", metrics=["accuracy"], lr=1e-2)
        """
        from glassnet.train import Trainer

        object.__setattr__(
            self, "_trainer", Trainer(self, optimizer, loss, metrics, **optimizer_options)
        )
        return self

    def _compiled(self) -> Any:
        trainer = self.__dict__.get("_trainer")
        if trainer is None:
            raise RuntimeError(
                f"{type(self).__name__}: call compile(optimizer, loss) before fit/evaluate"
            )
        return trainer

    def fit(self, X: Any, y: Any, **options: Any) -> Any:
        """Train (see :meth:`glassnet.train.Trainer.fit` for the options); returns a History."""
        return self._compiled().fit(X, y, **options)

    def evaluate(self, X: Any, y: Any, batch_size: int | None = None) -> dict[str, Any]:
        """Loss and metrics on (X, y), as a dict."""
        return self._compiled().evaluate(X, y, batch_size)

    def predict(self, X: Any, batch_size: int = 1000) -> np.ndarray:
        """Outputs for X in batches, without a graph, in eval mode (the mode is restored)."""
        from glassnet.train import Trainer

        trainer = self.__dict__.get("_trainer") or Trainer(self, None, None)
        return trainer.predict(X, batch_size)

    # ----------------------------------------------------------------- description
    def get_config(self) -> dict[str, Any] | None:
        """The constructor arguments that rebuild this module (Modules may appear as values),
        or None when glassnet cannot rebuild it (a user's own layer): then ``gn.load`` needs
        ``model=``. Library layers override this."""
        return None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        """The module ``get_config`` describes (freshly initialised)."""
        return cls(**config)

    @classmethod
    def type_name(cls) -> str:
        """The name a saved file uses for this class: ``"Linear"`` for glassnet's own layers,
        ``"package.module.ClassName"`` for anyone else's."""
        if cls.__module__.startswith("glassnet."):
            return cls.__name__
        return f"{cls.__module__}.{cls.__qualname__}"

    @staticmethod
    def find_type(name: str) -> type[Module] | None:
        """The Module class saved under ``name`` (every subclass registers itself when its
        ``class`` statement runs), or None."""
        return _MODULE_TYPES.get(name)

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module ("") and every module inside it."""
        yield prefix.rstrip("."), self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}{name}.")

    # ----------------------------------------------------------------- display
    def extra_repr(self) -> str:
        """The settings shown inside the parentheses of ``repr``."""
        return ""

    def __repr__(self) -> str:
        lines = [
            f"({name}): " + repr(child).replace("\n", "\n  ")
            for name, child in self._modules.items()
        ]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


@contextlib.contextmanager
def temporary_mode(model: Module, training: bool) -> Iterator[Module]:
    """Put ``model`` in train (True) or eval (False) mode for a block, then give every
    sub-module back the mode it had (they may have differed).

    Examples:
        >>> from glassnet import nn
        >>> model = nn.Sequential(nn.Dropout(0.5))
        >>> with temporary_mode(model, training=False):
        ...     model[0].training
        False
        >>> model[0].training
        True
    """
    saved = [(module, module.training) for module in model.modules()]
    model.train(training)
    try:
        yield model
    finally:
        for module, was_training in saved:
            module.training = was_training
