"""Keras' layers with Keras' constructor arguments, built on glassnet's own (``nn``).

``Dense(units, activation, use_bias, kernel_initializer, bias_initializer, input_shape=)`` is an
``nn.Dense``; ``Dropout(rate)``, ``Flatten()``, ``Activation(name)``, ``BatchNormalization()``
likewise. ``Input(shape=)`` (also ``keras.Input``) only states the shape of one sample: given
first to a ``keras.Sequential`` it builds every layer's weights at once, as in Keras, so
``summary()`` and ``get_weights()`` work before training.

Every layer has a ``name`` ("dense", "dense_1", ... given by the model when not by you).

Examples:
    >>> from glassnet import keras
    >>> layer = keras.layers.Dense(3, activation="relu", input_shape=(4,))
    >>> [w.shape for w in layer.get_weights()]  # Keras' kernel (in, units), then the bias
    [(4, 3), (3,)]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import nn
from glassnet.arguments import check_int
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor


class InputSpec:
    """What ``keras.Input(shape=(784,))`` returns: the shape of one sample (no batch axis).

    Examples:
        >>> from glassnet import keras
        >>> keras.Input(shape=(28, 28)).shape
        (28, 28)
    """

    def __init__(self, shape: Any, batch_size: int | None = None, name: str | None = None) -> None:
        if isinstance(shape, (int, np.integer)):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape
        ):
            raise ShapeError(
                "keras.Input: shape must be the shape of one sample, a tuple of positive ints "
                f"without the batch axis (such as (784,)); got {shape!r} (glassnet needs every "
                "size known: None is not supported)"
            )
        self.shape = tuple(int(n) for n in shape)
        self.batch_size = batch_size
        self.name = name

    def __repr__(self) -> str:
        return f"Input(shape={self.shape})"


def Input(shape: Any, batch_size: int | None = None, name: str | None = None) -> InputSpec:
    """``keras.Input(shape=(784,))``: the shape of one sample, given first to a Sequential."""
    return InputSpec(shape, batch_size, name)


class KerasLayer:
    """What the Keras layers share: a ``name``, an optional ``input_shape``, weights as
    lists of NumPy arrays, and a type name of their own in saved files."""

    name: str | None = None
    keras_input_shape: tuple[int, ...] | None = None

    @classmethod
    def type_name(cls) -> str:
        return f"keras.{cls.__name__}"  # "keras.Dense", never confused with nn.Dense

    def _keras_setup(self, name: Any, input_shape: Any) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}")
        object.__setattr__(self, "name", name)
        if input_shape is not None:
            object.__setattr__(self, "keras_input_shape", InputSpec(input_shape).shape)

    def summary_label(self) -> str:
        return type(self).__name__  # Keras shows the bare type: "dense (Dense)"

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights, parameters then buffers (Keras' order for Dense, BN)."""
        return layer_weights(self)

    def set_weights(self, weights: list[Any]) -> None:
        set_layer_weights(self, weights)


def layer_weights(layer: Any) -> list[np.ndarray]:
    """A layer's weights as NumPy copies: parameters, then float buffers (moving statistics)."""
    arrays = [np.array(p.data) for p in layer.parameters()]
    return arrays + [
        np.array(b) for _, b in layer.named_buffers() if np.asarray(b).dtype.kind == "f"
    ]


def set_layer_weights(layer: Any, weights: list[Any]) -> None:
    """Assign ``weights`` (as ``layer_weights`` lists them) in place, checking count and shapes."""
    targets = [p.data for p in layer.parameters()]
    targets += [b for _, b in layer.named_buffers() if np.asarray(b).dtype.kind == "f"]
    if len(weights) != len(targets):
        raise ValueError(
            f"set_weights: layer {getattr(layer, 'name', type(layer).__name__)!r} has "
            f"{len(targets)} weight arrays, got {len(weights)}"
        )
    for i, (target, value) in enumerate(zip(targets, weights)):
        value = np.asarray(value)
        if value.shape != target.shape:
            raise ShapeError(
                f"set_weights: weight {i} of layer {getattr(layer, 'name', '?')!r} has shape "
                f"{target.shape}, got {value.shape}"
            )
    for target, value in zip(targets, weights):
        target[...] = value
    for p in layer.parameters():
        from glassnet.autograd import graph

        graph.bump_version(p)


class Dense(KerasLayer, nn.Dense):
    """``activation(x @ kernel + bias)`` with Keras' arguments; the input size comes from
    ``input_shape``/``input_dim``, from a ``keras.Input`` before it, or from the first call.

    Examples:
        >>> from glassnet import keras
        >>> keras.layers.Dense(2, input_dim=3)(np.ones((1, 3))).shape
        (1, 2)
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        input_shape: Any = None,
        input_dim: int | None = None,
        name: str | None = None,
        rng: Any = None,
    ) -> None:
        units = check_int("Dense", "units", units)
        if input_dim is not None:
            input_shape = (check_int("Dense", "input_dim", input_dim),)
        self._keras_setup(name, input_shape)
        in_features = self.keras_input_shape[-1] if self.keras_input_shape else None
        super().__init__(
            in_features,
            units,
            activation,
            bias=use_bias,
            weight_init=kernel_initializer,
            bias_init=bias_initializer,
            rng=rng,
        )
        self.units = units
        self.use_bias = bool(use_bias)

    def get_config(self) -> dict[str, Any]:
        # the input size from the kernel, (in, units), rather than from nn.Dense's internals
        kernel = next(iter(self.parameters()), None)
        return {
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "input_dim": None if kernel is None else int(kernel.shape[0]),
            "name": self.name,
        }


class Dropout(KerasLayer, nn.Dropout):
    """Keras' ``Dropout(rate, seed=None)``: inverted dropout while training."""

    def __init__(self, rate: float, seed: Any = None, name: str | None = None) -> None:
        self._keras_setup(name, None)
        super().__init__(rate, rng=seed)

    def get_config(self) -> dict[str, Any]:
        return {"rate": self.p, "name": self.name}


class Flatten(KerasLayer, nn.Flatten):
    """Keras' ``Flatten()``: (N, d1, d2, ...) -> (N, d1 * d2 * ...)."""

    def __init__(self, input_shape: Any = None, name: str | None = None) -> None:
        self._keras_setup(name, input_shape)
        super().__init__(1)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}


class Activation(KerasLayer, nn.Module):
    """Keras' ``Activation("relu")``: an activation as a layer of its own."""

    def __init__(self, activation: Any, name: str | None = None) -> None:
        super().__init__()
        self._keras_setup(name, None)
        self.activation = nn.get_activation(activation)

    def forward(self, x: Tensor) -> Tensor:
        return self.activation(x)

    def get_config(self) -> dict[str, Any]:
        return {"activation": self.activation, "name": self.name}

    def output_layer(self) -> tuple[str, nn.Module]:
        return "activation", self.activation


class BatchNormalization(KerasLayer, nn.Module):
    """Keras' ``BatchNormalization(momentum=0.99, epsilon=1e-3)`` over the features of
    (N, C) inputs, made on the first call as ``nn.BatchNorm1d(C)``.

    Keras' ``momentum`` weighs the old moving statistics (PyTorch's is the new batch's share,
    so it is ``1 - momentum`` here). One difference, stated rather than hidden: the moving
    variance is updated with the unbiased batch variance, as PyTorch does (Keras uses the
    biased one), so moving variances differ by a factor N/(N-1) for batches of N.
    """

    def __init__(
        self,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        axis: int = -1,
        input_shape: Any = None,
        name: str | None = None,
        num_features: int | None = None,
    ) -> None:
        super().__init__()
        if axis not in (-1, 1):
            raise ValueError(
                f"BatchNormalization: glassnet normalizes the features of (N, C) inputs "
                f"(axis=-1); axis={axis} is not supported"
            )
        self._keras_setup(name, input_shape)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.norm: nn.BatchNorm1d | None = None
        features = num_features or (self.keras_input_shape or (None,))[-1]
        if features is not None:
            self._build(int(features))

    def _build(self, features: int) -> nn.BatchNorm1d:
        norm = nn.BatchNorm1d(features, eps=self.epsilon, momentum=1.0 - self.momentum)
        norm.train(self.training)  # made mid-call: in this layer's mode
        self.norm = norm
        return norm

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 2:
            raise ShapeError(
                f"BatchNormalization: glassnet's Keras layer takes (N, C) inputs, got shape "
                f"{tuple(x.shape)}"
            )
        norm = self.norm or self._build(int(x.shape[1]))
        return norm(x)

    def get_config(self) -> dict[str, Any]:
        return {
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "name": self.name,
            "num_features": None if self.norm is None else self.norm.num_features,
        }


__all__ = [
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputSpec",
]
