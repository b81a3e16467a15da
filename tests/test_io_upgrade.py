"""Files of format version 2 (Linear weights stored (in, out), Dense's ``linear.weight``) load
converted; never silently transposed, whatever their shapes."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.io import FileFormatError, describe, read_file, write_file


def write_version_2(path, model, arrays):
    """A tiny fixture writer: the header a version-2 glassnet wrote, with ``arrays`` in the
    old layout and names."""
    header = {"kind": "model", "model": describe(model), "dtype": "float64", "extra": {}}
    write_file(path, arrays, {**header, "version": 2})


def old_arrays():
    rng = np.random.default_rng(0)
    return {
        "0.weight": rng.standard_normal((3, 3)),  # square: its shape cannot tell the layout
        "0.bias": rng.standard_normal(3),
        "2.linear.weight": rng.standard_normal((3, 2)),
        "2.linear.bias": rng.standard_normal(2),
    }


def old_forward(arrays, x):
    h = np.maximum(x @ arrays["0.weight"] + arrays["0.bias"], 0.0)
    return np.tanh(h @ arrays["2.linear.weight"] + arrays["2.linear.bias"])


@pytest.mark.parametrize("suffix", ["safetensors", "npz"])
def test_a_version_2_file_rebuilds_with_linear_transposed_and_dense_renamed(tmp_path, suffix):
    path = tmp_path / f"old.{suffix}"
    model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Dense(3, 2, "tanh")).double()
    arrays = old_arrays()
    write_version_2(path, model, arrays)
    assert read_file(path, kind="model", oldest=2)[1]["version"] == 2
    loaded = gn.load(path)
    np.testing.assert_array_equal(loaded[0].weight.numpy(), arrays["0.weight"].T)
    np.testing.assert_array_equal(loaded[2].kernel.numpy(), arrays["2.linear.weight"])
    x = np.random.default_rng(1).standard_normal((4, 3))
    np.testing.assert_allclose(loaded(x).numpy(), old_forward(arrays, x))


def test_a_version_2_file_loads_into_an_instance_by_its_module_types(tmp_path):
    class Custom(nn.Module):  # not rebuildable: the instance says which arrays are Linear's
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Dense(3, 2, "tanh"))

        def forward(self, x):
            return self.body(x)

    arrays = {f"body.{k}": v for k, v in old_arrays().items()}
    write_file(tmp_path / "old.npz", arrays, {"kind": "model", "model": None, "version": 2})
    model = gn.load(tmp_path / "old.npz", model=Custom().double())
    x = np.ones((2, 3))
    np.testing.assert_allclose(model(x).numpy(), old_forward(old_arrays(), x))


def test_new_files_are_version_3_and_load_unchanged(tmp_path):
    model = nn.Sequential(nn.Linear(3, 3, rng=0), nn.Dense(3, 2, rng=1))
    gn.save(model, tmp_path / "new.npz")
    arrays, header = read_file(tmp_path / "new.npz")
    assert header["version"] == gn.io.VERSION == 3
    assert set(arrays) == {"0.weight", "0.bias", "1.kernel", "1.bias"}
    loaded = gn.load(tmp_path / "new.npz")
    np.testing.assert_array_equal(loaded[0].weight.numpy(), model[0].weight.numpy())


def test_other_readers_refuse_a_version_2_file_with_a_clear_message(tmp_path):
    write_file(tmp_path / "ckpt.npz", {}, {"kind": "checkpoint", "version": 2})
    with pytest.raises(FileFormatError, match=r"format version 2 .*PyTorch's \(out, in\)"):
        read_file(tmp_path / "ckpt.npz", kind="checkpoint")
    write_file(tmp_path / "v1.npz", {}, {"kind": "model", "version": 1})
    with pytest.raises(FileFormatError, match="format version 1"):
        gn.load(tmp_path / "v1.npz")
