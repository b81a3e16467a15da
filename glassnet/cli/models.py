"""The models ``glassnet train --model`` builds: ``mlp``, ``cnn``, a text spec, or a Python file.

A text spec lists layers joined by ``-``; the output layer (one unit per class) is added:

- ``convN``: a 3x3 convolution to N channels (padding 1, so the size stays) and a ReLU
- ``pool``: 2x2 max-pooling (halves the height and width)
- ``fcN``: a hidden layer of N units and a ReLU (the first one flattens the images)
- ``dropP``: dropout with probability P (e.g. ``drop0.25``)

``cnn`` is ``conv16-pool-conv32-pool-fc128-drop0.25``; ``mlp:256,128`` is an MLP with those
hidden sizes. A path ending in ``.py`` names a file defining ``model`` or ``build_model()``.

Examples:
    >>> model = build_spec("conv8-pool-fc32", image=(1, 8, 8), classes=10)
    >>> model(np.zeros((2, 1, 8, 8), np.float32)).shape
    (2, 10)
    >>> [type(layer).__name__ for layer in build_spec("mlp:16", image=(1, 8, 8), classes=3)]
    ['Flatten', 'Dense', 'Dense']
"""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import numpy as np

from glassnet import nn
from glassnet.cli.checks import UsageError
from glassnet.nn.conv import Conv2d
from glassnet.nn.pooling import MaxPool2d

#: the default CNN, as examples/mnist_cnn.py trains it
CNN_SPEC = "conv16-pool-conv32-pool-fc128-drop0.25"

#: the CNN's default epochs per dataset (the MLP's are in datasets.py); measured in docs/cli.md
CNN_EPOCHS = {"mnist": 10, "fashion_mnist": 15}

MAX_UNITS = 1 << 16  # wider than this is a typo, not a model


class SpecError(UsageError):
    """A --model text that is not a model: the message names the part that is wrong."""


def mnist_cnn(in_channels: int = 1, classes: int = 10, size: int = 28) -> nn.Sequential:
    """Two stages of 3x3 convolution, ReLU and 2x2 max-pooling (16 then 32 channels), a hidden
    layer of 128 with dropout 0.25, and ``classes`` logits: 99% on MNIST.

    Examples:
        >>> mnist_cnn()(np.zeros((1, 1, 28, 28), np.float32)).shape
        (1, 10)
    """
    return build_spec(CNN_SPEC, image=(in_channels, size, size), classes=classes, name="cnn")


def _number(part: str, prefix: str, kind: type) -> float:
    try:
        value = kind(part[len(prefix) :])
    except ValueError:
        raise SpecError(f"{part!r}: expected {prefix} followed by a number") from None
    return value


def build_spec(
    spec: str, image: tuple[int, int, int], classes: int, name: str | None = None
) -> nn.Sequential:
    """The model a text spec describes (see the module docstring), for inputs of shape
    ``image`` (channels, height, width) and ``classes`` outputs."""
    text = spec.strip().lower()
    if text == "cnn":
        return build_spec(CNN_SPEC, image, classes, name or "cnn")
    if text == "mlp" or text.startswith("mlp:"):
        hidden = text[4:]
        layers: list[nn.Module] = [nn.Flatten()]
        width = int(np.prod(image))
        for part in filter(None, hidden.split(",")):
            units = int(_number(part, "", int))
            if not 0 < units <= MAX_UNITS:
                raise SpecError(f"mlp sizes must be between 1 and {MAX_UNITS}, got {part}")
            layers.append(nn.Dense(width, units, "relu"))
            width = units
        layers.append(nn.Dense(width, classes))
        return nn.Sequential(layers, name=name or "mlp")
    channels, height, width = image
    layers = []
    flat: int | None = None  # the feature count once flattened
    for part in text.split("-"):
        if part.startswith("conv"):
            if flat is not None:
                raise SpecError(f"{part!r}: a convolution cannot follow a fully connected layer")
            out = int(_number(part, "conv", int))
            if not 0 < out <= MAX_UNITS:
                raise SpecError(f"{part!r}: channels must be between 1 and {MAX_UNITS}")
            layers += [Conv2d(channels, out, 3, padding=1), nn.ReLU()]
            channels = out
        elif part == "pool":
            if flat is not None or min(height, width) < 2:
                raise SpecError(f"'pool' needs an image of at least 2x2, got {height}x{width}")
            layers.append(MaxPool2d(2))
            height, width = height // 2, width // 2
        elif part.startswith("fc"):
            units = int(_number(part, "fc", int))
            if not 0 < units <= MAX_UNITS:
                raise SpecError(f"{part!r}: units must be between 1 and {MAX_UNITS}")
            if flat is None:
                layers.append(nn.Flatten())
                flat = channels * height * width
            layers += [nn.Linear(flat, units), nn.ReLU()]
            flat = units
        elif part.startswith("drop"):
            p = _number(part, "drop", float)
            if not 0 <= p < 1:
                raise SpecError(f"{part!r}: the dropout probability must be in [0, 1)")
            layers.append(nn.Dropout(p))
        else:
            raise SpecError(
                f"{part!r} in {spec!r}: expected convN, pool, fcN or dropP (e.g. "
                f"'{CNN_SPEC}'), 'mlp:256,128', 'cnn', or a .py file"
            )
    if flat is None:
        layers.append(nn.Flatten())
        flat = channels * height * width
    layers.append(nn.Linear(flat, classes))  # logits: the loss applies the softmax itself
    return nn.Sequential(layers, name=name or "spec")


def uses_images(spec: str) -> bool:
    """Whether the model takes images (N, C, H, W) rather than flat feature vectors."""
    text = spec.strip().lower()
    return not (text == "mlp" or text.startswith("mlp:"))


def image_shape(features: int) -> tuple[int, int, int]:
    """(1, side, side) for square grey images flattened to ``features`` values."""
    side = math.isqrt(features)
    if side * side != features:
        raise SpecError(
            f"a convolutional model needs square images; this dataset has {features} features"
        )
    return (1, side, side)


def load_model_file(path: str) -> nn.Module:
    """The model a Python file defines: a module-level ``model`` or ``build_model()``."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise SpecError(f"{path}: no such file")
    namespace = runpy.run_path(str(file))
    if "build_model" in namespace and callable(namespace["build_model"]):
        model = namespace["build_model"]()
    elif "model" in namespace:
        model = namespace["model"]
    else:
        raise SpecError(f"{path}: defines neither 'model' nor 'build_model()'")
    if not isinstance(model, nn.Module):
        raise SpecError(f"{path}: its model is a {type(model).__name__}, not a glassnet Module")
    return model
