"""Untrusted text into Textual markup: control characters made visible (beliefs.text), ``[`` escaped.

Titles, actors, notes, kind labels and error messages come from files,
databases and other people: they are never interpreted as Textual markup
and never reach the terminal with an escape sequence.
"""

from __future__ import annotations

from textual.markup import escape

from beliefs.text import printable


def safe(value: object, *, multiline: bool = False) -> str:
    """``value`` as literal text inside Textual markup."""
    return escape(printable(value, multiline=multiline))


#: ``Input(restrict=NO_CONTROL)``: typing or pasting a control character is refused (with the bell).
NO_CONTROL = "[^\x00-\x1f\x7f-\x9f]*"
