"""BatchNorm2d, GroupNorm and Dropout2d: values from NumPy, PyTorch's running-statistics rules,
gradients against float64 central differences."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.errors import ShapeError
from glassnet.nn.batchnorm import BatchNorm2d, Dropout2d, GroupNorm
from glassnet.ops.batch_norm import batch_norm, group_norm


def test_batch_norm_op_values_and_gradients_in_both_modes():
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 2.0, size=(3, 4, 3, 2))
    w, b = rng.normal(size=4), rng.normal(size=4)
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    expected = (x - mean.reshape(1, 4, 1, 1)) / np.sqrt(var.reshape(1, 4, 1, 1) + 1e-5) * w.reshape(
        1, 4, 1, 1
    ) + b.reshape(1, 4, 1, 1)
    np.testing.assert_allclose(
        batch_norm(x, None, None, w, b, training=True).numpy(), expected, atol=1e-12
    )
    rm, rv = rng.normal(size=4), rng.uniform(0.5, 2.0, size=4)
    expected_eval = (x - rm.reshape(1, 4, 1, 1)) / np.sqrt(
        rv.reshape(1, 4, 1, 1) + 1e-5
    ) * w.reshape(1, 4, 1, 1) + b.reshape(1, 4, 1, 1)
    np.testing.assert_allclose(batch_norm(x, rm, rv, w, b).numpy(), expected_eval, atol=1e-12)
    tensors = [gn.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gn.gradcheck(lambda a, c, e: batch_norm(a, None, None, c, e, training=True), tensors)
    assert gn.gradcheck(lambda a, c, e: batch_norm(a, rm, rv, c, e), tensors)
    xt = tensors[0]
    assert gn.gradcheck(lambda a: batch_norm(a, None, None, training=True), [xt])  # no affine
    assert gn.gradcheck(
        lambda a: batch_norm(a[:, :, 0, 0], None, None, training=True), [xt]
    )  # (N, C)


def test_running_statistics_follow_pytorch_momentum_and_unbiased_variance():
    rng = np.random.default_rng(1)
    bn = BatchNorm2d(3, momentum=0.3)
    batches = [rng.normal(2.0, 3.0, size=(4, 3, 2, 3)) for _ in range(3)]
    mean, var = np.zeros(3), np.ones(3)
    for x in batches:
        bn(x)
        mean = 0.7 * mean + 0.3 * x.mean(axis=(0, 2, 3))
        var = 0.7 * var + 0.3 * x.var(axis=(0, 2, 3), ddof=1)  # unbiased, as PyTorch
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-5)
    assert int(bn.num_batches_tracked) == 3 and bn.running_mean.dtype == np.float32
    bn.eval()
    x = batches[0]
    expected = (x - mean.reshape(1, 3, 1, 1)) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-5)
    np.testing.assert_allclose(bn(x).numpy(), expected, rtol=1e-4, atol=1e-5)
    assert int(bn.num_batches_tracked) == 3  # eval mode leaves the statistics alone


def test_momentum_none_is_the_cumulative_average():
    rng = np.random.default_rng(2)
    bn = BatchNorm2d(2, momentum=None)
    batches = [rng.normal(size=(2, 2, 3, 3)) for _ in range(4)]
    for x in batches:
        bn(x)
    np.testing.assert_allclose(
        bn.running_mean,
        np.mean([x.mean(axis=(0, 2, 3)) for x in batches], axis=0),
        rtol=1e-5,
        atol=1e-7,
    )


def test_without_running_statistics_the_batch_is_used_in_eval_too():
    bn = BatchNorm2d(2, track_running_stats=False, affine=False).eval()
    x = np.random.default_rng(3).normal(size=(3, 2, 2, 2))
    assert [name for name, _ in bn.named_buffers()] == [] and bn.num_parameters() == 0
    np.testing.assert_allclose(bn(x).numpy().mean(axis=(0, 2, 3)), 0.0, atol=1e-6)


def test_pytorch_state_dict_names_load_and_round_trip():
    bn = BatchNorm2d(3)
    state = {
        "weight": np.arange(3.0), "bias": np.ones(3), "running_mean": np.full(3, 0.5),
        "running_var": np.full(3, 2.0), "num_batches_tracked": np.array(7),
    }  # fmt: skip
    bn.load_state_dict(state)
    assert sorted(bn.state_dict()) == sorted(state)
    assert int(bn.num_batches_tracked) == 7
    bn.eval()
    x = np.ones((1, 3, 1, 1))
    np.testing.assert_allclose(
        bn(x).numpy().ravel(), np.arange(3.0) * 0.5 / np.sqrt(2.0 + 1e-5) + 1.0, rtol=1e-6
    )


def test_batchnorm2d_layer_level_gradients_and_errors():
    assert gn.check_layer_gradients(BatchNorm2d(3), (2, 3, 3, 2), samples=2)
    with pytest.raises(ShapeError, match="num_features=3"):
        BatchNorm2d(3)(np.ones((2, 4, 2, 2)))
    with pytest.raises(ValueError, match="more than one value per channel"):
        BatchNorm2d(3)(np.ones((1, 3, 1, 1)))
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm2d(3, momentum=2.0)


def test_group_norm_values_and_gradients():
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(2, 6, 3, 2)), rng.normal(size=6), rng.normal(size=6)
    groups = x.reshape(2, 3, -1)
    normal = (groups - groups.mean(axis=2, keepdims=True)) / np.sqrt(
        groups.var(axis=2, keepdims=True) + 1e-5
    )
    expected = normal.reshape(x.shape) * w.reshape(1, 6, 1, 1) + b.reshape(1, 6, 1, 1)
    np.testing.assert_allclose(group_norm(x, 3, w, b).numpy(), expected, atol=1e-12)
    tensors = [gn.tensor(a, requires_grad=True) for a in (x, w, b)]
    assert gn.gradcheck(lambda a, c, e: group_norm(a, 3, c, e), tensors)
    layer = GroupNorm(3, 6)
    assert layer(x).shape == x.shape and layer.num_parameters() == 12
    assert gn.check_layer_gradients(GroupNorm(2, 4), (2, 4, 3, 3), samples=2)
    with pytest.raises(ValueError, match="divisible"):
        GroupNorm(4, 6)


def test_dropout2d_drops_whole_channels_and_is_the_identity_in_eval():
    x = np.ones((8, 16, 3, 3))
    drop = Dropout2d(0.5, rng=0)
    y = drop(x).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all()  # one value per channel
    assert set(np.unique(y)) == {0.0, 2.0}
    np.testing.assert_array_equal(drop.eval()(x).numpy(), x)


def test_bn_cnn_trains_a_step_and_saves():
    from glassnet.nn.conv import Conv2d

    model = nn.Sequential(
        Conv2d(1, 4, 3, rng=0), BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 2)
    )
    x = np.random.default_rng(5).normal(size=(6, 1, 6, 6)).astype(np.float32)
    loss = nn.CrossEntropyLoss()(model(x), np.array([0, 1, 0, 1, 0, 1]))
    loss.backward()
    assert all(np.isfinite(np.asarray(p.grad)).all() for p in model.parameters())
