"""``Optimizer``: the base of every update rule.

An optimizer holds ``param_groups`` (lists of parameters with their own hyperparameters) and
per-parameter ``state`` (moment estimates, step counts). ``step()`` updates every parameter
that has a gradient and is not frozen, in place, so models and optimizers share the arrays.
A subclass writes one method, ``update``, which reads like the algorithm in its docstring.

Half-precision parameters are updated in float32 (their state is kept in float32 too): an
``eps`` of 1e-8 is zero in float16, so Adam's step would divide by zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.autograd import graph
from glassnet.errors import ShapeError
from glassnet.tensor import Tensor

#: Hyperparameters that must not be negative (a negative lr climbs the loss).
NON_NEGATIVE = {
    "lr",
    "eps",
    "weight_decay",
    "momentum",
    "alpha",
    "lr_decay",
    "initial_accumulator_value",
}


class Optimizer:
    """Base class; subclasses define ``update(param, grad, state, group)``.

    Examples:
        >>> import numpy as np, glassnet as gn
        >>> from glassnet import optim
        >>> class SignSGD(optim.Optimizer):  # p = p - lr * sign(g)
        ...     def __init__(self, params, lr=0.1):
        ...         super().__init__(params, dict(lr=lr))
        ...     def update(self, param, grad, state, group):
        ...         param -= group["lr"] * np.sign(grad)
        >>> w = gn.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = SignSGD([w])
        >>> (w * w).sum().backward(); opt.step()
        >>> w.numpy()
        array([ 0.9, -1.9], dtype=float32)

    Args:
        params: an iterable of Parameters, or of dicts ``{"params": [...], "lr": ...}`` (param
            groups, each overriding the defaults).
        defaults: the hyperparameters every group starts from.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[int, dict[str, Any]] = {}
        self._scratch: dict[np.dtype, np.ndarray] = {}
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__} got an empty list of parameters")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (e.g. a smaller lr for a backbone)."""
        params = list(group["params"])
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} optimizes Tensors, got {type(p).__name__}")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("a parameter appears in more than one parameter group")
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise TypeError(f"{type(self).__name__} has no hyperparameter(s) {sorted(unknown)}")
        group = {**self.defaults, **group, "params": params}
        for name, value in group.items():
            if name != "params":
                self._check(name, value)
        self.param_groups.append(group)

    def _check(self, name: str, value: Any) -> None:
        """A hyperparameter that would silently turn every weight into NaN is refused here."""
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
                continue
            if not np.isfinite(v):
                raise ValueError(f"{type(self).__name__}: {name} must be finite, got {value}")
            if name in NON_NEGATIVE and v < 0:
                raise ValueError(f"{type(self).__name__}: {name} must be >= 0, got {value}")
            if name == "betas" and not 0.0 <= v < 1.0:
                raise ValueError(f"{type(self).__name__}: betas must lie in [0, 1), got {value}")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter this optimizer updates: set them to None
        (PyTorch's default), or with ``set_to_none=False`` fill them with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    np.asarray(p.grad)[...] = 0

    def step(self, closure: Any = None) -> Any:
        """Update every parameter that has a gradient and is not frozen. ``closure``, as in
        PyTorch, re-evaluates the model and returns the loss (called first, with gradients
        on); the step returns that loss. A group with ``maximize=True`` climbs instead."""
        loss = None
        if closure is not None:
            from glassnet.autograd import enable_grad

            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None or not p.requires_grad:
                    continue
                state = self.state.setdefault(id(p), {})
                grad = np.asarray(p.grad)
                if group.get("maximize"):
                    grad = -grad  # before weight decay, as PyTorch
                if p.data.dtype.itemsize >= 4:
                    self.update(p.data, grad.astype(p.data.dtype, copy=False), state, group)
                else:  # half precision: compute in float32, then round into the parameter
                    param = p.data.astype(np.float32)
                    self.update(param, grad.astype(np.float32), state, group)
                    p.data[...] = param
                graph.bump_version(p)
        return loss

    def scratch(self, like: np.ndarray) -> np.ndarray:
        """A reusable array of ``like``'s shape and dtype for an update's intermediate values.

        One flat buffer per dtype, as large as the largest parameter, serves every update in
        turn (its contents are garbage when an update starts). An update that writes its
        intermediates there (``np.multiply(g, c, out=tmp)``) allocates nothing per step and
        keeps touching the same memory, which stays in the cache: Adam's step on the MNIST MLP
        takes about a third less time than with fresh arrays for every intermediate.
        """
        buffer = self._scratch.get(like.dtype)
        if buffer is None or buffer.size < like.size:
            buffer = self._scratch[like.dtype] = np.empty(like.size, like.dtype)
        return buffer[: like.size].reshape(like.shape)

    def update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        """Change ``param`` in place from ``grad``; ``state`` persists between steps."""
        raise NotImplementedError

    # ----------------------------------------------------------------- saving
    def _all_params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """Hyperparameters and state, with parameters referred to by position (copies)."""
        index = {id(p): i for i, p in enumerate(self._all_params())}
        state = {
            index[key]: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for key, s in self.state.items()
            if key in index
        }
        groups = [
            {
                **{k: v for k, v in g.items() if k != "params"},
                "params": [index[id(p)] for p in g["params"]],
            }
            for g in self.param_groups
        ]
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` saved, into an optimizer over the same parameters."""
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups'")
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{name}: loaded state dict has {len(groups)} parameter groups, this optimizer "
                f"has {len(self.param_groups)}"
            )
        for i, (g, mine) in enumerate(zip(groups, self.param_groups)):
            if len(g["params"]) != len(mine["params"]):
                raise ValueError(
                    f"{name}: loaded parameter group {i} has {len(g['params'])} parameters, "
                    f"this optimizer's has {len(mine['params'])}"
                )
        params = self._all_params()
        for i, s in state_dict["state"].items():
            if not 0 <= int(i) < len(params):
                raise ValueError(f"{name}: state for parameter {i}, but there are {len(params)}")
            for key, value in s.items():
                shape = np.shape(value)
                if isinstance(value, np.ndarray) and shape not in ((), params[int(i)].shape):
                    raise ShapeError(
                        f"{name}: state {key!r} of parameter {i} has shape {shape}, the "
                        f"parameter {params[int(i)].shape}"
                    )
        for saved, mine in zip(groups, self.param_groups):
            mine.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {}
        for i, s in state_dict["state"].items():
            p = params[int(i)]
            dtype = p.dtype if p.dtype.itemsize >= 4 else np.dtype(np.float32)
            self.state[id(p)] = {
                k: (np.array(v, dtype=dtype) if isinstance(v, np.ndarray) else v)
                for k, v in s.items()
            }

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({settings})"
