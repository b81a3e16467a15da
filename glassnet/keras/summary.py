"""``model.summary()`` as Keras prints it: name (type), output shape, parameter count, then
the totals (trainable weights, and non-trainable ones: frozen weights and moving statistics)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.keras.layers import layer_weights


def _size(count: int, nbytes: int) -> str:
    units = ["B", "KB", "MB", "GB"]
    value, unit = float(nbytes), 0
    while value >= 1024 and unit < len(units) - 1:
        value, unit = value / 1024, unit + 1
    return f"{count:,} ({value:.2f} {units[unit]})"


def keras_summary(model: Any, line_length: int = 65, input_shape: Any = None) -> str:
    """The summary's text.

    Examples:
        >>> from glassnet import keras
        >>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
        >>> print(keras_summary(model))  # doctest: +NORMALIZE_WHITESPACE
        Model: "sequential"
        _________________________________________________________________
         Layer (type)                Output Shape              Param #
        =================================================================
         dense (Dense)               (None, 2)                 10
        =================================================================
        Total params: 10 (40.00 B)
        Trainable params: 10 (40.00 B)
        Non-trainable params: 0 (0.00 B)
        _________________________________________________________________
    """
    sample = model.sample_input_shape() if input_shape is None else model._sample(input_shape)
    try:
        shapes = model._output_shapes(sample)
    except Exception:  # an unbuilt or unusual model: the table shows "?" rather than failing
        shapes = {}
    positions = [int(line_length * p) for p in (0.45, 0.85, 1.0)]

    def row(cells: tuple[str, str, str]) -> str:
        line = ""
        for cell, end in zip(cells, positions):
            line = (line + " " + cell)[:end].ljust(end)
        return line.rstrip()

    lines = [f'Model: "{model.name}"', "_" * line_length]
    lines += [row(("Layer (type)", "Output Shape", "Param #")), "=" * line_length]
    trainable = frozen = 0
    trainable_bytes = frozen_bytes = 0
    for key, layer in model._modules.items():
        count = sum(int(np.prod(w.shape)) for w in layer_weights(layer))
        label = f"{getattr(layer, 'name', key)} ({layer.summary_label()})"
        lines.append(row((label, shapes.get(key, "?"), str(count))))
        for p in layer.parameters():
            if p.requires_grad:
                trainable, trainable_bytes = (
                    trainable + p.data.size,
                    trainable_bytes + p.data.nbytes,
                )
            else:
                frozen, frozen_bytes = frozen + p.data.size, frozen_bytes + p.data.nbytes
        for _, buffer in layer.named_buffers():
            if np.asarray(buffer).dtype.kind == "f":
                frozen, frozen_bytes = frozen + buffer.size, frozen_bytes + buffer.nbytes
    lines += [
        "=" * line_length,
        f"Total params: {_size(trainable + frozen, trainable_bytes + frozen_bytes)}",
        f"Trainable params: {_size(trainable, trainable_bytes)}",
        f"Non-trainable params: {_size(frozen, frozen_bytes)}",
        "_" * line_length,
    ]
    return "\n".join(lines)
