"""Pilot tests of the TUI with the case store: commit before sampling, save as, export, open screen, CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from tui_helpers import SIZE, assert_shows, case_app, make_app, settle, short_timeline, sync

from beliefs.cases.store import CaseStore
from beliefs.runs.assessment import assess_signals
from beliefs.timeline import Signal, load_timeline
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.dialogs import PromptScreen
from tui.screens.open import OpenScreen
from tui.widgets.signal_log import SignalLog


@pytest.fixture
def short(july):
    return short_timeline(july)


@sync
async def test_case_store_commits_before_sampling_and_save_as(short, engine, tmp_path):
    tl, catalog = short
    app, db = case_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "case july" in app.main.query_one("#title").plain
        new = Signal(date=dt.date(1914, 7, 30), kind="accepts_mediation", grade="B3", actor="Germany")
        app.commit_signal(new)
        with CaseStore(db) as store:  # on disk before the update finished
            case = store.load_case("july")
        assert case.timeline.signals[-1] == new and case.log[-1].entered_by == "tui"
        await settle(pilot)
        app.main.query_one(SignalLog).move_cursor(row=0)
        await pilot.press("x", *"duplicate", "enter")
        await settle(pilot)
        with CaseStore(db) as store:
            case = store.load_case("july")
            history = store.assessments("july")
        assert case.timeline.signals[0].retracted and case.log[0].retraction_reason == "duplicate"
        expected = assess_signals(tl, catalog, case.timeline.signals, seed=0, engine=engine)
        assert_shows(app, expected)
        assert history and history[-1]["n_signals"] == expected.n_signals

    # a timeline opened without a case can be saved as one (ctrl+s)
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#answer").value = "mine"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.case == "mine"
    with CaseStore(db) as store:
        assert store.load_case("mine").timeline.signals == tl.signals


@sync
async def test_export_writes_a_timeline_that_loads(short, engine, tmp_path):
    tl, _ = short
    app = make_app(short, engine, tmp_path)
    out = tmp_path / "out.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.query_one(SignalLog).move_cursor(row=2)
        await pilot.press("x", *"dup", "enter")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#answer").value = str(out)
        await pilot.press("enter")
        await pilot.pause()
    back, _ = load_timeline(out)
    assert [s.model_copy(update={"retraction": None}) for s in back.signals] == app.session.signals
    assert back.signals[2].retracted and back.scenario == tl.scenario
    assert back.signals[2].retraction is not None and back.signals[2].retraction.reason == "dup"


@sync
async def test_open_screen_without_arguments_opens_a_stored_case(short, engine, tmp_path):
    tl, catalog = short
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.create_case("mine", tl, catalog)
    app = BeliefsApp(None, cases=CaseLink(db), engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenScreen)
        options = screen.query_one("#choices")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "case:mine" in ids and "timeline:july-1914" in ids
        options.highlighted = ids.index("case:mine")
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.case == "mine" and app.session.signals == tl.signals
        assert_shows(app, assess_signals(tl, catalog, tl.signals, seed=0, engine=engine))


def test_tui_command_is_registered_and_refuses_bad_arguments(tmp_path):
    from typer.testing import CliRunner

    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    runner = CliRunner()
    res = runner.invoke(app, ["tui", "no-such-crisis"])
    assert res.exit_code == 2 and "no timeline file or bundled timeline" in res.output
    res = runner.invoke(app, ["tui", "july-1914", "--case", "x", "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 2 and "not both" in res.output
    res = runner.invoke(app, ["tui", "--case", "absent", "--db", str(tmp_path / "c.db")])
    assert res.exit_code == 2 and "absent" in res.output


@sync
async def test_export_offers_the_briefing_of_the_session_on_screen(short, engine, tmp_path):
    tl, _ = short
    app = make_app(short, engine, tmp_path)
    out = tmp_path / "brief.html"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert ".html: a briefing" in str(app.screen.query_one("#question").render())
        app.screen.query_one("#answer").value = str(out)
        await pilot.press("enter")
        for _ in range(600):  # wait on the condition (the replay runs in a worker), never on a duration
            if out.exists():
                break
            await pilot.pause(0.1)
    html = out.read_text(encoding="utf-8")
    assert '<meta name="generator" content="beliefs' in html
    assert tl.scenario.title.split()[0] in html
    assert 'id="evidence"' in html and 'id="provenance"' in html
