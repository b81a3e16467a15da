"""What a Module saves and restores: its arrays (``state_dict``), their dtype, and its config.

Mixed into every Module. ``state_dict`` holds the numbers; ``get_config`` holds the constructor
arguments that rebuild the architecture, which ``gn.save`` writes beside the numbers so a model
made of library layers loads without its code. Every Module subclass registers itself under its
``State.type_name`` when its ``class`` statement runs, so a saved architecture can name it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import ShapeError

if TYPE_CHECKING:
    from glassnet.nn.module import Module
    from glassnet.nn.parameter import Parameter

_TYPES: dict[str, Any] = {}


class State:
    """``state_dict``/``load_state_dict``, ``to(dtype)``, ``get_config``/``from_config``."""

    if TYPE_CHECKING:  # provided by Module
        _modules: dict[str, Module]
        _buffers: list[str]

        def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]: ...
        def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]: ...
        def parameters(self) -> Iterator[Parameter]: ...
        def modules(self) -> Iterator[Module]: ...

    # ----------------------------------------------------------------- arrays
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, by dotted name."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        state.update({name: np.array(b, copy=True) for name, b in self.named_buffers()})
        return state

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> None:
        """Copy values into the parameters and buffers, checking names and shapes first, so a
        mismatch never leaves the model half loaded.

        Raises:
            KeyError: (``strict``) names missing from ``state`` or not in the model.
            ShapeError: a value whose shape differs from the model's.
        """
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
                graph.bump_version(params[key])
            else:
                owner, attr = buffers[key]
                old = np.asarray(getattr(owner, attr))
                object.__setattr__(owner, attr, value.astype(old.dtype, copy=True))

    def _buffer_owner(self, dotted: str) -> tuple[Module, str]:
        *path, attr = dotted.split(".")
        module: Any = self
        for part in path:
            module = module._modules[part]
        return module, attr

    # ----------------------------------------------------------------- dtype
    def to(self, dtype: Any) -> Any:
        """Cast parameters and buffers to ``dtype`` in place (gradients are reset)."""
        dtype = np.dtype(dtype)
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        for module in self.modules():
            if module.__dict__.get("_lazy_dtype") is not None:
                object.__setattr__(module, "_lazy_dtype", dtype)
            for name in module._buffers:
                value = np.asarray(getattr(module, name))
                if value.dtype.kind == "f":
                    object.__setattr__(module, name, value.astype(dtype))
        return self

    def double(self) -> Any:
        """Cast to float64 (for gradient checks)."""
        return self.to(np.float64)

    def float(self) -> Any:
        """Cast to float32."""
        return self.to(np.float32)

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
    def register_type(cls: type[State]) -> None:
        _TYPES[cls.type_name()] = cls

    @staticmethod
    def find_type(name: str) -> type[Module] | None:
        """The Module class saved under ``name``, or None."""
        return _TYPES.get(name)
