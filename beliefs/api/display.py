"""How results show themselves in a notebook (``_repr_html_``) and at a prompt (``__repr__``).

Every piece of text that came from a file, a database row or an argument
(titles, problems, option names) is untrusted: :func:`clean` shows control
characters as visible escapes (:func:`beliefs.text.printable`, the project's
one rule) and drops bidirectional overrides, and :func:`html.escape` makes it
inert, so a timeline titled ``<script>...`` shows as that text and runs nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from beliefs.text import printable, shorten

#: Line separators and bidirectional controls (they reorder what follows them).
_BIDI = re.compile("[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object, limit: int = 200) -> str:
    """``text`` as one printable line: control characters escaped, bidi controls dropped, cut at ``limit``."""
    return shorten(_BIDI.sub("", printable(text)), limit)


def esc(text: object, limit: int = 200) -> str:
    """:func:`clean`, then HTML-escaped (quotes too)."""
    return html.escape(clean(text, limit), quote=True)


def interval(lo: float, hi: float) -> str:
    return f"[{lo:.2f}, {hi:.2f}]"


def reliability_html(reliable: bool, problems: Sequence[str], engine: str) -> str:
    if reliable:
        return f'<span style="color:#1a7f37">reliable</span> <small>({esc(engine)})</small>'
    why = "; ".join(clean(p) for p in problems) or "see diagnostics"
    return f'<b style="color:#cf222e">UNRELIABLE</b> <small>({esc(engine)}): {html.escape(why)}</small>'


def card(kind: str, title: str, rows: Sequence[tuple[str, str]], reliability: str) -> str:
    """A compact HTML card: a heading, label/value rows (values already escaped), reliability."""
    body = "".join(
        f'<tr><td style="padding:1px 8px 1px 0;color:#57606a">{esc(label)}</td>'
        f'<td style="padding:1px 0;text-align:left">{value}</td></tr>'
        for label, value in rows
    )
    return (
        '<div style="border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;'
        'display:inline-block;font-family:sans-serif;font-size:13px">'
        f'<div><small style="color:#57606a">{esc(kind)}</small> <b>{esc(title)}</b></div>'
        f'<table style="border-collapse:collapse">{body}'
        f'<tr><td style="padding:1px 8px 1px 0;color:#57606a">run</td><td>{reliability}</td></tr>'
        "</table></div>"
    )
