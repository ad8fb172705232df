"""`m` in the TUI: a stored case's unresolved actors, each with a role picker, mapped in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from hostile import raw_controls
from textual.widgets import Select
from tui_helpers import SIZE, assert_shows, settle, short_timeline, sync

from beliefs.cases.store import CaseStore
from beliefs.runs.assessment import assess_signals
from beliefs.text import STORED
from beliefs.timeline import Signal
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.actors import ActorsScreen

#: A free-text actor an older version stored: markup and an escape sequence, shown literally.
HOSTILE = "[bold red]Kaiser[/] \x1b[2J"


def screen_text(app: BeliefsApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def old_case(july, tmp_path):
    """july-1914's first signals as an older version stored them: no aliases, no third parties."""
    tl, catalog = short_timeline(july)
    bare = tl.scenario.model_copy(update={"aliases": type(tl.scenario.aliases)(), "actors": {}})
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.create_case("old", tl.model_copy(update={"scenario": bare}), catalog)
        raw = {"date": dt.date(1914, 7, 29), "kind": "coercive_threat", "grade": "B2", "actor": HOSTILE}
        store.add_signal("old", Signal.model_validate(raw, context=STORED))
    return db


def _mapped(db) -> list[tuple[str, str, str]]:
    with CaseStore(db) as store:
        return [(m.actor, m.role, m.name) for m in store.load_case("old").actor_mappings]


@sync
async def test_m_lists_unresolved_actors_and_maps_the_picked_ones(old_case, engine):
    link = CaseLink(old_case)
    app = BeliefsApp(link.open("old"), cases=link, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications if n.title == "Unresolved actors"]
        assert len(told) == 1 and "3 actors of case 'old'" in told[0] and "press m" in told[0]
        assert "\x1b" not in told[0]  # notifications are made printable
        await pilot.press("m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActorsScreen)
        assert [name for name, _ in screen.actors] == ["Austria-Hungary", "France", HOSTILE]
        assert raw_controls(screen_text(app)) == []
        text = " ".join(" ".join(str(w.render()) for w in screen.query(".actor-label")).split())
        assert "[bold red]Kaiser[/] \\x1b[2J" in text  # literal, escaped
        assert "1 ally-kind signal counted for the ally" in text  # France: exact per kind
        assert "1 adversary-kind signal counted as the adversary's own act" in text
        # Cancel writes nothing.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ActorsScreen) and _mapped(old_case) == []

        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#role-0", Select).value = "adversary"  # Austria-Hungary
        app.screen.query_one("#role-2", Select).value = "ally"  # the hostile one: context from now on
        await pilot.click("#ok")
        await settle(pilot)
        assert not isinstance(app.screen, ActorsScreen)
        assert _mapped(old_case) == [("Austria-Hungary", "adversary", "Germany"), (HOSTILE, "ally", "France and Russia")]
        with CaseStore(old_case) as store:
            case = store.load_case("old")
        assert app.session.version == case.version and app.session.timeline.scenario == case.timeline.scenario
        # The panels show the posterior under the new attribution: the hostile act is now context.
        expected = assess_signals(case.timeline, case.catalog, case.timeline.signals, seed=0, engine=engine)
        assert_shows(app, expected)
        assert expected.inputs.adversary_kind.size == 3  # Germany x2 + Austria-Hungary; the ally's act left out

        await pilot.press("m")  # France is left: an ally kind can only be the ally's
        await pilot.pause()
        assert [name for name, _ in app.screen.actors] == ["France"]


@sync
async def test_a_mapping_refused_by_the_store_writes_nothing_and_says_why(old_case, engine):
    link = CaseLink(old_case)
    app = BeliefsApp(link.open("old"), cases=link, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        # Austria-Hungary to the adversary is fine; France (an ally kind) to the adversary is not: neither is written.
        app.screen.query_one("#role-0", Select).value = "adversary"
        app.screen.query_one("#role-1", Select).value = "adversary"
        await pilot.click("#ok")
        await settle(pilot)
        assert _mapped(old_case) == []
        assert any("nothing was mapped" in n.message and "'France' has signals of ally kinds" in n.message
                   for n in app._notifications)  # fmt: skip


@sync
async def test_a_mapping_made_by_another_process_is_followed(old_case, engine):
    link = CaseLink(old_case)
    app = BeliefsApp(link.open("old"), cases=link, engine=engine, watch_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.session.result().p_expansionist
        app.poll_case()  # the watch's first look
        with CaseStore(old_case) as store:  # `beliefs cases map-actor` in another terminal
            store.map_actor("old", "Austria-Hungary", "Austria-Hungary", attribution=0.0)
        app.poll_case()
        await settle(pilot)
        assert any("actor mappings changed" in n.message for n in app._notifications)
        assert "Austria-Hungary" in app.session.timeline.scenario.actors
        with CaseStore(old_case) as store:
            case = store.load_case("old")
        expected = assess_signals(case.timeline, case.catalog, case.timeline.signals, seed=0, engine=engine)
        assert_shows(app, expected)
        assert expected.to_json()["posterior"]["p_expansionist"]["mean"] < before  # its ultimatum no longer counts
