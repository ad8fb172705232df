"""Spiral context in the TUI: the selected signal's ledger line and the ledger screen's spiral column."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable
from tui_helpers import SIZE, make_app, settle, shown, sync

from beliefs.timeline import Signal
from tui.screens.ledger import LedgerScreen
from tui.screens.signal_detail import SignalDetailScreen
from tui.widgets.panels import BeliefsPanel
from tui.widgets.signal_log import SignalLog


@pytest.fixture
def provoked(july):
    """Russia (the ally) mobilizes; Germany mobilizes two days later (a possible reaction), then seizes (one rung above)."""
    tl, catalog = july
    signals = [
        Signal(date=dt.date(1914, 7, 25), kind="ally_unilateral_mobilization", grade="A1", actor="Russia"),
        Signal(date=dt.date(1914, 7, 27), kind="mobilization", grade="B2", actor="Germany"),
        Signal(date=dt.date(1914, 7, 28), kind="fait_accompli", grade="B2", actor="Germany"),
    ]
    return tl.with_signals(signals), catalog


@sync
async def test_ledger_line_and_screen_show_the_reaction(provoked, engine, tmp_path):
    app = make_app(provoked, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        log = app.main.query_one(SignalLog)
        log.move_cursor(row=1)
        await pilot.pause()
        panel = " ".join(shown(app, BeliefsPanel).split())
        assert "weighed as a possible reaction to ally_unilateral_mobilization by Russia of 1914-07-25" in panel
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LedgerScreen)
        table = screen.query_one(DataTable)
        column = {str(table.get_row_at(r)[2]): str(table.get_row_at(r)[10]) for r in range(table.row_count)}
        assert column == {"mobilization": "↺0.80", "fait_accompli": "↺0.05"}  # kappa 0.1 x half weight
        await pilot.press("escape")
        await pilot.pause()
        log.move_cursor(row=2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignalDetailScreen)
        text = " ".join(app.screen.query_one("#detail-body").plain.split())
        assert "reaction to ally_unilateral_mobilization by Russia of 1914-07-25 (half weight: one rung above it" in text
        assert "spiral context: Rung 4" in text  # the kind's argued numbers
