"""Untrusted text inside Textual markup stays literal, whatever surrounds it (tui/safe.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.markup import to_content

from beliefs.text import printable
from tui.safe import safe

HOSTILE = [
    "ends in a backslash \\",
    "an escape \x1b[2J made visible",
    "[b]bold[/b] and [link=x]link[/link]",
    "a\\[b]c",
    "[[x]] [@click=quit]q[/]",
    "two backslashes \\\\",
    ":warning: [red]",
]


def rendered(text: str) -> str:
    """The plain text a person sees when ``text`` sits between markup tags."""
    return to_content(f"[b]{safe(text)}[/b] [i]after[/i]").plain.replace("\u200b", "")


def test_hostile_text_is_shown_literally_and_the_next_tag_still_works():
    for text in HOSTILE:
        assert rendered(text) == printable(text) + " after", text


@given(st.text(alphabet=st.sampled_from(list("ab[]\\/=@:#x \x1b")), max_size=30))
def test_any_text_of_brackets_and_backslashes_stays_literal(text):
    assert rendered(text) == printable(text) + " after"
