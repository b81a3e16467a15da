"""PyTorch's containers: ``ModuleList``, ``ModuleDict``, ``ParameterList``, ``ParameterDict``.

They hold sub-modules or Parameters so that ``parameters()``, ``state_dict()``, ``to()`` and
the optimizers find them (a plain Python list would hide them), named by position ("0", "1",
...) or by key, as in PyTorch. They have no ``forward``: the module that owns them says how
they are used.

Examples:
    >>> from glassnet import nn
    >>> class Stack(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
    ...         self.scales = nn.ParameterList([nn.Parameter(np.ones(4)) for _ in range(2)])
    ...     def forward(self, x):
    ...         for layer, scale in zip(self.layers, self.scales):
    ...             x = layer(x) * scale
    ...         return x
    >>> [name for name, _ in Stack().named_parameters()]
    ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'scales.0', 'scales.1']
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from glassnet.errors import IndexOutOfRangeError
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter


def _index(container: str, index: Any, length: int) -> int:
    try:
        position = operator.index(index)
    except TypeError:
        raise TypeError(
            f"{container} indices are ints or slices, got {type(index).__name__}"
        ) from None
    if not -length <= position < length:
        raise IndexOutOfRangeError(
            f"{container} index {position} is out of range for {length} entries"
        )
    return position % length


def _as_module(container: str, value: Any) -> Module:
    if not isinstance(value, Module):
        raise TypeError(f"{container} holds Modules, got {type(value).__name__}")
    return value


def _as_parameter(value: Any) -> Parameter:
    """A Parameter as it is; a Tensor or array becomes one (as PyTorch's ParameterList)."""
    return value if isinstance(value, Parameter) else Parameter(value)


class ModuleList(Module):
    """A list of sub-modules, registered as "0", "1", ... (``append``, ``extend``, ``insert``,
    indexing, slicing, ``len``, iteration)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _renumber(self, modules: list[Module]) -> None:
        for key in list(self._modules):
            delattr(self, key)
        for i, module in enumerate(modules):
            setattr(self, str(i), module)

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_index("ModuleList", index, len(modules))]

    def __setitem__(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules[_index("ModuleList", index, len(modules))] = _as_module("ModuleList", module)
        self._renumber(modules)

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            del modules[index]
        else:
            del modules[_index("ModuleList", index, len(modules))]
        self._renumber(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._modules.values()))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def append(self, module: Module) -> ModuleList:
        setattr(self, str(len(self._modules)), _as_module("ModuleList", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(index, _as_module("ModuleList", module))
        self._renumber(modules)


class ModuleDict(Module):
    """A dict of sub-modules, registered under their keys, in insertion order."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[Any] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Any:
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no key {key!r} (keys: {list(self._modules)})")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _as_module("ModuleDict", module))

    def __delitem__(self, key: str) -> None:
        self[key]
        delattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def keys(self) -> list[str]:
        return list(self._modules)

    def values(self) -> list[Module]:
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        return list(self._modules.items())

    def update(self, modules: Mapping[str, Module] | Iterable[Any]) -> None:
        pairs: Iterable[Any] = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        for key in list(self._modules):
            delattr(self, key)


class ParameterList(Module):
    """A list of Parameters, registered as "0", "1", ...; Tensors and arrays appended become
    Parameters."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __getitem__(self, index: int) -> Parameter:
        params = list(self._parameters.values())
        return params[_index("ParameterList", index, len(params))]

    def __setitem__(self, index: int, value: Any) -> None:
        position = _index("ParameterList", index, len(self._parameters))
        setattr(self, str(position), _as_parameter(value))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(list(self._parameters.values()))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        setattr(self, str(len(self._parameters)), _as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(
            f"({i}): Parameter containing: [{p.dtype} of size {p.shape}]"
            for i, p in enumerate(self)
        )


class ParameterDict(Module):
    """A dict of Parameters, registered under their keys, in insertion order."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[Any] | None = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        if key not in self._parameters:
            raise KeyError(f"ParameterDict has no key {key!r} (keys: {list(self._parameters)})")
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        self[key]
        delattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def keys(self) -> list[str]:
        return list(self._parameters)

    def values(self) -> list[Parameter]:
        return list(self._parameters.values())

    def items(self) -> list[tuple[str, Parameter]]:
        return list(self._parameters.items())

    def update(self, parameters: Mapping[str, Any] | Iterable[Any]) -> None:
        pairs: Iterable[Any] = parameters.items() if isinstance(parameters, Mapping) else parameters
        for key, value in pairs:
            self[key] = value

    def pop(self, key: str) -> Parameter:
        value = self[key]
        del self[key]
        return value
