"""The image layers as Modules: PyTorch's weight layout and init, state_dict, save/load, summary,
the layer-level forward/backward, configs, ONNX export checked with onnxruntime, errors."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.errors import ShapeError
from glassnet.nn.batchnorm import BatchNorm2d, Dropout2d, GroupNorm
from glassnet.nn.conv import Conv1d, Conv2d, ConvTranspose2d
from glassnet.nn.pooling import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
    Upsample,
)
from glassnet.ops.conv import conv2d, conv_transpose2d


@pytest.mark.parametrize(
    "layer, weight_shape, fan_in",
    [
        (Conv2d(6, 8, 3, groups=2, rng=0), (8, 3, 3, 3), 27),
        (Conv2d(3, 4, (2, 5), rng=0), (4, 3, 2, 5), 30),
        (Conv1d(4, 2, 5, rng=0), (2, 4, 5), 20),
        (
            ConvTranspose2d(4, 6, 3, groups=2, rng=0),
            (4, 3, 3, 3),
            27,
        ),  # fan_in: weight.shape[1] * k * k
    ],
)
def test_pytorch_layout_and_default_init_bounds(layer, weight_shape, fan_in):
    assert layer.weight.shape == weight_shape and layer.weight.dtype == np.float32
    bound = 1.0 / math.sqrt(fan_in)  # kaiming_uniform(a=sqrt(5)) and PyTorch's bias bound
    assert np.abs(layer.bias.numpy()).max() <= bound
    weights = np.abs(layer.weight.numpy())
    assert weights.max() <= bound and weights.max() > 0.8 * bound  # uniform over the whole range


def test_a_pytorch_state_dict_loads_unchanged_and_computes_the_same():
    rng = np.random.default_rng(0)
    conv = Conv2d(4, 6, 3, stride=2, padding=1, groups=2, rng=0).double()
    state = {"weight": rng.normal(size=(6, 2, 3, 3)), "bias": rng.normal(size=6)}
    conv.load_state_dict(state)
    x = rng.normal(size=(2, 4, 7, 7))
    expected = conv2d(x, state["weight"], state["bias"], 2, 1, 1, 2).numpy()
    np.testing.assert_allclose(conv(x).numpy(), expected)
    up = ConvTranspose2d(6, 4, 2, stride=2, rng=0).double()
    up_state = {"weight": rng.normal(size=(6, 4, 2, 2)), "bias": rng.normal(size=4)}
    up.load_state_dict(up_state)
    np.testing.assert_allclose(
        up(expected).numpy(),
        conv_transpose2d(expected, up_state["weight"], up_state["bias"], 2).numpy(),
    )


LAYERS = [  # layer, input shape (with batch), output shape
    (Conv2d(2, 3, 3, stride=2, padding=1, rng=0), (2, 2, 5, 5), (2, 3, 3, 3)),
    (
        Conv2d(2, 4, 3, padding="same", dilation=2, groups=2, bias=False, rng=0),
        (1, 2, 5, 4),
        (1, 4, 5, 4),
    ),
    (Conv1d(2, 3, 3, padding=1, rng=0), (2, 2, 6), (2, 3, 6)),
    (
        ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1, rng=0),
        (2, 2, 3, 3),
        (2, 3, 6, 6),
    ),
    (MaxPool2d(3, stride=2, padding=1), (2, 2, 5, 5), (2, 2, 3, 3)),
    (AvgPool2d(2, ceil_mode=True), (2, 2, 5, 5), (2, 2, 3, 3)),
    (MaxPool1d(2), (2, 2, 6), (2, 2, 3)),
    (AvgPool1d(3, stride=1, padding=1), (2, 2, 5), (2, 2, 5)),
    (AdaptiveAvgPool2d((2, 3)), (2, 2, 5, 5), (2, 2, 2, 3)),
    (AdaptiveMaxPool2d(2), (2, 2, 5, 4), (2, 2, 2, 2)),
    (Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 2), (1, 2, 6, 4)),
    (BatchNorm2d(2), (3, 2, 3, 3), (3, 2, 3, 3)),
    (GroupNorm(1, 2), (2, 2, 3, 3), (2, 2, 3, 3)),
]


@pytest.mark.parametrize(
    "layer, input_shape, output_shape",
    LAYERS,
    ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else "",
)
def test_each_layer_shape_layer_level_gradients_and_config(layer, input_shape, output_shape):
    x = np.random.default_rng(1).normal(size=input_shape)
    assert layer(x).shape == output_shape
    assert gn.check_layer_gradients(layer, input_shape, samples=2)
    twin = type(layer).from_config(layer.get_config())
    twin.load_state_dict(layer.state_dict())
    layer.eval(), twin.eval()
    np.testing.assert_allclose(twin(x).numpy(), layer(x).numpy(), rtol=1e-6)
    assert repr(layer).startswith(type(layer).__name__ + "(")


def test_by_hand_forward_backward_fills_the_parameter_gradients():
    conv = Conv2d(1, 2, 3, rng=0)
    x = np.random.default_rng(2).normal(size=(2, 1, 5, 5)).astype(np.float32)
    out = conv.forward(x)
    dx = conv.backward(np.ones(out.shape, dtype=np.float32))
    assert dx.shape == x.shape
    np.testing.assert_allclose(np.asarray(conv.bias.grad), [2 * 9, 2 * 9])
    # dW[f, 0, i, j] is the sum of the input pixels that meet kernel position (i, j)
    expected = np.array([[x[:, 0, i : i + 3, j : j + 3].sum() for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(np.asarray(conv.weight.grad)[1, 0], expected, rtol=1e-5)


def lenet():
    return nn.Sequential(
        Conv2d(1, 8, 3, rng=0), nn.ReLU(), MaxPool2d(2),
        Conv2d(8, 16, 3, rng=1), BatchNorm2d(16), nn.ReLU(), MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10, rng=2),
    )  # fmt: skip


def test_summary_of_a_cnn_lists_shapes_and_parameter_counts():
    text = lenet().summary((1, 28, 28))
    assert "(None, 8, 26, 26)" in text and "(None, 16, 5, 5)" in text and "(None, 10)" in text
    assert "Conv2d(1 -> 8, 3x3)" in text and "MaxPool2d(2x2)" in text
    assert f"{80 + 1168 + 32 + 4010:,}" in text


def test_save_and_load_a_cnn_with_its_architecture(tmp_path):
    model = lenet()
    x = np.random.default_rng(3).normal(size=(4, 1, 28, 28)).astype(np.float32)
    model(x)  # moves the BatchNorm statistics
    gn.save(model, tmp_path / "cnn.gn")
    loaded = gn.load(tmp_path / "cnn.gn")
    model.eval(), loaded.eval()
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    assert "4.num_batches_tracked" in loaded.state_dict()


def test_layer_setting_errors_name_the_setting():
    with pytest.raises(ValueError, match="padding_mode='reflect' is not supported"):
        Conv2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="divisible by groups"):
        Conv2d(3, 4, 3, groups=2)
    with pytest.raises(TypeError, match="kernel_size must be an int"):
        Conv2d(1, 1, 2.5)
    with pytest.raises(ValueError, match="stride 1"):
        Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ShapeError, match="in_channels=3"):
        Conv2d(3, 1, 3)(np.ones((1, 2, 5, 5)))
    with pytest.raises(ValueError, match="exactly one"):
        Upsample()


@pytest.mark.parametrize(
    "make, sample",
    [
        (lenet, (1, 28, 28)),
        (lambda: nn.Sequential(Conv2d(3, 6, 3, padding="same", groups=3, rng=0), AvgPool2d(3, 2, 1, count_include_pad=False), nn.ReLU(),
                               ConvTranspose2d(6, 2, 3, stride=2, padding=1, output_padding=1, rng=2), MaxPool2d(3, 2, 1, ceil_mode=True),
                               Upsample(scale_factor=2), Upsample(scale_factor=2, mode="bilinear"), Dropout2d(0.3), AdaptiveAvgPool2d(1)), (3, 9, 9)),
        (lambda: nn.Sequential(Conv1d(2, 4, 3, padding=1, rng=0), nn.ReLU(), MaxPool1d(2), AvgPool1d(2)), (2, 12)),
    ],
)  # fmt: skip
def test_onnxruntime_computes_what_glassnet_computes(make, sample, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    model = make()
    x = np.random.default_rng(4).normal(size=(3, *sample)).astype(np.float32)
    model(x)
    model.eval()
    gn.export_onnx(model, tmp_path / "cnn.onnx", sample)
    out = ort.InferenceSession(str(tmp_path / "cnn.onnx")).run(None, {"input": x})[0]
    np.testing.assert_allclose(out, model(x).numpy(), atol=1e-5, rtol=1e-4)
