"""MNIST and Fashion-MNIST: 70,000 28x28 grey images of digits (or clothes) in 10 classes.

Where the files are: in the data folder (``data_dir=``, else ``$GLASSNET_DATA``, else
``~/.cache/glassnet``), one folder per set under the original file names::

    <data folder>/mnist/train-images-idx3-ubyte.gz          (and the three others)
    <data folder>/fashion-mnist/train-images-idx3-ubyte.gz  (fashion_mnist/ is accepted too)

``root=`` names the folder holding the four files directly instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from glassnet.data.datasets.download import (
    DATA_VARIABLE,
    DownloadError,
    cache_dir,
    dataset_folder,
    download,
    download_timeout,
    md5_of,
)
from glassnet.data.datasets.idx import read_idx

Split = tuple[np.ndarray, np.ndarray]

MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist",
    "https://storage.googleapis.com/cvdf-datasets/mnist",
)
FASHION_FILES = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",)

#: The older variable naming a folder that holds the four MNIST files; still honoured for MNIST.
MNIST_DIR_VARIABLE = "GLASSNET_MNIST_DIR"


class IDXSet:
    """One downloadable set of IDX files: its folder names (the first is where downloads go),
    files with their MD5 sums, and mirrors."""

    def __init__(
        self, names: tuple[str, ...], files: dict[str, str], mirrors: Sequence[str]
    ) -> None:
        self.names, self.files, self.mirrors = names, files, tuple(mirrors)

    def folder(self, data_dir: str | os.PathLike | None = None) -> Path:
        """Where the set's files are (or would be downloaded to) in the data folder."""
        return dataset_folder(self.names, data_dir)


#: The sets ``glassnet data`` lists and fetches, by their folder name.
IDX_SETS = {
    "mnist": IDXSet(("mnist",), MNIST_FILES, MNIST_MIRRORS),
    "fashion-mnist": IDXSet(("fashion-mnist", "fashion_mnist"), FASHION_FILES, FASHION_MIRRORS),
}


def _folder(name: str, root: str | os.PathLike | None, data_dir: str | os.PathLike | None) -> Path:
    """``root`` itself, else the set's folder in the data folder (a ``data_dir`` that holds the
    four files directly, as ``--data-dir`` once had to, is used as it is)."""
    if root is not None and data_dir is not None:
        raise ValueError(f"{name}: give root= (the files' folder) or data_dir=, not both")
    if root is not None:
        return Path(root).expanduser()
    if data_dir is not None:
        given = Path(data_dir).expanduser()
        if (given / "train-images-idx3-ubyte.gz").exists():
            return given
    if data_dir is None and name == "mnist" and os.environ.get(MNIST_DIR_VARIABLE):
        return Path(os.environ[MNIST_DIR_VARIABLE]).expanduser()
    return IDX_SETS[name].folder(data_dir)


def _load(
    name: str,
    mirrors: Sequence[str],
    root: str | os.PathLike | None,
    data_dir: str | os.PathLike | None,
    download_missing: bool,
    flatten: bool,
    normalize: bool,
    timeout: float | None,
) -> tuple[Split, Split]:
    files = IDX_SETS[name].files
    folder = _folder(name, root, data_dir)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{name}: {folder} is a file, not a folder of IDX files")
    paths = {}
    missing = []
    for filename, md5 in files.items():
        path = folder / filename
        if not path.exists() and (folder / filename[:-3]).exists():
            path = folder / filename[:-3]  # an uncompressed copy is fine too
        if not path.exists():
            missing.append(filename)
        elif path.suffix == ".gz" and md5_of(path) != md5:
            raise ValueError(f"{name}: {path} is corrupt (its MD5 is not the published one)")
        paths[filename] = path
    if missing and not download_missing:
        raise FileNotFoundError(
            f"{name}: {missing[0]} is not in {folder}; pass download=True, or data_dir= a "
            f"data folder with a {name}/ folder of the four IDX files, or root= that folder"
        )
    if missing:
        _download_all(name, {f: files[f] for f in missing}, folder, mirrors, timeout)

    def images(filename: str) -> np.ndarray:
        x = read_idx(paths[filename])
        if x.ndim != 3:
            raise ValueError(f"{name}: {filename} holds shape {x.shape}, not (N, 28, 28)")
        x = x.reshape(len(x), -1) if flatten else x[:, np.newaxis]
        return x.astype(np.float32) / 255.0 if normalize else x

    def labels(filename: str, count: int) -> np.ndarray:
        y = read_idx(paths[filename])
        if y.shape != (count,):
            raise ValueError(f"{name}: {filename} has {y.shape} labels for {count} images")
        return y.astype(np.int64)

    x_train = images("train-images-idx3-ubyte.gz")
    x_test = images("t10k-images-idx3-ubyte.gz")
    y_train = labels("train-labels-idx1-ubyte.gz", len(x_train))
    y_test = labels("t10k-labels-idx1-ubyte.gz", len(x_test))
    return (x_train, y_train), (x_test, y_test)


def _download_all(
    name: str,
    files: dict[str, str],
    folder: Path,
    mirrors: Sequence[str],
    timeout: float | None,
) -> None:
    """Download ``files`` into ``folder``, all or none: on failure the files fetched so far and
    the folders created for them are removed again, leaving no partial cache behind."""
    seconds = download_timeout(timeout)  # a bad timeout is an error before anything is created
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    fetched: list[Path] = []
    try:
        for filename, md5 in files.items():
            fetched.append(download(filename, md5, folder, mirrors, seconds))
    except BaseException as error:
        for path in fetched:
            path.unlink(missing_ok=True)
        for path in created:  # deepest first; a folder someone else filled meanwhile stays
            try:
                path.rmdir()
            except OSError:
                pass
        if isinstance(error, DownloadError):
            raise DownloadError(
                f"{name}: {error}\nTo use copies of the files instead, put them in a {name}/ "
                f"folder of a data folder and pass that as data_dir= (--data-dir on the command "
                f"line) or set ${DATA_VARIABLE} to it (now: {cache_dir()}); root= takes the "
                "folder of the files itself"
            ) from None
        raise


def load_mnist(
    root: str | os.PathLike | None = None,
    download: bool = True,
    flatten: bool = True,
    normalize: bool = True,
    mirrors: Sequence[str] = MNIST_MIRRORS,
    timeout: float | None = None,
    data_dir: str | os.PathLike | None = None,
) -> tuple[Split, Split]:
    """The MNIST digits: ``(X_train, y_train), (X_test, y_test)``.

    Args:
        root: a folder holding the four IDX files (gzip or raw) directly; default: the
            ``mnist/`` folder of the data folder (or ``$GLASSNET_MNIST_DIR``, the older name).
        download: fetch missing files from ``mirrors``, checking the published MD5 sums.
        flatten: images as rows of 784 (True) or as (N, 1, 28, 28).
        normalize: float32 in [0, 1] (True) or the raw uint8 pixels.
        mirrors: base URLs to download from, tried in order.
        timeout: seconds each attempt at downloading a file may take in all (not per read);
            default ``$GLASSNET_DOWNLOAD_TIMEOUT`` or 300. A failed attempt is retried once.
        data_dir: the data folder, holding one folder per dataset (default
            ``$GLASSNET_DATA``, else ``~/.cache/glassnet``); the files are in its ``mnist/``.

    Returns:
        X_train (60000, 784), y_train (60000,) int64, X_test (10000, 784), y_test (10000,).

    Raises:
        DownloadError: no mirror delivered a file in time; nothing is left behind (no partial
            files, no empty folders). The message says how to use local copies instead.
        FileNotFoundError: a file is missing and ``download`` is False.
    """
    return _load("mnist", mirrors, root, data_dir, download, flatten, normalize, timeout)


def load_fashion_mnist(
    root: str | os.PathLike | None = None,
    download: bool = True,
    flatten: bool = True,
    normalize: bool = True,
    mirrors: Sequence[str] = FASHION_MIRRORS,
    timeout: float | None = None,
    data_dir: str | os.PathLike | None = None,
) -> tuple[Split, Split]:
    """Fashion-MNIST (Zalando's clothes), the same format, shapes and arguments as
    [load_mnist][glassnet.data.datasets.mnist.load_mnist]; its files are in the data folder's
    ``fashion-mnist/`` (or ``fashion_mnist/``)."""
    return _load("fashion-mnist", mirrors, root, data_dir, download, flatten, normalize, timeout)


def fetch(
    name: str, data_dir: str | os.PathLike | None = None, mirrors: Sequence[str] | None = None
) -> Path:
    """Download a set's missing files ahead of time (``glassnet data --fetch``); its folder.

    Raises:
        ValueError: a set glassnet does not download (the message lists those it does).
        DownloadError: no mirror delivered a file; nothing partial is left behind.
    """
    key = name.replace("_", "-")
    if key not in IDX_SETS:
        raise ValueError(f"fetch: no downloadable dataset {name!r}; there are {sorted(IDX_SETS)}")
    spec = IDX_SETS[key]
    folder = spec.folder(data_dir)
    missing = {f: md5 for f, md5 in spec.files.items() if not (folder / f).exists()}
    if missing:
        _download_all(key, missing, folder, mirrors or spec.mirrors, None)
    return folder
