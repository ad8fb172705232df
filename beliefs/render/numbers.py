"""Numbers for people: one rule for fixed-point figures in tables and sentences."""

from __future__ import annotations


def fixed(x: float, spec: str) -> str:
    """``format(x, spec)`` without a negative zero: -0.004 at ``.2f`` prints 0.00 (``+.2f``: +0.00).

    A figure that rounds to zero has no sign worth printing; ``-0.00`` reads as
    a (tiny) loss where the value is nothing at this precision.
    """
    text = format(x, spec)
    if text.startswith("-") and set(text[1:]) <= set("0."):
        text = ("+" if spec.startswith("+") else "") + text[1:]
    return text
