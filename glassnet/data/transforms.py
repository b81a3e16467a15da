"""Batch transforms for images in NumPy: random crop with padding, random shift, horizontal
flip, normalize, and Compose to chain them.

Each transform is a callable on a whole batch ``x`` of shape (N, C, H, W) (NumPy in, NumPy
out), vectorised over the batch: the random choices are drawn per sample, then applied with one
gather, never a loop over samples. Use them on the batches a DataLoader yields:

Examples:
    >>> import numpy as np
    >>> from glassnet.data.transforms import Compose, Normalize, RandomCrop, RandomHorizontalFlip
    >>> augment = Compose([RandomCrop(28, padding=2, rng=0), RandomHorizontalFlip(rng=0),
    ...                    Normalize(0.1307, 0.3081)])
    >>> augment(np.zeros((4, 1, 28, 28), dtype=np.float32)).shape
    (4, 1, 28, 28)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.arguments import check_int, check_number
from glassnet.errors import ShapeError
from glassnet.rng import RngLike, get_rng


def _images(x: Any, where: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise ShapeError(f"{where}: expects a batch of images (N, C, H, W), got shape {x.shape}")
    return x


def _pair(where: str, name: str, value: Any) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{where}: {name} must be an int or a pair, got {value!r}")
        return check_int(where, name, value[0], 1), check_int(where, name, value[1], 1)
    size = check_int(where, name, value, 1)
    return size, size


class RandomCrop:
    """Pad each image by ``padding`` (with ``fill``) and cut a ``size`` crop at a random place,
    a different place per sample.

    Examples:
        >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
        >>> RandomCrop(2, rng=0)(x).shape
        (1, 1, 2, 2)
    """

    def __init__(self, size: Any, padding: int = 0, fill: float = 0.0, rng: RngLike = None):
        self.size = _pair("RandomCrop", "size", size)
        self.padding = check_int("RandomCrop", "padding", padding)
        self.fill = check_number("RandomCrop", "fill", fill)
        self._rng = rng

    def __call__(self, x: Any) -> np.ndarray:
        x = _images(x, type(self).__name__)
        p, (h, w) = self.padding, self.size
        padded = x
        if p:
            padded = np.full(
                (*x.shape[:2], x.shape[2] + 2 * p, x.shape[3] + 2 * p), self.fill, x.dtype
            )
            padded[:, :, p : p + x.shape[2], p : p + x.shape[3]] = x
        if h > padded.shape[2] or w > padded.shape[3]:
            raise ShapeError(
                f"{type(self).__name__}: crop {self.size} is larger than the padded images "
                f"{padded.shape[2:]}"
            )
        rng = get_rng(self._rng)
        n = len(x)
        top = rng.integers(0, padded.shape[2] - h + 1, n)
        left = rng.integers(0, padded.shape[3] - w + 1, n)
        rows = (top[:, None] + np.arange(h))[:, :, None]  # (N, h, 1)
        cols = (left[:, None] + np.arange(w))[:, None, :]  # (N, 1, w)
        # one gather: (N, h, w, C) picked from (N, H, W, C), then channels first again
        crops = padded.transpose(0, 2, 3, 1)[np.arange(n)[:, None, None], rows, cols]
        return np.ascontiguousarray(crops.transpose(0, 3, 1, 2))


class RandomShift(RandomCrop):
    """Translate each image by up to ``max_shift`` pixels in each direction (a random affine
    shift), filling the uncovered border with ``fill``: a same-size crop of the padded image.

    Examples:
        >>> RandomShift(2, rng=0)(np.ones((3, 1, 8, 8))).shape
        (3, 1, 8, 8)
    """

    def __init__(self, max_shift: int, fill: float = 0.0, rng: RngLike = None):
        self.max_shift = check_int("RandomShift", "max_shift", max_shift)
        super().__init__(1, max_shift, fill, rng)

    def __call__(self, x: Any) -> np.ndarray:
        x = _images(x, "RandomShift")
        self.size = (x.shape[2], x.shape[3])
        return super().__call__(x)


class RandomHorizontalFlip:
    """Mirror each image left-right with probability ``p``.

    Examples:
        >>> x = np.arange(3.0).reshape(1, 1, 1, 3)
        >>> RandomHorizontalFlip(p=1.0)(x)
        array([[[[2., 1., 0.]]]])
    """

    def __init__(self, p: float = 0.5, rng: RngLike = None):
        self.p = check_number("RandomHorizontalFlip", "p", p, low=0.0, high=1.0)
        self._rng = rng

    def __call__(self, x: Any) -> np.ndarray:
        x = _images(x, "RandomHorizontalFlip")
        flip = get_rng(self._rng).random(len(x)) < self.p
        out = x.copy()
        out[flip] = x[flip, :, :, ::-1]
        return out


class Normalize:
    """``(x - mean) / std`` per channel (a number for every channel, or one per channel).

    Examples:
        >>> Normalize([0.5, 1.0], [0.5, 2.0])(np.ones((1, 2, 1, 1))).ravel()
        array([1., 0.])
    """

    def __init__(self, mean: Any, std: Any):
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if self.mean.ndim != 1 or self.std.ndim != 1:
            raise ValueError("Normalize: mean and std must be numbers or one number per channel")
        if (self.std <= 0).any():
            raise ValueError(f"Normalize: std must be > 0, got {std!r}")

    def __call__(self, x: Any) -> np.ndarray:
        x = _images(x, "Normalize")
        c = x.shape[1]
        for name, values in (("mean", self.mean), ("std", self.std)):
            if len(values) not in (1, c):
                raise ShapeError(f"Normalize: {len(values)} {name} values for {c} channels")
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        mean = self.mean.astype(dtype).reshape(1, -1, 1, 1)
        std = self.std.astype(dtype).reshape(1, -1, 1, 1)
        return (x.astype(dtype, copy=False) - mean) / std


class Compose:
    """Apply transforms one after the other.

    Examples:
        >>> Compose([Normalize(1.0, 2.0), Normalize(0.0, 0.5)])(np.full((1, 1, 1, 1), 3.0)).item()
        2.0
    """

    def __init__(self, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]):
        self.transforms = list(transforms)

    def __call__(self, x: Any) -> np.ndarray:
        for transform in self.transforms:
            x = transform(x)
        return np.asarray(x)
