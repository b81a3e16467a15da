"""Preparing data: one-hot encoding, scaling, train/test splits."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int, check_number
from glassnet.errors import ShapeError
from glassnet.rng import RngLike, get_rng


def _one_hot(positions: np.ndarray, num_classes: int, dtype: Any) -> np.ndarray:
    """One-hot rows for ``positions``: only the output is allocated (``np.eye(num_classes)``
    would build a num_classes x num_classes table first)."""
    out = np.zeros((*positions.shape, num_classes), dtype=dtype)
    np.put_along_axis(out, positions[..., None], 1, axis=-1)
    return out


def _fitted(owner: Any, attribute: str) -> Any:
    value = getattr(owner, attribute, None)
    if value is None:
        raise RuntimeError(f"{type(owner).__name__}: call fit() first")
    return value


def _features(owner: Any, X: Any, expected: Any) -> np.ndarray:
    X = np.asarray(X)
    if X.shape[1:] != np.shape(expected):
        raise ShapeError(
            f"{type(owner).__name__} was fitted on samples of shape {np.shape(expected)}, got "
            f"data of shape {X.shape}"
        )
    return X


def to_one_hot(y: Any, num_classes: int | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Integer labels of any shape (...) to one-hot vectors (..., num_classes), as
    ``torch.nn.functional.one_hot``: (N,) -> (N, C), (N, T) -> (N, T, C).

    ``num_classes`` defaults to the largest label + 1 (None or -1, as PyTorch).

    Examples:
        >>> from glassnet.data import to_one_hot
        >>> to_one_hot([0, 2], 3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
        >>> to_one_hot([[0, 1, 1], [2, 0, 1]]).shape
        (2, 3, 3)
    """
    labels = np.asarray(y)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"to_one_hot expects integer labels, got dtype {labels.dtype}")
    if num_classes is not None:
        num_classes = check_int("to_one_hot", "num_classes", num_classes, minimum=-1)
    if num_classes is None or num_classes == -1:
        if not labels.size:
            raise ValueError("to_one_hot: cannot infer num_classes from no labels; pass it")
        num_classes = int(labels.max()) + 1
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"to_one_hot: labels must lie in [0, {num_classes}), got values from "
            f"{labels.min()} to {labels.max()}"
        )
    return _one_hot(labels, num_classes, dtype)


class OneHotEncoder:
    """Labels of any orderable type (ints, strings, ...) to one-hot rows, and back.

    Examples:
        >>> from glassnet.data import OneHotEncoder
        >>> enc = OneHotEncoder().fit(["cat", "dog", "cat", "emu"])
        >>> enc(["dog", "emu"])
        array([[0., 1., 0.],
               [0., 0., 1.]], dtype=float32)
        >>> enc.inverse_transform([[0.1, 0.7, 0.2]])
        array(['dog'], dtype='<U3')
    """

    def __init__(self, dtype: Any = np.float32) -> None:
        self.dtype = dtype
        self.categories_: np.ndarray | None = None

    def fit(self, y: Any) -> OneHotEncoder:
        """Learn the categories (sorted, like ``np.unique``)."""
        try:
            self.categories_ = np.unique(np.asarray(y).reshape(-1))
        except TypeError as error:
            raise TypeError(f"OneHotEncoder: labels must be mutually orderable ({error})") from None
        return self

    def _categories(self) -> np.ndarray:
        if self.categories_ is None:
            raise RuntimeError("OneHotEncoder: call fit() first")
        return self.categories_

    def transform(self, y: Any) -> np.ndarray:
        """One row per label, a 1 in the label's column; an unseen label is an error."""
        categories = self._categories()
        labels = np.asarray(y).reshape(-1)
        positions = np.clip(np.searchsorted(categories, labels), 0, len(categories) - 1)
        unseen = categories[positions] != labels
        if unseen.any():
            missing = np.unique(labels[unseen]).tolist()[:10]
            raise ValueError(f"OneHotEncoder: labels not seen in fit(): {missing}")
        return _one_hot(positions, len(categories), self.dtype)

    __call__ = transform

    def fit_transform(self, y: Any) -> np.ndarray:
        return self.fit(y).transform(y)

    def inverse_transform(self, encoded: Any) -> np.ndarray:
        """Back to labels: the category of each row's largest entry (works on probabilities)."""
        categories = self._categories()
        encoded = np.asarray(encoded)
        if encoded.ndim == 0 or encoded.shape[-1] != len(categories):
            raise ShapeError(
                f"OneHotEncoder.inverse_transform: rows must have {len(categories)} entries "
                f"(one per category), got shape {encoded.shape}"
            )
        return categories[np.argmax(encoded, axis=-1)]


class StandardScaler:
    """Shift and scale each feature to mean 0 and standard deviation 1 (a constant feature
    is only shifted).

    Examples:
        >>> from glassnet.data import StandardScaler
        >>> StandardScaler().fit_transform(np.array([[1.0], [3.0]]))
        array([[-1.],
               [ 1.]])
    """

    def fit(self, X: Any) -> StandardScaler:
        X = np.asarray(X)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0).astype(self.mean_.dtype)
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = _features(self, X, _fitted(self, "mean_"))
        return (X - self.mean_) / self.scale_

    __call__ = transform

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        X = _features(self, X, _fitted(self, "mean_"))
        return X * self.scale_ + self.mean_


class MinMaxScaler:
    """Map each feature linearly onto ``feature_range`` (default [0, 1])."""

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        if not isinstance(feature_range, (tuple, list)) or len(feature_range) != 2:
            raise TypeError(
                f"MinMaxScaler: feature_range must be a pair (low, high), got {feature_range!r}"
            )
        low = check_number("MinMaxScaler", "feature_range[0]", feature_range[0])
        high = check_number("MinMaxScaler", "feature_range[1]", feature_range[1])
        if not low < high:
            raise ValueError(f"MinMaxScaler: feature_range needs low < high, got {feature_range}")
        self.feature_range = (low, high)

    def fit(self, X: Any) -> MinMaxScaler:
        X = np.asarray(X)
        self.min_ = X.min(axis=0)
        span = X.max(axis=0) - self.min_
        self.span_ = np.where(span > 0, span, 1.0).astype(self.min_.dtype)
        return self

    def transform(self, X: Any) -> np.ndarray:
        low, high = self.feature_range
        X = _features(self, X, _fitted(self, "min_"))
        return (X - self.min_) / self.span_ * (high - low) + low

    __call__ = transform

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        low, high = self.feature_range
        X = _features(self, X, _fitted(self, "min_"))
        return (X - low) / (high - low) * self.span_ + self.min_


def train_test_split(
    X: Any,
    y: Any = None,
    test_size: float | int = 0.25,
    rng: RngLike = None,
    stratify: Any = None,
    shuffle: bool = True,
) -> list[np.ndarray]:
    """Split into train and test parts, as scikit-learn does.

    Returns ``X_train, X_test, y_train, y_test`` (or ``X_train, X_test`` without y).
    ``stratify`` (usually y) keeps each class's share the same in both parts.

    Examples:
        >>> from glassnet.data import train_test_split
        >>> X_tr, X_te, y_tr, y_te = train_test_split(np.arange(10), np.arange(10), 0.2, rng=0)
        >>> len(X_tr), len(X_te)
        (8, 2)
    """
    X = np.asarray(X)
    if X.ndim == 0:
        raise ShapeError(f"train_test_split: X must have a sample axis, got a scalar {X!r}")
    n = len(X)
    if isinstance(test_size, (float, np.floating)):
        n_test = int(np.ceil(check_number("train_test_split", "test_size", test_size) * n))
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        raise TypeError(
            "train_test_split: test_size must be a fraction (float) or a count (int), got "
            f"{type(test_size).__name__} {test_size!r}"
        )
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: test_size={test_size} leaves no train or test data")
    generator = get_rng(rng)
    if stratify is not None:
        labels = np.asarray(stratify)
        if labels.shape[:1] != (n,):
            raise ShapeError(
                f"train_test_split: X has {n} samples but stratify has shape {labels.shape}"
            )
        classes, counts = np.unique(labels, return_counts=True)
        test_parts, train_parts = [], []
        per_class = np.round(counts / n * n_test).astype(int)
        for cls, k in zip(classes, per_class):  # a loop over classes, not samples
            members = np.flatnonzero(labels == cls)
            if shuffle:
                members = generator.permutation(members)
            test_parts.append(members[:k])
            train_parts.append(members[k:])
        test_index = np.sort(np.concatenate(test_parts))
        train_index = np.sort(np.concatenate(train_parts))
        if shuffle:
            test_index, train_index = (
                generator.permutation(test_index),
                generator.permutation(train_index),
            )
    else:
        order = generator.permutation(n) if shuffle else np.arange(n)
        test_index, train_index = order[:n_test], order[n_test:]
    parts = [X[train_index], X[test_index]]
    if y is not None:
        y = np.asarray(y)
        if len(y) != n:
            raise ValueError(f"train_test_split: X has {n} samples but y has {len(y)}")
        parts += [y[train_index], y[test_index]]
    return parts
