"""Random Tensors, with PyTorch's names and signatures: ``rand``, ``randn``, ``randint``,
``randperm``, ``multinomial``, ``bernoulli``, ``normal`` and the ``*_like`` forms.

Each takes PyTorch's ``generator=`` (a ``gn.Generator``) or glassnet's ``rng=`` (a NumPy
Generator, a seed, or None for the global generator that ``gn.manual_seed`` resets). The numbers
are NumPy's, not PyTorch's: the same seed gives the same numbers in glassnet, other numbers than
in PyTorch.

Examples:
    >>> import glassnet as gn
    >>> gn.rand(2, 3).shape, gn.randint(0, 10, (4,)).dtype, sorted(gn.randperm(5).tolist())
    ((2, 3), dtype('int64'), [0, 1, 2, 3, 4])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import dtypes
from glassnet.arguments import check_int
from glassnet.creation import _make, shape_of
from glassnet.rng import Generator, RngLike, pick_rng
from glassnet.tensor import DTypeLike, Tensor


def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    rng: RngLike = None,
    **kwargs: Any,
) -> Tensor:
    """Uniform samples in [0, 1)."""
    shape = shape_of(size, "rand", kwargs.pop("size", None))
    _no_extras(kwargs, "rand")
    data = pick_rng(rng, generator, "rand").random(shape)
    return _make(data.astype(dtypes.float_or_default(dtype)), "rand", device, requires_grad)


def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    rng: RngLike = None,
    **kwargs: Any,
) -> Tensor:
    """Standard normal samples."""
    shape = shape_of(size, "randn", kwargs.pop("size", None))
    _no_extras(kwargs, "randn")
    data = pick_rng(rng, generator, "randn").standard_normal(shape)
    return _make(data.astype(dtypes.float_or_default(dtype)), "randn", device, requires_grad)


def randint(
    *args: Any,
    generator: Generator | None = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    rng: RngLike = None,
    **kwargs: Any,
) -> Tensor:
    """Integers drawn uniformly from [low, high): ``randint(high, size)`` or
    ``randint(low, high, size)`` (int64 unless ``dtype`` is given)."""
    size = kwargs.pop("size", None)
    low = kwargs.pop("low", None)
    high = kwargs.pop("high", None)
    _no_extras(kwargs, "randint")
    args_list = list(args)
    if size is None and args_list and isinstance(args_list[-1], (tuple, list)):
        size = args_list.pop()
    if high is None and args_list:
        high = args_list.pop()
    if low is None:
        low = args_list.pop() if args_list else 0
    if args_list or size is None or high is None:
        raise TypeError("randint: call it as randint(high, size) or randint(low, high, size)")
    low, high = check_int("randint", "low", low, None), check_int("randint", "high", high, None)
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    data = pick_rng(rng, generator, "randint").integers(low, high, shape_of((size,), "randint"))
    dtype = np.int64 if dtype is None else dtypes.as_dtype(dtype, "randint")
    return _make(data.astype(dtype), "randint", device, requires_grad)


def randperm(
    n: int,
    generator: Generator | None = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    rng: RngLike = None,
) -> Tensor:
    """A random permutation of 0 .. n-1 (int64 unless ``dtype`` is given)."""
    n = check_int("randperm", "n", n)
    data = pick_rng(rng, generator, "randperm").permutation(n)
    dtype = np.int64 if dtype is None else dtypes.as_dtype(dtype, "randperm")
    return _make(data.astype(dtype), "randperm", device, requires_grad)


def multinomial(
    input: Any,
    num_samples: int,
    replacement: bool = False,
    generator: Generator | None = None,
    rng: RngLike = None,
) -> Tensor:
    """Indices drawn from the categories of each row of ``input`` (weights, 1-D or 2-D; they
    need not sum to 1): int64, of shape (num_samples,) or (rows, num_samples).

    Without replacement each row's indices are distinct (the Gumbel-top-k trick: perturb the log
    weights with Gumbel noise and keep the largest).
    """
    weights = np.asarray(getattr(input, "data", input), dtype=np.float64)
    num_samples = check_int("multinomial", "num_samples", num_samples, 1)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: input must be 1-D or 2-D, got shape {weights.shape}")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise ValueError("multinomial: weights must be finite and >= 0")
    rows = np.atleast_2d(weights)
    totals = rows.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise ValueError("multinomial: every row of weights needs a positive sum")
    if not replacement and num_samples > int((rows > 0).sum(axis=1).min()):
        raise ValueError(
            f"multinomial: cannot draw {num_samples} samples without replacement from a row "
            "with fewer nonzero weights"
        )
    draw = pick_rng(rng, generator, "multinomial")
    if replacement:
        cdf = np.cumsum(rows / totals, axis=1)
        u = draw.random((rows.shape[0], num_samples, 1))
        picked = (u >= cdf[:, None, :-1]).sum(axis=2)
    else:
        with np.errstate(divide="ignore"):
            keys = np.log(rows) + draw.gumbel(size=rows.shape)
        picked = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    picked = picked.astype(np.int64)
    return Tensor(picked[0] if weights.ndim == 1 else picked)


def bernoulli(
    input: Any,
    p: float | None = None,
    generator: Generator | None = None,
    rng: RngLike = None,
) -> Tensor:
    """0/1 samples, 1 with probability ``input`` (elementwise; or ``p`` for every element), in
    ``input``'s dtype."""
    probs = np.asarray(getattr(input, "data", input))
    chance = probs if p is None else np.full(probs.shape, p)
    if ((chance < 0) | (chance > 1)).any():
        raise ValueError("bernoulli: probabilities must be in [0, 1]")
    u = pick_rng(rng, generator, "bernoulli").random(probs.shape)
    dtype = probs.dtype if probs.dtype.kind == "f" else dtypes.default_dtype()
    return Tensor((u < chance).astype(dtype))


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    generator: Generator | None = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
    rng: RngLike = None,
) -> Tensor:
    """Samples of N(mean, std**2): ``mean`` and ``std`` are numbers (then ``size`` gives the
    shape) or Tensors (broadcast together, giving the shape and the dtype)."""
    m = np.asarray(getattr(mean, "data", mean))
    s = np.asarray(getattr(std, "data", std))
    if (s < 0).any():
        raise ValueError("normal: std must be >= 0")
    if size is not None:
        shape = shape_of((size,), "normal")
    elif m.ndim or s.ndim:
        shape = np.broadcast_shapes(m.shape, s.shape)
    else:
        raise TypeError("normal: with a number for both mean and std, give size=")
    like = [a.dtype for a in (m, s) if a.ndim and a.dtype.kind == "f"]
    out_dtype = dtypes.float_or_default(dtype if dtype is not None else (like[0] if like else None))
    data = pick_rng(rng, generator, "normal").normal(m, s, shape)
    return _make(data.astype(out_dtype), "normal", device, requires_grad)


# ----------------------------------------------------------------------------- *_like
def rand_like(input: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
    """Uniform samples in [0, 1) in ``input``'s shape and dtype."""
    return rand(np.shape(input), dtype=_like_float(input, dtype), **kwargs)


def randn_like(input: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
    """Standard normal samples in ``input``'s shape and dtype."""
    return randn(np.shape(input), dtype=_like_float(input, dtype), **kwargs)


def randint_like(input: Any, *args: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
    """Integers from [low, high) in ``input``'s shape and dtype: ``randint_like(x, high)`` or
    ``randint_like(x, low, high)``."""
    dtype = np.asarray(input).dtype if dtype is None else dtype
    return randint(*args, np.shape(input), dtype=dtype, **kwargs)


def _like_float(input: Any, dtype: DTypeLike) -> np.dtype:
    result = np.asarray(input).dtype if dtype is None else dtypes.as_dtype(dtype)
    if result.kind != "f":
        raise TypeError(f"rand_like/randn_like: need a float dtype, got {result}")
    return result


def _no_extras(kwargs: dict[str, Any], where: str) -> None:
    if kwargs.pop("out", None) is not None or kwargs.pop("layout", None) is not None:
        raise TypeError(f"{where}: glassnet does not support out= or layout=")
    kwargs.pop("pin_memory", None)
    if kwargs:
        raise TypeError(f"{where}() got unexpected keyword arguments {sorted(kwargs)}")
