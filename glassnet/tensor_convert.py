"""Dtype and device conversions of a Tensor, PyTorch's way: ``to``, ``type``, ``float()`` ...,
and ``new_zeros`` and friends (new Tensors of this one's dtype).

``Tensor`` (in ``tensor.py``) inherits them. Inside this class the names ``float``, ``int`` and
``bool`` are methods, so the code here never calls Python's builtins of those names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet import dtypes
from glassnet.device import check_device
from glassnet.device import device as Device

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

DTypeLike = Any


class TensorConvert:
    """The conversion methods of ``glassnet.Tensor`` (a mixin: it holds no data)."""

    __slots__ = ()

    if TYPE_CHECKING:
        data: np.ndarray

        def astype(self, dtype: DTypeLike) -> Tensor: ...

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Cast and/or move, as PyTorch: ``to(dtype)``, ``to("cpu")``, ``to(device, dtype)``,
        ``to(other_tensor)``, ``to(dtype=..., device=..., copy=False)``.

        Returns self when nothing changes (unless ``copy=True``); a device other than the CPU
        raises RuntimeError.

        Examples:
            >>> import glassnet as gn
            >>> x = gn.tensor([1.0, 2.0])
            >>> x.to("cpu") is x, x.to(gn.float64).dtype, x.to(gn.zeros(1, dtype=gn.int64)).dtype
            (True, dtype('float64'), dtype('int64'))
        """
        dtype, copy = kwargs.pop("dtype", None), kwargs.pop("copy", False)
        check_device(kwargs.pop("device", None), "to")
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, TensorConvert):
                dtype = arg.data.dtype
            elif dtypes.is_dtype(arg):
                dtype = arg
            elif isinstance(arg, (str, Device, int)) and not isinstance(arg, bool):
                check_device(arg, "to")
            else:
                raise TypeError(f"to(): expected a dtype, a device or a Tensor, got {arg!r}")
        same = dtype is None or dtypes.as_dtype(dtype, "to") == self.data.dtype
        result: Any = self if same else self.astype(dtype)
        return _creation().tensor(self.data.copy()) if copy and result is self else result

    def type(self, dtype: DTypeLike = None) -> Any:
        """With no argument, PyTorch's type name (``'glassnet.FloatTensor'``); with a dtype (or a
        name such as ``'glassnet.DoubleTensor'``), the Tensor cast to it."""
        if dtype is None:
            return dtypes.type_name(self.data.dtype)
        return self.astype(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.astype(other.data.dtype)

    def cpu(self) -> Tensor:
        """Returns self: glassnet Tensors live on the CPU."""
        return self  # type: ignore[return-value]

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        raise RuntimeError(
            "cuda(): glassnet runs on the CPU only (gn.cuda.is_available() is False)"
        )

    def float(self) -> Tensor:
        return self.astype(np.float32)

    def double(self) -> Tensor:
        return self.astype(np.float64)

    def half(self) -> Tensor:
        return self.astype(np.float16)

    def long(self) -> Tensor:
        return self.astype(np.int64)

    def int(self) -> Tensor:
        return self.astype(np.int32)

    def short(self) -> Tensor:
        return self.astype(np.int16)

    def char(self) -> Tensor:
        return self.astype(np.int8)

    def byte(self) -> Tensor:
        return self.astype(np.uint8)

    def bool(self) -> Tensor:
        return self.astype(np.bool_)

    # ----------------------------------------------------------------- new Tensors like this one
    def new_tensor(self, data: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
        return _creation().tensor(data, dtype=self.data.dtype if dtype is None else dtype, **kwargs)

    def new_zeros(self, *size: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
        return _creation().zeros(*size, dtype=self.data.dtype if dtype is None else dtype, **kwargs)

    def new_ones(self, *size: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
        return _creation().ones(*size, dtype=self.data.dtype if dtype is None else dtype, **kwargs)

    def new_empty(self, *size: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
        return _creation().empty(*size, dtype=self.data.dtype if dtype is None else dtype, **kwargs)

    def new_full(self, size: Any, fill_value: Any, dtype: DTypeLike = None, **kw: Any) -> Tensor:
        return _creation().full(
            size, fill_value, dtype=self.data.dtype if dtype is None else dtype, **kw
        )


def _creation() -> Any:
    from glassnet import creation  # here: creation is built on Tensor, which builds on this

    return creation
