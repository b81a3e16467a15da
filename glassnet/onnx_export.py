"""The way out: export a model made of library layers to ONNX (the ``onnx`` extra).

The exported graph computes what the model computes in eval mode (Dropout is the identity,
BatchNorm uses its running statistics), for any batch size.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from glassnet.nn import activations as act
from glassnet.nn import layers
from glassnet.nn.containers import Sequential
from glassnet.nn.module import Module, temporary_mode


class ExportError(ValueError):
    """A layer that has no ONNX equivalent here."""


def _leaves(module: Module, name: str) -> Iterator[tuple[str, Module]]:
    """The layers in the order data flows through them (Sequential and Dense unfolded)."""
    if isinstance(module, Sequential):
        for child_name, child in module.named_children():
            yield from _leaves(child, f"{name}.{child_name}" if name else child_name)
    elif isinstance(module, layers.Dense):
        yield f"{name}.linear", module.linear
        yield f"{name}.activation", module.activation
    else:
        yield name or type(module).__name__, module


_SIMPLE = {act.ReLU: "Relu", act.Sigmoid: "Sigmoid", act.Tanh: "Tanh", act.Softplus: "Softplus",
           act.Sin: "Sin", act.Identity: "Identity", layers.Dropout: "Identity"}  # fmt: skip


def export_onnx(
    model: Module, path: str | os.PathLike, input_shape: Sequence[int | None], opset: int = 20
) -> None:
    """Write ``model`` as an ONNX file.

    Args:
        model: a Module made of Linear/Dense/Bias, activations, Dropout, BatchNorm1d, Flatten,
            possibly nested in Sequential.
        input_shape: the shape of one sample, e.g. ``(784,)`` (a leading None is accepted and
            ignored); the batch axis is left free.
        opset: the ONNX operator set (20 has Gelu).

    Raises:
        ExportError: naming the first layer that cannot be exported.
    """
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        raise ImportError("ONNX export needs: pip install 'glassnet[onnx]'") from None

    dims = list(input_shape)[1:] if input_shape and input_shape[0] is None else list(input_shape)
    if any(d is None for d in dims):
        raise ValueError(f"export_onnx: only the batch axis may be None, got {tuple(input_shape)}")
    sample = [int(d) for d in dims if d is not None]
    params = list(model.parameters())
    dtype = params[0].dtype if params else np.dtype(np.float32)
    element = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT
    nodes: list[Any] = []
    weights: list[Any] = []
    counter = iter(range(1_000_000))

    def constant(name: str, value: Any) -> str:
        weights.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def emit(op: str, inputs: list[str], **attributes: Any) -> str:
        output = f"t{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    current = "input"
    for name, layer in _leaves(model, ""):
        emitter = _EMITTERS.get(type(layer))
        if type(layer) in _SIMPLE:
            current = emit(_SIMPLE[type(layer)], [current])
        elif emitter is not None:
            current = emitter(layer, name, current, emit, constant)
        else:
            raise ExportError(
                f"export_onnx: layer {name!r} ({type(layer).__name__}) cannot be exported to ONNX"
            )
    nodes.append(helper.make_node("Identity", [current], ["output"]))
    graph = helper.make_graph(
        nodes,
        "glassnet",
        [helper.make_tensor_value_info("input", element, ["batch", *sample])],
        [
            helper.make_tensor_value_info(
                "output", element, ["batch", *_output_shape(model, sample, dtype)]
            )
        ],
        weights,
    )
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="glassnet"
    )
    onnx.checker.check_model(proto)
    from glassnet.io import atomic_write

    payload = proto.SerializeToString()  # before the file is touched: a failure keeps the old one
    with atomic_write(path) as f:
        f.write(payload)


Emit = Callable[..., str]


def _output_shape(model: Module, sample: list[int], dtype: np.dtype) -> list[int]:
    """The output shape of one sample, from a forward pass in eval mode (modes restored)."""
    from glassnet.autograd.engine import no_grad

    with temporary_mode(model, training=False), no_grad():
        return list(model(np.zeros((1, *sample), dtype=dtype)).shape[1:])


def _linear(layer: layers.Linear, name: str, x: str, emit: Emit, constant: Emit) -> str:
    if layer.weight is None:
        raise ExportError(
            f"export_onnx: layer {name!r} has not been built yet (call the model once)"
        )
    out = emit("MatMul", [x, constant(f"{name}.weight", layer.weight.numpy())])
    if layer.bias is not None:
        out = emit("Add", [out, constant(f"{name}.bias", layer.bias.numpy())])
    return out


def _bias(layer: layers.Bias, name: str, x: str, emit: Emit, constant: Emit) -> str:
    return emit("Add", [x, constant(f"{name}.bias", layer.bias.numpy())])


def _leaky(layer: act.LeakyReLU, name: str, x: str, emit: Emit, constant: Emit) -> str:
    return emit("LeakyRelu", [x], alpha=float(layer.slope))


def _elu(layer: act.ELU, name: str, x: str, emit: Emit, constant: Emit) -> str:
    return emit("Elu", [x], alpha=float(layer.alpha))


def _gelu(layer: act.GELU, name: str, x: str, emit: Emit, constant: Emit) -> str:
    return emit("Gelu", [x], approximate=layer.approximate)


def _softmax(layer: act.Softmax, name: str, x: str, emit: Emit, constant: Emit) -> str:
    return emit("Softmax" if isinstance(layer, act.Softmax) else "LogSoftmax", [x], axis=layer.axis)


def _flatten(layer: layers.Flatten, name: str, x: str, emit: Emit, constant: Emit) -> str:
    if layer.start_dim != 1:
        raise ExportError(f"export_onnx: layer {name!r}: only Flatten(start_dim=1) maps to ONNX")
    return emit("Flatten", [x], axis=1)


def _batch_norm(layer: layers.BatchNorm1d, name: str, x: str, emit: Emit, constant: Emit) -> str:
    n = layer.num_features
    scale = layer.weight.numpy() if layer.affine else np.ones(n)
    shift = layer.bias.numpy() if layer.affine else np.zeros(n)
    inputs = [x, constant(f"{name}.weight", scale), constant(f"{name}.bias", shift),
              constant(f"{name}.running_mean", layer.running_mean),
              constant(f"{name}.running_var", layer.running_var)]  # fmt: skip
    return emit("BatchNormalization", inputs, epsilon=float(layer.eps))


_EMITTERS: dict[type, Callable[..., str]] = {
    layers.Linear: _linear,
    layers.Bias: _bias,
    act.LeakyReLU: _leaky,
    act.ELU: _elu,
    act.GELU: _gelu,
    act.Softmax: _softmax,
    act.LogSoftmax: _softmax,
    layers.Flatten: _flatten,
    layers.BatchNorm1d: _batch_norm,
}
