"""How a Module is called: ``model(x)`` keeps nothing, ``layer.forward(x)``/``layer.backward(dy)``
drive it by hand, hooks, tracebacks, and a new layer written in one file."""

import gc
import importlib.util
import traceback
import weakref

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Dense(4, 8, "relu", rng=0), nn.Dropout(0.0), nn.Dense(8, 3, rng=1))


# --------------------------------------------------------------------------- model(x)
def test_an_ordinary_training_step_keeps_no_activation_alive():
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = np.random.default_rng(0).standard_normal((16, 4))

    def step() -> weakref.ref:
        out = model(x)
        loss = nn.CrossEntropyLoss()(out, np.zeros(16, dtype=np.int64))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return weakref.ref(out)

    dead = step()
    gc.collect()
    assert dead() is None  # no module holds the last output (or, through it, the graph)
    for module in model.modules():
        assert module._by_hand is None


def test_calling_casts_numpy_input_to_the_parameters_dtype_in_one_place():
    model = mlp()
    assert model(np.ones((2, 4), dtype=np.float64)).dtype == np.float32
    assert model(np.ones((2, 4), dtype=np.int64)).dtype == np.float32
    assert model.double()(np.ones((2, 4), dtype=np.float32)).dtype == np.float64
    x = gn.ones(2, 4, dtype=np.float64, requires_grad=True)
    out = nn.Linear(4, 2, rng=0)(x)  # a leaf of another dtype: a differentiable cast
    out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float64
    with pytest.raises(TypeError, match="Sequential expects numbers, got an input of dtype <U1"):
        model(np.array([["a"] * 4]))


def test_an_error_in_a_users_forward_shows_one_glassnet_frame_above_it():
    class Broken(nn.Module):
        def forward(self, x):
            raise ArithmeticError("my bug")

    for call in (lambda m: m(np.ones(2)), lambda m: m.forward(np.ones(2))):
        with pytest.raises(ArithmeticError) as info:
            call(Broken())
        frames = traceback.extract_tb(info.value.__traceback__)
        assert frames[-1].name == "forward"
        ours = [f for f in frames if "/glassnet/" in f.filename]
        assert len(ours) == 1 and ours[0].name in ("__call__", "forward_by_hand"), ours


def test_forward_hooks_see_and_may_change_inputs_and_outputs():
    layer = nn.Linear(2, 2, rng=0)
    seen = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = layer.register_forward_hook(lambda m, args, out: seen.append(args[0].shape) or out + 1)
    out = layer(np.ones((3, 2)))
    np.testing.assert_allclose(out.numpy(), layer.bias.numpy() + 1 + np.zeros((3, 2)))
    assert seen == [(3, 2)]
    pre.remove()
    post.remove()
    np.testing.assert_allclose(layer(np.zeros((1, 2))).numpy()[0], layer.bias.numpy())


# --------------------------------------------------------------------------- by hand
def test_forward_then_backward_by_hand_gives_dx_and_fills_parameter_gradients():
    layer = nn.Linear(3, 2, rng=0).double()
    x = np.random.default_rng(1).standard_normal((5, 3))
    dy = np.random.default_rng(2).standard_normal((5, 2))
    out = layer.forward(x)
    weight = layer.weight.numpy()  # (out, in), PyTorch's layout
    np.testing.assert_allclose(out.numpy(), x @ weight.T + layer.bias.numpy())
    dx = layer.backward(dy)
    np.testing.assert_allclose(dx, dy @ weight)
    np.testing.assert_allclose(np.asarray(layer.weight.grad), dy.T @ x)
    np.testing.assert_allclose(layer.bias.grad, dy.sum(axis=0))
    assert layer._by_hand is None  # released by backward
    with pytest.raises(RuntimeError, match=r"needs a forward first: out = layer.forward\(x\)"):
        layer.backward(dy)


def test_by_hand_through_a_sequential_and_a_loss_matches_autograd():
    x = np.random.default_rng(0).standard_normal((6, 4))
    y = np.array([0, 1, 2, 0, 1, 2])
    by_hand, auto = mlp().double(), mlp().double()
    loss_fn = nn.CrossEntropyLoss()
    loss_fn.forward(by_hand.forward(x), y)
    dlogits = loss_fn.backward()
    dx = by_hand.backward(dlogits)
    xt = gn.tensor(x, requires_grad=True)
    loss_fn(auto(xt), y).backward()
    np.testing.assert_allclose(dx, xt.grad, rtol=1e-12)
    for (name, a), (_, b) in zip(by_hand.named_parameters(), auto.named_parameters()):
        np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12, err_msg=name)


def test_dx_by_hand_is_never_the_same_array_as_a_parameter_gradient():
    class Shift(nn.Module):  # AddOp hands one gradient array to both of its inputs
        def __init__(self, flipped):
            super().__init__()
            self.b, self.flipped = nn.Parameter(np.zeros((1, 3))), flipped

        def forward(self, x):
            return (self.b + x if self.flipped else x + self.b) * 1.0

    for flipped in (False, True):  # whichever of x and b the walk reaches first
        layer = Shift(flipped)
        layer.forward(np.zeros((1, 3)))
        dx = layer.backward(np.ones((1, 3)))
        dx += 1  # the caller owns dx
        np.testing.assert_array_equal(layer.b.grad, [[1.0, 1.0, 1.0]])


def test_by_hand_on_a_tensor_leaves_the_users_tensor_alone():
    layer = nn.Linear(2, 2, rng=0)
    x = gn.ones(3, 2)
    layer.forward(x)
    layer.backward(np.ones((3, 2)))
    assert x.grad is None and not x.requires_grad


def test_calling_forward_inside_a_forward_keeps_the_graph_whole():
    class TwoLayers(nn.Module):
        def __init__(self):
            super().__init__()
            self.first, self.second = nn.Linear(3, 3, rng=0), nn.Linear(3, 1, rng=1)

        def forward(self, x):
            return self.second.forward(self.first(x))  # .forward, as some programs do

    model = TwoLayers()
    model(np.ones((2, 3))).sum().backward()
    assert model.first.weight.grad is not None and np.abs(model.first.weight.grad).sum() > 0


def test_layers_driven_by_hand_one_after_another_as_in_the_lessons():
    x = np.random.default_rng(0).standard_normal((5, 3))
    first, act, second = nn.Linear(3, 4, rng=0).double(), nn.Tanh(), nn.Linear(4, 2, rng=1).double()
    out = second.forward(act.forward(first.forward(x)))
    dy = np.ones_like(out.numpy())
    d_act = second.backward(dy)  # stops at its input: first and act still have their graphs
    d_first = act.backward(d_act)
    dx = first.backward(d_first)
    h = np.tanh(x @ first.weight.numpy().T + first.bias.numpy())
    np.testing.assert_allclose(d_act, dy @ second.weight.numpy())
    np.testing.assert_allclose(d_first, d_act * (1 - h**2))
    np.testing.assert_allclose(dx, d_first @ first.weight.numpy())
    np.testing.assert_allclose(np.asarray(first.weight.grad), d_first.T @ x)
    assert second.weight.grad is not None and first.bias.grad is not None


def test_embedding_by_hand_returns_zeros_for_its_integer_input():
    emb = nn.Embedding(5, 2, rng=0)
    emb.forward(np.array([[1, 2]]))
    dx = emb.backward(np.ones((1, 2, 2)))
    assert dx.shape == (1, 2) and not dx.any()
    np.testing.assert_allclose(emb.weight.grad[1:3], np.ones((2, 2)))


# --------------------------------------------------------------------------- a new layer
class ScaleOp(gn.Function):
    """y = x * s, with s a vector over the last axis."""

    @staticmethod
    def forward(ctx, x, s):
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, grad):
        x, s = ctx.saved_tensors
        return grad * s, grad * x  # the engine sums the second over the batch


class Scale(nn.Module):
    """A layer written in one file, outside glassnet: a learned scale per feature."""

    def __init__(self, features: int):
        super().__init__()
        self.features = features
        self.scale = nn.Parameter(np.linspace(0.5, 2.0, features).astype(np.float32))

    def forward(self, x):
        return ScaleOp.apply(x, self.scale)

    def get_config(self):
        return {"features": self.features}

    def sample_input_shape(self):
        return (self.features,)

    def summary_label(self):
        return f"Scale({self.features})"

    def to_onnx(self, graph, x, name):
        return graph.node("Mul", [x, graph.constant(f"{name}.scale", self.scale.numpy())])


def test_a_new_layer_in_one_file_is_checked_summarized_saved_loaded_and_exported(tmp_path):
    gn.check_layer_gradients(Scale(3), (4, 3))
    model = nn.Sequential(Scale(4), nn.Dense(4, 2, rng=0), name="scaled")
    text = model.summary()
    assert "Scale(4)" in text and "(None, 4)" in text and "(None, 2)" in text
    model[0].scale.data[:] = [1.0, -1.0, 3.0, 0.5]
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    gn.save(model, tmp_path / "scaled.npz")
    loaded = gn.load(tmp_path / "scaled.npz")  # rebuilt from the file, no model= needed
    assert isinstance(loaded[0], Scale)
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy())
    if importlib.util.find_spec("onnx") and importlib.util.find_spec("onnxruntime"):
        import onnxruntime

        gn.export_onnx(model, tmp_path / "scaled.onnx", (4,))
        session = onnxruntime.InferenceSession(str(tmp_path / "scaled.onnx"))
        (got,) = session.run(None, {"input": x})
        np.testing.assert_allclose(got, model(x).numpy(), rtol=1e-5, atol=1e-6)
