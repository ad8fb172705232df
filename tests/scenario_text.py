"""The smallest valid ``[scenario]`` table of a timeline file, written once for the tests that need one.

Tests that build a timeline in ``tmp_path`` start from this text and append
their ``[[signals]]`` (or ``str.replace`` one line of it to make it invalid),
so a new required scenario field is added here and nowhere else; logs
written as rows of (day, kind, actor, grade, extra) become signals through
:func:`signals_toml`, and any text becomes a TOML string through
:func:`toml_string` (tests/hostile.py's corpus uses it). Imported by bare
name (tests/ is on the pythonpath): ``from scenario_text import scenario_toml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (control characters as ``\\uXXXX``)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def scenario_toml(title: str = "t", *, catalog: str | None = None) -> str:
    """A valid ``[scenario]`` table: Us, Ally and Them, neutral environment, flat Beta(2, 2) ally priors.

    ``title`` is written as a TOML basic string (:func:`toml_string`: any
    text, control characters escaped); ``catalog`` (a path relative to the
    timeline file) is added when given. The text starts and ends with a
    newline, so signals can be appended to it.
    """
    text = f"""
[scenario]
title = {toml_string(title)}
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.5
distinguishability = 0.5
prior_expansionist = 0.5
ally_reliability = {{ alpha = 2.0, beta = 2.0 }}
ally_recklessness = {{ alpha = 2.0, beta = 2.0 }}
"""
    if catalog is not None:
        text += f"catalog = {toml_string(catalog)}\n"
    return text


def signals_toml(start: dt.date, rows: Iterable[tuple[int, str, str, str, str]]) -> str:
    """``[[signals]]`` tables from (day counted from ``start`` = 1, kind, actor, grade, extra TOML lines) rows."""
    return "".join(
        f'\n[[signals]]\ndate = {start + dt.timedelta(days=day - 1)}\nkind = "{kind}"\n'
        f'actor = "{actor}"\ngrade = "{grade}"\n{extra}\n'
        for day, kind, actor, grade, extra in rows
    )
