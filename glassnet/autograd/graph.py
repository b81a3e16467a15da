"""Who joins the graph: grad mode, tracking, tensor versions and hooks, decided here only.

An op's result joins the autograd graph (it keeps a node, its ``grad_fn``, naming the op and the
input Tensors) when a gradient may later be asked of it. That is so when

- grad mode is on in the current thread (``no_grad()`` switches it off, for this thread only,
  so one thread predicting does not stop another from training), and
- some input is *tracked*: it requires grad (a parameter, or a result computed from one), or it
  was made by a recorded op, or a ``GradientTape`` watches it.

The result requires grad exactly when some input does. Everything else about the graph that
can change behind an op's back lives here too: each Tensor's *version* (bumped by every in-place
change, so backward can refuse to use a value that changed after an op saved it) and the hooks
that run when a gradient arrives.

Examples:
    >>> import glassnet as gn
    >>> w = gn.ones(2, requires_grad=True)
    >>> (w * 2).requires_grad, (w * 2).grad_fn
    (True, <MulOp>)
    >>> with gn.no_grad():
    ...     print((w * 2).requires_grad, (w * 2).grad_fn)
    False None
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from glassnet.autograd.function import Context
    from glassnet.tensor import Tensor


# --------------------------------------------------------------------------- grad mode
class _ThreadState(threading.local):
    grad_enabled = True  # each thread starts with grad mode on, as in PyTorch


_thread = _ThreadState()


def is_grad_enabled() -> bool:
    """True unless this thread is inside ``no_grad`` (or ``set_grad_enabled(False)``)."""
    return _thread.grad_enabled


class _GradModeBlock(contextlib.ContextDecorator):
    """Set this thread's grad mode for a block, then restore it (also usable as a decorator)."""

    mode = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:  # @no_grad without parentheses
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._previous = _thread.grad_enabled
        _thread.grad_enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _thread.grad_enabled = self._previous

    def _recreate_cm(self) -> _GradModeBlock:
        return type(self)()  # a fresh instance per decorated call, so recursion nests correctly


class no_grad(_GradModeBlock):
    """Record no graph in this thread: for evaluation and for in-place parameter updates.

    Works as a context manager and as a decorator. Other threads are not affected.

    Examples:
        >>> import glassnet as gn
        >>> w = gn.ones(3, requires_grad=True)
        >>> with gn.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    mode = False


class inference_mode(_GradModeBlock):
    """PyTorch's ``inference_mode``: here the same as ``no_grad`` (``inference_mode(False)``
    leaves grad mode as it is)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode and _thread.grad_enabled
        self._enabled = mode

    def _recreate_cm(self) -> inference_mode:
        return inference_mode(self._enabled)


class enable_grad(_GradModeBlock):
    """Record the graph again inside a ``no_grad`` block."""

    mode = True


class set_grad_enabled(_GradModeBlock):
    """Switch grad mode on or off: as a call (``set_grad_enabled(False)``) it takes effect at
    once; as a context manager it also restores the previous mode at the end of the block.

    Examples:
        >>> import glassnet as gn
        >>> with gn.set_grad_enabled(False):
        ...     gn.is_grad_enabled()
        False
        >>> gn.is_grad_enabled()
        True
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous = _thread.grad_enabled
        _thread.grad_enabled = self.mode

    def __enter__(self) -> None:
        pass  # already switched in __init__

    def _recreate_cm(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)


# --------------------------------------------------------------------------- tracking
def is_tracked(tensor: Tensor) -> bool:
    """Whether a gradient can flow through ``tensor``: it requires grad, was made by a recorded
    op, or is watched by a GradientTape."""
    return tensor.requires_grad or tensor._ctx is not None or tensor._watched


# --8<-- [start:attach]
def attach(output: Tensor, node: Context, inputs: Sequence[Tensor]) -> Tensor:
    """Give an op's ``output`` its graph ``node`` if it joins the graph (see the module doc)."""
    if not _thread.grad_enabled or output.data.dtype.kind != "f":
        return output  # integer and bool results (argmax, comparisons) have no gradient
    if any([t.requires_grad for t in inputs]):
        output._ctx, output.requires_grad = node, True
    elif any([t._ctx is not None or t._watched for t in inputs]):
        output._ctx = node  # recorded for a GradientTape, but nothing requires grad
    else:
        return output
    for t in inputs:
        t._in_graph = True  # an in-place change of t can no longer rewrite its history
    return output


# --8<-- [end:attach]
def watch(tensor: Tensor) -> None:
    """Record ops on ``tensor`` although it does not require grad (``GradientTape.watch``)."""
    if tensor.data.dtype.kind != "f":
        raise TypeError(
            f"GradientTape.watch: only float Tensors have gradients, not {tensor.dtype}"
        )
    tensor._watched = True


def unwatch(tensor: Tensor) -> None:
    tensor._watched = False


# --------------------------------------------------------------------------- versions
def bump_version(tensor: Tensor) -> None:
    """Record that ``tensor``'s array was changed in place (an in-place op, an optimizer step,
    ``load_state_dict``). A raw edit of ``tensor.data`` is not seen, as in PyTorch."""
    tensor._version += 1


def versions_of_saved(node: Context, inputs: Sequence[Tensor], output: Tensor) -> tuple:
    """The Tensors among an op's inputs and output whose very array the forward saved for
    backward, each with its version now; ``check_versions`` compares them later.

    The output is held by a weak reference: it holds the node (its ``grad_fn``), and a strong
    reference back would make a cycle that only the garbage collector frees, keeping every
    step's activations alive until it runs."""
    kept: list[tuple[Any, int]] = []
    for tensor in (*inputs, output):
        for value in node._saved:
            if value is tensor.data or value is tensor:  # an array, or a Tensor (PyTorch style)
                holder = weakref.ref(tensor) if tensor is output else tensor
                kept.append((holder, tensor._version))
                break
    return tuple(kept)


def check_versions(node: Context) -> None:
    """Refuse to run a backward whose saved arrays were changed in place since its forward."""
    for holder, version in node.saved_versions:
        tensor = holder() if isinstance(holder, weakref.ref) else holder
        if tensor is not None and tensor._version != version:
            what = "its output" if tensor._ctx is node else "an input"
            raise RuntimeError(
                f"one of the arrays needed for gradient computation has been modified by an "
                f"in-place operation: {node.name()} saved {what} of shape {tensor.shape} at "
                f"version {version}, and it is now at version {tensor._version}. Compute the "
                "loss again after the change (e.g. call optimizer.step() only after backward())"
            )


# --------------------------------------------------------------------------- hooks
Hook = Callable[[Any], Any]


class RemovableHandle:
    """What ``register_*hook`` returns: ``handle.remove()`` takes the hook away again."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def add_hook(tensor: Tensor, hook: Hook, after_accumulate: bool = False) -> RemovableHandle:
    """Register ``hook`` on ``tensor``: ``hook(grad)`` when its gradient has been computed (it
    may return a replacement), or, with ``after_accumulate``, ``hook(tensor)`` once the gradient
    has been added into ``tensor.grad`` (leaves only)."""
    if not callable(hook):
        raise TypeError(f"a hook must be callable, got {type(hook).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a Tensor that does not require grad")
    if after_accumulate and tensor._ctx is not None:
        raise RuntimeError("post-accumulate-grad hooks can only be registered on leaf Tensors")
    name = "_post_accumulate_hooks" if after_accumulate else "_hooks"
    hooks = getattr(tensor, name)
    if hooks is None:
        hooks = []
        setattr(tensor, name, hooks)
    hooks.append(hook)
    return RemovableHandle(hooks, hook)


def run_hooks(tensor: Tensor, grad: np.ndarray) -> np.ndarray:
    """The gradient after ``tensor``'s hooks (each may return a replacement of the same shape)."""
    from glassnet.tensor import Tensor  # here: tensor.py imports this module

    for hook in list(tensor._hooks or ()):
        replaced = hook(Tensor(grad))  # hooks see a Tensor, as .grad is one
        if replaced is not None:
            replaced = np.asarray(getattr(replaced, "data", replaced), dtype=tensor.dtype)
            if replaced.shape != grad.shape:
                raise ValueError(
                    f"a gradient hook returned shape {replaced.shape} for a Tensor of shape "
                    f"{tensor.shape}"
                )
            grad = replaced
    return grad


def run_post_accumulate_hooks(tensor: Tensor) -> None:
    for hook in list(tensor._post_accumulate_hooks or ()):
        hook(tensor)
