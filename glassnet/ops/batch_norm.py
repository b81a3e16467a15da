"""Normalization ops: batch_norm over (N, C, ...) inputs and group_norm, one Function each.

Both normalize groups of values to zero mean and unit variance, ``xhat = (x - mean) / std``,
then scale and shift per channel, ``y = xhat * weight + bias``. With ``M`` values per group,
``dy`` the output gradient and ``dxhat = dy * weight``, the input gradient of a normalization
through its own statistics is the classic

    dx = (M * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) / (M * std)

and ``dweight = sum(dy * xhat)``, ``dbias = sum(dy)`` per channel. With fixed statistics (a
BatchNorm in eval mode) it is just ``dx = dxhat / std``.

batch_norm works on the channel-major rows (C, N * H * W) of its input: free for a
convolution's output (already channel-major in memory), and each channel's sums become row sums.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.arguments import check_int, check_number
from glassnet.autograd.function import Context, Function
from glassnet.errors import ShapeError
from glassnet.ops.im2col import channel_major
from glassnet.tensor import Tensor, as_tensor


def _normalized_gradient(dxhat: np.ndarray, xhat: np.ndarray, inv_std: np.ndarray) -> np.ndarray:
    """dx of ``xhat = (x - mean(x)) * inv_std`` along axis 1 of (rows, M) arrays."""
    m = xhat.shape[1]
    total = dxhat.sum(axis=1, keepdims=True)
    projection = np.einsum("ij,ij->i", dxhat, xhat)[:, None]
    return (dxhat - total / m - xhat * (projection / m)) * inv_std


class BatchNormOp(Function):
    """Per-channel normalization of (N, C, ...) with the batch's statistics (training) or given
    ones (eval). In training it also updates the running statistics in place, as PyTorch's
    kernel does: ``running = (1 - momentum) * running + momentum * batch``, with the batch's
    unbiased variance."""

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        weight: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
        training: bool = True,
        momentum: float = 0.1,
        eps: float = 1e-5,
    ) -> np.ndarray:
        c = x.shape[1]
        rows = channel_major(x).reshape(c, -1)
        m = rows.shape[1]
        if training:
            mean = rows.mean(axis=1)
            centered = rows - mean[:, None]
            var = np.einsum("ij,ij->i", centered, centered) / m
            if running_mean is not None and running_var is not None:
                running_mean *= 1.0 - momentum
                running_mean += momentum * mean
                running_var *= 1.0 - momentum
                running_var += momentum * var * (m / max(m - 1, 1))
        else:
            mean, var = running_mean, running_var
            centered = rows - mean.astype(x.dtype)[:, None]  # type: ignore[union-attr]
        inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype)[:, None]
        xhat = centered
        xhat *= inv_std  # centered is a fresh array: normalize it in place
        out = xhat if weight is None else xhat * weight[:, None]
        if bias is not None:
            out = out + bias[:, None]
        ctx.save_for_backward(xhat, inv_std, weight)
        ctx.training = training
        swapped = (c, x.shape[0], *x.shape[2:])
        return np.swapaxes(out.reshape(swapped), 0, 1)

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        xhat, inv_std, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        c = grad.shape[1]
        g = channel_major(grad).reshape(c, -1)
        grads: list[np.ndarray | None] = [None]
        if needs[0]:
            dxhat = g if weight is None else g * weight[:, None]
            if ctx.training:
                dx = _normalized_gradient(dxhat, xhat, inv_std)
            else:
                dx = dxhat * inv_std
            grads[0] = np.swapaxes(dx.reshape(c, grad.shape[0], *grad.shape[2:]), 0, 1)
        if len(needs) > 1:
            grads.append(np.einsum("ij,ij->i", g, xhat) if needs[1] else None)
        if len(needs) > 2:
            grads.append(g.sum(axis=1) if needs[2] else None)
        return tuple(grads)


class GroupNormOp(Function):
    """Normalization of each sample over groups of channels, (N, G, C / G * H * W) rows."""

    @staticmethod
    def forward(
        ctx: Context,
        x: np.ndarray,
        weight: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        groups: int = 1,
        eps: float = 1e-5,
    ) -> np.ndarray:
        n, c = x.shape[:2]
        rows = x.reshape(n * groups, -1)
        centered = rows - rows.mean(axis=1, keepdims=True)
        var = np.einsum("ij,ij->i", centered, centered) / rows.shape[1]
        inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype)[:, None]
        xhat = centered
        xhat *= inv_std
        channel = (1, c) + (1,) * (x.ndim - 2)
        out = xhat.reshape(x.shape)
        if weight is not None:
            out = out * weight.reshape(channel)
        if bias is not None:
            out = out + bias.reshape(channel)
        ctx.save_for_backward(xhat, inv_std, weight)
        return out

    @staticmethod
    def backward(ctx: Context, grad: np.ndarray):
        xhat, inv_std, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        shape, c = grad.shape, grad.shape[1]
        channel = (1, c) + (1,) * (grad.ndim - 2)
        others = (0, *range(2, grad.ndim))
        grads: list[np.ndarray | None] = [None]
        if needs[0]:
            dxhat = grad if weight is None else grad * weight.reshape(channel)
            dx = _normalized_gradient(dxhat.reshape(xhat.shape), xhat, inv_std)
            grads[0] = dx.reshape(shape)
        if len(needs) > 1:
            grads.append((grad * xhat.reshape(shape)).sum(axis=others) if needs[1] else None)
        if len(needs) > 2:
            grads.append(grad.sum(axis=others) if needs[2] else None)
        return tuple(grads)


def _affine(op: str, x: Tensor, weight: Any, bias: Any) -> list[Tensor]:
    """The op's inputs: x, then the weight and bias if any (a weight of ones stands in when
    only a bias is given)."""
    if weight is None and bias is None:
        return [x]
    if weight is None:
        weight = np.ones(x.shape[1], dtype=x.dtype)
    inputs = [x]
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None:
            value = as_tensor(value)
            if value.shape != (x.shape[1],):
                raise ShapeError(f"{op}: {name} must have shape ({x.shape[1]},), got {value.shape}")
            inputs.append(value)
    return inputs


def batch_norm(
    x: Any,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """PyTorch's ``F.batch_norm`` over the channel axis 1 of an (N, C, ...) input.

    In training, normalize with the batch's mean and biased variance, and update
    ``running_mean``/``running_var`` (NumPy arrays, in place) if given; otherwise normalize with
    them.

    Examples:
        >>> import glassnet as gn
        >>> mean, var = np.zeros(1, np.float32), np.ones(1, np.float32)
        >>> y = gn.ops.batch_norm.batch_norm(gn.tensor([[1.0], [3.0]]), mean, var, training=True)
        >>> np.round(y.numpy(), 3).ravel(), mean, var
        (array([-1.,  1.], dtype=float32), array([0.2], dtype=float32), array([1.1], dtype=float32))
    """
    x = as_tensor(x)
    if x.ndim < 2:
        raise ShapeError(f"batch_norm: input must have shape (N, C, ...), got {x.shape}")
    momentum = check_number("batch_norm", "momentum", momentum, low=0.0, high=1.0)
    eps = check_number("batch_norm", "eps", eps, low=0.0, low_open=True)
    if training and x.size // max(x.shape[1], 1) < 2:
        raise ValueError(
            f"batch_norm needs more than one value per channel in training, got input of "
            f"shape {x.shape}"
        )
    if not training and (running_mean is None or running_var is None):
        raise ValueError(
            "batch_norm: eval mode (training=False) needs running_mean and running_var"
        )
    for name, array in (("running_mean", running_mean), ("running_var", running_var)):
        if array is not None and np.shape(array) != (x.shape[1],):
            raise ShapeError(
                f"batch_norm: {name} must have shape ({x.shape[1]},), got {np.shape(array)}"
            )
    return BatchNormOp.apply(
        *_affine("batch_norm", x, weight, bias),
        running_mean=running_mean,
        running_var=running_var,
        training=bool(training),
        momentum=momentum,
        eps=eps,
    )


def group_norm(x: Any, num_groups: int, weight: Any = None, bias: Any = None, eps: float = 1e-5):
    """PyTorch's ``F.group_norm``: each sample's channels split into ``num_groups`` groups,
    each normalized over its channels and positions.

    Examples:
        >>> import glassnet as gn
        >>> y = gn.ops.batch_norm.group_norm(gn.tensor([[1.0, 3.0, 5.0, 9.0]]), 2)
        >>> np.round(y.numpy(), 3)
        array([[-1.,  1., -1.,  1.]], dtype=float32)
    """
    x = as_tensor(x)
    num_groups = check_int("group_norm", "num_groups", num_groups, minimum=1)
    eps = check_number("group_norm", "eps", eps, low=0.0, low_open=True)
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise ShapeError(
            f"group_norm: input of shape {x.shape} must be (N, C, ...) with C divisible by "
            f"num_groups={num_groups}"
        )
    return GroupNormOp.apply(*_affine("group_norm", x, weight, bias), groups=num_groups, eps=eps)
