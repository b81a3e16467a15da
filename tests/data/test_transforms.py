"""Batch image transforms: each sample gets its own random choice, applied without a loop."""

import numpy as np
import pytest

from glassnet.data.transforms import (
    Compose,
    Normalize,
    RandomCrop,
    RandomHorizontalFlip,
    RandomShift,
)
from glassnet.errors import ShapeError


def test_random_crop_cuts_a_window_of_the_padded_image_per_sample():
    x = np.random.default_rng(0).random((50, 2, 5, 6)).astype(np.float32)
    out = RandomCrop((4, 4), padding=1, rng=0)(x)
    assert out.shape == (50, 2, 4, 4) and out.dtype == np.float32
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    offsets = set()
    for n in range(50):  # each crop is some window of its own padded image
        found = [
            (t, e)
            for t in range(4)
            for e in range(5)
            if np.array_equal(padded[n, :, t : t + 4, e : e + 4], out[n])
        ]
        assert found
        offsets.add(found[0])
    assert len(offsets) > 5  # not one offset for the whole batch


def test_random_shift_keeps_the_size_and_moves_content():
    x = np.zeros((20, 1, 5, 5))
    x[:, 0, 2, 2] = 1.0
    out = RandomShift(2, rng=1)(x)
    assert out.shape == x.shape
    positions = {tuple(np.argwhere(o[0])[0]) for o in out}
    assert len(positions) > 3 and all(0 <= r < 5 and 0 <= c < 5 for r, c in positions)
    np.testing.assert_array_equal(
        out.sum(axis=(1, 2, 3)), 1.0
    )  # a shift of at most 2 keeps the dot


def test_horizontal_flip_mirrors_some_samples_only():
    x = np.arange(40.0).reshape(10, 1, 1, 4)
    out = RandomHorizontalFlip(0.5, rng=2)(x)
    flipped = [np.array_equal(o, s[:, :, ::-1]) for o, s in zip(out, x)]
    kept = [np.array_equal(o, s) for o, s in zip(out, x)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
    np.testing.assert_array_equal(RandomHorizontalFlip(0.0)(x), x)


def test_normalize_and_compose():
    x = np.ones((2, 3, 2, 2), dtype=np.uint8)
    out = Normalize([0.0, 1.0, 0.5], [1.0, 1.0, 0.25])(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 0, 0], [1.0, 0.0, 2.0])
    assert Compose([RandomCrop(2, rng=0), Normalize(0.0, 2.0)])(np.ones((1, 1, 3, 3))).max() == 0.5


def test_errors_name_the_transform():
    with pytest.raises(ShapeError, match=r"RandomCrop: expects a batch of images \(N, C, H, W\)"):
        RandomCrop(2)(np.ones((3, 3)))
    with pytest.raises(ShapeError, match="larger than"):
        RandomCrop(9, padding=1)(np.ones((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="std must be > 0"):
        Normalize(0.0, 0.0)
    with pytest.raises(ShapeError, match="2 mean values for 3 channels"):
        Normalize([0.0, 0.0], 1.0)(np.ones((1, 3, 2, 2)))
