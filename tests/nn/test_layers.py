import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.nn import init
from tests.helpers import check_layer


def test_classic_linear_plus_bias_check():
    w = np.array([[2, 3, 4], [4, 5, 6]], dtype=np.float64)
    b = np.array([1, 2, 3], dtype=np.float64)
    model = nn.Sequential(
        [
            nn.Linear(2, 3, bias=False, weight_init=init.Constant(w)),
            nn.Bias(3, init=init.Constant(b)),
        ]
    )
    out = model(np.array([[3, -7], [-3, 7]]))
    np.testing.assert_array_equal(out.numpy(), [[-21, -24, -27], [23, 28, 33]])


@pytest.mark.parametrize(
    "layer, input_shape, output_shape, count",
    [
        (nn.Linear(3, 2, rng=0), (4, 3), (4, 2), 8),
        (nn.Linear(3, 2, bias=False, rng=0), (2, 5, 3), (2, 5, 2), 6),
        (nn.Bias(3, init=init.Normal(0.0, 1.0)), (2, 3), (2, 3), 3),
        (nn.Dense(3, 4, "tanh", rng=0), (5, 3), (5, 4), 16),
        (nn.Dense(3, 4, "sigmoid", rng=0), (5, 3), (5, 4), 16),
        (nn.Dense(3, 4, "softmax", rng=0), (5, 3), (5, 4), 16),
        (nn.Dense(3, 4, "gelu", rng=0), (5, 3), (5, 4), 16),
        (nn.Flatten(), (2, 3, 4), (2, 12), 0),
        (nn.BatchNorm1d(3), (6, 3), (6, 3), 6),
        (nn.BatchNorm1d(3), (4, 3, 2), (4, 3, 2), 6),
        (nn.Sequential(nn.Linear(3, 5, rng=0), nn.ELU(), nn.Linear(5, 2, rng=1)), (4, 3), (4, 2), 32),
    ],
    ids=["linear", "linear-3d-nobias", "bias", "dense-tanh", "dense-sigmoid", "dense-softmax",
         "dense-gelu", "flatten", "batchnorm", "batchnorm-3d", "sequential"],
)  # fmt: skip
def test_layers_end_to_end(layer, input_shape, output_shape, count):
    check_layer(layer, input_shape, output_shape, count)


@pytest.mark.parametrize(
    "activation",
    [nn.ReLU(), nn.LeakyReLU(0.2), nn.ELU(), nn.GELU(), nn.GELU("tanh"), nn.Sigmoid(), nn.Tanh(),
     nn.Softmax(), nn.LogSoftmax(), nn.Softplus(), nn.Identity(), nn.Sin()],
    ids=lambda m: repr(m),
)  # fmt: skip
def test_activation_modules(activation):
    gn.check_layer_gradients(activation, (3, 4), samples=2)


def test_dense_activation_names_and_errors():
    for name, kind in [("relu", nn.ReLU), ("id", nn.Identity), ("linear", nn.Identity),
                       (None, nn.Identity), ("leaky_relu", nn.LeakyReLU), ("elu", nn.ELU)]:  # fmt: skip
        assert isinstance(nn.Dense(2, 2, activation=name).activation, kind)
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        nn.Dense(2, 2, activation="swishy")


def test_lazy_linear_and_dense_fix_their_input_size_at_the_first_call():
    dense = nn.Dense(4, activation="relu")
    assert dense.num_parameters() == 0
    assert dense(np.ones((2, 7))).shape == (2, 4)
    assert dense.in_features == 7 and dense.num_parameters() == 7 * 4 + 4
    linear = nn.Linear(None, 3)
    model = nn.Sequential(linear)
    model(np.ones((2, 5)))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    with pytest.raises(gn.ShapeError, match="in_features=5"):
        model(np.ones((2, 6)))


def test_wrong_input_width_names_the_layer_and_both_sizes():
    with pytest.raises(
        gn.ShapeError,
        match=r"Linear\(in_features=784\) got input of shape \(32, 785\): last axis must be 784",
    ):
        nn.Linear(784, 10)(np.ones((32, 785)))
    with pytest.raises(gn.ShapeError, match=r"Bias\(n=3\)"):
        nn.Bias(3)(np.ones((2, 4)))
    with pytest.raises(gn.ShapeError, match=r"BatchNorm1d\(num_features=3\)"):
        nn.BatchNorm1d(3)(np.ones((2, 4)))


def test_linear_default_init_matches_pytorch_bounds():
    layer = nn.Linear(400, 300, rng=0)
    bound = 1 / np.sqrt(400)
    assert np.abs(layer.weight.numpy()).max() <= bound and np.abs(layer.bias.numpy()).max() <= bound
    assert layer.weight.shape == (300, 400) and layer.weight.numpy().std() > 0.9 * bound / np.sqrt(
        3
    )


def test_dropout_train_and_eval():
    drop = nn.Dropout(0.25, rng=0)
    x = np.ones((200, 100))
    y = drop(x).numpy()
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.75])  # kept values scaled by 1/(1-p)
    assert abs((y == 0).mean() - 0.25) < 0.02
    np.testing.assert_array_equal(drop.eval()(x).numpy(), x)
    with pytest.raises(ValueError, match="p must be"):
        nn.Dropout(1.0)


def test_dropout_gradient_follows_its_mask():
    drop = nn.Dropout(0.5, rng=1)
    x = gn.tensor(np.ones((4, 5)), requires_grad=True)
    y = drop(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, y.numpy())


def test_batchnorm_running_statistics_follow_pytorch():
    bn = nn.BatchNorm1d(2, momentum=0.1)
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]])
    bn(x)
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-6)
    bn.eval()
    expected = (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-5)
    np.testing.assert_allclose(bn(x).numpy(), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="more than one value"):
        bn.train()(np.ones((1, 2)))


def test_embedding_looks_up_rows_and_accumulates_repeats():
    emb = nn.Embedding(5, 3, rng=0)
    idx = np.array([[1, 1], [4, 0]])
    out = emb(idx)
    np.testing.assert_array_equal(out.numpy()[0, 0], emb.weight.numpy()[1])
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad[:, 0], [1, 2, 0, 0, 1])
    with pytest.raises(
        IndexError, match=r"got index 5 at position \(1,\): indices must be in \[0, 5\)"
    ):
        emb(np.array([0, 5]))
    with pytest.raises(TypeError, match="integer"):
        emb(np.array([0.5]))


def test_sequential_backward_equals_composing_the_layers_by_hand():
    layers = [nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1)]
    model = nn.Sequential(layers)
    x = np.random.default_rng(0).standard_normal((5, 3))
    dy = np.random.default_rng(1).standard_normal((5, 2))
    out = model.forward(x)
    dx = model.backward(dy)
    whole = {n: g.copy() for n, g in model.gradients().items()}

    model.zero_grad()
    h = x
    for layer in layers:
        h = layer.forward(h.numpy() if isinstance(h, gn.Tensor) else h)
    grad = dy
    for layer in reversed(layers):
        grad = layer.backward(grad)
    np.testing.assert_allclose(h.numpy(), out.numpy())
    np.testing.assert_allclose(grad, dx, rtol=1e-5)
    for name, g in model.gradients().items():
        np.testing.assert_allclose(g, whole[name], rtol=1e-5, err_msg=name)


def test_sequential_container_protocol():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    model.append(nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[-1], nn.Linear)
    assert isinstance(model[:2], nn.Sequential) and len(model[:2]) == 2
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(TypeError, match="Modules"):
        model.append("relu")


def test_summary_of_a_four_layer_model():
    model = nn.Sequential(
        [nn.Dense(784, 128, "relu"), nn.Dropout(0.2), nn.Dense(128, 64, "relu"), nn.Dense(64, 10)],
        name="mnist_mlp",
    )
    table = model.summary()
    lines = table.splitlines()
    assert lines[0] == 'Model: "mnist_mlp"'
    assert "Dense(784 -> 128, activation=ReLU)" in table and "(None, 128)" in table
    assert "Dropout(p=0.2)" in lines[5] and "(None, 128)" in lines[5]
    assert lines[-3] == "Total params: 109,386"
    assert lines[-2] == "Trainable params: 109,386" and lines[-1] == "Non-trainable params: 0"
    model(np.ones((2, 784)))
    assert "(None, 10)" in model.summary()


def test_flatten_unflatten_and_dropout_take_pytorch_arguments():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert nn.Flatten(0, 1)(x).shape == (6, 4) and nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(-2)(x).shape == (2, 12)
    assert nn.Unflatten(1, (2, 6))(np.ones((3, 12))).shape == (3, 2, 6)
    assert nn.Unflatten(-1, (-1, 3))(np.ones((3, 12))).shape == (3, 4, 3)
    with pytest.raises(gn.ShapeError, match=r"cannot be split into \(5, 3\)"):
        nn.Unflatten(1, (5, 3))(np.ones((3, 12)))
    with pytest.raises(ValueError, match="at most one -1"):
        nn.Unflatten(1, (-1, -1))
    drop = nn.Dropout(0.5, inplace=True)
    assert repr(drop) == "Dropout(p=0.5, inplace=True)" and drop.eval()(x).shape == x.shape
    with pytest.raises(TypeError, match="pass the generator as rng="):
        nn.Dropout(0.5, 0)
