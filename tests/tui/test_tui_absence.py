"""Pilot tests of negative evidence in the TUI: the form's "not seen" switch, the case
store commit, and the log that shows absences and superseded ones."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Switch
from tui_helpers import SIZE, N, assert_shows, case_app, settle, short_timeline, sync

from beliefs.cases.store import CaseStore
from beliefs.runs.assessment import assess_signals
from beliefs.timeline import Signal
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.add_signal import AddSignalScreen
from tui.screens.signal_detail import detail_markup
from tui.widgets.signal_log import SignalLog


@pytest.fixture
def short(july):
    return short_timeline(july)


def _row(app: BeliefsApp, i: int) -> list[str]:
    return [cell.plain for cell in app.main.query_one(SignalLog).get_row_at(i)]


@sync
async def test_not_seen_through_the_form_is_committed_and_shown(short, engine, tmp_path):
    tl, catalog = short
    app, db = case_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddSignalScreen)
        form.query_one("#kind-filter").value = "mobilization"
        form.query_one("#date").value = "1914-07-29"
        form.query_one("#actor").value = "Germany"
        switch = form.query_one("#not-seen", Switch)
        assert switch.value is False
        await pilot.click("#not-seen")
        await pilot.pause()
        assert switch.value is True
        await pilot.click("#ok")
        await settle(pilot)
        absent = Signal(date=dt.date(1914, 7, 29), kind="mobilization", grade="B2", actor="Germany", observed=False)
        assert app.session.signals[-1] == absent
        with CaseStore(db) as store:  # committed, with its flag
            assert store.load_case("july").timeline.signals[-1].observed is False
        assert_shows(app, assess_signals(tl, catalog, [*tl.signals, absent], seed=0, engine=engine))
        row = _row(app, N)
        assert row[3] == "not seen: mobilization" and "superseded" not in row[6]
        assert "[b]not seen[/] by 1914-07-29" in detail_markup(app.session, N)
        # A sighting of the same kind (no channel) supersedes the absence: dimmed, and the note says so.
        seen = Signal(date=dt.date(1914, 7, 31), kind="mobilization", grade="B2", actor="Germany")
        app.commit_signal(seen)
        await settle(pilot)
        assert _row(app, N)[6].startswith("(superseded by the sighting of 1914-07-31)")
        detail = detail_markup(app.session, N)
        assert "superseded by the sighting of 1914-07-31: not counted" in detail
        assert "an absence superseded by the sighting of 1914-07-31" in detail  # the ledger's line
        assert _row(app, N + 1)[3] == "mobilization"
        assert_shows(app, assess_signals(tl, catalog, [*tl.signals, absent, seen], seed=0, engine=engine))
        # Back one step: the sighting is not in the view yet, so the absence counts again.
        await pilot.press("left")
        await settle(pilot)
        assert "superseded" not in _row(app, N)[6]


@sync
async def test_the_form_prefills_the_switch(short, engine, tmp_path):
    tl, catalog = short
    absent = Signal(date=dt.date(1914, 7, 29), kind="mobilization", grade="B2", actor="Germany", observed=False)
    form = AddSignalScreen(catalog, tl.scenario, "1914-07-29", prefill=absent)
    app = BeliefsApp(None, cases=CaseLink(tmp_path / "cases.db"), engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(form)
        await pilot.pause()
        assert form.query_one("#not-seen", Switch).value is True
        assert form.build() == absent
