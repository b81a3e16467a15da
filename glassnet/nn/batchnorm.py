"""Normalization and regularization layers for images: BatchNorm2d, GroupNorm, Dropout2d.

PyTorch's names, buffers and update rules, so a PyTorch ``state_dict`` (``weight``, ``bias``,
``running_mean``, ``running_var``, ``num_batches_tracked``) loads as it is. The arithmetic is in
``glassnet.ops.batch_norm``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_bool, check_int, check_number
from glassnet.errors import ShapeError
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter
from glassnet.ops.batch_norm import batch_norm, group_norm
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


class BatchNorm2d(Module):
    """Batch normalization of (N, C, H, W) inputs over N, H and W, per channel.

    Training: normalize with the batch's mean and biased variance, and update the running
    statistics ``running = (1 - momentum) * running + momentum * batch`` with the batch's
    UNBIASED variance (PyTorch's rule); ``momentum=None`` makes them the cumulative average
    (factor ``1 / num_batches_tracked``). Eval: normalize with the running statistics.
    With ``track_running_stats=False`` there are no running statistics and the batch's are used
    in both modes.

    Args:
        num_features: C.
        eps: added to the variance (> 0).
        momentum: in [0, 1], or None.
        affine: learn a per-channel scale ``weight`` (ones) and shift ``bias`` (zeros).
        track_running_stats: keep ``running_mean``, ``running_var``, ``num_batches_tracked``.
        dtype: the parameters' and statistics' dtype.

    Examples:
        >>> from glassnet.nn.batchnorm import BatchNorm2d
        >>> bn = BatchNorm2d(3)
        >>> y = bn(np.random.default_rng(0).normal(2.0, 3.0, (4, 3, 5, 5)))
        >>> bool(abs(y.numpy().mean()) < 1e-5), bn.running_mean.shape, int(bn.num_batches_tracked)
        (True, (3,), 1)
    """

    running_mean: np.ndarray
    running_var: np.ndarray
    num_batches_tracked: np.ndarray
    _ndims: tuple[int, ...] = (4,)
    _expected = "(N, C, H, W)"

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.num_features = check_int(name, "num_features", num_features, minimum=1)
        self.eps = check_number(name, "eps", eps, low=0.0, low_open=True)
        if momentum is not None:
            momentum = check_number(name, "momentum", momentum, low=0.0, high=1.0)
        self.momentum = momentum
        self.affine = check_bool(name, "affine", affine)
        self.track_running_stats = check_bool(name, "track_running_stats", track_running_stats)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            raise ShapeError(
                f"{type(self).__name__}(num_features={self.num_features}) got input of shape "
                f"{x.shape}: expected {self._expected} with C = {self.num_features}"
            )
        use_batch = self.training or not self.track_running_stats
        running_mean = running_var = None
        momentum = 0.0
        if self.track_running_stats:
            running_mean, running_var = self.running_mean, self.running_var
            if self.training:
                self.num_batches_tracked = self.num_batches_tracked + 1
                count = float(self.num_batches_tracked)
                momentum = 1.0 / count if self.momentum is None else self.momentum
        return batch_norm(
            x, running_mean, running_var, self.weight, self.bias, use_batch, momentum, self.eps
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
            "track_running_stats": self.track_running_stats,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )

    def summary_label(self) -> str:
        return f"{type(self).__name__}({self.num_features})"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        if not self.track_running_stats:
            return super().to_onnx(graph, x, name)
        n = self.num_features
        inputs = [
            x,
            graph.constant(
                f"{name}.weight", self.weight.numpy() if self.weight is not None else np.ones(n)
            ),
            graph.constant(
                f"{name}.bias", self.bias.numpy() if self.bias is not None else np.zeros(n)
            ),
            graph.constant(f"{name}.running_mean", self.running_mean),
            graph.constant(f"{name}.running_var", self.running_var),
        ]
        return graph.node("BatchNormalization", inputs, epsilon=float(self.eps))


class GroupNorm(Module):
    """Group normalization, PyTorch's ``nn.GroupNorm``: each sample's C channels in
    ``num_groups`` groups, each normalized over its channels and positions; then a per-channel
    ``weight`` and ``bias``. The same in training and eval (no running statistics).

    Examples:
        >>> from glassnet.nn.batchnorm import GroupNorm
        >>> GroupNorm(2, 4)(np.ones((3, 4, 5, 5))).shape
        (3, 4, 5, 5)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.num_groups = check_int("GroupNorm", "num_groups", num_groups, minimum=1)
        self.num_channels = check_int("GroupNorm", "num_channels", num_channels, minimum=1)
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                f"({num_groups})"
            )
        self.eps = check_number("GroupNorm", "eps", eps, low=0.0, low_open=True)
        self.affine = check_bool("GroupNorm", "affine", affine)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype=dtype))
            self.bias = Parameter(np.zeros(num_channels, dtype=dtype))

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ShapeError(
                f"GroupNorm(num_channels={self.num_channels}) got input of shape {x.shape}: "
                f"expected (N, {self.num_channels}, ...)"
            )
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def get_config(self) -> dict[str, Any]:
        return {
            "num_groups": self.num_groups,
            "num_channels": self.num_channels,
            "eps": self.eps,
            "affine": self.affine,
        }

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


def dropout2d(x: Any, p: float = 0.5, training: bool = True, rng: RngLike = None) -> Tensor:
    """PyTorch's ``F.dropout2d``: zero whole channels of (N, C, ...) with probability ``p``,
    scale the rest by 1 / (1 - p); the identity when not training.

    Examples:
        >>> from glassnet.nn.batchnorm import dropout2d
        >>> dropout2d(np.ones((1, 2, 2, 2)), 0.5, training=False).shape
        (1, 2, 2, 2)
    """
    p = check_number("dropout2d", "p", p, low=0.0, high=1.0, high_open=True)
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.ndim < 3:
        raise ShapeError(f"dropout2d expects input of shape (N, C, H, W), got {x.shape}")
    if not training or p == 0.0:
        return x
    keep = get_rng(rng).random(x.shape[:2]) >= p
    scale = (keep / (1.0 - p)).astype(x.dtype)
    return x * Tensor(scale.reshape(*x.shape[:2], *(1,) * (x.ndim - 2)))


class Dropout2d(Module):
    """Channel dropout: in training, zero whole channels (N, C) with probability ``p`` and
    scale the others by 1 / (1 - p); in eval mode, the identity.

    Examples:
        >>> from glassnet.nn.batchnorm import Dropout2d
        >>> y = Dropout2d(0.5, rng=0)(np.ones((2, 6, 3, 3))).numpy()
        >>> sorted(set(np.unique(y.reshape(12, 9), axis=1).ravel().tolist()))
        [0.0, 2.0]
    """

    def __init__(self, p: float = 0.5, rng: RngLike = None) -> None:
        super().__init__()
        self.p = check_number("Dropout2d", "p", p, low=0.0, high=1.0, high_open=True)
        self._rng = None if rng is None else get_rng(rng)

    def forward(self, x: Tensor) -> Tensor:
        return dropout2d(x, self.p, self.training, self._rng)

    def get_config(self) -> dict[str, Any]:
        return {"p": self.p}

    def extra_repr(self) -> str:
        return f"p={self.p}"

    def to_onnx(self, graph: Any, x: str, name: str) -> str:
        return graph.node("Identity", [x])
