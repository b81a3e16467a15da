"""The DataLoader, in ``glassnet.data`` as before: it lives in ``glassnet.utils.dataloader``
beside PyTorch's dataset classes (``glassnet.utils.data``), one loader for both habits."""

from glassnet.utils.dataloader import (
    DataLoader,
    Dataset,
    as_samples,
    check_finite,
    check_same_length,
)

__all__ = ["DataLoader", "Dataset", "as_samples", "check_finite", "check_same_length"]
