"""Untrusted text into Textual markup: control characters made visible (beliefs.text), ``[`` escaped.

Titles, actors, notes, kind labels and error messages come from files,
databases and other people: they are never interpreted as Textual markup
and never reach the terminal with an escape sequence.
"""

from __future__ import annotations

from beliefs.text import UNSAFE_CHARS, printable

#: Appended to text that ends in a backslash, which would otherwise escape the next tag's bracket.
_ZERO_WIDTH_SPACE = "\u200b"


def safe(value: object, *, multiline: bool = False) -> str:
    """``value`` as literal text inside Textual markup, whatever markup surrounds it.

    Every ``[`` is escaped (Textual's own ``escape`` leaves brackets that do not look
    like tags, and a ``[2J`` after a made-visible escape character then swallows the
    next closing tag), and a trailing backslash is followed by a zero-width space so
    that it cannot escape the bracket of the tag after it.
    """
    text = printable(value, multiline=multiline).replace("[", "\\[")
    return text + _ZERO_WIDTH_SPACE if text.endswith("\\") else text


#: ``Input(restrict=NO_CONTROL)``: typing or pasting a control or invisible character is refused (with the bell).
NO_CONTROL = f"[^{UNSAFE_CHARS}]*"
