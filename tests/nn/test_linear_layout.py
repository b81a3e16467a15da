"""Linear holds PyTorch's (out, in) weight; Dense holds Keras' (in, out) kernel."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.nn import functional as F
from glassnet.ops.nn import DenseOp, LinearOp


def leaf(array):
    return gn.tensor(array, dtype="float64", requires_grad=True)


def test_linear_computes_x_times_weight_transposed_plus_bias():
    layer = nn.Linear(3, 2, rng=0).double()
    weight = np.arange(6.0).reshape(2, 3)
    layer.load_state_dict({"weight": weight, "bias": [1.0, -1.0]})  # as a PyTorch state_dict
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(layer(x).numpy(), [[0 + 2 + 6 + 1, 3 + 8 + 15 - 1]])
    assert layer.weight.shape == (2, 3) and layer(x).grad_fn.name() == "LinearOp"
    wide = nn.Linear(3, 8)  # a batch smaller than out_features takes the transposed product
    assert wide(np.ones((4, 3))).numpy().flags.c_contiguous


@pytest.mark.parametrize("x_shape", [(4, 3), (8, 3), (1, 3), (2, 4, 3), (3,)])  # batch < or >= 5
@pytest.mark.parametrize("bias", [True, False])
def test_linear_op_gradients_match_numerical_ones(x_shape, bias):
    rng = np.random.default_rng(0)
    shapes = [x_shape, (5, 3), (5,)] if bias else [x_shape, (5, 3)]
    args = [leaf(rng.standard_normal(shape)) for shape in shapes]
    assert gn.gradcheck(lambda *a: LinearOp.apply(*a), args)
    assert gn.gradcheck(lambda *a: F.linear(*a), args)


@pytest.mark.parametrize("x_shape", [(4, 3), (2, 4, 3)])
def test_dense_op_gradients_match_numerical_ones(x_shape):
    rng = np.random.default_rng(1)
    args = [leaf(rng.standard_normal(shape)) for shape in (x_shape, (3, 5), (5,))]
    assert gn.gradcheck(lambda *a: DenseOp.apply(*a), args)


def test_linear_backward_gives_pytorch_layout_gradients():
    layer = nn.Linear(3, 2, rng=0).double()
    x = np.random.default_rng(1).standard_normal((2, 4, 3))
    dy = np.random.default_rng(2).standard_normal((2, 4, 2))
    out = layer(gn.tensor(x, requires_grad=True))
    out.backward(dy)
    flat_x, flat_dy = x.reshape(-1, 3), dy.reshape(-1, 2)
    np.testing.assert_allclose(np.asarray(layer.weight.grad), flat_dy.T @ flat_x)
    np.testing.assert_allclose(np.asarray(layer.bias.grad), flat_dy.sum(axis=0))


def test_check_layer_gradients_on_linear_and_dense():
    report = gn.check_layer_gradients(nn.Linear(3, 2, rng=0), (4, 3), samples=2)
    assert sorted(report) == ["bias", "input", "weight"]
    report = gn.check_layer_gradients(nn.Dense(3, 2, "tanh", rng=0), (2, 4, 3), samples=2)
    assert sorted(report) == ["bias", "input", "kernel"]


def test_dense_keeps_the_lessons_x_at_w_with_a_keras_kernel():
    dense = nn.Dense(3, 2, rng=0).double()
    assert [(n, p.shape) for n, p in dense.named_parameters()] == [
        ("kernel", (3, 2)),
        ("bias", (2,)),
    ]
    x = np.random.default_rng(0).standard_normal((4, 3))
    expected = x @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(dense(x).numpy(), expected)
    with pytest.raises(AttributeError, match=r"use dense\.kernel"):
        _ = dense.linear


def test_linear_and_dense_draw_the_same_numbers_transposed():
    linear, dense = nn.Linear(4, 3, rng=7), nn.Dense(4, 3, rng=7)
    np.testing.assert_array_equal(linear.weight.numpy(), dense.kernel.numpy().T)
    assert linear.weight.numpy().flags.c_contiguous


def test_lazy_linear_builds_an_out_in_weight():
    layer = nn.Linear(None, 3)
    assert layer(np.ones((2, 5))).shape == (2, 3) and layer.weight.shape == (3, 5)


def test_mismatched_inputs_name_the_layout():
    with pytest.raises(gn.ShapeError, match=r"Linear\(in_features=3\).*\(4, 2\)"):
        nn.Linear(3, 2)(np.ones((4, 2)))
    with pytest.raises(gn.ShapeError, match=r"\(out_features, in_features\)"):
        F.linear(gn.ones(4, 3), gn.ones(3, 2))
    with pytest.raises(gn.ShapeError, match=r"bias of shape \(3,\).*must have shape \(2,\)"):
        F.linear(gn.ones(4, 3), gn.ones(2, 3), gn.ones(3))


def test_factory_arguments_dtype_and_device():
    layer = nn.Linear(3, 2, dtype=np.float64, device="cpu")
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64
    assert nn.Dense(3, 2, dtype="float64").kernel.dtype == np.float64
    with pytest.raises(ValueError, match=r"device='cuda'.*CPU only"):
        nn.Linear(3, 2, device="cuda")
    with pytest.raises(TypeError, match="float dtype"):
        nn.Linear(3, 2, dtype=np.int32)
