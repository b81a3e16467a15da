"""Text for language models: a character tokenizer, a train/validation split and batches of
random windows.

A character-level model reads text one character at a time: the tokenizer maps each distinct
character of the training text to an integer id, and a training batch is B random windows of
T + 1 consecutive ids, the inputs being the first T and the targets the last T (each target
is the character that follows its input).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.arguments import check_int, check_number
from glassnet.rng import RngLike, get_rng


class CharTokenizer:
    """Characters <-> integer ids, the vocabulary being the sorted distinct characters of a
    text.

    Args:
        text: the text whose characters form the vocabulary (or any iterable of characters).

    Attributes:
        chars: the vocabulary, a string: id ``i`` is ``chars[i]``.
        vocab_size: how many distinct characters.

    Examples:
        >>> tok = CharTokenizer("hello")
        >>> tok.chars, tok.vocab_size
        ('ehlo', 4)
        >>> tok.encode("hole")
        array([1, 3, 2, 0])
        >>> tok.decode([1, 0, 2, 2, 3])
        'hello'
    """

    def __init__(self, text: Iterable[str]) -> None:
        chars = sorted(set(text))
        if not chars:
            raise ValueError("CharTokenizer: the text is empty, so there is no vocabulary")
        if any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise TypeError("CharTokenizer: the vocabulary must be single characters")
        self.chars = "".join(chars)
        self._ids = {c: i for i, c in enumerate(self.chars)}
        # a table indexed by code point, so encoding a text is one NumPy gather, not a loop
        self._table = np.full(ord(self.chars[-1]) + 1, -1, dtype=np.int64)  # chars are sorted
        self._codes = np.frombuffer(self.chars.encode("utf-32-le"), dtype=np.uint32)
        self._table[self._codes] = np.arange(len(self.chars))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The ids of ``text``'s characters, an int64 array of ``len(text)``.

        Raises:
            KeyError: a character outside the vocabulary, named with its position.
        """
        if not isinstance(text, str):
            raise TypeError(f"CharTokenizer.encode: expects a str, got {type(text).__name__}")
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        inside = codes < len(self._table)
        ids = np.where(inside, self._table[np.where(inside, codes, 0)], -1)
        unknown = np.flatnonzero(ids < 0)
        if unknown.size:
            position = int(unknown[0])
            raise KeyError(
                f"CharTokenizer.encode: character {text[position]!r} at position {position} is "
                f"not in the vocabulary of {self.vocab_size} characters"
            )
        return ids

    def decode(self, ids: Any) -> str:
        """The text of a sequence of ids (a list, an array or a 1-D Tensor).

        Raises:
            IndexError: an id outside [0, vocab_size).
        """
        array = np.asarray(getattr(ids, "data", ids)).reshape(-1)
        if array.size == 0:
            return ""
        if array.dtype.kind not in "iu" or array.min() < 0:
            raise IndexError(f"CharTokenizer.decode: ids must be integers >= 0, got {array[:5]}")
        if array.max() >= self.vocab_size:
            raise IndexError(
                f"CharTokenizer.decode: id {int(array.max())} is outside the vocabulary "
                f"[0, {self.vocab_size})"
            )
        # code points gathered by NumPy and decoded in one go: no Python loop over the ids
        return self._codes[array].tobytes().decode("utf-32-le")

    # ----------------------------------------------------------------- saving
    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description: ``{"type": "char", "chars": ...}``."""
        return {"type": "char", "chars": self.chars}

    @classmethod
    def from_dict(cls, data: Any) -> CharTokenizer:
        if not isinstance(data, dict) or data.get("type") != "char":
            raise ValueError(
                "CharTokenizer.from_dict: expects {'type': 'char', 'chars': ...}, got "
                f"{str(data)[:80]}"
            )
        chars = data.get("chars")
        if not isinstance(chars, str) or len(set(chars)) != len(chars) or not chars:
            raise ValueError(
                "CharTokenizer.from_dict: 'chars' must be a string of distinct characters"
            )
        return cls(chars)

    def save(self, path: str | os.PathLike) -> None:
        """Write the vocabulary as JSON (never a pickle)."""
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike) -> CharTokenizer:
        """Read a vocabulary written by ``save``."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"CharTokenizer.load: {path} is not JSON: {error}") from None
        return cls.from_dict(data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharTokenizer) and other.chars == self.chars

    def __hash__(self) -> int:
        return hash(self.chars)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"


def train_val_split(data: Any, train_fraction: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """The first ``train_fraction`` of a sequence for training, the rest for validation (no
    shuffling: a text's end is unseen text).

    Examples:
        >>> train, val = train_val_split(np.arange(10))
        >>> train.tolist(), val.tolist()
        ([0, 1, 2, 3, 4, 5, 6, 7, 8], [9])
    """
    fraction = check_number("train_val_split", "train_fraction", train_fraction, 0.0, 1.0)
    array = np.asarray(data)
    cut = int(len(array) * fraction)
    return array[:cut], array[cut:]


def random_windows(
    data: Any, batch_size: int, block_size: int, rng: RngLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of ``batch_size`` random windows of ``block_size`` ids and their targets.

    Returns:
        ``(x, y)``, two int64 arrays of shape (batch_size, block_size), ``y`` being ``x``
        shifted by one: ``y[b, t] = data[start_b + t + 1]`` is the id that follows
        ``x[b, t] = data[start_b + t]``.

    Examples:
        >>> x, y = random_windows(np.arange(100), batch_size=2, block_size=4, rng=0)
        >>> x.shape, bool((y == x + 1).all())
        ((2, 4), True)
    """
    array = np.asarray(data)
    batch_size = check_int("random_windows", "batch_size", batch_size, minimum=1)
    block_size = check_int("random_windows", "block_size", block_size, minimum=1)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise TypeError(
            f"random_windows: data must be a 1-D array of integer ids, got {array.dtype} of "
            f"shape {array.shape}"
        )
    if len(array) < block_size + 1:
        raise ValueError(
            f"random_windows: data of length {len(array)} is too short for windows of "
            f"block_size + 1 = {block_size + 1}"
        )
    starts = get_rng(rng).integers(0, len(array) - block_size, size=batch_size)
    offsets = starts[:, np.newaxis] + np.arange(block_size)
    return array[offsets].astype(np.int64), array[offsets + 1].astype(np.int64)


class WindowSampler:
    """An endless source of ``(x, y)`` batches of random windows (see ``random_windows``),
    reproducible from a seed: ``next(sampler)`` or ``for x, y in sampler``.

    Examples:
        >>> sampler = WindowSampler(np.arange(50), batch_size=3, block_size=8, rng=1)
        >>> x, y = next(sampler)
        >>> x.shape, y.shape
        ((3, 8), (3, 8))
    """

    def __init__(self, data: Any, batch_size: int, block_size: int, rng: RngLike = None):
        self.data = np.asarray(data)
        self.batch_size, self.block_size = batch_size, block_size
        self.rng = get_rng(rng)
        random_windows(self.data, batch_size, block_size, np.random.default_rng(0))  # checks

    def __iter__(self) -> WindowSampler:
        return self

    def __next__(self) -> tuple[np.ndarray, np.ndarray]:
        return random_windows(self.data, self.batch_size, self.block_size, self.rng)
