"""keras.Sequential: building, layers, weights, summary, compile/fit/evaluate/predict."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import keras, nn
from glassnet.errors import ShapeError


def model_with_input():
    return keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def test_input_builds_weights_and_names_layers():
    model = model_with_input()
    assert [layer.name for layer in model.layers] == ["dense", "dropout", "dense_1"]
    assert [w.shape for w in model.get_weights()] == [(4, 8), (8,), (8, 3), (3,)]
    assert model.get_layer("dense_1") is model.layers[2]
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        model.get_layer("nope")


def test_input_shape_argument_and_add_pop():
    model = keras.Sequential()
    model.add(keras.layers.Dense(5, input_shape=(3,), name="hidden"))
    model.add(keras.layers.Activation("tanh"))
    model.add(keras.layers.Dense(2))
    assert [w.shape for w in model.get_weights()] == [(3, 5), (5,), (5, 2), (2,)]
    popped = model.pop()
    assert isinstance(popped, keras.layers.Dense) and len(model.layers) == 2
    assert model(np.ones((1, 3))).shape == (1, 5)
    with pytest.raises(ValueError, match="already in"):
        model.add(keras.layers.Dense(2, name="hidden"))


def test_get_weights_are_copies_and_set_weights_checks():
    model = model_with_input()
    weights = model.get_weights()
    weights[0][...] = 7.0
    assert not np.any(model.get_weights()[0] == 7.0)
    model.set_weights(weights)
    np.testing.assert_array_equal(model.get_weights()[0], 7.0)
    x = np.ones((2, 4), np.float32)
    kernel, bias = weights[0], weights[1]
    hidden = np.maximum(x @ kernel + bias, 0)  # Keras' kernel is (in, units)
    logits = hidden @ weights[2] + weights[3]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="4 weight arrays, got 3"):
        model.set_weights(weights[:3])
    with pytest.raises(ShapeError, match=r"\(4, 8\)"):
        model.set_weights([np.zeros((8, 4)), *weights[1:]])


def test_summary_prints_keras_table():
    lines = []
    model_with_input().summary(print_fn=lines.append)
    text = lines[0]
    assert text.startswith('Model: "sequential"')
    assert " dense (Dense)" in text and "(None, 8)" in text and "40" in text
    assert "dropout (Dropout)" in text
    assert "Total params: 67 " in text and "Non-trainable params: 0 " in text


def test_batch_normalization_weights_in_keras_order():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.BatchNormalization()])
    gamma, _, _, var = model.get_weights()
    np.testing.assert_array_equal(gamma, 1)
    np.testing.assert_array_equal(var, 1)
    lines = []
    model.summary(print_fn=lines.append)
    assert "Non-trainable params: 6 " in lines[0]
    x = np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 6.0]], np.float32)
    model.train()
    out = model(x).numpy()
    centered = x - x.mean(axis=0)
    np.testing.assert_allclose(out, centered / np.sqrt(x.var(axis=0) + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[2], 0.01 * x.mean(axis=0), rtol=1e-5)


def test_compile_fit_evaluate_predict_like_keras():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    model = model_with_input()
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        learning_rate=0.01,
    )
    assert model.optimizer.learning_rate == 0.01
    history = model.fit(X, y, batch_size=16, epochs=3, verbose=0, validation_split=0.2, rng=0)
    assert history.epoch == [0, 1, 2] and model.history is history
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    again = model.fit(X, y, epochs=1, verbose=0)
    assert again.epoch == [3] and len(again.history["loss"]) == 1  # this call's epochs only
    loss, accuracy = model.evaluate(X, y, verbose=0)
    assert 0 <= accuracy <= 1 and loss > 0
    assert model.evaluate(X, y, return_dict=True) == {"loss": loss, "accuracy": accuracy}
    assert model.predict(X, verbose=0).shape == (60, 3)


def test_compile_by_name_uses_keras_defaults_and_objects_pass():
    model = model_with_input()
    model.compile("sgd", "mse")
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert model.optimizer.learning_rate == 0.01  # Keras' SGD default, not PyTorch's
    with pytest.raises(ValueError, match="unknown optimizer 'nadamx'"):
        model.compile("nadamx", "mse")
    with pytest.raises(TypeError, match="learning_rate= applies"):
        model.compile(keras.optimizers.Adam(), "mse", learning_rate=0.1)


def test_keras_layers_do_not_replace_nn_layers_in_saved_files():
    assert keras.layers.Dense.type_name() == "keras.Dense"
    assert nn.Module.find_type("Dense") is nn.Dense
    assert nn.Module.find_type("keras.Dense") is keras.layers.Dense


def test_input_shape_errors_name_the_shape():
    with pytest.raises(ShapeError, match="None is not supported"):
        keras.Input(shape=(None, 3))
    with pytest.raises(ValueError, match="only come first"):
        keras.Sequential([keras.layers.Dense(2), keras.Input(shape=(2,))])


def test_set_random_seed_repeats_python_numpy_and_glassnet_draws():
    import random

    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        legacy = np.random.rand()  # noqa: NPY002  (the generator Keras users draw from)
        draws.append((random.random(), legacy, gn.rand(3).numpy().tolist()))
    assert draws[0] == draws[1]
    with pytest.raises((TypeError, ValueError), match="seed"):
        keras.utils.set_random_seed(-1)
