"""The briefing says who acted and how each act was counted, and lists unresolved actors with how to map them."""

from __future__ import annotations

import re

import pytest
from test_report import HOSTILE, parse

from beliefs.render.report_html import render_report
from beliefs.runs.briefing import analyse, report_context
from beliefs.text import printable
from beliefs.timeline import load_timeline


@pytest.fixture(scope="module")
def suez(engine):
    tl, catalog = load_timeline("suez-1956")
    origin = {"kind": "bundled timeline", "name": "suez-1956", "sha256": "0" * 64}
    return analyse(tl, catalog, label="suez-1956", origin=origin, seed=1, engine=engine)


def _section(html: str, section: str) -> str:
    """The visible text of one section, whitespace folded."""
    match = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
    assert match is not None, section
    return " ".join(" ".join(parse(match.group(1)).text).split())


def test_every_signal_says_who_acted_and_how_it_was_counted(suez):
    html = render_report(report_context(suez, seed=1))
    signals = _section(html, "signals")
    # The Soviet rocket note: a third party's act, weighed by its attribution (0.2 in the file).
    assert "Soviet Union third party Soviet Union: attribution 0.20" in signals
    assert "United Kingdom perspective state's own act: context, not evidence on the adversary" in signals
    assert "Egypt adversary's own act" in signals
    assert signals.count("ally kind, counted for the ally") == sum(
        1 for s in suez.timeline.signals if s.kind not in {k.id for k in suez.catalog.adversary}
    )
    # The ledger's third-party row carries the same reading.
    assert "third party Soviet Union: attribution 0.20" in _section(html, "evidence")
    assert 'id="unresolved-actors"' not in html  # every actor of a bundled timeline resolves


def test_unresolved_actors_are_listed_prominently_escaped_with_how_to_map_them(suez, engine):
    tl = suez.timeline
    ally_kinds = {k.id for k in suez.catalog.ally}
    adversary_rows = [i for i, s in enumerate(tl.signals) if s.kind not in ally_kinds]
    ally_row = next(i for i, s in enumerate(tl.signals) if s.kind in ally_kinds)
    hostile_actor, ally_actor = HOSTILE[0], HOSTILE[5]  # a script tag; an escape sequence
    changed = {adversary_rows[0]: hostile_actor, adversary_rows[1]: hostile_actor, ally_row: ally_actor}
    signals = [s.model_copy(update={"actor": changed[i]}) if i in changed else s for i, s in enumerate(tl.signals)]
    origin = {"kind": "case", "name": "old", "case": "old", "sha256": "x"}
    # the briefing reads the replay's evidence record: replay the log with the changed actors
    a = analyse(tl.with_signals(signals), suez.catalog, label="old case", origin=origin, seed=1, engine=engine)
    html = render_report(report_context(a, seed=1))
    page = parse(html)
    assert "script" not in page.tags and not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", html)
    # Prominent: right after the recommendation, before the belief's trajectory.
    assert html.index('id="recommendation"') < html.index('id="unresolved-actors"') < html.index('id="belief"')
    listed = _section(html, "unresolved-actors")
    assert "2 UNRESOLVED" in listed
    assert f"{hostile_actor} 2 adversary-kind signals counted as the adversary's own acts" in listed
    shown = printable(ally_actor).replace("\\x1b", "").replace("\\x07", "")  # control characters are dropped
    assert f"{shown} 1 ally-kind signal counted for the ally, as ally kinds are whoever acted" in listed
    assert "beliefs cases map-actor old ACTOR --to adversary|ally|perspective|THIRD_PARTY" in listed
    assert "beliefs cases actors old" in listed
    row = _section(html, "signals")
    assert f"actor '{hostile_actor}' unresolved: counted as the adversary's own act until it is mapped" in row
