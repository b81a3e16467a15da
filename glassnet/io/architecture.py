"""Architectures in files: ``describe`` turns a model into JSON (each layer's type and
``get_config()``), ``build`` rebuilds it, refusing descriptions that would allocate far more than
the file holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from glassnet.errors import FileFormatError

#: A stored architecture may ask for this many weights beyond what the file holds (lazy layers).
_SPARE_WEIGHTS = 2**16


def describe(module: Any) -> dict[str, Any] | None:
    """A JSON-able description of a library model, or None if some layer cannot be described."""
    config = module.get_config()
    if config is None:
        return None

    def encode(value: Any) -> Any:
        if hasattr(value, "get_config"):
            inner = describe(value)
            if inner is None:
                raise _NotDescribable
            return {"module": inner}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        return value

    try:
        return {"type": module.type_name(), "config": {k: encode(v) for k, v in config.items()}}
    except _NotDescribable:
        return None


class _NotDescribable(Exception):
    pass


def build(description: dict[str, Any]) -> Any:
    """The model a [describe][glassnet.io.architecture.describe] description stands for,
    freshly initialised.

    Raises:
        FileFormatError: the description is malformed, names an unknown layer type, or a
            layer's constructor refuses its settings.

    Examples:
        >>> from glassnet import nn
        >>> build(describe(nn.Sequential(nn.Linear(2, 3), nn.ReLU())))
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
    """
    return _Builder("the saved architecture", None).build(description)


class _Builder:
    """Builds a description layer by layer, keeping count of the bytes the layers allocate."""

    def __init__(self, where: str, max_bytes: int | None) -> None:
        self.where = where
        self.max_bytes = max_bytes
        self.seen: set[int] = set()
        self.total = 0

    def fail(self, problem: str) -> FileFormatError:
        return FileFormatError(f"{self.where}: {problem}")

    def build(self, description: Any) -> Any:
        from glassnet.nn.module import Module  # here: nn is built on the core, io on nn

        if (
            not isinstance(description, dict)
            or set(description) != {"type", "config"}
            or not isinstance(description["config"], dict)
        ):
            raise self.fail(f"malformed layer description {_short(description)}")
        kind = description["type"]
        cls = Module.find_type(kind) if isinstance(kind, str) else None
        if cls is None:
            raise self.fail(
                f"unknown layer type {_short(kind)} in the saved architecture (a layer class of "
                "your own must be defined, i.e. imported, before loading)"
            )
        config = {k: self.decode(v) for k, v in description["config"].items()}
        try:
            module = cls.from_config(config)
        except Exception as error:  # a constructor given settings it refuses, in any way
            raise self.fail(
                f"the saved architecture cannot be built: {kind}({_short(description['config'])})"
                f" raised {type(error).__name__}: {error}"
            ) from error
        if not isinstance(module, Module):
            raise self.fail(f"{kind}.from_config returned a {type(module).__name__}")
        self.count(module)
        return module

    def decode(self, value: Any) -> Any:
        if isinstance(value, dict) and "module" in value:
            if set(value) != {"module"}:
                raise self.fail(f"malformed nested layer {_short(value)}")
            return self.build(value["module"])
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        return value

    def count(self, module: Any) -> None:
        arrays = [p.data for p in module.parameters()]
        arrays += [np.asarray(b) for _, b in module.named_buffers()]
        for array in arrays:
            if id(array) not in self.seen:
                self.seen.add(id(array))
                self.total += array.nbytes
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise self.fail(
                f"the saved architecture allocates more than {self.total} bytes, far more than "
                f"the file's weights: refusing to build it"
            )


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_description_size(path: Path, description: Any, stored: int, tensors: int) -> None:
    """Refuse, before building, an architecture that asks for far more than the file holds.

    No table of layers: for each layer the product of the integers (>= 2) in its own settings
    bounds what it can ask for (Linear(in, out): in * out; Embedding(n, d): n * d), and the sum
    over layers may not exceed a few times the ``stored`` number of weights; the number of
    layers may not exceed 1000 plus four per stored tensor. A ``dtype`` setting must name a
    numeric dtype.
    """
    limit = 4 * stored + _SPARE_WEIGHTS
    max_layers = 1000 + 4 * tensors
    total = layers = 0
    stack = [description]
    while stack:
        layer = stack.pop()
        if not isinstance(layer, dict) or not isinstance(layer.get("config"), dict):
            return  # malformed: the builder says how
        layers += 1
        if layers > max_layers:
            raise FileFormatError(
                f"{path}: the saved architecture has more than {max_layers} layers for "
                f"{tensors} stored tensors: it was edited or damaged; refusing to build it"
            )
        product = 1
        values = list(layer["config"].items())
        while values:
            key, value = values.pop()
            if isinstance(value, dict) and set(value) == {"module"}:
                stack.append(value["module"])
            elif isinstance(value, dict):
                values.extend(value.items())
            elif isinstance(value, list):
                values.extend((key, v) for v in value)
            elif type(value) is int and value >= 2:
                product = min(product * value, limit + 1)
            elif key == "dtype" and value is not None:
                _check_dtype_setting(path, layer.get("type"), value)
        total += product
        if total > limit:
            raise FileFormatError(
                f"{path}: the saved architecture asks for more than {limit} weights (layer "
                f"{_short(layer.get('type'))} alone for "
                f"{'more than that' if product > limit else product}), but the file holds "
                f"{stored}: it was edited or damaged; refusing to build it"
            )


def _check_dtype_setting(path: Path, layer: Any, value: Any, kinds: str = "biuf") -> None:
    try:
        dtype = np.dtype(value)
    except Exception:
        dtype = None
    if dtype is None or dtype.kind not in kinds or dtype.itemsize > 8:
        raise FileFormatError(
            f"{path}: the saved architecture gives layer {_short(layer)} the dtype "
            f"{_short(value)}, not a {'float' if kinds == 'f' else 'numeric'} dtype"
        )
