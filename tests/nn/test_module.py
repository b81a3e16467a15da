import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh())
        self.head = nn.Linear(4, 2, rng=1)
        self.scale = nn.Parameter([2.0])

    def forward(self, x):
        return self.head(self.encoder(x)) * self.scale


def test_parameters_are_registered_in_definition_order_with_dotted_names():
    model = TwoLayer()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["scale", "encoder.0.weight", "encoder.0.bias", "head.weight", "head.bias"]
    assert model.num_parameters() == 1 + 12 + 4 + 8 + 2
    assert [type(m).__name__ for m in model.children()] == ["Sequential", "Linear"]
    assert len(list(model.modules())) == 5


def test_a_shared_parameter_is_listed_once():
    shared = nn.Linear(2, 2, rng=0)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]


def test_reassigning_an_attribute_unregisters_it():
    model = TwoLayer()
    model.head = None
    assert "head.weight" not in dict(model.named_parameters())


def test_forgetting_super_init_is_explained():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_layer_level_backward_matches_autograd():
    model = TwoLayer()
    x = np.random.default_rng(0).standard_normal((5, 3))
    dy = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)

    out = model.forward(x)
    dx = model.backward(dy)
    by_hand = {name: g.copy() for name, g in model.gradients().items()}

    model.zero_grad()
    xt = gn.tensor(x.astype(np.float32), requires_grad=True)
    (model(xt) * dy).sum().backward()
    assert out.shape == (5, 2) and isinstance(dx, np.ndarray) and dx.shape == (5, 3)
    np.testing.assert_allclose(dx, xt.grad, rtol=1e-5)
    for name, p in model.named_parameters():
        np.testing.assert_allclose(by_hand[name], p.grad, rtol=1e-5, err_msg=name)


def test_backward_accumulates_into_parameter_grads():
    layer = nn.Linear(2, 1, rng=0)
    x = np.ones((1, 2))
    layer.forward(x)
    layer.backward(np.ones((1, 1)))
    layer.forward(x)
    layer.backward(np.ones((1, 1)))
    np.testing.assert_array_equal(np.asarray(layer.weight.grad), [[2.0, 2.0]])


def test_backward_errors():
    layer = nn.Linear(2, 3, rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones((1, 3)))
    layer.forward(np.ones((4, 2)))
    with pytest.raises(gn.ShapeError, match=r"grad_output has shape \(4, 2\).*\(4, 3\)"):
        layer.backward(np.ones((4, 2)))
    with gn.no_grad():
        layer.forward(np.ones((4, 2)))
    with pytest.raises(RuntimeError, match="no_grad"):
        layer.backward(np.ones((4, 3)))


def test_plain_training_never_computes_the_first_layers_input_gradient():
    layer = nn.Linear(3, 2, rng=0)
    seen = []
    original = gn.ops.nn.LinearOp.backward

    def spy(ctx, grad):
        seen.append(ctx.needs_input_grad)
        return original(ctx, grad)

    gn.ops.nn.LinearOp.backward = staticmethod(spy)
    try:
        layer(np.ones((4, 3))).sum().backward()
        layer.forward(np.ones((4, 3)))
        layer.backward(np.ones((4, 2)))
    finally:
        gn.ops.nn.LinearOp.backward = staticmethod(original)
    assert seen == [(False, True, True), (True, True, True)]


def test_loss_modules_backward_without_an_argument():
    loss_fn = nn.MSELoss()
    loss_fn.forward(np.array([1.0, 3.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(loss_fn.backward(), [1.0, 2.0])


def test_inputs_are_cast_to_the_parameters_dtype():
    layer = nn.Linear(2, 2, rng=0)
    assert layer(np.ones((1, 2), dtype=np.float64)).dtype == np.float32
    assert layer(np.ones((1, 2), dtype=np.int64)).dtype == np.float32
    assert layer(gn.tensor(np.ones((1, 2)))).dtype == np.float32
    assert layer.double()(np.ones((1, 2), dtype=np.float32)).dtype == np.float64
    assert nn.ReLU()(np.ones(2, dtype=np.int32)).dtype == np.float32
    with pytest.raises(TypeError, match="Linear expects numbers"):
        layer(np.array([["a", "b"]]))


def test_train_eval_reach_every_submodule():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.BatchNorm1d(2)))
    model.eval()
    assert all(not m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_state_dict_round_trip_includes_buffers():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.BatchNorm1d(3))
    model(np.random.default_rng(0).standard_normal((8, 2)))
    state = model.state_dict()
    assert set(state) == {"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                          "1.running_var", "1.num_batches_tracked"}  # fmt: skip
    other = nn.Sequential(nn.Linear(2, 3, rng=5), nn.BatchNorm1d(3))
    other.load_state_dict(state)
    for key, value in other.state_dict().items():
        np.testing.assert_array_equal(value, state[key], err_msg=key)
    state["0.weight"][...] = 99  # a copy: changing it does not touch the model
    assert not (model[0].weight.numpy() == 99).any()


def test_load_state_dict_errors_leave_the_model_untouched():
    model = nn.Linear(2, 3, rng=0)
    before = model.weight.numpy().copy()
    with pytest.raises(KeyError, match=r"missing keys \['bias'\]"):
        model.load_state_dict({"weight": np.zeros((3, 2))})
    with pytest.raises(KeyError, match="unexpected keys"):
        model.load_state_dict({"weight": np.zeros((3, 2)), "bias": np.zeros(3), "extra": 1})
    with pytest.raises(gn.ShapeError, match=r"'bias' has shape \(4,\) in the state but \(3,\)"):
        model.load_state_dict({"weight": np.zeros((3, 2)), "bias": np.zeros(4)})
    np.testing.assert_array_equal(model.weight.numpy(), before)
    model.load_state_dict({"weight": np.zeros((3, 2))}, strict=False)
    assert (model.weight.numpy() == 0).all()


def test_freezing_makes_optimizers_skip_parameters():
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Linear(2, 1, rng=1))
    model[0].requires_grad_(False)
    frozen = model[0].weight.numpy().copy()
    opt = optim.SGD(model.parameters(), lr=0.1)
    model(np.ones((3, 2))).sum().backward()
    opt.step()
    assert model[0].weight.grad is None
    np.testing.assert_array_equal(model[0].weight.numpy(), frozen)
    assert model.num_parameters(trainable_only=True) == 3


def test_to_casts_parameters_and_buffers():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64
    assert model.float()[0].weight.dtype == np.float32


def test_repr_is_readable():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.1))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.1, inplace=False)\n"
        ")"
    )
