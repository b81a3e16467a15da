"""ONNX files are written like every other glassnet file: atomically, with the umask's mode,
and a failed export leaves the previous file as it was."""

import os
import stat

import pytest

import glassnet as gn
from glassnet import nn
from glassnet.onnx_export import ExportError

pytest.importorskip("onnx")


def test_an_exported_file_gets_the_umask_mode_and_a_failed_export_keeps_the_old_one(tmp_path):
    path = tmp_path / "model.onnx"
    model = nn.Sequential(nn.Dense(3, 4, "relu", rng=0), nn.Dense(4, 2, rng=1))
    previous = os.umask(0o022)
    try:
        gn.export_onnx(model, path, (3,))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
        os.umask(0o077)
        gn.export_onnx(model, tmp_path / "private.onnx", (3,))
        assert stat.S_IMODE(os.stat(tmp_path / "private.onnx").st_mode) == 0o600
    finally:
        os.umask(previous)
    before = path.read_bytes()

    class Unknown(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(ExportError):
        gn.export_onnx(nn.Sequential(Unknown()), path, (3,))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.onnx", "private.onnx"]
