"""Pilot tests of the workbench: no lost work, one truth with the CLI, forms that do what was typed, detail.

Concurrency is tested with the real CLI in another process; the tests wait on
the condition (a generous ceiling), never on a duration.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual import events
from textual.widgets._footer import FooterKey
from tui_helpers import SIZE, case_app, make_app, settle, short_timeline, shown, sync

from beliefs.cases.store import CaseStore
from beliefs.timeline import Signal, load_timeline
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.add_signal import AddSignalScreen
from tui.screens.dialogs import ConfirmScreen, PromptScreen, QuitScreen
from tui.screens.signal_detail import SignalDetailScreen, grade_words
from tui.widgets.panels import BeliefsPanel, StatusLine
from tui.widgets.signal_log import SignalLog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def short(july):
    return short_timeline(july)


def _sig(day: int, kind: str = "mobilization", grade: str = "B2") -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind=kind, grade=grade, actor="Russia", note=f"day {day}")


async def _until(pilot, condition, what: str, ceiling: float = 60.0) -> None:
    """Wait until ``condition()`` holds (generous ceiling: the machine may be loaded)."""
    for _ in range(int(ceiling / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    notes = [n.message for n in pilot.app._notifications]
    raise AssertionError(f"gave up waiting for {what}; notifications: {notes}")


def _cli(*args: str) -> str:
    code = "import sys; from beliefs.cli.main import main; sys.argv[0] = 'beliefs'; main()"
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return out.stdout


# -- no lost work -------------------------------------------------------------------


@sync
async def test_quit_asks_about_unsaved_signals_and_saves_them_as_a_case(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.commit_signal(_sig(5))
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        assert "1 unsaved change" in str(app.screen.query_one("#question").render())
        await pilot.press("escape")  # cancel: still running, nothing lost
        await pilot.pause()
        assert not isinstance(app.screen, QuitScreen) and app.is_running and app.session.n == 5
        await pilot.press("q", "s")  # save as a case, then quit
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#answer").value = "kept"
        await pilot.press("enter")
        await pilot.pause()
    assert not app.is_running
    with CaseStore(tmp_path / "cases.db") as store:
        assert store.load_case("kept").timeline.signals[-1] == _sig(5)


@sync
async def test_quit_offers_export_and_discard_and_asks_nothing_when_all_is_saved(short, engine, tmp_path):
    out = tmp_path / "out.toml"
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.commit_signal(_sig(5))
        await pilot.press("q", "e")
        await pilot.pause()
        app.screen.query_one("#answer").value = str(out)
        await pilot.press("enter")
        await pilot.pause()
    assert not app.is_running and load_timeline(out)[0].signals[-1] == _sig(5)

    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.commit_signal(_sig(6))
        await pilot.press("q", "d")  # discard
        await pilot.pause()
    assert not app.is_running

    app = make_app(short, engine, tmp_path)  # nothing changed: q quits at once
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


@sync
async def test_a_retraction_reason_is_kept_in_a_file_session_and_stored_by_save_as(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(SignalLog).move_cursor(row=1)
        await pilot.press("x", *"misread telegram", "enter")
        await settle(pilot)
        assert app.session.reasons == {1: "misread telegram"} and app.session.unsaved == 1
        await pilot.press("enter")  # the detail screen shows it
        await pilot.pause()
        assert "retracted: misread telegram" in app.screen.query_one("#detail-body").plain
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        app.screen.query_one("#answer").value = "mine"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.case == "mine" and app.session.unsaved == 0
    with CaseStore(tmp_path / "cases.db") as store:
        log = store.load_case("mine").log
    assert log[1].retraction_reason == "misread telegram"
    assert [e.retraction_reason for e in log if e is not log[1]] == [None] * 3


# -- one truth with the CLI -------------------------------------------------------------


@sync
async def test_a_concurrent_cli_edit_reaches_the_open_app_with_database_ids(short, engine, tmp_path):
    tl, catalog = short
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.create_case("july", tl, catalog)
        store.create_case("other", tl, catalog)  # ids of the two cases interleave
    link = CaseLink(db)
    app = BeliefsApp(link.open("july"), cases=link, engine=engine, watch_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.session.signal_ids == [1, 2, 3, 4]
        new_id = json.loads(
            _cli(
                "signal", "add", "july", "--kind", "mobilization", "--grade", "A1", "--date", "1914-08-01",
                "--actor", "Russia", "--json", "--db", str(db),
            )
        )["signal_id"]  # fmt: skip
        assert new_id == 9  # after the other case's four
        await _until(pilot, lambda: app.session.n == 5, "the CLI's signal to appear")
        log = app.main.query_one(SignalLog)
        assert str(log.get_row_at(4)[1]) == "9"  # the database id, what `signal retract` takes
        assert any("changed by another process" in n.message and "1 signal added" in n.message
                   for n in app._notifications)  # fmt: skip
        _cli("signal", "retract", "july", "2", "--reason", "duplicate", "--db", str(db))
        await _until(pilot, lambda: app.session.signals[1].retracted, "the CLI's retraction to appear")
        assert app.session.reasons[1] == "duplicate"
        await settle(pilot)
        with CaseStore(db) as store:
            last = store.assessments("july")[-1]
        assert last["signal_ids"] == [1, 3, 4, 9]  # the TUI's record is of the log as it is now


@sync
async def test_a_stale_write_is_refused_the_view_reloaded_and_the_form_comes_back(short, engine, tmp_path):
    app, db = case_app(short, engine, tmp_path, watch_interval=3600)  # no polling
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with CaseStore(db) as store:  # another process writes; the app has not looked yet
            store.add_signal("july", _sig(1, kind="ultimatum"))
        mine = _sig(2)
        app.commit_signal(mine)
        await pilot.pause()
        with CaseStore(db) as store:
            stored = store.load_case("july").timeline.signals
        assert stored[-1] == _sig(1, kind="ultimatum") and mine not in stored  # refused: nothing written
        assert app.session.signals == stored  # the view was reloaded
        assert any("your signal was not added" in n.message for n in app._notifications)
        await _until(pilot, lambda: isinstance(app.screen, AddSignalScreen), "the form to come back")
        form = app.screen
        assert form.query_one("#kind-filter").value == "mobilization"
        assert form.query_one("#note").value == "day 2" and form.query_one("#date").value == "1914-08-02"


# -- forms that do what was typed --------------------------------------------------------


@sync
async def test_the_kind_typed_is_committed_and_a_pasted_line_fills_the_form(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        typed = "mobilization"  # the filter also lists another kind
        await pilot.press(*typed)
        await pilot.pause()
        options = app.screen.query_one("#kinds")
        other = next(i for i in range(options.option_count) if options.get_option_at_index(i).id != typed)
        options.highlighted = other  # the list shows another kind (as a keystroke late)...
        await pilot.pause()
        assert app.screen.highlighted_kind != typed
        await pilot.press("ctrl+enter")  # ...the kind typed is the one committed
        await pilot.pause()
        assert app.session.signals[-1].kind == typed
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#kind-filter").post_message(
            events.Paste("accepts_mediation c3 1914-07-29 Germany Bethmann's night telegrams")
        )
        await pilot.pause()
        assert form.query_one("#kind-filter").value == "accepts_mediation"
        assert (form.query_one("#reliability").value, form.query_one("#credibility").value) == ("C", "3")
        assert form.query_one("#date").value == "1914-07-29" and form.query_one("#actor").value == "Germany"
        assert form.query_one("#note").value == "Bethmann's night telegrams"
        form.query_one("#note").post_message(events.Paste("just words"))  # not a line: pasted as text
        await pilot.pause()
        assert form.query_one("#note").value.endswith("just words")


@sync
async def test_an_out_of_order_date_asks_and_says_where_the_signal_sorts(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#kind-filter").value = "mobilization"
        form.query_one("#date").value = "1914-07-23"  # signal 2 is dated 1914-07-23, 3 and 4 later
        await pilot.press("ctrl+enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#question").render())
        assert "before the last signal (1914-07-24)" in question
        assert "replayed last (#5 of 5)" in question and "sorts after #2 (1914-07-23)" in question
        await pilot.press("n")  # back to the form, nothing lost
        await pilot.pause()
        assert app.screen is form and form.query_one("#date").value == "1914-07-23"
        await pilot.press("ctrl+enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.session.signals[-1].date == dt.date(1914, 7, 23) and app.session.n == 5


# -- detail, calm updates, layout ----------------------------------------------------------


@sync
async def test_enter_opens_the_whole_signal_with_its_effect(short, engine, tmp_path):
    tl, catalog = short
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(SignalLog).move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignalDetailScreen)
        text = app.screen.query_one("#detail-body").plain
        sig = tl.signals[1]
        for part in (str(sig.date), sig.kind, catalog.by_id[sig.kind].label, sig.actor, sig.note, sig.source):
            assert part in text, part
        assert f"{sig.grade} · {grade_words(sig.grade)}" in text and "usually" in grade_words("B2")
        before, after = app.session.result(1), app.session.result(2)
        p0, p1 = before.p_expansionist, after.p_expansionist
        assert f"P(expansionist)    {p0:.3f} → {p1:.3f}  ({p1 - p0:+.3f})" in text
        entry = app.session.result().ledger.entry(1)  # the ledger of the whole log (step 4)
        assert entry is not None and entry.about == "adversary"
        assert f"contribution {entry.contribution:+.2f} log-odds (×{entry.odds_factor:.2f} odds)" in text
        assert f"P(exp) without it {entry.p_without:.3f}" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


@sync
async def test_old_numbers_stay_dimmed_while_new_ones_are_computed(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def numbers() -> list[str]:
            return shown(app, BeliefsPanel).splitlines()[:6]  # the three beliefs and their intervals

        old = numbers()
        app.commit_signal(_sig(5))  # the update has only started
        panel = app.main.query_one(BeliefsPanel)
        assert numbers() == old and panel.has_class("-stale")
        assert "updating" in shown(app, StatusLine)
        await settle(pilot)
        assert not panel.has_class("-stale") and numbers() != old
        assert app.busy is None


@sync
async def test_at_80x24_every_panel_is_reachable_and_the_footer_shows_quit(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.compact
        pages = {
            "1": {"#signals"},
            "2": {"#beliefs", "#recommendation"},
            "3": {"#trajectory"},
            "4": {"#watch"},
        }
        everything = set().union(*pages.values())
        for key, visible in pages.items():
            await pilot.press(key)
            await pilot.pause()
            for wid in everything:
                region = main.query_one(wid).region
                on_screen = region.width > 0 and region.height > 0
                assert on_screen == (wid in visible), (key, wid, region)
        await pilot.press("tab")  # tab goes round the pages
        await pilot.pause()
        assert main.page == "signals"
        quit_key = next(k for k in main.query(FooterKey) if k.key == "q")
        assert quit_key.description == "quit" and quit_key.region.height == 1
        assert quit_key.region.x >= 0 and quit_key.region.right <= 80  # on screen, not scrolled away
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not main.compact
        assert all(main.query_one(w).region.height > 0 for w in everything)
