"""model.save / keras.models.load_model / save_weights / load_weights."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import keras
from glassnet.errors import FileFormatError


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def trained(optimizer="adam"):
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(6, "relu"), keras.layers.Dense(2)]
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(*data(), epochs=2, batch_size=8, verbose=0, shuffle=False)
    return model


@pytest.mark.parametrize("suffix", [".keras", ".h5", ".safetensors"])
def test_load_model_returns_the_compiled_model_that_continues_identically(tmp_path, suffix):
    model = trained()
    path = tmp_path / f"model{suffix}"
    model.save(path)
    loaded = keras.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 10
    assert loaded.evaluate(*data(), verbose=0) == model.evaluate(*data(), verbose=0)
    model.fit(*data(), epochs=1, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(*data(), epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)  # the Adam moments came back too


def test_load_model_with_a_glassnet_optimizer_and_uncompiled(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(gn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), "mse")
    model.fit(*data(), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.optimizer, gn.optim.SGD)
    assert loaded.optimizer.param_groups[0]["momentum"] == 0.9
    bare = keras.models.load_model(tmp_path / "m.keras", compile=False)
    with pytest.raises(RuntimeError, match="call compile"):
        bare.evaluate(*data())


def test_save_weights_and_load_weights(tmp_path):
    model = trained()
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(6, "relu"), keras.layers.Dense(2)]
    )
    other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    smaller = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(5)])
    with pytest.raises(FileFormatError, match="shape"):
        smaller.load_weights(tmp_path / "w.weights.h5")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save_weights(tmp_path / "w.weights.h5", overwrite=False)


def test_glassnet_load_names_a_keras_file(tmp_path):
    trained().save(tmp_path / "m.keras")
    with pytest.raises(FileFormatError, match="keras_model"):
        gn.load(tmp_path / "m.keras")
