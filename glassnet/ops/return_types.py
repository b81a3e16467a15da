"""The named tuples that PyTorch's ``max(dim)``, ``sort``, ``topk``... return (as
``torch.return_types``): a pair ``(values, indices)`` that also reads ``.values``/``.indices``.

Examples:
    >>> import glassnet as gn
    >>> best = gn.tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
    >>> best.values, best.indices
    (Tensor([5., 7.], dtype=float32), Tensor([1, 0], dtype=int64))
    >>> values, indices = best
    >>> print(repr(best)[:39])
    glassnet.return_types.max(values=Tensor
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

__all__ = ["cummax", "cummin", "kthvalue", "max", "median", "min", "mode", "sort", "topk"]


def _repr(self: Any) -> str:
    kind = type(self).__name__
    return f"glassnet.return_types.{kind}(values={self.values!r}, indices={self.indices!r})"


def _pair(name: str) -> Any:
    """A ``(values, indices)`` named tuple class called ``name``, printed as PyTorch does."""
    base: Any = namedtuple(name, ["values", "indices"])  # type: ignore[misc]  # name varies
    return type(name, (base,), {"__slots__": (), "__repr__": _repr, "__module__": __name__})


max = _pair("max")
min = _pair("min")
sort = _pair("sort")
topk = _pair("topk")
kthvalue = _pair("kthvalue")
median = _pair("median")
mode = _pair("mode")
cummax = _pair("cummax")
cummin = _pair("cummin")
