"""Preparing data: one-hot encoding, scaling, train/test splits."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_number
from glassnet.data.dataloader import as_samples, check_same_length
from glassnet.errors import ShapeError
from glassnet.ops.encoding import one_hot_array
from glassnet.rng import RngLike, get_rng


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
    return one_hot_array(y, num_classes, dtype, op="to_one_hot")


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
        return one_hot_array(positions, len(categories), self.dtype, op="OneHotEncoder")

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
        """Learn each feature's mean and standard deviation (X must be non-empty and finite)."""
        X = as_samples(X, "X", "StandardScaler.fit")
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0).astype(self.mean_.dtype)
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = _fitted_input(self, "mean_", X, "transform")
        return (X - self.mean_) / self.scale_

    __call__ = transform

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        X = _fitted_input(self, "mean_", X, "inverse_transform")
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
        if not low < high:  # also refuses NaN
            raise ValueError(f"MinMaxScaler: feature_range needs low < high, got {feature_range}")
        self.feature_range = feature_range

    def fit(self, X: Any) -> MinMaxScaler:
        """Learn each feature's minimum and range (X must be non-empty and finite)."""
        X = as_samples(X, "X", "MinMaxScaler.fit")
        self.min_ = X.min(axis=0)
        span = X.max(axis=0) - self.min_
        self.span_ = np.where(span > 0, span, 1.0).astype(self.min_.dtype)
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = _fitted_input(self, "min_", X, "transform")
        low, high = self.feature_range
        return (X - self.min_) / self.span_ * (high - low) + low

    __call__ = transform

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        X = _fitted_input(self, "min_", X, "inverse_transform")
        low, high = self.feature_range
        return (X - low) / (high - low) * self.span_ + self.min_


def _fitted_input(scaler: Any, attribute: str, X: Any, method: str) -> np.ndarray:
    """X for a fitted scaler's ``method``: an error before fit(), or for another feature count
    (which NumPy would otherwise broadcast into a silently wrong result)."""
    where = f"{type(scaler).__name__}.{method}"
    fitted = getattr(scaler, attribute, None)
    if fitted is None:
        raise RuntimeError(f"{where}: call fit() first")
    X = np.asarray(X)
    features = np.shape(fitted)
    if X.shape[1:] != features and not (X.ndim == 1 and features == ()):
        raise ShapeError(
            f"{where}: X has samples of shape {X.shape[1:]} but the scaler was fitted on "
            f"samples of shape {features}"
        )
    return X


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
    X = as_samples(X, "X", "train_test_split", finite=False)  # NaN may be imputed later
    n = len(X)
    if y is not None:
        y = as_samples(y, "y", "train_test_split", finite=False)
        check_same_length(X, y, "train_test_split")
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float, np.number)):
        raise TypeError(f"train_test_split: test_size must be a number, got {test_size!r}")
    fraction = isinstance(test_size, (float, np.floating))
    if fraction and not 0.0 < test_size < 1.0:  # also NaN
        n_test = 0
    else:
        n_test = int(np.ceil(test_size * n)) if fraction else int(test_size)
    if not 0 < n_test < n:
        raise ValueError(
            f"train_test_split: test_size={test_size} of {n} samples leaves no train or test "
            "data (give a fraction in (0, 1) or a count)"
        )
    generator = get_rng(rng)
    if stratify is not None:
        labels = np.asarray(stratify)
        if labels.ndim != 1:
            raise ValueError(
                f"train_test_split: stratify must hold one label per sample, got shape "
                f"{labels.shape}"
            )
        check_same_length(X, labels, "train_test_split", ("X", "stratify"))
        classes, counts = np.unique(labels, return_counts=True)
        test_parts, train_parts = [], []
        per_class = _stratified_counts(counts, n_test)
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
        parts += [y[train_index], y[test_index]]
    return parts


def _stratified_counts(counts: np.ndarray, n_test: int) -> np.ndarray:
    """Test samples per class: each class's share of ``n_test`` rounded, then corrected so they
    add up to exactly ``n_test`` (plain rounding can leave the test part short, even empty)."""
    quota = counts / counts.sum() * n_test
    per_class = np.round(quota).astype(int)
    missing = n_test - int(per_class.sum())
    if missing > 0:  # give one more to the classes rounded down the most
        order = np.argsort(per_class - quota, kind="stable")
        per_class[order[:missing]] += 1
    elif missing < 0:  # one fewer for the classes rounded up the most
        order = np.argsort(quota - per_class, kind="stable")
        per_class[order[:-missing]] -= 1
    return per_class
