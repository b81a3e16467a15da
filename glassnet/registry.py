"""``Registry``: the names a user may type for one kind of object, and the one way to look them up.

Activations, losses, optimizers, initializers and metrics can each be given as an object or by
name (``Dense(8, activation="relu")``, ``compile("adam", "cross_entropy", ["accuracy"])``). Each
kind keeps its names in a Registry, and ``REGISTRY.get(name_or_object, ...)`` turns what the user
gave into the object, with one error format for a name that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class Registry:
    """Names -> factories for one kind of object.

    Args:
        kind: what the objects are, for error messages ("activation", "optimizer", ...).
        entries: lower-case name -> factory (a class, or a function returning the object).
        accepts: whether a non-string value is already a usable object (returned as it is).
        instantiate: call the factory with the arguments given to ``get`` (True), or
            return the factory itself (False: metrics are plain functions).

    Examples:
        >>> from glassnet.registry import Registry
        >>> is_rgb = lambda value: isinstance(value, tuple) and len(value) == 3
        >>> colors = Registry("color", {"red": lambda: (255, 0, 0)}, accepts=is_rgb)
        >>> colors.get("Red"), colors.get((0, 0, 1))
        ((255, 0, 0), (0, 0, 1))
        >>> colors.get("mauve")
        Traceback (most recent call last):
        ...
        ValueError: unknown color 'mauve'; choose one of ['red']
    """

    def __init__(
        self,
        kind: str,
        entries: dict[str, Any],
        accepts: Callable[[Any], bool] = callable,
        instantiate: bool = True,
    ) -> None:
        self.kind = kind
        self.entries = {name.lower(): factory for name, factory in entries.items()}
        self.accepts = accepts
        self.instantiate = instantiate

    def get(self, name_or_object: Any, *args: Any, **kwargs: Any) -> Any:
        """The object a name stands for (made with ``args``/``kwargs``), or the object itself."""
        if isinstance(name_or_object, str):
            factory = self.entries.get(name_or_object.lower())
            if factory is None:
                raise ValueError(
                    f"unknown {self.kind} {name_or_object!r}; choose one of {sorted(self.entries)}"
                )
            return factory(*args, **kwargs) if self.instantiate else factory
        if isinstance(name_or_object, type):  # the class itself, as in activation=nn.ReLU
            cls = name_or_object.__name__
            raise TypeError(
                f"a {self.kind} must be a name or an object, got the class {cls}; pass an "
                f"instance, {cls}(), or a name"
            )
        if self.accepts(name_or_object):
            return name_or_object
        article = "an" if self.kind[:1] in "aeiou" else "a"
        raise TypeError(
            f"{article} {self.kind} must be a name or {article} {self.kind} object, "
            f"got {type(name_or_object).__name__} {name_or_object!r}"
        )

    def register(self, name: str, factory: Any) -> None:
        """Make ``name`` available (e.g. a user's own activation for ``Dense(activation=name)``).

        Raises:
            TypeError: a name that is not a string, or a factory that cannot be called.
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"{self.kind} names are non-empty strings, got {name!r}")
        if not callable(factory):
            raise TypeError(
                f"register({name!r}): the {self.kind} factory must be callable (a class or "
                f"a function), got {type(factory).__name__}"
            )
        self.entries[name.lower()] = factory

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {sorted(self.entries)})"
