"""``glassnet.backends`` and ``glassnet.accelerator``: PyTorch's device checks, answering
"no accelerator", so the tutorials' device-picking lines choose the CPU.

Examples:
    >>> import glassnet as gn
    >>> "mps" if gn.backends.mps.is_available() else "cpu"
    'cpu'
    >>> gn.accelerator.current_accelerator().type if gn.accelerator.is_available() else "cpu"
    'cpu'
"""

from __future__ import annotations

from types import SimpleNamespace

from glassnet.device import device


def _no() -> bool:
    return False


mps = SimpleNamespace(is_available=_no, is_built=_no)
cudnn = SimpleNamespace(is_available=_no, deterministic=False, benchmark=False)

accelerator = SimpleNamespace(
    is_available=_no,
    device_count=lambda: 0,
    current_accelerator=lambda check_available=False: None if check_available else device("cpu"),
)
