"""Snapshot tests (pytest-textual-snapshot) of the main screen and the add-signal form.

Fixed size, seed 0, the session's engine, timings hidden and cursors not
blinking, so the SVGs are stable. Update with ``--snapshot-update`` after a
deliberate change, and look at the new SVGs before committing them.
"""

from __future__ import annotations

from textual.widgets import Input
from tui_helpers import settle

from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.session import Session

SIZE = (120, 36)


def make_app(july, engine, tmp_path, n: int = 6) -> BeliefsApp:
    tl, catalog = july
    session = Session.from_timeline(tl.with_signals(tl.signals[:n]), catalog, seed=0)
    return BeliefsApp(session, cases=CaseLink(tmp_path / "cases.db"), engine=engine, show_seconds=False)


def test_main_screen(snap_compare, july, engine, tmp_path):
    app = make_app(july, engine, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("p")  # one step back: deltas, dimmed last row, step marker
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_add_signal_form(snap_compare, july, engine, tmp_path):
    app = make_app(july, engine, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        for inp in pilot.app.screen.query(Input):
            inp.cursor_blink = False
        await pilot.press(*"mobil")
        await pilot.pause()
        pilot.app.screen.query_one("#note", Input).value = "general mobilization"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
