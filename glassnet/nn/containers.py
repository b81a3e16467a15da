"""``Sequential``: layers applied one after another, with a Keras-like ``summary()``."""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from glassnet.autograd import no_grad
from glassnet.errors import IndexOutOfRangeError, ShapeError
from glassnet.nn.module import Module, temporary_mode

#: The largest sample (in numbers) ``summary`` builds for its dry run: a bigger input_shape is
#: far more likely a mistake than a model, and would allocate gigabytes before failing.
SUMMARY_MAX_SAMPLE = 2**26


class Sequential(Module):
    """Apply layers in order: ``Sequential([l1, l2, ...], name=...)`` or ``Sequential(l1, l2)``.

    Parameters are named by position: ``"0.weight"``, ``"2.kernel"``; or, given a dict
    (PyTorch's ``Sequential(OrderedDict(...))``), by the names it holds: ``"fc1.weight"``.

    Examples:
        >>> from glassnet import nn
        >>> model = nn.Sequential([nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Dense(8, 2, rng=1)],
        ...                       name="tiny")
        >>> model(np.ones((5, 4))).shape
        (5, 2)
        >>> list(dict(model.named_parameters()))
        ['0.weight', '0.bias', '2.kernel', '2.bias']
        >>> print(model.summary())  # doctest: +NORMALIZE_WHITESPACE
        Model: "tiny"
        ───────────────────────────────────────────────────────────────
         #   Layer                               Output shape  Params
        ═══════════════════════════════════════════════════════════════
         0   Linear(4 -> 8)                      (None, 8)         40
         1   ReLU                                (None, 8)          0
         2   Dense(8 -> 2, activation=Identity)  (None, 2)         18
        ═══════════════════════════════════════════════════════════════
        Total params: 58
        Trainable params: 58
        Non-trainable params: 0
    """

    def __init__(self, *layers: Any, name: str | None = None) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Sequential: name must be a string, got {type(name).__name__}")
        self.name = name or "sequential"
        if len(layers) == 1 and isinstance(layers[0], Mapping):  # PyTorch's named layers
            for key, layer in layers[0].items():
                self.add_module(key, self._check_layer(layer))
            return
        for layer in layers:
            self.append(layer)

    @property
    def casts_input(self) -> bool:  # type: ignore[override]
        """Inputs are cast as the first layer would cast them (an Embedding takes indices)."""
        first = next(iter(self._modules.values()), None)
        return True if first is None else first.casts_input

    def append(self, layer: Module) -> Sequential:
        """Add a layer at the end."""
        setattr(self, str(len(self._modules)), self._check_layer(layer))
        return self

    @staticmethod
    def _check_layer(layer: Any) -> Module:
        if not isinstance(layer, Module):
            hint = " (a function? wrap it in a Module subclass)" if callable(layer) else ""
            raise TypeError(f"Sequential holds Modules, got {type(layer).__name__}{hint}")
        return layer

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"layers": list(self._modules.values()), "name": self.name}
        if not self._numbered():
            config["names"] = list(self._modules)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        names = config.get("names")
        if names is not None:
            return cls(dict(zip(names, config["layers"])), name=config.get("name"))
        return cls(config["layers"], name=config.get("name"))

    def _numbered(self) -> bool:
        return list(self._modules) == [str(i) for i in range(len(self._modules))]

    def __getitem__(self, index: int | slice) -> Any:
        """The layer at ``index`` (negative counts from the end), or a Sequential of the
        layers in a slice (the same layer objects, as PyTorch).

        Raises:
            TypeError: an index that is neither an int nor a slice (a name such as "0": use
                ``getattr(model, "0")``).
            IndexOutOfRangeError: (an IndexError) an int outside the layers.
        """
        layers = list(self._modules.values())
        if isinstance(index, slice):
            if index.step == 0:
                raise ValueError("Sequential: a slice step cannot be zero")
            return Sequential(layers[index], name=self.name)
        return layers[self._position(index)]

    def __setitem__(self, index: int, layer: Module) -> None:
        """Replace the layer at ``index``, as PyTorch's ``model[0] = nn.Linear(...)``."""
        layers, names = list(self._modules.values()), list(self._modules)
        layers[self._position(index)] = self._check_layer(layer)
        self._replace_layers(layers, None if self._numbered() else names)

    def __delitem__(self, index: int | slice) -> None:
        """Remove a layer (or a slice of them); the rest are renumbered 0, 1, ..."""
        numbered = self._numbered()
        pairs = list(self._modules.items())
        if isinstance(index, slice):
            del pairs[index]
        else:
            del pairs[self._position(index)]
        names = None if numbered else [key for key, _ in pairs]
        self._replace_layers([layer for _, layer in pairs], names)

    def _replace_layers(self, layers: list[Module], names: list[str] | None = None) -> None:
        """Register ``layers`` as 0, 1, ... in order, or under ``names`` (re-assigning one
        would move it last)."""
        for key in list(self._modules):
            object.__delattr__(self, key)
        self._modules.clear()
        for i, layer in enumerate(layers):
            setattr(self, str(i) if names is None else names[i], layer)

    def _position(self, index: Any) -> int:
        if isinstance(index, (bool, np.bool_)):
            raise TypeError(f"Sequential indices are ints or slices, got bool {index}")
        try:
            position = operator.index(index)
        except TypeError:
            raise TypeError(
                f"Sequential indices are ints or slices, got {type(index).__name__} {index!r}"
                + (
                    f"; for a layer by name use getattr(model, {index!r})"
                    if isinstance(index, str)
                    else ""
                )
            ) from None
        count = len(self._modules)
        if not -count <= position < count:
            raise IndexOutOfRangeError(
                f"Sequential {self.name!r} has {count} layers: index {position} is out of "
                f"range [-{count}, {count})"
            )
        return position % count

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def summary(self, input_shape: tuple[int, ...] | None = None) -> str:
        """A table: one row per layer (its label, output shape and parameter count), then the
        totals.

        Output shapes come from a dry run on one sample of zeros, in eval mode and without a
        graph: of ``input_shape`` (one sample's shape, without the batch axis) or, when not
        given, of the shape the first layer expects (see ``sample_input_shape``). Without
        either they show as "?".
        """
        shapes = self._output_shapes(
            self.sample_input_shape() if input_shape is None else self._sample(input_shape)
        )
        rows = [
            (name, layer.summary_label(), shapes.get(name, "?"), f"{layer.num_parameters():,}")
            for name, layer in self._modules.items()
        ]
        total = self.num_parameters()
        trainable = self.num_parameters(trainable_only=True)
        return _table(self.name, rows, total, trainable)

    def sample_input_shape(self) -> tuple[int, ...] | None:
        first = next(iter(self._modules.values()), None)
        return None if first is None else first.sample_input_shape()

    def _sample(self, input_shape: Any) -> tuple[int, ...]:
        """``input_shape`` checked: an int or a tuple of ints >= 0, of a modest size."""
        if isinstance(input_shape, (int, np.integer)) and not isinstance(input_shape, bool):
            input_shape = (input_shape,)
        if not isinstance(input_shape, (tuple, list)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0
            for n in input_shape
        ):
            raise TypeError(
                "Sequential.summary: input_shape must be the shape of one sample, a tuple of "
                f"ints >= 0 without the batch axis (such as (784,)), got {input_shape!r}"
            )
        if math.prod(input_shape) > SUMMARY_MAX_SAMPLE:
            raise ValueError(
                f"Sequential.summary: input_shape={tuple(input_shape)} holds "
                f"{math.prod(input_shape):,} numbers per sample, more than the dry run allows "
                f"({SUMMARY_MAX_SAMPLE:,}); is it the shape of one sample?"
            )
        return tuple(int(n) for n in input_shape)

    def _output_shapes(self, sample: tuple[int, ...] | None) -> dict[str, str]:
        """Each layer's output shape (batch axis shown as None) in a dry run on one sample."""
        if sample is None:
            return {}
        shapes: dict[str, str] = {}

        def record(name: str) -> Any:
            return lambda module, args, out: shapes.__setitem__(name, str((None, *out.shape[1:])))

        handles = [layer.register_forward_hook(record(n)) for n, layer in self._modules.items()]
        dtype = self.input_dtype(np.dtype(np.float32)) if self.casts_input else np.int64
        try:
            with temporary_mode(self, training=False), no_grad():
                self(np.zeros((1, *sample), dtype=dtype))
        except ShapeError as error:
            raise ShapeError(
                f"Sequential.summary(input_shape={sample}): the dry run on a sample of that "
                f"shape failed: {error}"
            ) from error
        finally:
            for handle in handles:
                handle.remove()
        return shapes

    def output_layer(self) -> tuple[str, Module]:
        if not self._modules:
            return "", self
        key, last = next(reversed(self._modules.items()))
        inner, layer = last.output_layer()
        return (f"{key}.{inner}" if inner else key), layer

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        for child_name, layer in self._modules.items():
            x = layer.to_onnx(graph, x, f"{name}.{child_name}" if name else child_name)
        return x


def _table(name: str, rows: Iterable[tuple[str, str, str, str]], total: int, trainable: int) -> str:
    rows = list(rows)
    widths = [max(3, *(len(r[0]) for r in rows)) if rows else 3]
    widths.append(max([len("Layer")] + [len(r[1]) for r in rows]))
    widths.append(max([len("Output shape")] + [len(r[2]) for r in rows]))
    widths.append(max([len("Params")] + [len(r[3]) for r in rows]))
    width = sum(widths) + 8

    def line(cells: tuple[str, str, str, str]) -> str:
        return (
            f" {cells[0]:<{widths[0]}} {cells[1]:<{widths[1]}}  "
            f"{cells[2]:<{widths[2]}}  {cells[3]:>{widths[3]}}"
        )

    out = [
        f'Model: "{name}"',
        "─" * width,
        line(("#", "Layer", "Output shape", "Params")),
        "═" * width,
    ]
    out += [line(r) for r in rows]
    out += [
        "═" * width,
        f"Total params: {total:,}",
        f"Trainable params: {trainable:,}",
        f"Non-trainable params: {total - trainable:,}",
    ]
    return "\n".join(out)
