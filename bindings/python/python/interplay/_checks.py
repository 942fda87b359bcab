"""Checks of keyword arguments that Python's types cannot express.

Integers that count or seed something are refused up front with ``TypeError`` (not an
integer: ``2.5``, ``"3"``, ``True``, a complex number) or ``ValueError`` naming the
argument (out of range, e.g. a negative count), instead of surfacing later as an
``OverflowError`` from the extension or being truncated silently.
"""

from __future__ import annotations

import numbers
from typing import Any, Optional

_U64_MAX = 2**64 - 1


def integer(name: str, value: Any, minimum: int = 0, maximum: int = _U64_MAX) -> int:
    """``value`` as an int in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    v = int(value)
    if v < minimum:
        raise ValueError(f"{name} must be at least {minimum} (got {v})")
    if v > maximum:
        raise ValueError(f"{name} must be at most {maximum} (got {v})")
    return v


def optional_integer(name: str, value: Any, minimum: int = 0) -> Optional[int]:
    """Like :func:`integer`, with ``None`` passed through (meaning "the default")."""
    return None if value is None else integer(name, value, minimum)


def seed(value: Any) -> int:
    """A seed: any integer in ``[0, 2**64)``."""
    return integer("seed", value)


def optional_float(name: str, value: Any) -> Optional[float]:
    """A real number (``None`` passed through); the library checks its range."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    return float(value)
