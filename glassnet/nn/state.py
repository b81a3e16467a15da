"""What a Module saves and restores: its arrays (``state_dict``), their dtype, and its config.

Mixed into every Module. ``state_dict`` holds the numbers; ``get_config`` holds the constructor
arguments that rebuild the architecture, which ``gn.save`` writes beside the numbers so a model
made of library layers loads without its code. Every Module subclass registers itself under its
``State.type_name`` when its ``class`` statement runs, so a saved architecture can name it.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor

if TYPE_CHECKING:
    from glassnet.nn.module import Module
    from glassnet.nn.parameter import Parameter

_TYPES: dict[str, Any] = {}


class StateDictKeyError(KeyError):
    """``load_state_dict(strict=True)`` met names missing from the state or not in the model.

    A KeyError (as PyTorch's would be a RuntimeError, code that catches KeyError keeps working),
    whose message prints as written: a plain KeyError would show it in quotes.

    Examples:
        >>> from glassnet import nn
        >>> try:
        ...     nn.Linear(2, 2).load_state_dict({"weight": np.zeros((2, 2))})
        ... except KeyError as e:
        ...     print(e)
        Linear.load_state_dict: missing keys ['bias'], unexpected keys []
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns, as PyTorch: the names it did not find in the state
    (``missing_keys``) and the names in the state that the model does not have
    (``unexpected_keys``). Both are empty after a strict load."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class State:
    """``state_dict``/``load_state_dict``, ``to(dtype)``, ``get_config``/``from_config``."""

    if TYPE_CHECKING:  # provided by Module
        _modules: dict[str, Module]
        _buffers: list[str]
        _non_persistent: set[str]

        def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]: ...
        def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Any]]: ...
        def parameters(self) -> Iterator[Parameter]: ...
        def modules(self) -> Iterator[Module]: ...

    # ----------------------------------------------------------------- arrays
    def state_dict(
        self, destination: Any = None, prefix: str = "", keep_vars: bool = False
    ) -> dict[str, Any]:
        """Copies of every parameter and persistent buffer, as NumPy arrays, by dotted name
        (``keep_vars=True``: the Parameters themselves). ``destination`` (a dict) is filled
        and returned, the names starting with ``prefix``, as PyTorch.

        Examples:
            >>> from glassnet import nn
            >>> {k: v.shape for k, v in nn.Linear(3, 2).state_dict().items()}
            {'weight': (2, 3), 'bias': (2,)}
        """
        state = {} if destination is None else destination
        for name, p in self.named_parameters():
            state[prefix + name] = p if keep_vars else p.data.copy()
        for name, b in self._persistent_buffers():
            state[prefix + name] = np.array(b, copy=True)
        return state

    def _persistent_buffers(self) -> Iterator[tuple[str, Any]]:
        for name, value in self.named_buffers():
            owner, attr = self._buffer_owner(name)
            if attr not in owner._non_persistent:
                yield name, value

    def load_state_dict(
        self, state: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, checking names, shapes and dtypes
        first, so a mismatch never leaves the model half loaded. Values may be NumPy arrays,
        Tensors or nested lists of numbers. (PyTorch's ``assign=True`` is accepted; the values
        are copied into the existing parameters either way, which keeps optimizers' references
        valid and gives the same numbers.)

        Args:
            state: dotted name -> array (or anything ``np.asarray`` makes an array of numbers).
            strict: every name of the model must be in ``state`` and nothing else; with False,
                the names found are loaded and the rest are reported in the result.

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)``, as PyTorch.

        Raises:
            StateDictKeyError: (a KeyError; ``strict``) names missing from ``state`` or not
                in the model.
            ShapeError: a value whose shape differs from the model's.
            TypeError: ``state`` not a mapping, or a value that is not numbers or cannot be
                cast to the model's dtype without loss of kind (complex into float, float
                into an integer buffer).
        """
        name = type(self).__name__
        if not isinstance(state, Mapping):
            raise TypeError(
                f"{name}.load_state_dict: state must be a dict of name -> array (as "
                f"state_dict() gives), got {type(state).__name__}"
            )
        if not isinstance(strict, (bool, np.bool_)):
            raise TypeError(f"{name}.load_state_dict: strict must be True or False, got {strict!r}")
        params = dict(self.named_parameters())
        buffers = {n: self._buffer_owner(n) for n, _ in self._persistent_buffers()}
        expected = set(params) | set(buffers)
        missing = sorted(expected - set(state))
        unexpected = sorted(set(state) - expected, key=str)
        if strict and (missing or unexpected):
            raise StateDictKeyError(
                f"{name}.load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        present = [key for key in [*params, *buffers] if key in state]  # definition order
        values = {}
        for key in present:
            value = np.asarray(state[key])
            current = np.asarray(params[key].data if key in params else getattr(*buffers[key]))
            if value.dtype.kind not in "biuf" or not np.can_cast(
                value.dtype, current.dtype, casting="same_kind"
            ):
                raise TypeError(
                    f"{name}.load_state_dict: {key!r} is {type(state[key]).__name__} of dtype "
                    f"{value.dtype} in the state, which cannot be cast to the model's "
                    f"{current.dtype}"
                )
            if value.shape != current.shape:
                raise ShapeError(
                    f"{name}.load_state_dict: {key!r} has shape {value.shape} in the state "
                    f"but {current.shape} in the model"
                )
            values[key] = value
        for key, value in values.items():
            if key in params:
                params[key].data[...] = value  # in place: optimizers keep their references
                graph.bump_version(params[key])
            else:
                owner, attr = buffers[key]
                old = getattr(owner, attr)
                new = value.astype(np.asarray(old).dtype, copy=True)
                object.__setattr__(owner, attr, Tensor(new) if isinstance(old, Tensor) else new)
        return IncompatibleKeys(missing, [str(key) for key in unexpected])

    def _buffer_owner(self, dotted: str) -> tuple[Module, str]:
        *path, attr = dotted.split(".")
        module: Any = self
        for part in path:
            module = module._modules[part]
        return module, attr

    # ----------------------------------------------------------------- dtype and device
    def to(self, *args: Any, **kwargs: Any) -> Any:
        """Cast parameters and float buffers to a float dtype in place (gradients are reset)
        and return the module, as PyTorch's ``to(dtype)``, ``to("cpu")``, ``to(device,
        dtype)``, ``to(tensor)`` (its dtype) or ``to(dtype=..., device=...)``. glassnet
        computes on the CPU only: another device is an error.

        Raises:
            TypeError: a dtype that is not a float dtype (parameters require gradients, which
                only floats have) or not a dtype at all.
            ValueError: a device other than the CPU.
        """
        from glassnet.nn.factory import check_device, is_cpu

        name = type(self).__name__
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        kwargs.pop("memory_format", None)
        dtype, device = kwargs.pop("dtype", None), kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"{name}.to: unexpected arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (bool, np.bool_)):
                continue  # non_blocking given by position
            elif is_cpu(arg) or (isinstance(arg, str) and _is_device(arg)):
                device = arg
            elif isinstance(getattr(arg, "type", None), str):
                device = arg  # a device object: its type is "cpu", "cuda", ...
            else:
                dtype = arg
        check_device(f"{name}.to", device)
        return self if dtype is None else self._cast_floats(dtype)

    def _cast_floats(self, dtype: Any) -> Any:
        from glassnet.nn.factory import as_numpy_dtype

        try:
            dtype = as_numpy_dtype(dtype)
        except TypeError:
            raise TypeError(
                f"{type(self).__name__}.to: {dtype!r} is not a dtype; use a float dtype such "
                "as 'float32' or 'float64'"
            ) from None
        if dtype.kind != "f":
            raise TypeError(
                f"{type(self).__name__}.to({str(dtype)!r}): parameters are floats (they "
                "require gradients); use a float dtype such as 'float32' or 'float64'"
            )
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        for module in self.modules():
            if module.__dict__.get("_lazy_dtype") is not None:
                object.__setattr__(module, "_lazy_dtype", dtype)
            for name in module._buffers:
                value = getattr(module, name)
                if value is not None and np.asarray(value).dtype.kind == "f":
                    cast = np.asarray(value).astype(dtype)
                    object.__setattr__(
                        module, name, Tensor(cast) if isinstance(value, Tensor) else cast
                    )
        return self

    def double(self) -> Any:
        """Cast to float64 (for gradient checks)."""
        return self.to(np.float64)

    def float(self) -> Any:
        """Cast to float32."""
        return self.to(np.float32)

    def half(self) -> Any:
        """Cast to float16."""
        return self.to(np.float16)

    def type(self, dst_type: Any) -> Any:
        """Cast to ``dst_type`` (a float dtype), as PyTorch's ``Module.type``."""
        return self.to(dst_type)

    def cpu(self) -> Any:
        """The module itself: glassnet computes on the CPU."""
        return self

    def cuda(self, device: Any = None) -> Any:
        """Always an error: glassnet computes on the CPU only."""
        from glassnet.nn.factory import check_device

        check_device(f"{type(self).__name__}.cuda", "cuda")
        return self

    # ----------------------------------------------------------------- architecture
    def get_config(self) -> dict[str, Any] | None:
        """The constructor arguments that rebuild this module (Modules may appear as values),
        or None when glassnet cannot rebuild it (a user's own layer that does not say): then
        ``gn.load`` needs ``model=``. Library layers override this."""
        return None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
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
    def register_type(cls: builtins.type[State]) -> None:
        _TYPES[cls.type_name()] = cls

    @staticmethod
    def find_type(name: str) -> builtins.type[Module] | None:
        """The Module class saved under ``name``, or None."""
        return _TYPES.get(name)


def _is_device(name: str) -> bool:
    """Whether a string names a device (PyTorch's device types) rather than a dtype."""
    return name.split(":")[0] in ("cpu", "cuda", "mps", "xpu", "meta", "xla", "hip", "ipu")
