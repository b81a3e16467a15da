"""Loss functions as Modules: ``loss = loss_fn(prediction, target)``.

Like every Module they can be driven by hand: after ``loss_fn.forward(prediction, target)``,
``loss_fn.backward()`` returns d loss / d prediction.

Examples:
    >>> from glassnet import nn
    >>> loss_fn = nn.MSELoss()
    >>> loss_fn.forward(np.array([1.0, 3.0]), np.array([0.0, 1.0])).item()
    2.5
    >>> loss_fn.backward()
    array([1., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int, check_number
from glassnet.nn import functional as F
from glassnet.nn.functional.losses import legacy_reduction
from glassnet.nn.module import Module
from glassnet.registry import Registry
from glassnet.tensor import Tensor


class Loss(Module):
    """Base class: ``reduction`` is "mean" (default), "sum" or "none".

    PyTorch's deprecated ``size_average``/``reduce`` flags are read as PyTorch reads them.
    """

    #: Whether a 1-D target holds class indices (cross-entropy, NLL) rather than one value per
    #: sample; the Trainer reads a 1-D target as a column (N, 1) otherwise.
    takes_class_indices = False
    #: For a loss that takes logits: the Keras loss name that takes probabilities instead, which
    #: the Trainer suggests when the model ends in Softmax or Sigmoid (None: no such warning).
    probability_alternative: str | None = None
    reductions: tuple[str, ...] = F.REDUCTIONS

    def __init__(self, reduction: str = "mean", size_average: Any = None, reduce: Any = None):
        super().__init__()
        reduction = legacy_reduction(type(self).__name__, size_average, reduce, reduction)
        if reduction not in self.reductions:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {self.reductions}")
        self.reduction = reduction

    def predictions(self, output: np.ndarray) -> np.ndarray:
        """What metrics compare with the targets: the model's output itself, unless the loss
        reads it as logits (then the probabilities)."""
        return output

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(Loss):
    """Mean squared error."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction="mean") -> None:
        if isinstance(size_average, str):  # MSELoss("sum"): glassnet's older positional form
            size_average, reduction = None, size_average
        super().__init__(reduction, size_average, reduce)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.mse_loss(prediction, target, reduction=self.reduction)


class L1Loss(MSELoss):
    """Mean absolute error."""

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.l1_loss(prediction, target, reduction=self.reduction)


class HuberLoss(Loss):
    """Quadratic near zero, linear beyond ``delta``: robust to outliers. PyTorch's signature
    ``HuberLoss(reduction="mean", delta=1.0)``; a number first is the ``delta``."""

    def __init__(self, reduction: Any = "mean", delta: float = 1.0) -> None:
        if not isinstance(reduction, str):
            reduction, delta = (delta if isinstance(delta, str) else "mean"), reduction
        super().__init__(reduction)
        # PyTorch refuses a delta <= 0 too: the loss would be 0 or negative
        self.delta = check_number("HuberLoss", "delta", delta, low=0.0, low_open=True)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.huber_loss(prediction, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(Loss):
    """Huber divided by ``beta``: 0.5 e^2 / beta for |e| < beta, |e| - beta / 2 beyond."""

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction="mean", beta: float = 1.0
    ) -> None:
        super().__init__(reduction, size_average, reduce)
        self.beta = check_number("SmoothL1Loss", "beta", beta, low=0.0)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(prediction, target, reduction=self.reduction, beta=self.beta)


class KLDivLoss(Loss):
    """Kullback-Leibler divergence of log-probabilities from a target distribution (use
    ``reduction="batchmean"`` for the true KL divergence), as ``torch.nn.KLDivLoss``."""

    reductions = (*F.REDUCTIONS, "batchmean")

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction="mean", log_target=False
    ) -> None:
        super().__init__(reduction, size_average, reduce)
        self.log_target = bool(log_target)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.kl_div(prediction, target, reduction=self.reduction, log_target=self.log_target)


class BCELoss(Loss):
    """Binary cross-entropy on probabilities (the "log loss"), as ``torch.nn.BCELoss``: each
    log is clamped at -100, so it stays finite; ``weight`` rescales each element."""

    def __init__(
        self, weight: Any = None, size_average: Any = None, reduce: Any = None, reduction="mean"
    ) -> None:
        if isinstance(weight, str):  # BCELoss("sum"): glassnet's older positional form
            weight, reduction = None, weight
        super().__init__(reduction, size_average, reduce)
        self.weight = None if weight is None else np.asarray(weight)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(
            prediction, target, weight=self.weight, reduction=self.reduction
        )


class BCEWithLogitsLoss(BCELoss):
    """Binary cross-entropy on logits: sigmoid and log loss in one stable formula;
    ``pos_weight`` weighs the positive examples (one value per class, the last axis)."""

    probability_alternative = '"binary_crossentropy"'

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.pos_weight = None if pos_weight is None else np.asarray(pos_weight)

    def predictions(self, output: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-output))  # metrics see probabilities, not logits

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            prediction,
            target,
            weight=self.weight,
            reduction=self.reduction,
            pos_weight=self.pos_weight,
        )


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy from logits, as ``torch.nn.CrossEntropyLoss(weight, size_average,
    ignore_index, reduce, reduction, label_smoothing)``: logits (N, C) or (N, C, d1, ...)
    against class indices (N,) / (N, d1, ...) or probabilities of the logits' shape. See
    ``glassnet.cross_entropy`` for ``weight``, ``ignore_index`` and ``label_smoothing``.
    Metrics see probabilities (the softmax over the class axis).

    Examples:
        >>> from glassnet import nn
        >>> loss_fn = nn.CrossEntropyLoss(weight=[1.0, 3.0], ignore_index=-1)
        >>> round(loss_fn(np.zeros((3, 2)), np.array([0, 1, -1])).item(), 4)  # log 2
        0.6931
    """

    probability_alternative = (
        '"sparse_categorical_crossentropy" (class indices) or "categorical_crossentropy" '
        "(one-hot targets)"
    )

    takes_class_indices = True

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        name = type(self).__name__
        _check_flag(name, "size_average", size_average)
        super().__init__(reduction, size_average, reduce)
        self.weight = _weight_array(name, weight)
        self.ignore_index = check_int(name, "ignore_index", ignore_index, minimum=None)
        self.label_smoothing = check_number(name, "label_smoothing", label_smoothing, 0.0, 1.0)

    def predictions(self, output: np.ndarray) -> np.ndarray:
        return _softmax(output, axis=1 if np.ndim(output) > 1 else 0)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(
            prediction,
            target,
            self.reduction,
            self.label_smoothing,
            weight=self.weight,
            ignore_index=self.ignore_index,
        )

    def extra_repr(self) -> str:
        return _describe(self, "ignore_index", -100, "label_smoothing", 0.0)


class NLLLoss(Loss):
    """Negative log-likelihood of log-probabilities (after ``LogSoftmax``), as
    ``torch.nn.NLLLoss(weight, size_average, ignore_index, reduce, reduction)``: per-class
    ``weight`` and ``ignore_index`` as in ``CrossEntropyLoss``. Metrics see probabilities (exp
    of the log-probabilities)."""

    takes_class_indices = True

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        _check_flag(type(self).__name__, "size_average", size_average)
        super().__init__(reduction, size_average, reduce)
        self.weight = _weight_array(type(self).__name__, weight)
        self.ignore_index = ignore_index

    def predictions(self, output: np.ndarray) -> np.ndarray:
        return np.exp(output)

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.nll_loss(
            prediction, target, self.reduction, weight=self.weight, ignore_index=self.ignore_index
        )

    def extra_repr(self) -> str:
        return _describe(self, "ignore_index", -100)


def _check_flag(loss: str, name: str, value: Any) -> None:
    """PyTorch's deprecated flags are None or a bool; anything else is a positional argument
    in the wrong place (glassnet's older order), named rather than misread."""
    if value is not None and not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{loss}: {name} (PyTorch's deprecated flag, in the second place) must be None or a "
            f"bool, got {value!r}; pass ignore_index= and reduction= by keyword"
        )


class KerasLoss(Loss):
    """Base of Keras' losses: they take probabilities (after a final Softmax or Sigmoid),
    unless ``from_logits=True``; ``probabilities`` turns logits into what metrics should see."""

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = from_logits

    @staticmethod
    def probabilities(logits: np.ndarray) -> np.ndarray:
        return _softmax(logits, axis=-1)

    def predictions(self, output: np.ndarray) -> np.ndarray:
        return self.probabilities(output) if self.from_logits else output

    def extra_repr(self) -> str:
        return _describe(self, "from_logits", False)


class SparseCategoricalCrossentropy(KerasLoss):
    """Keras' ``SparseCategoricalCrossentropy``: probabilities (after ``Softmax``; classes on
    the last axis) against integer class indices, unless ``from_logits=True``. Probabilities
    are scaled to sum to 1 and clipped to [1e-7, 1 - 1e-7] as Keras does.

    Examples:
        >>> from glassnet import nn
        >>> probabilities = np.array([[0.25, 0.75], [0.5, 0.5]])
        >>> round(nn.SparseCategoricalCrossentropy()(probabilities, np.array([1, 0])).item(), 4)
        0.4904
    """

    takes_class_indices = True

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.sparse_categorical_crossentropy(
            prediction, target, self.reduction, from_logits=self.from_logits
        )


class CategoricalCrossentropy(KerasLoss):
    """Keras' ``CategoricalCrossentropy``: probabilities (after ``Softmax``; classes last)
    against one-hot (or soft) targets, unless ``from_logits=True``. Probabilities are scaled
    to sum to 1 and clipped to [1e-7, 1 - 1e-7] as Keras does."""

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        return F.categorical_crossentropy(
            prediction, target, self.reduction, from_logits=self.from_logits
        )


class BinaryCrossentropy(KerasLoss):
    """Keras' ``BinaryCrossentropy``: probabilities (after ``Sigmoid``), clipped to
    [1e-7, 1 - 1e-7], unless ``from_logits=True`` (then the stable logits formula)."""

    @staticmethod
    def probabilities(logits: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-logits))

    def forward(self, prediction: Tensor, target: Any) -> Tensor:
        if self.from_logits:
            return F.binary_cross_entropy_with_logits(prediction, target, self.reduction)
        return F.binary_cross_entropy(prediction, target, self.reduction, eps=1e-7)


def _softmax(output: np.ndarray, axis: int) -> np.ndarray:
    shifted = np.exp(output - np.max(output, axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def _weight_array(loss: str, weight: Any) -> np.ndarray | None:
    if weight is None:
        return None
    if isinstance(weight, str):  # CrossEntropyLoss("sum"): reduction is not the first argument
        raise TypeError(f"{loss}: weight must be per-class numbers; pass reduction={weight!r}")
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError(f"{loss}: weight must be 1-D, one number per class, got shape {w.shape}")
    return w


def _describe(loss: Loss, *defaults: Any) -> str:
    """extra_repr: the reduction, the weight if any, and the settings that differ from their
    defaults (given as name, default, name, default, ...)."""
    parts = [Loss.extra_repr(loss)]
    weight = getattr(loss, "weight", None)
    if weight is not None:
        parts.append(f"weight={weight.tolist()}")
    for name, default in zip(defaults[::2], defaults[1::2]):
        if getattr(loss, name) != default:
            parts.append(f"{name}={getattr(loss, name)!r}")
    return ", ".join(parts)


LOSSES = Registry(
    "loss",
    {
        "mse": MSELoss,
        "mean_squared_error": MSELoss,
        "l1": L1Loss,
        "mae": L1Loss,
        "mean_absolute_error": L1Loss,
        "huber": HuberLoss,
        # PyTorch's names: bce takes probabilities, bce_with_logits and cross_entropy logits
        "bce": BCELoss,
        "bce_with_logits": BCEWithLogitsLoss,
        "cross_entropy": CrossEntropyLoss,
        "nll": NLLLoss,
        # Keras' names take probabilities, as in Keras (pass from_logits=True for logits)
        "binary_crossentropy": BinaryCrossentropy,
        "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
        "categorical_crossentropy": CategoricalCrossentropy,
    },
)

#: ``get_loss(loss_or_name)``: a loss Module from a name ("cross_entropy", ...) or a callable.
get_loss = LOSSES.get
