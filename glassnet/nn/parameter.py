"""``Parameter``: a Tensor that is a model's weight."""

from __future__ import annotations

from typing import Any

from glassnet.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a model's weight: it requires grad, and Modules register it.

    Examples:
        >>> from glassnet import nn
        >>> p = nn.Parameter([[1.0, 2.0]])
        >>> p.requires_grad, p.shape
        (True, (1, 2))
    """

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__()[len("Tensor") :]
