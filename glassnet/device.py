"""Devices: glassnet runs on the CPU only, and says so.

PyTorch programs name devices everywhere (``device="cpu"``, ``.to(device)``, ``.cpu()``,
``torch.device("cuda" if torch.cuda.is_available() else "cpu")``). glassnet accepts every way of
naming the CPU and refuses any other device with an error, never silently.

Examples:
    >>> import glassnet as gn
    >>> gn.device("cpu"), gn.zeros(2, device="cpu").device
    (device(type='cpu'), device(type='cpu'))
    >>> gn.device("cuda" if gn.cuda.is_available() else "cpu")
    device(type='cpu')
"""

from __future__ import annotations

from typing import Any


class device:
    """A device: ``device("cpu")``, ``device("cpu", 0)`` or ``device("cpu:0")``.

    Raises:
        RuntimeError: any device other than the CPU ("cuda", "mps", "cuda:0", ...).
    """

    __slots__ = ("index", "type")

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        spec: Any = type
        if isinstance(spec, device):
            spec, index = "cpu", spec.index
        if not isinstance(spec, str):
            raise TypeError(f"device: expected a string such as 'cpu', got {spec!r}")
        name, _, number = spec.partition(":")
        if name != "cpu":
            raise RuntimeError(
                f"device {spec!r}: glassnet runs on the CPU only (NumPy); use 'cpu' "
                "(gn.cuda.is_available() is False)"
            )
        if number:
            index = int(number)
        self.type: str = "cpu"
        self.index: int | None = index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other.partition(":")[0] == "cpu"
        return isinstance(other, device)

    def __hash__(self) -> int:
        return hash("cpu")

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='cpu'{index})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"


CPU = device("cpu")
_default = CPU


def check_device(value: Any, where: str = "device") -> device:
    """The device for a ``device=`` argument: None (the default), "cpu", a ``device``, or the
    index 0 / "cpu:0"; anything else raises RuntimeError saying glassnet runs on the CPU."""
    if value is None or isinstance(value, device):
        return CPU if value is None else value
    if isinstance(value, int) and not isinstance(value, bool):
        raise RuntimeError(
            f"{where}={value}: an integer names a CUDA device; glassnet runs on the CPU only"
        )
    try:
        return device(value)
    except RuntimeError as error:
        raise RuntimeError(f"{where}: {error}") from None


def set_default_device(value: Any) -> None:
    """Accept ``"cpu"`` (the only device); anything else raises RuntimeError."""
    global _default
    _default = check_device(value, "set_default_device")


def get_default_device() -> device:
    return _default
