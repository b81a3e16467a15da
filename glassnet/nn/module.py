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
    _non_persistent: set[str]
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
        object.__setattr__(self, "_non_persistent", set())
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
        if isinstance(value, (Parameter, Module)) and name in self._buffers:
            self._buffers.remove(name)  # a buffer's name now holds a Parameter or a Module
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if name in self._buffers:
            self._buffers.remove(name)
            self._non_persistent.discard(name)
        object.__delattr__(self, name)

    def _check_new_name(self, what: str, name: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}.{what}: name must be a string, got {name!r}")
        if not name or "." in name:
            raise KeyError(
                f"{type(self).__name__}.{what}: name must be non-empty and hold no '.', "
                f"got {name!r}"
            )

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """A state that is not trained (BatchNorm's running mean) but is cast by ``to`` and
        saved by ``state_dict`` unless ``persistent=False``. A Tensor is kept as a Tensor,
        anything else as a NumPy array; None registers the name with no value yet."""
        self._check_new_name("register_buffer", name)
        if name in self.__dict__ and name not in self._buffers:
            raise KeyError(f"{type(self).__name__}.register_buffer: attribute {name!r} exists")
        if name not in self._buffers:
            self._buffers.append(name)
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)
        value = tensor if tensor is None or isinstance(tensor, Tensor) else np.asarray(tensor)
        object.__setattr__(self, name, value)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` under ``name`` (None: the name exists but holds no parameter)."""
        self._check_new_name("register_parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"{type(self).__name__}.register_parameter: {name!r} must be a Parameter or "
                f"None, got {type(param).__name__} (wrap it: nn.Parameter(tensor))"
            )
        setattr(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a sub-module under ``name``, as ``setattr(self, name, module)``."""
        self._check_new_name("add_module", name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(
                f"{type(self).__name__}.add_module: {name!r} must be a Module, got "
                f"{type(module).__name__}"
            )
        setattr(self, name, module)

    register_module = add_module

    def get_submodule(self, target: str = "") -> Module:
        """The module at the dotted path ``target`` ("" is this module).

        Raises:
            AttributeError: naming the first part of the path that is not a sub-module.
        """
        module: Module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no sub-module {part!r}")
            module = child
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The Parameter at the dotted path ``target`` ("encoder.0.weight")."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._parameters:
            raise AttributeError(f"{type(module).__name__} has no parameter {name!r}")
        return module._parameters[name]

    def get_buffer(self, target: str) -> Any:
        """The buffer at the dotted path ``target``."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._buffers:
            raise AttributeError(f"{type(module).__name__} has no buffer {name!r}")
        return getattr(module, name)

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
        if self._modules and not self._parameters and np.asarray(x).dtype.kind in "iu":
            # A composite module leaves integers to the layers inside (each casts its own
            # input): a model whose first layer is an Embedding gets its indices, as in PyTorch.
            return x if isinstance(x, Tensor) else Tensor(np.asarray(x))
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
        """This module and every module inside it, depth first (a shared one once)."""
        for _, module in self.named_modules():
            yield module

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module (named ``prefix``, "" by default) and every
        module inside it, depth first; a module met twice is listed once unless
        ``remove_duplicate=False``, as PyTorch."""
        if isinstance(memo, str):  # named_modules("prefix"): glassnet's older signature
            memo, prefix = None, memo.rstrip(".")
        seen: set[int] = set() if memo is None else memo  # ids, as PyTorch's memo of modules
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()]
            stack.extend(reversed([(k, m) for k, m in children if m is not None]))

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, Parameter)`` pairs: ``"0.weight"``, ``"encoder.2.bias"``; a Parameter
        shared between modules appears once (unless ``remove_duplicate=False``); with
        ``recurse=False`` only this module's own."""
        seen: set[int] = set()
        for name, p in self._named_parameters_with_duplicates(prefix, recurse):
            if not remove_duplicate or id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _named_parameters_with_duplicates(
        self, prefix: str, recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        if prefix and not prefix.endswith("."):
            prefix += "."
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, p
        if recurse:
            for name, child in self._modules.items():
                yield from child._named_parameters_with_duplicates(f"{prefix}{name}.")

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every Parameter, in definition order (only this module's own with
        ``recurse=False``)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Any]]:
        """``(dotted name, buffer)`` for every buffer that holds a value."""
        if prefix and not prefix.endswith("."):
            prefix += "."
        for name in self._buffers:
            value = getattr(self, name)
            if value is not None:
                yield prefix + name, value
        if recurse:
            for child_name, child in self._modules.items():
                yield from child.named_buffers(f"{prefix}{child_name}.")

    def buffers(self, recurse: bool = True) -> Iterator[Any]:
        """Every buffer's value."""
        for _, value in self.named_buffers(recurse=recurse):
            yield value

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module, then on this one (PyTorch's order: children first,
        for initialising weights with ``model.apply(init_weights)``); returns this module."""
        for child in self._modules.values():
            child.apply(fn)
        fn(self)
        return self

    def num_parameters(self, trainable_only: bool = False) -> int:
        """How many numbers the parameters hold."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    # ----------------------------------------------------------------- gradients
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's accumulated gradient (``set_to_none=False``: fill the
        existing gradient arrays with zeros instead, in place)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                np.asarray(p.grad)[...] = 0

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
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {mode!r}")
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
        """PyTorch's layout: settings inline when they are one line and there are no
        sub-modules, else one line each, then ``(name): child`` indented."""
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + repr(child).replace("\n", "\n  ")
            for name, child in self._modules.items()
        ]
        head = f"{type(self).__name__}("
        if len(extra_lines) == 1 and not child_lines:
            return head + extra_lines[0] + ")"
        lines = extra_lines + child_lines
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
