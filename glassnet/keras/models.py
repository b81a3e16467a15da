"""``keras.Sequential``: glassnet's Sequential with Keras' model API.

Keras habits work as written: ``Sequential([Input(shape=(4,)), Dense(8, "relu"), Dense(3)])``,
``model.add``/``pop``, ``model.layers``, ``get_layer(name)``, ``summary(print_fn=)``,
``get_weights``/``set_weights``, ``compile(optimizer, loss, metrics)``, ``fit`` with Keras'
arguments (returning that call's History), ``evaluate`` returning ``loss`` or
``[loss, *metrics]``, ``predict``, ``save``/``save_weights``/``load_weights``, and
``keras.models.load_model`` returning the compiled model with its optimizer state.

Examples:
    >>> from glassnet import keras
    >>> model = keras.Sequential([
    ...     keras.Input(shape=(4,)),
    ...     keras.layers.Dense(8, activation="relu"),
    ...     keras.layers.Dense(3, activation="softmax"),
    ... ])
    >>> [layer.name for layer in model.layers]
    ['dense', 'dense_1']
    >>> [w.shape for w in model.get_weights()]
    [(4, 8), (8,), (8, 3), (3,)]
    >>> _ = model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
    ...                   metrics=["accuracy"])
    >>> X, y = np.random.default_rng(0).normal(size=(32, 4)), np.arange(32) % 3
    >>> history = model.fit(X, y, epochs=2, batch_size=8, verbose=0)
    >>> sorted(history.history)
    ['accuracy', 'loss']
    >>> loss, accuracy = model.evaluate(X, y, verbose=0)
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from glassnet import nn
from glassnet.autograd import no_grad
from glassnet.keras import optimizers
from glassnet.keras.layers import InputSpec, layer_weights, set_layer_weights
from glassnet.nn.module import Module, temporary_mode
from glassnet.train.history import History


class Sequential(nn.Sequential):
    """A stack of layers, with Keras' model methods (see the module docstring).

    Args:
        layers: a list of layers, optionally starting with ``keras.Input(shape=...)``.
        name: the model's name ("sequential").
        input_shape: the shape of one sample (what a leading ``keras.Input`` gives).
    """

    input_shape_: tuple[int, ...] | None

    def __init__(
        self, layers: Any = None, name: str | None = None, input_shape: Any = None
    ) -> None:
        super().__init__(name=name or "sequential")
        object.__setattr__(self, "input_shape_", None)
        object.__setattr__(self, "history", None)
        if input_shape is not None:
            object.__setattr__(self, "input_shape_", InputSpec(input_shape).shape)
        if isinstance(layers, Module):
            layers = [layers]
        for layer in layers or []:
            self.add(layer)

    @classmethod
    def type_name(cls) -> str:
        return "keras.Sequential"

    # ----------------------------------------------------------------- layers
    def add(self, layer: Any) -> None:
        """Add a layer at the end (or a ``keras.Input`` first, which fixes the input shape)."""
        if isinstance(layer, InputSpec):
            if len(self):
                raise ValueError("keras.Sequential.add: an Input can only come first")
            object.__setattr__(self, "input_shape_", layer.shape)
            return
        layer = self._check_layer(layer)
        shape = getattr(layer, "keras_input_shape", None)
        if shape is not None and not len(self) and self.input_shape_ is None:
            object.__setattr__(self, "input_shape_", shape)
        if not isinstance(getattr(layer, "name", None), str):
            object.__setattr__(layer, "name", None)
        taken = {getattr(other, "name", None) for other in self}
        if layer.name is None:
            base = re.sub(r"(?<!^)(?=[A-Z])", "_", type(layer).__name__).lower()
            base = {"batch_norm1d": "batch_normalization"}.get(base, base)
            name, n = base, 0
            while name in taken:
                n += 1
                name = f"{base}_{n}"
            object.__setattr__(layer, "name", name)
        elif layer.name in taken:
            raise ValueError(f"keras.Sequential.add: a layer named {layer.name!r} is already in")
        self.append(layer)
        self.build()

    def pop(self) -> Module:
        """Remove the last layer and return it."""
        if not len(self):
            raise IndexError("keras.Sequential.pop: the model has no layers")
        last = self[-1]
        del self[-1]
        return last

    def build(self, input_shape: Any = None) -> None:
        """Make every layer's weights now, from one sample's shape (Keras' ``build``)."""
        if input_shape is not None:
            shape = tuple(input_shape)
            object.__setattr__(
                self, "input_shape_", InputSpec(shape[1:] if shape[0] is None else shape).shape
            )
        if self.input_shape_ is None or not len(self):
            return
        with temporary_mode(self, training=False), no_grad():
            self(np.zeros((1, *self.input_shape_), dtype=np.float32))

    @property
    def layers(self) -> list[Module]:
        """The layers in order (a keras.Input is not a layer, as in Keras)."""
        return list(self)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Module:
        """The layer called ``name`` (or at ``index``).

        Raises:
            ValueError: no layer has that name (the names are listed).
        """
        if index is not None:
            return self[index]
        for layer in self:
            if getattr(layer, "name", None) == name:
                return layer
        names = [getattr(layer, "name", None) for layer in self]
        raise ValueError(f"get_layer: no layer named {name!r}; the layers are {names}")

    def sample_input_shape(self) -> tuple[int, ...] | None:
        return self.input_shape_ or super().sample_input_shape()

    # ----------------------------------------------------------------- weights
    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight array, layer by layer in Keras' order (kernel, bias; BN's
        gamma, beta, moving mean, moving variance)."""
        return [array for layer in self for array in layer_weights(layer)]

    def set_weights(self, weights: list[Any]) -> None:
        """Set every weight from a list such as ``get_weights()`` returns.

        Raises:
            ValueError / ShapeError: a list of another length, or an array of another shape.
        """
        weights = list(weights)
        counts = [len(layer_weights(layer)) for layer in self]
        if len(weights) != sum(counts):
            raise ValueError(
                f"set_weights: the model has {sum(counts)} weight arrays, got {len(weights)}"
            )
        start = 0
        for layer, count in zip(self, counts):
            set_layer_weights(layer, weights[start : start + count])
            start += count

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """The weights alone, in glassnet's format whatever the suffix (.weights.h5 too)."""
        from glassnet.keras.saving import save_weights

        save_weights(self, filepath, overwrite)

    def load_weights(self, filepath: str | os.PathLike) -> None:
        """Load weights saved by ``save_weights`` (or ``save``) into this model."""
        from glassnet.keras.saving import load_weights

        load_weights(self, filepath)

    def save(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """The model, its compile settings and its optimizer state in one file, in glassnet's
        format whatever the suffix (.keras and .h5 names too); ``keras.models.load_model``
        reads it back."""
        from glassnet.keras.saving import save_model

        save_model(self, filepath, overwrite)

    # ----------------------------------------------------------------- training
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        learning_rate: float | None = None,
        **glassnet_options: Any,
    ) -> Sequential:
        """Keras' compile: an optimizer object or name (Keras' defaults, e.g. SGD's 0.01),
        a loss object or name, metric names; ``learning_rate=`` sets a named optimizer's rate.
        A glassnet optimizer object (``optim.Adam(model.parameters())``) is used as it is."""
        if isinstance(optimizer, str):
            settings = {} if learning_rate is None else {"learning_rate": learning_rate}
            optimizer = optimizers.get(optimizer, **settings)
        elif learning_rate is not None:
            raise TypeError(
                "compile: learning_rate= applies to an optimizer given by name; an optimizer "
                "object takes it in its constructor"
            )
        super().compile(optimizer, loss, metrics, **glassnet_options)
        object.__setattr__(self, "compile_config", {"loss": loss, "metrics": metrics})
        return self

    @property
    def optimizer(self) -> Any:
        """The compiled optimizer (a keras.optimizers object, or the glassnet one given)."""
        trainer = self.__dict__.get("_trainer")
        return None if trainer is None else trainer._optimizer_spec

    @property
    def stop_training(self) -> bool:
        trainer = self.__dict__.get("_trainer")
        return bool(trainer and trainer.stop_training)

    @stop_training.setter
    def stop_training(self, value: bool) -> None:
        self._compiled().stop_training = bool(value)

    def fit(  # type: ignore[override]
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        **glassnet_options: Any,
    ) -> History:
        """Keras' fit, in Keras' argument order; returns this call's History (also
        ``model.history``). ``verbose``: "auto"/1 a progress bar, 2 a line per epoch, 0 nothing.
        glassnet's own options (``rng=``, ``checkpoint_dir=``) pass through."""
        before = len(self._compiled().history.epoch)
        self._compiled().fit(
            x,
            y,
            epochs=epochs,
            batch_size=32 if batch_size is None else batch_size,
            shuffle=shuffle,
            validation_data=validation_data,
            validation_split=validation_split,
            callbacks=callbacks or (),
            verbose=1 if verbose == "auto" else verbose,
            class_weight=class_weight,
            sample_weight=sample_weight,
            initial_epoch=initial_epoch,
            **glassnet_options,
        )
        full = self._compiled().history
        history = History()
        for i in range(before, len(full.epoch)):
            history.append(full.epoch[i], {k: v[i] for k, v in full.history.items()})
        history.model = self  # type: ignore[attr-defined]
        object.__setattr__(self, "history", history)
        return history

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        return_dict: bool = False,
    ) -> Any:
        """The loss alone without metrics, else ``[loss, *metrics]``; a dict with
        ``return_dict=True``. Batches of 32 unless ``batch_size`` says otherwise."""
        return super().evaluate(
            x, y, batch_size=32 if batch_size is None else batch_size, return_dict=return_dict
        )

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto") -> np.ndarray:
        """Outputs for ``x`` as a NumPy array (eval mode, no graph)."""
        return super().predict(x, batch_size=32 if batch_size is None else batch_size)

    # ----------------------------------------------------------------- display and saving
    def summary(  # type: ignore[override]
        self, line_length: int | None = None, print_fn: Any = None, input_shape: Any = None
    ) -> None:
        """Print the layers (name and type, output shape, weights) and the totals, as Keras
        prints them; ``print_fn`` receives the text instead of ``print``."""
        from glassnet.keras.summary import keras_summary

        text = keras_summary(self, line_length or 65, input_shape)
        (print_fn or print)(text)

    def get_config(self) -> dict[str, Any]:
        return {"layers": list(self), "name": self.name, "input_shape": self.input_shape_}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        shape = config.get("input_shape")
        return cls(config["layers"], name=config.get("name"), input_shape=shape)


def load_model(filepath: str | os.PathLike, compile: bool = True) -> Sequential:
    """A model saved by ``model.save`` (compiled, with its optimizer state, unless
    ``compile=False``), or a model file written by ``glassnet.save``."""
    from glassnet.keras.saving import load_model as load

    return load(filepath, compile)


__all__ = ["Sequential", "load_model"]
