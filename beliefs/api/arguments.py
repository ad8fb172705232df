"""Keyword arguments of the Python API, checked by the rules the files and the command line follow.

Strict types, never coerced (``seed="1"``, ``seed=True`` or ``workers=2.5`` are
refused, as ``"0.5"`` is refused in a file); bounds from :mod:`beliefs.limits`.
Every refusal is an :class:`~beliefs.errors.ArgumentError` naming the argument.
"""

from __future__ import annotations

import numbers
from typing import Any

from beliefs.errors import ArgumentError
from beliefs.limits import MAX_SEED


def _type_name(value: Any) -> str:
    return "True/False" if isinstance(value, bool) else type(value).__name__


def whole_number(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an ``int`` if it is a whole-number type (``int``, ``numpy.int64``; not a bool) within
    ``[low, high]``. A float or a string is refused even when it holds a whole number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentError(name, f"must be a whole number (an int), not {_type_name(value)} ({value!r:.80})")
    value = int(value)
    if value < low or (high is not None and value > high):
        bounds = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        raise ArgumentError(name, f"must be {bounds} (got {value:,})")
    return value


def seed(value: Any) -> int:
    """A seed: a whole number from 0 to MAX_SEED (the command line's ``--seed``)."""
    return whole_number("seed", value, 0, MAX_SEED)


def optional_whole_number(name: str, value: Any, low: int, high: int | None = None) -> int | None:
    return None if value is None else whole_number(name, value, low, high)


def text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentError(name, f"must be a string, not {_type_name(value)} ({value!r:.80})")
    return value


def optional_text(name: str, value: Any) -> str | None:
    return None if value is None else text(name, value)


def flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ArgumentError(name, f"must be True or False, not {_type_name(value)} ({value!r:.80})")
    return value


def callback(name: str, value: Any) -> Any:
    if value is not None and not callable(value):
        raise ArgumentError(
            name, f"must be a function called as {name}(done, total), or None (got {value!r:.80})"
        )
    return value
