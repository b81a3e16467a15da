"""The Module API as PyTorch's: containers, registration, traversal, buffers, dtype/device."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(3, 3), nn.ReLU()])
        self.heads = nn.ModuleDict({"a": nn.Linear(3, 1), "b": nn.Linear(3, 2)})
        self.scales = nn.ParameterList([np.ones(3), nn.Parameter(np.zeros(3))])
        self.extras = nn.ParameterDict({"shift": np.zeros(1)})
        self.register_buffer("steps", np.zeros((), np.int64))
        self.register_buffer("mask", gn.ones(3), persistent=False)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.heads["a"](x * self.scales[0]) + self.extras["shift"]


def test_containers_register_what_they_hold():
    names = [n for n, _ in Block().named_parameters()]
    assert names == [
        "layers.0.weight",
        "layers.0.bias",
        "heads.a.weight",
        "heads.a.bias",
        "heads.b.weight",
        "heads.b.bias",
        "scales.0",
        "scales.1",
        "extras.shift",
    ]
    block = Block()
    assert block(np.ones((2, 3))).shape == (2, 1)
    assert len(block.layers) == 2 and isinstance(block.layers[-1], nn.ReLU)
    block.layers.append(nn.Tanh())
    block.layers.insert(0, nn.Identity())
    assert [type(m).__name__ for m in block.layers] == ["Identity", "Linear", "ReLU", "Tanh"]
    del block.layers[0]
    assert isinstance(block.layers[0], nn.Linear) and len(block.layers[1:]) == 2
    assert list(block.heads) == ["a", "b"] and "a" in block.heads
    block.heads["c"] = nn.Linear(3, 4)
    assert block.heads.pop("b").out_features == 2 and block.heads.keys() == ["a", "c"]
    with pytest.raises(KeyError, match="no key 'z'"):
        block.heads["z"]
    with pytest.raises(TypeError, match="holds Modules"):
        block.layers.append(lambda x: x)
    assert isinstance(block.scales[0], nn.Parameter) and len(block.scales) == 2


def test_registration_and_lookup():
    block = Block()
    block.register_parameter("gate", nn.Parameter(np.ones(1)))
    block.add_module("tail", nn.Linear(1, 1))
    assert block.get_parameter("gate").shape == (1,)
    assert block.get_submodule("heads.a") is block.heads["a"]
    assert block.get_parameter("layers.0.bias").shape == (3,)
    assert block.get_buffer("steps").shape == ()
    with pytest.raises(AttributeError, match="no sub-module 'nope'"):
        block.get_submodule("layers.nope")
    with pytest.raises(TypeError, match="must be a Parameter or None"):
        block.register_parameter("w", np.ones(2))
    with pytest.raises(KeyError, match=r"hold no '\.'"):
        block.add_module("a.b", nn.ReLU())
    del block.tail
    assert "tail.weight" not in dict(block.named_parameters())
    assert [n for n, _ in block.named_parameters(recurse=False)] == ["gate"]
    assert len(list(block.parameters(recurse=False))) == 1


def test_buffers_persistent_or_not():
    block = Block()
    assert [n for n, _ in block.named_buffers()] == ["steps", "mask"]
    assert isinstance(block.mask, gn.Tensor)  # a Tensor stays a Tensor
    assert "steps" in block.state_dict() and "mask" not in block.state_dict()
    block.load_state_dict({**block.state_dict(), "steps": gn.tensor(np.array(5))})
    assert int(block.steps) == 5
    assert block.double().mask.dtype == np.float64


def test_traversal_apply_and_modes():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in model.named_modules()] == ["", "0", "1"]
    assert len([n for n, _ in model.named_modules(remove_duplicate=False)]) == 4
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "ReLU", "Linear", "Sequential"]  # children first
    model.apply(lambda m: isinstance(m, nn.Linear) and nn.init.zeros_(m.weight))
    assert not shared.weight.numpy().any()
    assert model.eval() is model and not model[1].training
    with pytest.raises(TypeError, match="mode must be a bool"):
        model.train("yes")


def test_zero_grad_set_to_none_or_zeros():
    layer = nn.Linear(2, 1)
    layer(np.ones((1, 2))).sum().backward()
    layer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(np.asarray(layer.weight.grad), [[0.0, 0.0]])
    layer.zero_grad()
    assert layer.weight.grad is None


def test_dtype_and_device_conversions_return_the_module():
    layer = nn.Linear(2, 2)
    assert layer.double() is layer and layer.weight.dtype == np.float64
    assert layer.to("cpu") is layer and layer.cpu() is layer
    assert layer.to("cpu", np.float32).weight.dtype == np.float32
    assert layer.to(dtype=np.float64).weight.dtype == np.float64
    assert layer.to(gn.zeros(1, dtype="float32")).weight.dtype == np.float32
    assert layer.half().weight.dtype == np.float16
    assert layer.type("float32").weight.dtype == np.float32
    with pytest.raises(ValueError, match="CPU only"):
        layer.to("cuda")
    with pytest.raises(ValueError, match="CPU only"):
        layer.cuda()
    with pytest.raises(TypeError, match="float dtype"):
        layer.to(np.int64)


def test_state_dict_keep_vars_prefix_and_tensor_values():
    layer = nn.Linear(2, 3)
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    assert list(layer.state_dict(prefix="enc.")) == ["enc.weight", "enc.bias"]
    other = nn.Linear(2, 3)
    result = other.load_state_dict({k: gn.tensor(v) for k, v in layer.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(other.weight.numpy(), layer.weight.numpy())


def test_repr_nests_like_pytorch():
    text = repr(Block())
    assert (
        "(layers): ModuleList(\n    (0): Linear(in_features=3, out_features=3, bias=True)" in text
    )
    assert "(heads): ModuleDict(\n    (a): Linear" in text


def test_embedding_takes_pytorch_factory_arguments():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding(3, 2, _weight=table, _freeze=True, dtype=np.float64, device="cpu")
    np.testing.assert_array_equal(emb(np.array([2])).numpy(), [[4.0, 5.0]])
    assert not emb.weight.requires_grad and emb.weight.dtype == np.float64
    with pytest.raises(NotImplementedError, match="max_norm"):
        nn.Embedding(3, 2, max_norm=1.0)


def test_sequential_takes_named_layers_as_pytorch(tmp_path):
    from collections import OrderedDict

    model = nn.Sequential(
        OrderedDict([("fc1", nn.Linear(3, 4)), ("act", nn.ReLU()), ("fc2", nn.Linear(4, 2))])
    )
    assert list(model.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert model[0] is model.fc1 and model(np.ones((1, 3))).shape == (1, 2)
    gn.save(model, tmp_path / "named.npz")
    assert list(gn.load(tmp_path / "named.npz").state_dict()) == list(model.state_dict())
    del model[1]
    assert list(dict(model.named_children())) == ["fc1", "fc2"]
    model[1] = nn.Linear(4, 5)
    assert list(dict(model.named_children())) == ["fc1", "fc2"] and model.fc2.out_features == 5
    model.append(nn.Tanh())
    assert list(dict(model.named_children()))[-1] == "2"
