"""Snapshot tests (pytest-textual-snapshot) of the main screen and the add-signal form.

The main screen is pinned at 80×24 (the compact pages: an ssh session) and at
120×40 (the whole dashboard), in the dark and the light theme. Seed 0, the
session's engine, timings hidden and cursors not blinking, so the SVGs are
stable. Update with ``--snapshot-update`` after a deliberate change, and look
at the new SVGs before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import settle

from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.session import Session
from tui.theme import DARK, LIGHT


def make_app(july, engine, tmp_path, n: int = 6, theme: str = DARK) -> BeliefsApp:
    tl, catalog = july
    session = Session.from_timeline(tl.with_signals(tl.signals[:n]), catalog, seed=0)
    return BeliefsApp(
        session, cases=CaseLink(tmp_path / "cases.db"), engine=engine, show_seconds=False, theme=theme
    )


@pytest.mark.parametrize("theme", [DARK, LIGHT])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_main_screen(snap_compare, july, engine, tmp_path, size, theme):
    app = make_app(july, engine, tmp_path, theme=theme)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("p")  # one step back: deltas, dimmed last row, step marker
        await settle(pilot)
        if size[0] < 110:
            await pilot.press("2")  # the compact layout's beliefs page (the signals page is the log)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


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

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


# -- the other screens at 80×24 (an ssh session): the title and the verdict stay above each ----------


def _snap_80x24(snap_compare, app: BeliefsApp, *keys: str) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        await settle(pilot)
        for inp in pilot.app.screen.query(Input):
            inp.cursor_blink = False
        await pilot.pause()

    return snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_ledger_screen_80x24(snap_compare, july, engine, tmp_path):
    assert _snap_80x24(snap_compare, make_app(july, engine, tmp_path), "l")


def test_sensitivity_screen_80x24(snap_compare, july, engine, tmp_path):
    assert _snap_80x24(snap_compare, make_app(july, engine, tmp_path), "s")


def test_retract_dialog_80x24(snap_compare, july, engine, tmp_path):
    assert _snap_80x24(snap_compare, make_app(july, engine, tmp_path), "x")


def test_actors_screen_80x24(snap_compare, july, engine, tmp_path):
    from beliefs.evidence.encode import evidence_record
    from tui.screens.actors import ActorsScreen

    tl, catalog = july
    signals = [
        s.model_copy(update={"actor": "Kaiser Wilhelm"}) if i in (1, 2) else s
        for i, s in enumerate(tl.signals[:6])
    ]
    app = make_app(july, engine, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        counts = evidence_record(tl.scenario, signals, catalog).unresolved()
        pilot.app.push_screen(ActorsScreen("july", tl.scenario, counts))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
