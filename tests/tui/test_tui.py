"""Pilot tests of the TUI: every workflow, and the numbers shown against ``assess_signals``.

The app gets the session's compiled engine injected, so no test compiles a
second model. Timelines are cut to a few signals to keep the re-samples few.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from tui_helpers import (
    SIZE,
    N,
    assert_shows,
    make_app,
    settle,
    short_timeline,
    shown,
    sync,
)

from beliefs.runs.assessment import assess_signals
from beliefs.studies.sensitivity_analysis.analysis import quick_sensitivity
from beliefs.timeline import Signal
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.compute import Cancelled, call_cancellable, with_prior
from tui.screens.add_signal import AddSignalScreen
from tui.screens.dialogs import RetractScreen
from tui.screens.help import HelpScreen
from tui.screens.sensitivity import SensitivityScreen
from tui.session import Session
from tui.widgets.panels import BeliefsPanel, RecommendationPanel, StatusLine, StepBar
from tui.widgets.signal_log import SignalLog
from tui.widgets.trajectory import TrajectoryPlot


@pytest.fixture
def short(july):
    return short_timeline(july)


@sync
async def test_start_shows_assess_numbers_and_deltas(short, engine, tmp_path):
    tl, catalog = short
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = assess_signals(tl, catalog, tl.signals, seed=0, engine=engine)
        assert_shows(app, expected)
        before = assess_signals(tl, catalog, tl.signals[: N - 1], seed=0, engine=engine)
        change = expected.summary("p_expansionist")["mean"] - before.summary("p_expansionist")["mean"]
        assert expected.summary("p_expansionist") != before.summary("p_expansionist")
        first = shown(app, BeliefsPanel).splitlines()[0]
        assert (f"{change:+.3f}" if abs(change) >= 0.0005 else "±0.000") in first
        assert shown(app, StepBar).startswith(f"step {N}/{N}")
        status = shown(app, StatusLine)
        assert expected.posterior.diagnostics.line() in status  # the engine and its diagnostics
        assert "✓ reliable" in status and "seed 0" in status
        assert not app.main.query_one(StatusLine).has_class("-unreliable")
        plot = app.main.query_one(TrajectoryPlot)
        assert [p[0] for p in plot.points] == list(range(N + 1))
        assert plot.points[-1][1] == pytest.approx(expected.summary("p_expansionist")["mean"])
        assert app.main.query_one(SignalLog).row_count == N


@sync
async def test_add_signal_through_the_form(short, engine, tmp_path):
    tl, catalog = short
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddSignalScreen)
        assert form.query_one("#date").value == str(tl.signals[-1].date)
        await pilot.press(*"mobiliz")
        await pilot.pause()
        assert form.highlighted_kind == "mobilization" and form.kind_id is None  # not committed by the list
        assert "Fearon" in str(form.query_one("#kind-info").render())
        await pilot.press("enter")  # completion fills the field
        await pilot.pause()
        assert form.query_one("#kind-filter").value == "mobilization" and form.kind_id == "mobilization"
        # a bad date is refused in the form, and nothing typed is lost
        form.query_one("#date").value = "1914-13-01"
        form.query_one("#note").value = "general mobilization"
        form.query_one("#actor").value = "Germany"
        await pilot.click("#ok")
        await pilot.pause()
        assert app.screen is form
        assert "date" in str(form.query_one("#form-error").render())
        assert form.query_one("#note").value == "general mobilization"
        form.query_one("#date").value = "1914-08-01"
        await pilot.pause(0.3)  # a button ignores a second press while it shows the first
        await pilot.click("#ok")
        await settle(pilot)
        assert not isinstance(app.screen, AddSignalScreen)
        new = Signal(
            date=dt.date(1914, 8, 1),
            kind="mobilization",
            grade="B2",
            actor="Germany",
            note="general mobilization",
        )
        assert app.session.signals[-1] == new
        assert shown(app, StepBar).startswith(f"step {N + 1}/{N + 1}")
        assert_shows(app, assess_signals(tl, catalog, [*tl.signals, new], seed=0, engine=engine))
        assert "history:" not in shown(app, RecommendationPanel)  # no longer the historical record


@sync
async def test_retract_the_selected_signal(short, engine, tmp_path):
    tl, catalog = short
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        log = app.main.query_one(SignalLog)
        log.move_cursor(row=1)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, RetractScreen)
        await pilot.press("enter")  # no reason: refused
        await pilot.pause()
        assert isinstance(app.screen, RetractScreen)
        await pilot.press(*"misread telegram", "enter")
        await settle(pilot)
        assert app.session.signals[1].retracted
        assert "strike" in str(log.get_row_at(1)[2].style)
        flagged = [s.model_copy(update={"retracted": i == 1}) for i, s in enumerate(tl.signals)]
        expected = assess_signals(tl, catalog, flagged, seed=0, engine=engine)
        assert_shows(app, expected)
        # a retracted signal no longer counts: the same as leaving it out
        without = assess_signals(
            tl, catalog, [s for i, s in enumerate(tl.signals) if i != 1], seed=0, engine=engine
        )
        assert expected.posterior_json() == without.posterior_json()


@sync
async def test_replay_steps_play_and_outcome(july, engine, tmp_path):
    tl, catalog = july
    cut = tl.with_signals(tl.signals[:3])
    app = BeliefsApp(
        Session.from_timeline(cut, catalog),
        cases=CaseLink(tmp_path / "c.db"),
        engine=engine,
        play_interval=0.05,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert shown(app, StepBar).startswith("step 2/3")
        assert_shows(app, assess_signals(cut, catalog, cut.signals[:2], seed=0, engine=engine))
        await pilot.press("left", "left")
        await settle(pilot)
        assert shown(app, StepBar) == "step 0/3  prior"
        prior = assess_signals(cut, catalog, [], seed=0, engine=engine)
        assert_shows(app, prior)
        assert prior.summary("p_expansionist")["mean"] == pytest.approx(
            cut.scenario.prior_expansionist, abs=0.02
        )
        await pilot.press("n")
        await settle(pilot)
        assert shown(app, StepBar).startswith("step 1/3")
        # rows after the step are dimmed, the current one marked
        log = app.main.query_one(SignalLog)
        assert str(log.get_row_at(0)[0]) == "▸"
        assert "dim" in str(log.get_row_at(2)[2].style)
        await pilot.press("space")
        for _ in range(100):
            await pilot.pause(0.05)
            if not app.playing:
                break
        assert not app.playing and app.session.step == 3
        await settle(pilot)
        assert "history:" in shown(app, RecommendationPanel)
        messages = [n.message for n in app._notifications]
        assert any("firm toward the adversary" in m for m in messages)
        flips = [i for i in range(1, 4) if app.session.flip_at(i)]
        for i in flips:
            assert any(f"step {i} " in m and "flips" in m for m in messages)


@sync
async def test_help_sensitivity_palette_and_quit(short, engine, tmp_path):
    tl, catalog = short
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SensitivityScreen)
        now = app.session.result().assessment
        be = now.decision.break_even_p_expansionist
        text = screen.query_one("#break-even").plain
        assert (f"break-even P(expansionist) {be:.3f}" if be is not None else "none in [0, 1]") in text
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        quick = quick_sensitivity(now, tl, catalog)
        tornado = screen.query_one("#tornado").plain
        top = quick["tornado"][0]
        assert (
            top["label"][:31]
            in tornado.splitlines()[
                tornado.splitlines().index(
                    next(line for line in tornado.splitlines() if line.startswith("assumption"))
                )
                + 1
            ]
        )
        assert f"{top['low']:.3g}" in tornado and f"{top['high']:.3g}" in tornado
        screen.query_one("#prior").value = "0.2"
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        alt = assess_signals(with_prior(tl, 0.2), catalog, tl.signals, seed=0, engine=engine)
        whatif = screen.query_one("#whatif").plain
        assert f"with prior 0.200:  P(expansionist) {alt.summary('p_expansionist')['mean']:.3f}" in whatif
        screen.query_one("#prior").value = "1.5"
        await pilot.press("enter")
        await pilot.pause()
        assert "strictly between 0 and 1" in screen.query_one("#whatif").plain
        await pilot.press("escape")
        await pilot.pause()
        # the command palette offers the same actions
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@sync
async def test_unreliable_diagnostics_turn_the_status_line_into_a_warning(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = app.session.key()
        good = app.session.cache[key]
        a = good.assessment  # its diagnostics say so: the status line reads the Assessment's
        diagnostics = replace(good.diagnostics, problems=("R-hat 1.052 > 1.01",))
        bad = replace(a, posterior=replace(a.posterior, diagnostics=diagnostics))
        app.session.cache[key] = replace(good, assessment=bad)
        app.redraw()
        await pilot.pause()
        status = app.main.query_one(StatusLine)
        assert status.has_class("-unreliable")
        assert "UNRELIABLE: R-hat 1.052 > 1.01" in status.plain


def test_importing_the_tui_does_not_import_pymc():
    code = (
        "import sys, tui.app, tui.cli\n"
        "heavy = [m for m in ('pymc', 'nutpie', 'arviz', 'pytensor', 'numba') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == ""


@sync
async def test_a_new_signal_supersedes_a_running_update(short, engine, tmp_path):
    tl, catalog = short
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = Signal(date=dt.date(1914, 7, 28), kind="mobilization", grade="A1", actor="Russia")
        second = Signal(date=dt.date(1914, 7, 29), kind="accepts_mediation", grade="B2", actor="Germany")
        app.commit_signal(first)
        app.commit_signal(second)  # while the first update is still running
        await settle(pilot)
        assert app.session.signals[-2:] == [first, second]
        assert_shows(app, assess_signals(tl, catalog, [*tl.signals, first, second], seed=0, engine=engine))
        assert app.busy is None


def test_call_cancellable_gives_up_waiting_but_passes_results_and_errors():
    release = threading.Event()
    with pytest.raises(Cancelled):
        call_cancellable(lambda: release.wait(30), cancelled=lambda: True, poll=0.01)
    assert not release.is_set()  # the work was still running when the caller gave up
    release.set()
    assert call_cancellable(lambda: 42, cancelled=lambda: False) == 42
    with pytest.raises(ZeroDivisionError):
        call_cancellable(lambda: 1 / 0, cancelled=lambda: False)


class BrokenEngine:
    """An engine whose sampler fails: the UI must say so, not crash."""

    def is_ready(self, inputs) -> bool:
        return True

    def sample(self, inputs, seed=0):
        raise RuntimeError("the sampler broke")


@sync
async def test_a_failing_sampler_is_shown_in_the_status_line(short, tmp_path):
    app = make_app(short, BrokenEngine(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = app.main.query_one(StatusLine)
        assert "sampling failed: RuntimeError: the sampler broke" in status.plain
        assert status.has_class("-unreliable")
        assert "no posterior: sampling failed" in shown(app, BeliefsPanel)


@sync
async def test_a_workers_last_messages_after_the_app_closed_are_kept_not_drawn(short, engine, tmp_path):
    """A sampling worker's messages and the timers can fire while the app shuts down (its
    screens gone): the result is cached, nothing is drawn or stepped, nothing raises (it once failed a run with
    ScreenStackError when a reload's update outlived the app)."""
    from tui.messages import EngineBusy, SamplingDone, StepReady

    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    s = app.session
    assert not app.screen_stack and not app.main_shown
    key, result = s.key(), s.result()
    s.cache.pop(key)
    app.on_engine_busy(EngineBusy("updating…"))
    app.on_step_ready(StepReady(key, s.step, result, app.generation))
    app.on_sampling_done(SamplingDone(app.generation, "RuntimeError: late"))
    s.go(0)
    app._tick(), app.poll_case()  # the replay player's and the case watcher's timers
    assert s.step == 0
    assert s.cache[key] is result and app.busy is None and app.error is None
