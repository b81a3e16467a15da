"""gn.save / gn.load of Tensors, state_dicts and nested containers, as torch.save users do."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError, read_file, write_file


@pytest.fixture(params=["safetensors", "npz"])
def path(request, tmp_path):
    return tmp_path / f"obj.{request.param}"


def test_state_dict_round_trip_as_torch_save_then_load_state_dict(path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    gn.save(model.state_dict(), path)
    other = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    other.load_state_dict(gn.load(path, map_location="cpu", weights_only=True))
    x = np.ones((1, 3))
    np.testing.assert_array_equal(other(x).numpy(), model(x).numpy())


def test_nested_containers_come_back_as_saved(path):
    w = nn.Parameter(np.arange(3.0))
    obj = {
        "epoch": 7,
        "lr": 1e-3,
        "best": float("inf"),
        "name": "run",
        "done": False,
        "none": None,
        "tensor": gn.tensor([[1, 2]]),
        "param": w,
        "array": np.eye(2, dtype=np.float64),
        "pair": (gn.zeros(1), [1, "two", (3.0,)]),
        "by_index": {0: {"momentum": np.ones(2)}, 1: {}},
        "__tensor__": "a key that looks like a marker",
    }
    gn.save(obj, path)
    back = gn.load(path)
    assert back["epoch"] == 7 and back["lr"] == 1e-3 and back["best"] == float("inf")
    assert back["name"] == "run" and back["done"] is False and back["none"] is None
    assert isinstance(back["tensor"], gn.Tensor) and back["tensor"].dtype == np.int64
    assert isinstance(back["param"], nn.Parameter) and back["param"].requires_grad
    np.testing.assert_array_equal(back["param"].numpy(), [0.0, 1.0, 2.0])
    assert isinstance(back["array"], np.ndarray) and back["array"].dtype == np.float64
    assert isinstance(back["pair"], tuple) and back["pair"][1] == [1, "two", (3.0,)]
    assert list(back["by_index"]) == [0, 1]  # int keys stay ints
    np.testing.assert_array_equal(back["by_index"][0]["momentum"], [1.0, 1.0])
    assert back["__tensor__"] == "a key that looks like a marker"


def test_a_single_tensor_and_a_module_still_work(path):
    gn.save(gn.arange(4), path)
    assert gn.load(path).tolist() == [0, 1, 2, 3]
    gn.save(nn.Linear(2, 2), path)
    assert isinstance(gn.load(path), nn.Linear)


def test_what_cannot_be_saved_without_pickle_is_refused_and_the_old_file_stays(path):
    gn.save({"a": 1}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"obj\['f'\] is a function"):
        gn.save({"f": lambda: 0}, path)
    with pytest.raises(TypeError, match="never pickle"):
        gn.save({"a": 1}, path, pickle_protocol=2)
    with pytest.raises(TypeError, match="key"):
        gn.save({(1, 2): 3}, path)
    assert path.read_bytes() == before
    with pytest.raises(TypeError, match="file objects are not supported"):
        gn.save({"a": 1}, object())


def test_map_location_other_than_cpu_is_an_error_and_a_malformed_object_is_named(path):
    gn.save({"a": gn.ones(1)}, path)
    with pytest.raises(ValueError, match="CPU only"):
        gn.load(path, map_location="cuda:0")
    assert gn.load(path, map_location=lambda storage, loc: storage)["a"].shape == (1,)
    arrays, _ = read_file(path)
    write_file(path, arrays, {"kind": "object", "object": {"x": {"__tensor__": "99"}}})
    with pytest.raises(FileFormatError, match="names an array '99'"):
        gn.load(path)
    with pytest.raises(TypeError, match="holds an object, not a model"):
        write_file(path, arrays, {"kind": "object", "object": 1})
        gn.load(path, model=nn.Linear(1, 1))
