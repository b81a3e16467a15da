"""Saving and loading anything ``torch.save`` users save: a Tensor, a state_dict, and nested
dicts, lists and tuples of Tensors, arrays, numbers, strings, bools and None.

The arrays go into the file as named arrays ("0", "1", ...); the structure goes into the JSON
header, each array replaced by a marker naming it. Nothing is pickled and loading runs no code:
an object that is none of the above is refused when saving, naming where it sits.

Examples:
    >>> import tempfile, pathlib
    >>> import glassnet as gn
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "things.safetensors"
    >>> gn.save({"step": 3, "w": gn.ones(2), "names": ("a", "b")}, path)
    >>> gn.load(path)
    {'step': 3, 'w': Tensor([1., 1.], dtype=float32), 'names': ('a', 'b')}
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import FileFormatError
from glassnet.tensor import Tensor

#: Markers in the saved structure (a saved dict whose only key is one of these is stored as a
#: list of pairs, so it never reads back as a marker).
_MARKERS = ("__tensor__", "__array__", "__tuple__", "__dict__", "__float__", "__scalar__")


def encode(obj: Any, arrays: dict[str, np.ndarray], where: str = "obj") -> Any:
    """The JSON form of ``obj``, its arrays added to ``arrays``."""
    from glassnet.nn.parameter import Parameter

    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, Tensor):
        key = str(len(arrays))
        arrays[key] = np.asarray(obj.data)
        return {
            "__tensor__": key,
            "requires_grad": bool(obj.requires_grad),
            "parameter": isinstance(obj, Parameter),
        }
    if isinstance(obj, np.ndarray):
        key = str(len(arrays))
        arrays[key] = obj
        return {"__array__": key}
    if isinstance(obj, tuple):
        return {"__tuple__": [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        keys_plain = all(isinstance(k, str) for k in obj) and not (set(obj) & set(_MARKERS))
        if keys_plain:
            return {k: encode(v, arrays, f"{where}[{k!r}]") for k, v in obj.items()}
        pairs = []
        for k, v in obj.items():
            if not isinstance(k, (str, int, np.integer)) or isinstance(k, (bool, np.bool_)):
                raise TypeError(
                    f"save: {where} has the key {k!r}; saved dicts take string or int keys"
                )
            pairs.append([encode(k, arrays, where), encode(v, arrays, f"{where}[{k!r}]")])
        return {"__dict__": pairs}
    raise TypeError(
        f"save: {where} is a {type(obj).__name__}; glassnet saves Modules, Tensors, arrays, "
        "numbers, strings, None and dicts/lists/tuples of them (never pickle)"
    )


class _Decoder:
    def __init__(self, path: Any, arrays: dict[str, np.ndarray]) -> None:
        self.path, self.arrays = path, arrays

    def fail(self, problem: str) -> FileFormatError:
        return FileFormatError(f"{self.path}: the saved object is malformed: {problem}")

    def array(self, key: Any) -> np.ndarray:
        if not isinstance(key, str) or key not in self.arrays:
            raise self.fail(f"it names an array {key!r} the file does not hold")
        return self.arrays[key]

    def decode(self, value: Any) -> Any:
        from glassnet.nn.parameter import Parameter

        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            raise self.fail(f"unexpected {type(value).__name__}")
        if "__tensor__" in value:
            array = self.array(value["__tensor__"])
            if value.get("parameter"):
                return Parameter(array, requires_grad=bool(value.get("requires_grad", True)))
            return Tensor(array, requires_grad=bool(value.get("requires_grad", False)))
        if "__array__" in value:
            return self.array(value["__array__"])
        if "__tuple__" in value:
            items = value["__tuple__"]
            if not isinstance(items, list):
                raise self.fail("a tuple that is not a list")
            return tuple(self.decode(v) for v in items)
        if "__float__" in value:
            text = value["__float__"]
            if text not in ("nan", "inf", "-inf"):
                raise self.fail(f"a float written as {text!r}")
            return float(text)
        if "__dict__" in value:
            pairs = value["__dict__"]
            if not isinstance(pairs, list) or not all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], (str, int)) for p in pairs
            ):
                raise self.fail("a dict whose pairs are not [key, value]")
            return {k: self.decode(v) for k, v in pairs}
        return {k: self.decode(v) for k, v in value.items()}


def decode(path: Any, structure: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The object ``encode`` described."""
    return _Decoder(path, arrays).decode(structure)
