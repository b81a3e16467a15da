"""``gn.save`` and ``gn.load``: a model's weights, buffers and architecture in one file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.errors import FileFormatError
from glassnet.io.architecture import (
    _SPARE_WEIGHTS,
    _Builder,
    _check_description_size,
    _check_dtype_setting,
    _short,
    describe,
)
from glassnet.io.container import read_file, write_file
from glassnet.io.objects import decode, encode
from glassnet.io.upgrade import upgrade_v2_arrays


def save(
    model: Any,
    path: str | os.PathLike,
    extra: dict[str, Any] | None = None,
    file_format: str | None = None,
    **torch_options: Any,
) -> None:
    """Save a model (weights, buffers and architecture), or any object ``torch.save`` users
    save, to one file, atomically.

    Args:
        model: a Module, or a Tensor, an array, a state_dict, or nested dicts/lists/tuples of
            Tensors, arrays, numbers, strings and None (``glassnet.io.objects``). Models made
            of library layers can later be loaded without code; others are saved too, and
            load into an instance with ``gn.load(path, model=...)``.
        extra: JSON-able information to keep beside a model (read back with ``with_extra``).
        file_format: "safetensors" (default when the ``io`` extra is installed) or "npz".
        torch_options: ``torch.save``'s ``pickle_module``/``pickle_protocol`` and the like are
            refused: glassnet never pickles.
    """
    _check_path(path)
    if torch_options:
        raise TypeError(
            f"save: unexpected arguments {sorted(torch_options)} (glassnet never pickles: "
            "pickle_module and pickle_protocol have no meaning here)"
        )
    from glassnet.nn.module import Module

    if not isinstance(model, Module):
        if extra is not None:
            raise TypeError("save: extra= goes with a Module; put it inside the saved dict")
        arrays: dict[str, np.ndarray] = {}
        structure = encode(model, arrays)
        write_file(path, arrays, {"kind": "object", "object": structure}, file_format)
        return
    if extra is not None:
        _check_extra(path, extra)
    dtypes = {str(p.dtype) for p in model.parameters()}
    header = {
        "kind": "model",
        "model": describe(model),
        "dtype": dtypes.pop() if len(dtypes) == 1 else None,
        "extra": extra or {},
    }
    write_file(path, model.state_dict(), header, file_format)


def _check_extra(path: Any, extra: Any) -> None:
    """``extra`` comes back as saved: a dict whose dicts have string keys (JSON turns 1 into
    "1", so {1: ..., "1": ...} would lose a value)."""
    if not isinstance(extra, dict):
        raise TypeError(f"{path}: extra must be a dict, not {type(extra).__name__}")
    stack: list[Any] = [extra]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            keys = [k for k in value if not isinstance(k, str)]
            if keys:
                raise TypeError(
                    f"{path}: extra's dict keys must be strings (JSON has no others), got "
                    f"{_short(keys[0])}"
                )
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)


def _check_path(path: Any) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"a file path (str or os.PathLike) is needed, got {type(path).__name__} (file "
            "objects are not supported)"
        )


def load(
    path: str | os.PathLike,
    model: Any = None,
    with_extra: bool = False,
    *,
    map_location: Any = None,
    weights_only: bool | None = None,
    mmap: Any = None,
) -> Any:
    """Load what ``save`` saved: a model, or the object (Tensor, state_dict, nested
    dicts/lists...) as it was.

    ``torch.load``'s ``map_location`` (the CPU only: "cpu", a CPU device, or a function, which
    is not called) and ``weights_only`` (loading is always weights-only: nothing is unpickled,
    no code runs) are accepted.

    Args:
        model: an instance to load the weights into (needed for models with custom layers);
            by default the model is rebuilt from the architecture stored in the file.
        with_extra: also return the ``extra`` dict given to [save][glassnet.io.models.save].

    Nothing is changed unless every tensor matches the model by name, shape and kind of dtype:
    a mismatch is a clear error, never a half-loaded model. A rebuilt model takes the stored
    dtypes; an instance keeps its own float precision.

    Raises:
        FileFormatError: the file is malformed, edited or does not fit the model.
    """
    _check_path(path)
    if (
        map_location is not None
        and not callable(map_location)
        and not isinstance(map_location, dict)
    ):
        from glassnet.nn.factory import check_device

        check_device("load(map_location=...)", map_location)
    path = Path(path)
    arrays, header = read_file(path, oldest=2)
    if header.get("kind") == "object":
        if model is not None or with_extra:
            raise TypeError(
                f"{path}: holds an object, not a model: model= and with_extra= do not apply"
            )
        return decode(path, header.get("object"), arrays)
    if header.get("kind") != "model":
        raise FileFormatError(f"{path}: holds a {header.get('kind')!r}, not a 'model' or an object")
    extra = header.get("extra", {})
    if not isinstance(extra, dict):
        raise FileFormatError(f"{path}: the header's 'extra' is not a dict")
    rebuilt = model is None
    if rebuilt:
        description = header.get("model")
        if description is None:
            unpickle = (
                " (weights_only=False does not change this: glassnet never unpickles, so a"
                " Module class of your own is not stored)"
                if weights_only is False
                else ""
            )
            raise FileFormatError(
                f"{path}: the model has layers glassnet cannot rebuild by itself; pass an "
                f"instance: gn.load(path, model=MyModel()){unpickle}"
            )
        stored = sum(a.size for a in arrays.values())
        _check_description_size(path, description, stored, len(arrays))
        max_bytes = 2 * sum(a.nbytes for a in arrays.values()) + 4 * _SPARE_WEIGHTS
        model = _Builder(str(path), max_bytes).build(description)
        dtype = header.get("dtype")
        if dtype is not None:
            _check_dtype_setting(path, "(the whole model)", dtype, kinds="f")
            model.to(dtype)
    if header["version"] == 2:  # Linear weights (in, out), Dense's linear.weight: convert
        arrays = upgrade_v2_arrays(arrays, model)
    _check_fits(path, model, arrays, exact_dtypes=rebuilt)
    try:
        model.load_state_dict(arrays)
    except (KeyError, ValueError) as error:
        raise FileFormatError(
            f"{path}: the saved tensors do not match the model: {error}"
        ) from None
    return (model, extra) if with_extra else model


def _check_fits(path: Path, model: Any, arrays: dict[str, np.ndarray], exact_dtypes: bool) -> None:
    """Every stored tensor fits the model's tensor of that name: shape, and the kind of dtype
    (a rebuilt model's parameters take the stored float dtype; an instance keeps its own)."""
    targets = {name: p for name, p in model.named_parameters()}
    buffers = dict(model.named_buffers())
    for name in [*targets, *buffers]:  # in the model's order
        array = arrays.get(name)
        if array is None:
            continue  # load_state_dict names every missing and unexpected key
        current = np.asarray(targets[name].data if name in targets else buffers[name])
        if current.shape != array.shape:
            raise FileFormatError(
                f"{path}: the saved tensors do not match the model: {name!r} has shape "
                f"{array.shape} in the file but {current.shape} in the model"
            )
        if current.dtype == array.dtype:
            continue
        if current.dtype.kind != array.dtype.kind or current.dtype.kind != "f":
            raise FileFormatError(
                f"{path}: the saved tensors do not match the model: {name!r} is {array.dtype} "
                f"in the file but {current.dtype} in the model"
            )
        if exact_dtypes and name in targets:
            targets[name].data = targets[name].data.astype(array.dtype)
