"""Tiny Shakespeare: the 1,115,394 characters of Andrej Karpathy's char-rnn ``input.txt``,
the classic corpus for character-level language models."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from glassnet.data.datasets.download import (
    DATA_VARIABLE,
    DownloadError,
    cache_dir,
    download,
    md5_of,
)

FILENAME = "input.txt"
MD5 = "6fb458f1232090904fb40fe944165e91"
SIZE = 1_115_394
MIRRORS = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare",)


def load_tiny_shakespeare(
    data_dir: str | os.PathLike | None = None,
    download: bool = True,
    mirrors: Sequence[str] = MIRRORS,
    timeout: float | None = None,
) -> str:
    """The tiny Shakespeare text, downloaded once, checked against its published MD5 and cached.

    Args:
        data_dir: the folder holding (or to hold) ``input.txt``; default
            ``$GLASSNET_DATA/tinyshakespeare`` (``~/.cache/glassnet/tinyshakespeare``).
        download: fetch the file when it is missing.
        mirrors: base URLs to try in order.
        timeout: seconds the whole download may take (see ``download.download_timeout``).

    Returns:
        The text, a str of 1,115,394 characters (ASCII).

    Raises:
        FileNotFoundError: the file is missing and ``download`` is False.
        ValueError: a local copy whose MD5 is not the published one.
        DownloadError: no mirror delivered the file intact.
    """
    folder = (
        Path(data_dir).expanduser() if data_dir is not None else cache_dir() / "tinyshakespeare"
    )
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"tiny shakespeare: {folder} is a file, not a folder")
    path = folder / FILENAME
    if path.exists():
        if path.stat().st_size != SIZE or md5_of(path) != MD5:
            raise ValueError(
                f"tiny shakespeare: {path} is corrupt (its size or MD5 is not the published "
                f"one: {SIZE} bytes, MD5 {MD5}); delete it to download it again"
            )
    elif not download:
        raise FileNotFoundError(
            f"tiny shakespeare: {FILENAME} is not in {folder}; pass download=True or point "
            "data_dir= at a folder holding it"
        )
    else:
        try:
            _download(folder, mirrors, timeout)
        except DownloadError as error:
            raise DownloadError(
                f"tiny shakespeare: {error}\nTo use a copy instead, put {FILENAME} in a folder "
                f"and pass it as data_dir=, or set ${DATA_VARIABLE}"
            ) from None
    return path.read_text(encoding="utf-8")


def _download(folder: Path, mirrors: Sequence[str], timeout: float | None) -> None:
    """Download into ``folder``; on failure remove the folders created for it."""
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        download(FILENAME, MD5, folder, mirrors, timeout)
    except BaseException:
        for path in created:  # deepest first; a folder someone else filled meanwhile stays
            try:
                path.rmdir()
            except OSError:
                pass
        raise
