import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.onnx_export import ExportError

ort = pytest.importorskip("onnxruntime")  # installed by the dev extra

MODELS = {
    "mlp": (lambda: nn.Sequential(nn.Dense(6, 16, "relu", rng=0), nn.Dense(16, 4, rng=1)), (6,)),
    "activations": (lambda: nn.Sequential(nn.Dense(6, 8, "gelu", rng=0), nn.Dense(8, 8, "elu", rng=1), nn.LeakyReLU(0.2),
                                          nn.Dense(8, 8, "sigmoid", rng=2), nn.Tanh(), nn.Softplus(), nn.Sin(), nn.Identity(),
                                          nn.Dense(8, 3, "softmax", rng=3)), (6,)),
    "batchnorm-dropout-bias": (lambda: nn.Sequential(nn.Linear(6, 8, rng=0), nn.BatchNorm1d(8), nn.Dropout(0.5),
                                                     nn.Bias(8, init=nn.init.Normal(0, 1)), nn.LogSoftmax()), (6,)),
    "flatten": (lambda: nn.Sequential(nn.Flatten(), nn.Sequential(nn.Dense(12, 5, "tanh", rng=0)), nn.GELU("tanh")), (3, 4)),
    "pytorch-layout-linear-3d": (lambda: nn.Sequential(nn.Linear(4, 3, rng=0), nn.SELU(), nn.Linear(3, 5, rng=1),
                                                       nn.Hardsigmoid(), nn.Softsign(), nn.Linear(5, 2, bias=False, rng=2)), (6, 4)),
}  # fmt: skip


@pytest.mark.parametrize("name", MODELS)
def test_onnxruntime_computes_what_glassnet_computes(name, tmp_path):
    make, sample = MODELS[name]
    model = make()
    x = np.random.default_rng(0).standard_normal((7, *sample)).astype(np.float32)
    model(x)  # training-mode call: BatchNorm running statistics move away from their defaults
    model.train()
    gn.export_onnx(model, tmp_path / "m.onnx", (None, *sample))
    assert all(m.training for m in model.modules())  # exporting leaves the mode alone
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    for batch in (1, 7):
        out = session.run(None, {"input": x[:batch]})[0]
        model.eval()
        np.testing.assert_allclose(out, model(x[:batch]).numpy(), atol=1e-5)
        model.train()


def test_float64_models_export_as_double(tmp_path):
    model = nn.Sequential(nn.Dense(3, 2, "tanh", rng=0)).double()
    gn.export_onnx(model, tmp_path / "m.onnx", (3,))
    x = np.random.default_rng(1).standard_normal((4, 3))
    out = ort.InferenceSession(str(tmp_path / "m.onnx")).run(None, {"input": x})[0]
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, model(x).numpy(), atol=1e-12)


def test_the_first_layer_that_cannot_be_exported_is_named(tmp_path):
    model = nn.Sequential(
        nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Embedding(3, 2)), nn.Embedding(4, 2)
    )
    with pytest.raises(ExportError, match=r"layer '1\.1' \(Embedding\) cannot be exported"):
        gn.export_onnx(model, tmp_path / "m.onnx", (2,))
    assert not (tmp_path / "m.onnx").exists()
    with pytest.raises(ExportError, match="start_dim=1"):
        gn.export_onnx(nn.Sequential(nn.Flatten(2)), tmp_path / "m.onnx", (2, 3, 4))
