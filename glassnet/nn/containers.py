"""``Sequential``: layers applied one after another, with a Keras-like ``summary()``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from glassnet.autograd import no_grad
from glassnet.nn.module import Module, temporary_mode


class Sequential(Module):
    """Apply layers in order: ``Sequential([l1, l2, ...], name=...)`` or ``Sequential(l1, l2)``.

    Parameters are named by position: ``"0.weight"``, ``"2.linear.bias"``.

    Examples:
        >>> from glassnet import nn
        >>> model = nn.Sequential([nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Dense(8, 2, rng=1)],
        ...                       name="tiny")
        >>> model(np.ones((5, 4))).shape
        (5, 2)
        >>> list(dict(model.named_parameters()))
        ['0.weight', '0.bias', '2.linear.weight', '2.linear.bias']
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
        self.name = name or "sequential"
        for layer in layers:
            self.append(layer)

    @property
    def casts_input(self) -> bool:  # type: ignore[override]
        """Inputs are cast as the first layer would cast them (an Embedding takes indices)."""
        first = next(iter(self._modules.values()), None)
        return True if first is None else first.casts_input

    def append(self, layer: Module) -> Sequential:
        """Add a layer at the end."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential holds Modules, got {type(layer).__name__}")
        setattr(self, str(len(self._modules)), layer)
        return self

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x

    def get_config(self) -> dict[str, Any]:
        return {"layers": list(self._modules.values()), "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        return cls(config["layers"], name=config.get("name"))

    def __getitem__(self, index: int | slice) -> Any:
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(layers[index], name=self.name)
        return layers[index]

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
        shapes = self._output_shapes(input_shape or self.sample_input_shape())
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
        finally:
            for handle in handles:
                handle.remove()
        return shapes

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
