"""PyTorch's ``torch.utils``: ``glassnet.utils.data`` (Dataset, DataLoader, samplers, ...).

``data`` is imported on first use, so the loader in ``glassnet.data`` can build on the
dataset classes here without an import cycle.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "data":
        import importlib

        return importlib.import_module("glassnet.utils.data")
    raise AttributeError(f"module 'glassnet.utils' has no attribute {name!r}")
