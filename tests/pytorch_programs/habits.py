"""The shared frame of the habit lists: ``habit`` registers a check, ``close`` compares with
NumPy's expected values, ``report`` runs a list and counts what passes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def close(actual, expected) -> None:
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=1e-5, atol=1e-6)


def collector() -> tuple[dict[str, Callable[[], None]], Callable]:
    """A fresh habit list and the decorator that adds a function to it by name."""
    habits: dict[str, Callable[[], None]] = {}

    def habit(fn: Callable[[], None]) -> Callable[[], None]:
        habits[fn.__name__] = fn
        return fn

    return habits, habit


def report(habits: dict[str, Callable[[], None]]) -> tuple[int, dict[str, str]]:
    """Run every habit; return how many passed and {failed name: error}."""
    failed = {}
    for name, fn in habits.items():
        try:
            fn()
        except Exception as error:
            failed[name] = f"{type(error).__name__}: {error}"
    return len(habits) - len(failed), failed


def main(*lists: dict[str, Callable[[], None]]) -> None:
    passed = total = 0
    for habits in lists:
        ok, failed = report(habits)
        passed, total = passed + ok, total + len(habits)
        for name, error in failed.items():
            print(f"FAIL {name}: {error[:200]}")
    print(f"{passed}/{total} habits pass")
