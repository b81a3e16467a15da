"""The way out: export a model made of library layers to ONNX (the ``onnx`` extra).

The exported graph computes what the model computes in eval mode (Dropout is the identity,
BatchNorm uses its running statistics), for any batch size.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ExportError
from glassnet.nn.module import Module, temporary_mode

__all__ = ["ExportError", "OnnxGraph", "export_onnx"]


class OnnxGraph:
    """The ONNX graph being written: a layer's ``to_onnx(graph, x, name)`` calls ``node``
    and ``constant`` to add its operators and weights, and returns its output's name."""

    def __init__(self, dtype: np.dtype) -> None:
        from onnx import helper, numpy_helper

        self.dtype = dtype
        self.nodes: list[Any] = []
        self.weights: list[Any] = []
        self._helper, self._numpy_helper = helper, numpy_helper

    def constant(self, name: str, value: Any) -> str:
        """Add a weight (in the model's dtype) named ``name``; returns the name."""
        array = np.asarray(value, dtype=self.dtype)
        self.weights.append(self._numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], **attributes: Any) -> str:
        """Add one ONNX operator reading ``inputs``; returns the name of its output."""
        output = f"t{len(self.nodes)}"
        self.nodes.append(self._helper.make_node(op, inputs, [output], **attributes))
        return output


def export_onnx(
    model: Module, path: str | os.PathLike, input_shape: Sequence[int | None], opset: int = 20
) -> None:
    """Write ``model`` as an ONNX file.

    Each layer writes its own operators (``Module.to_onnx``), so a new layer that has an ONNX
    form exports without changing this function.

    Args:
        model: a Module made of layers with an ONNX form (Linear/Dense/Bias, activations,
            Dropout, BatchNorm1d, Flatten, possibly nested in Sequential).
        input_shape: the shape of one sample, e.g. ``(784,)`` (a leading None is accepted and
            ignored); the batch axis is left free.
        opset: the ONNX operator set (20 has Gelu).

    Raises:
        ExportError: naming the first layer that cannot be exported.
    """
    try:
        import onnx
        from onnx import TensorProto, helper
    except ImportError:
        raise ImportError("ONNX export needs: pip install 'glassnet[onnx]'") from None

    dims = list(input_shape)[1:] if input_shape and input_shape[0] is None else list(input_shape)
    if any(d is None for d in dims):
        raise ValueError(f"export_onnx: only the batch axis may be None, got {tuple(input_shape)}")
    sample = [int(d) for d in dims if d is not None]
    params = list(model.parameters())
    dtype = params[0].dtype if params else np.dtype(np.float32)
    element = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT
    graph = OnnxGraph(dtype)
    output = model.to_onnx(graph, "input", "")
    graph.nodes.append(helper.make_node("Identity", [output], ["output"]))
    out_shape = _output_shape(model, sample, dtype)
    proto = helper.make_model(
        helper.make_graph(
            graph.nodes,
            "glassnet",
            [helper.make_tensor_value_info("input", element, ["batch", *sample])],
            [helper.make_tensor_value_info("output", element, ["batch", *out_shape])],
            graph.weights,
        ),
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="glassnet",
    )
    onnx.checker.check_model(proto)
    from glassnet.io import atomic_write

    payload = proto.SerializeToString()  # before the file is touched: a failure keeps the old one
    with atomic_write(path) as f:
        f.write(payload)


def _output_shape(model: Module, sample: list[int], dtype: np.dtype) -> list[int]:
    """The output shape of one sample, from a forward pass in eval mode (modes restored)."""
    from glassnet.autograd import no_grad

    with temporary_mode(model, training=False), no_grad():
        return list(model(np.zeros((1, *sample), dtype=dtype)).shape[1:])
