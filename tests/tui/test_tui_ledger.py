"""Reporting channels and the evidence ledger in the TUI: the add form's channel field
(completion, one letter per channel), the selected signal's line in the beliefs panel,
and the ledger screen against beliefs.runs.ledger on the same posterior."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable
from tui_helpers import SIZE, make_app, settle, shown, sync

from beliefs.runs.assessment import assess_signals
from beliefs.runs.ledger import build_ledger
from beliefs.timeline import Signal
from tui.screens.add_signal import AddSignalScreen
from tui.screens.ledger import LedgerScreen
from tui.widgets.panels import BeliefsPanel
from tui.widgets.signal_log import SignalLog


@pytest.fixture
def channelled(july):
    tl, catalog = july
    day = dt.date(1914, 7, 25)
    signals = [
        Signal(date=day, kind="ultimatum", grade="B2", actor="Germany", channel="Goschen telegrams"),
        Signal(date=day, kind="ally_hedges", grade="C3", actor="France"),
        Signal(date=day, kind="mobilization", grade="B1", actor="Germany", channel="Goschen telegrams"),
    ]
    return tl.with_signals(signals), catalog


@sync
async def test_the_add_form_completes_channels_and_keeps_their_letter(channelled, engine, tmp_path):
    app = make_app(channelled, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddSignalScreen)
        form.query_one("#kind-filter").value = "fait_accompli"
        form.query_one("#channel").focus()
        await pilot.press(*"gosch")
        await pilot.pause(0.2)
        await pilot.press("right")  # accept the suggestion
        await pilot.pause()
        assert form.query_one("#channel").value == "Goschen telegrams"
        form.query_one("#reliability").value = "C"
        await pilot.click("#ok")
        await pilot.pause()
        assert app.screen is form  # refused: the channel is graded B
        error = str(form.query_one("#form-error").render())
        assert "channel" in error and "graded B" in error
        form.query_one("#reliability").value = "B"
        await pilot.pause(0.3)
        await pilot.click("#ok")
        await settle(pilot)
        assert app.session.signals[-1].channel == "Goschen telegrams"
        assert app.session.signals[-1].grade == "B2"


@sync
async def test_beliefs_panel_and_ledger_screen_show_the_ledger(channelled, engine, tmp_path):
    tl, catalog = channelled
    app = make_app(channelled, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        a = assess_signals(tl, catalog, tl.signals, seed=0, engine=engine)
        want = build_ledger(a.record, a.posterior)
        log = app.main.query_one(SignalLog)
        log.move_cursor(row=0)
        await pilot.pause()
        first = want.entry(0)
        panel = shown(app, BeliefsPanel)
        assert f"selected signal {first.contribution:+.2f} log-odds (×{first.odds_factor:.2f} odds)" in panel
        assert f"P(exp) without it {first.p_without:.3f}" in panel
        log.move_cursor(row=1)  # the ally report
        await pilot.pause()
        ally = want.entry(1)
        assert f"selected signal ally reliability: {ally.mean:.3f}" in shown(app, BeliefsPanel)
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LedgerScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == len(want.adversary) == 2
        top = want.by_size()[0]
        assert str(table.get_row_at(0)[6]) == f"{top.contribution:+.2f}"
        assert f"{want.posterior_logodds_mean:+.3f}" in str(screen.query_one("#ledger-total").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LedgerScreen)
