"""``Module``: the building block of models — a container of Parameters and sub-modules.

A Module registers the Parameters and Modules assigned to it as attributes
(``self.weight = Parameter(...)``, ``self.encoder = Sequential(...)``), so ``parameters()``,
``named_parameters()`` and ``state_dict()`` find them in definition order. Calling a module,
``model(x)``, runs the forward hooks and ``forward``, which a subclass writes as its own plain
function, as in PyTorch.

Its other jobs live in files of their own and reach Module as base classes:

- ``glassnet.nn.by_hand``: driving a layer by hand, ``layer.forward(x)`` then
  ``layer.backward(dy)``, as the classic from-scratch lessons do;
- ``glassnet.nn.state``: ``state_dict``, dtypes, and the config that saves a model's
  architecture;
- ``glassnet.nn.keras_facade``: ``compile``/``fit``/``evaluate``/``predict``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from glassnet.autograd.graph import RemovableHandle
from glassnet.nn.by_hand import ByHand
from glassnet.nn.keras_facade import KerasFacade
from glassnet.nn.parameter import Parameter
from glassnet.nn.state import State
from glassnet.tensor import Tensor

ForwardHook = Callable[..., Any]


class Module(ByHand, State, KerasFacade):
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
        >>> m(np.array([3.0]))
        Tensor([7.], dtype=float32, grad_fn=<AddOp>)
        >>> [name for name, _ in m.named_parameters()]
        ['scale', 'shift']
    """

    #: Whether a NumPy input is cast to the parameters' float dtype (False for index inputs).
    casts_input = True

    _parameters: dict[str, Parameter]
    _modules: dict[str, Module]
    _buffers: list[str]
    _forward_pre_hooks: list[ForwardHook]
    _forward_hooks: list[ForwardHook]
    training: bool

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        State.register_type(cls)  # so a saved architecture can name this class

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", [])
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_forward_hooks", [])
        self.training = True
        ByHand.__init__(self)

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

    # ----------------------------------------------------------------- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # --8<-- [start:call]
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the forward: the input prepared by ``prepare_input``, then hooks around the
        subclass's own ``forward``. Nothing is kept once the call returns."""
        if args:
            args = (self.prepare_input(args[0]), *args[1:])
        for hook in self._forward_pre_hooks:
            changed = hook(self, args)
            if changed is not None:
                args = changed if isinstance(changed, tuple) else (changed,)
        output = type(self).forward(self, *args, **kwargs)
        for hook in self._forward_hooks:
            changed = hook(self, args, output)
            if changed is not None:
                output = changed
        return output

    # --8<-- [end:call]
    def prepare_input(self, x: Any) -> Any:
        """The one place a module casts its input: NumPy data (or a leaf Tensor of another
        dtype) becomes a Tensor in the parameters' float dtype, so float64 data meets a float32
        model without ceremony. A Tensor computed by ops passes as it is (it already has the
        model's dtype), and so does anything for a module with ``casts_input = False``."""
        if isinstance(x, Tensor) and x._ctx is not None:
            return x
        if not self.casts_input:
            return x if isinstance(x, Tensor) else Tensor(x)
        if not isinstance(x, Tensor):
            array = np.asarray(x)
            if array.dtype.kind not in "biuf":
                raise TypeError(
                    f"{type(self).__name__} expects numbers, got an input of dtype {array.dtype}"
                )
            return Tensor(array, dtype=self.input_dtype(array.dtype))
        dtype = self.input_dtype(x.dtype)
        return x if x.dtype == dtype else x.astype(dtype)  # a differentiable cast

    def input_dtype(self, given: np.dtype) -> np.dtype:
        """The float dtype inputs are cast to: the first parameter's (a lazy layer knows it
        before it has weights); for a module without parameters, the input's own float dtype or
        float32."""
        stack: list[Module] = [self]
        while stack:
            module = stack.pop()
            for p in module._parameters.values():
                return p.dtype
            lazy = module.__dict__.get("_lazy_dtype")
            if lazy is not None:
                return lazy
            stack.extend(reversed(module._modules.values()))
        return given if given.kind == "f" else np.dtype(np.float32)

    def register_forward_pre_hook(self, hook: ForwardHook) -> RemovableHandle:
        """Call ``hook(module, args)`` before every ``module(...)``; it may return new args."""
        self._forward_pre_hooks.append(hook)
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: ForwardHook) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every ``module(...)``; it may return a new
        output.

        Examples:
            >>> from glassnet import nn
            >>> model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU())
            >>> shapes = []
            >>> record = lambda module, args, out: shapes.append(out.shape)
            >>> handle = model[0].register_forward_hook(record)
            >>> _ = model(np.ones((2, 3)))
            >>> shapes
            [(2, 4)]
            >>> handle.remove()
        """
        self._forward_hooks.append(hook)
        return RemovableHandle(self._forward_hooks, hook)

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

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module ("") and every module inside it."""
        yield prefix.rstrip("."), self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}{name}.")

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
        return {
            n: None if p.grad is None else np.asarray(p.grad) for n, p in self.named_parameters()
        }

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze the parameters; optimizers skip frozen ones."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    # ----------------------------------------------------------------- modes
    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses batch statistics) for every sub-module."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    # ----------------------------------------------------------------- description
    def extra_repr(self) -> str:
        """The settings shown inside the parentheses of ``repr``."""
        return ""

    def sample_input_shape(self) -> tuple[int, ...] | None:
        """The shape of one input sample this layer expects, if it knows (``Linear(4, 8)``:
        ``(4,)``); ``Sequential.summary()`` runs a sample of it to find every output shape."""
        return None

    def output_layer(self) -> tuple[str, Module]:
        """The sub-module whose output is this module's output, with its dotted name ("" for
        the module itself); containers look inside (a Sequential's last layer, a Dense's
        activation). The Trainer reads it to warn about a Softmax before a loss on logits."""
        return "", self

    def summary_label(self) -> str:
        """How ``Sequential.summary()`` names this layer (its type and settings)."""
        settings = self.extra_repr()
        return f"{type(self).__name__}({settings})" if settings else type(self).__name__

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        """Add this layer's ONNX nodes to ``graph`` (an ``onnx_export.OnnxGraph``) reading the
        value named ``x``; return the name of the output. Layers that have an ONNX form override
        this; the default names the layer that has none."""
        from glassnet.errors import ExportError

        raise ExportError(
            f"export_onnx: layer {name!r} ({type(self).__name__}) cannot be exported to ONNX"
        )

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
