"""The TUI at 80×24: the verdict on every page, and a new signal selected and in view.

The one-line verdict (P(expansionist), its 90% band, the recommendation or
"too close to call") is :class:`beliefs.decision.ties.Verdict`'s, the words the CLI and
the API use. A new signal, entered in the form or by another process, is
selected in the signal log and scrolled into view.
"""

from __future__ import annotations

import datetime as dt

from tui_helpers import case_app, settle, sync

from beliefs.cases.store import CaseStore
from beliefs.decision.ties import Verdict
from beliefs.timeline import Signal
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.main import PAGES
from tui.session import Session
from tui.widgets.panels import VerdictLine
from tui.widgets.signal_log import SignalLog

SMALL = (80, 24)


def _in_view(log: SignalLog, row: int) -> bool:
    top = round(log.scroll_offset.y)
    rows = log.scrollable_content_region.height - log.header_height
    return top <= row < top + rows


@sync
async def test_the_verdict_is_on_every_page_at_80x24(july, engine, tmp_path):
    tl, catalog = july
    app = BeliefsApp(
        Session.from_timeline(tl, catalog, seed=0), cases=CaseLink(tmp_path / "c.db"), engine=engine
    )
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        now = app.session.result()
        expected = Verdict.of(now.assessment.decision).short()
        p = now.assessment.to_json()["posterior"]["p_expansionist"]  # as `beliefs assess --json` has it
        lo, hi = p["hdi_90"]
        for i, _ in enumerate(PAGES):
            await pilot.press(str(i + 1))
            await pilot.pause()
            line = app.main.query_one(VerdictLine)
            assert line.display and 0 <= line.region.y < SMALL[1] and line.region.width > 40
            assert f"P(exp) {p['mean']:.3f} [{lo:.2f}, {hi:.2f}]" in line.plain
            assert expected in line.plain
        if not now.assessment.decision.determinate:
            assert "too close to call" in line.plain
        await pilot.press("l")  # a dialog leaves the title and the verdict in view
        await pilot.pause()
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.y >= line.region.y + 1


@sync
async def test_a_signal_from_another_process_is_selected_and_in_view(july, engine, tmp_path):
    tl = july[0]
    app, db = case_app(july, engine, tmp_path, watch_interval=0.2)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        log = app.main.query_one(SignalLog)
        log.move_cursor(row=0)  # the analyst is reading the first signal
        await pilot.pause()
        assert not _in_view(log, len(tl.signals) - 1)
        sig = Signal(
            date=dt.date(1914, 8, 5), kind="mobilization", grade="A1", actor="Russia", note="from outside"
        )
        with CaseStore(db) as other:
            sid = other.add_signal("july", sig, entered_by="test", origin="another process")
        for _ in range(300):
            await pilot.pause(0.1)
            if app.session.n == len(tl.signals) + 1:
                break
        await pilot.pause(0.3)
        new = len(tl.signals)
        assert log.cursor_row == new and str(log.get_row_at(new)[1]) == str(sid)
        assert _in_view(log, new)


@sync
async def test_a_signal_from_the_form_is_selected_and_in_view(july, engine, tmp_path):
    tl, catalog = july
    app = BeliefsApp(
        Session.from_timeline(tl, catalog, seed=0), cases=CaseLink(tmp_path / "c.db"), engine=engine
    )
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        log = app.main.query_one(SignalLog)
        log.move_cursor(row=0)
        await pilot.pause()
        app.commit_signal(Signal(date=dt.date(1914, 8, 5), kind="mobilization", grade="A1", actor="Russia"))
        await pilot.pause(0.3)
        new = len(tl.signals)
        assert log.cursor_row == new and _in_view(log, new)
        await settle(pilot)
        assert log.cursor_row == new and _in_view(log, new)
