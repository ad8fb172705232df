"""Reporting channels: their names, their identity, and one reliability letter per channel.

A signal's optional ``channel`` names the channel through which the analyst
learned of the act; the Admiralty letter grades the channel, so every active
report on one channel must carry the same letter. These rules serve the
timeline validator, the case store and the TUI form alike; they read only a
signal's ``channel``, ``grade`` and ``retracted``, so they import nothing of
:mod:`beliefs.timeline`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from beliefs.errors import Problem
from beliefs.text import check_text


class Graded(Protocol):
    """What the channel rules read of a signal."""

    @property
    def channel(self) -> str | None: ...
    @property
    def grade(self) -> str: ...
    @property
    def retracted(self) -> bool: ...


#: The longest channel name accepted.
MAX_CHANNEL = 80


def one_line_text(value: str, limit: int) -> str:
    """``value`` stripped; refused if it spans lines, breaks the untrusted-text rule (beliefs.text) or is too long."""
    text = value.strip()
    if any(c in "\r\n" for c in text):
        raise ValueError("must be a single line of text; it holds a line break")
    check_text(text)
    if len(text) > limit:
        raise ValueError(f"is {len(text)} characters long; the limit is {limit}")
    return text


def channel_key(channel: str | None) -> str | None:
    """The identity of a channel: case and spacing do not make another channel."""
    return None if channel is None else " ".join(channel.split()).casefold()


def channel_names(signals: Sequence[Graded]) -> list[str]:
    """The channels of ``signals``, as first written, in order of first use."""
    seen: dict[str, str] = {}
    for sig in signals:
        key = channel_key(sig.channel)
        if key is not None and key not in seen:
            seen[key] = str(sig.channel)
    return list(seen.values())


def letter_conflicts(signals: Sequence[Graded]) -> list[tuple[int, int]]:
    """``(i, j)`` for every active signal ``i`` whose channel's first active report ``j`` has another letter."""
    first: dict[str, int] = {}
    out: list[tuple[int, int]] = []
    for i, sig in enumerate(signals):
        key = channel_key(sig.channel)
        if key is None or sig.retracted:
            continue
        j = first.setdefault(key, i)
        if signals[j].grade[0] != sig.grade[0]:
            out.append((i, j))
    return out


def letter_message(channel: str, new_grade: str, old_grade: str, old_name: str) -> str:
    """Why a signal's letter is refused on its channel (names the other signal)."""
    return (
        f"channel '{channel}' is graded {old_grade[0]} by {old_name} (grade {old_grade}) but {new_grade[0]} "
        f"here (grade {new_grade}): the letter grades the channel, so all its reports share one letter"
    )


def channel_letter_problems(signals: list[Any], file: str) -> list[Problem]:
    """A problem for every active signal whose channel already carries another letter."""
    problems: list[Problem] = []
    first: dict[str, tuple[int, str]] = {}  # channel key -> (index, grade) of its first active report
    for i, sig in enumerate(signals):
        if not isinstance(sig, dict) or sig.get("retracted") is True:
            continue
        channel, grade = sig.get("channel"), sig.get("grade")
        if not isinstance(channel, str) or not isinstance(grade, str) or len(grade) != 2:
            continue
        key = channel_key(channel)
        if not key:
            continue
        if key not in first:
            first[key] = (i, grade)
        elif first[key][1][0] != grade[0]:
            j, old = first[key]
            msg = letter_message(channel.strip(), grade, old, f"signals[{j}]")
            problems.append(Problem(file, f"signals[{i}]", "channel", msg))
    return problems
