"""The TUI reads the domain's typed objects and owns its state (issue 26, items 4 and 5).

* The panels read the :class:`~beliefs.runs.assessment.Assessment` (its estimates, its
  :class:`~beliefs.decision.decide.Decision`, watch items, break-even reasons, diagnostics and
  :class:`~beliefs.decision.ties.Verdict`), never their JSON forms: with every JSON form made to
  fail, the panels still show the numbers ``beliefs assess`` shows.
* The edits are methods of the app that owns the state; no function takes the app as an
  argument, and nothing reaches into the app's private members.
* ``busy`` and ``error`` are reactive: setting them repaints the status line.
* Nothing lost: a signal is in the case store when the posterior is first asked for.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from tui_helpers import SIZE, assert_shows, case_app, make_app, settle, short_timeline, shown, sync

from beliefs.cases.store import CaseStore
from beliefs.decision.ties import Verdict
from beliefs.runs.assessment import assess_signals
from beliefs.timeline import Signal
from tui.app import BeliefsApp
from tui.screens.sensitivity import SensitivityScreen
from tui.screens.signal_detail import SignalDetailScreen
from tui.widgets.panels import StatusLine, VerdictLine

TUI = Path(__file__).resolve().parents[2] / "tui"


@pytest.fixture
def short(july):
    return short_timeline(july)


def _refuse(what: str):
    def refused(*args, **kwargs):
        raise AssertionError(f"the TUI re-parsed {what}")

    return refused


#: The JSON forms of the assessment and its parts (the edge's), and the readers that re-parse them.
JSON_FORMS = (
    ("beliefs.runs.assessment.Assessment.to_json", "Assessment.to_json"),
    ("beliefs.runs.assessment.Assessment.posterior_json", "Assessment.posterior_json"),
    ("beliefs.runs.assessment.Assessment.summary", "Assessment.summary"),
    ("beliefs.decision.decide.Decision.to_json", "Decision.to_json"),
    ("models.posterior.Diagnostics.to_json", "Diagnostics.to_json"),
    ("beliefs.decision.evsi.WatchItem.to_dict", "WatchItem.to_dict"),
    ("beliefs.decision.evsi.WatchItem.from_dict", "WatchItem.from_dict"),
    ("beliefs.decision.game.BreakEvenReason.from_dict", "BreakEvenReason.from_dict"),
    ("beliefs.decision.ties.Verdict.from_json", "Verdict.from_json"),
    ("beliefs.studies.sensitivity_analysis.evaluator.EvalResult.to_json", "EvalResult.to_json"),
    ("beliefs.studies.sensitivity_analysis.tornado.TornadoEntry.to_dict", "TornadoEntry.to_dict"),
    ("beliefs.studies.sensitivity_analysis.break_even.BreakEven.to_dict", "BreakEven.to_dict"),
)


@sync
async def test_the_panels_read_the_assessment_not_its_json(short, engine, tmp_path, monkeypatch):
    tl, catalog = short
    expected = assess_signals(
        tl, catalog, list(tl.signals), seed=0, engine=engine
    )  # before the JSON is refused
    shown_json = expected.to_json()
    for target, name in JSON_FORMS:
        monkeypatch.setattr(target, _refuse(name))
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.error is None, app.error
        monkeypatch.undo()  # assert_shows reads --json itself
        assert_shows(app, expected)
        for target, name in JSON_FORMS:
            monkeypatch.setattr(target, _refuse(name))
        p = shown_json["posterior"]["p_expansionist"]
        line = shown(app, VerdictLine)
        assert f"P(exp) {p['mean']:.3f} [{p['hdi_90'][0]:.2f}, {p['hdi_90'][1]:.2f}]" in line
        assert Verdict.of(expected.decision).short() in line
        status = shown(app, StatusLine)
        assert expected.posterior.diagnostics.line() in status and "seed 0" in status
        await pilot.press("s")  # the sensitivity screen's break-even block and tornado
        await pilot.pause()
        assert isinstance(app.screen, SensitivityScreen)
        block = app.screen.query_one("#break-even").plain
        assert (
            f"EVPI {expected.decision.evpi:.3f}" in block
            and f"margin {expected.decision.margin:.3f}" in block
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        tornado = app.screen.query_one("#tornado").plain
        assert "what would change the recommendation" in tornado and "failed" not in tornado, tornado
        await pilot.press("escape")
        await pilot.pause()
        app.action_detail(0)  # the detail screen's "when it arrived"
        await pilot.pause()
        assert isinstance(app.screen, SignalDetailScreen)
        assert "when it arrived" in app.screen.query_one("#detail-body").plain


def _offences(path: Path) -> list[str]:
    """Functions taking the app as their first argument, and reads of another object's ``app._private``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        first = node.args.args[0] if function and node.args.args else None
        typer = (
            first is not None and first.annotation is not None and "Typer" in ast.unparse(first.annotation)
        )
        if (
            first is not None and first.arg == "app" and not typer
        ):  # the command line's typer app is not the TUI's
            out.append(f"{path.name}:{node.lineno} {node.name}(app, ...)")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if (isinstance(owner, ast.Name) and owner.id == "app") or (
                isinstance(owner, ast.Attribute) and owner.attr == "app"
            ):
                out.append(f"{path.name}:{node.lineno} ...app.{node.attr}")
    return out


def test_the_edits_are_methods_of_the_app_not_functions_reaching_into_it():
    offences = [o for path in sorted(TUI.rglob("*.py")) for o in _offences(path)]
    assert offences == []
    from tui.edits import CaseEdits

    for action in ("add_signal", "retract", "map_actors", "export", "save_case", "quit"):
        assert getattr(BeliefsApp, f"action_{action}") is getattr(CaseEdits, f"action_{action}"), action


@sync
async def test_busy_and_error_are_reactive_and_repaint_the_status_line(short, engine, tmp_path):
    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "compiling" not in shown(app, StatusLine)
        app.busy = (
            "compiling model… (first update only, ~20-30 s)"  # no redraw asked for: the reactive does it
        )
        await pilot.pause()
        assert "compiling model…" in shown(app, StatusLine)
        app.busy = None
        await pilot.pause()
        assert "compiling" not in shown(app, StatusLine)
        app.error = "RuntimeError: the sampler gave up"
        await pilot.pause()
        status = app.main.query_one(StatusLine)
        assert "sampling failed: RuntimeError: the sampler gave up" in status.plain
        assert status.has_class("-unreliable")


@sync
async def test_a_signal_is_in_the_store_before_the_posterior_is_asked_for(short, engine, tmp_path):
    app, db = case_app(short, engine, tmp_path)
    new = Signal(date=dt.date(1914, 7, 30), kind="accepts_mediation", grade="B3", actor="Germany")
    asked: list[list[Signal]] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        compute = app.update_posterior

        def update_posterior() -> None:
            with CaseStore(db) as store:  # what a crash at this moment would leave
                asked.append(list(store.load_case("july").timeline.signals))
            compute()

        app.update_posterior = update_posterior  # type: ignore[method-assign]
        app.commit_signal(new)
        await settle(pilot)
    assert asked and asked[0][-1] == new


def test_the_tuis_sentences_are_the_sensitivity_tables_rule(short, engine):
    """What would change the recommendation: one rule, read from the typed break-even values (TUI)
    or from ``beliefs sensitivity --json`` (CLI), the same sentences."""
    from beliefs.render.sensitivity_tables import break_even_sentences, what_would_change
    from beliefs.studies.sensitivity_analysis.analysis import quick_sensitivity
    from beliefs.studies.sensitivity_analysis.quick import quick_analysis
    from tui.screens.sensitivity import tornado_markup

    tl, catalog = short
    a = assess_signals(tl, catalog, list(tl.signals), seed=0, engine=engine)
    quick = quick_analysis(a, tl)
    typed = break_even_sentences(quick.baseline.best, quick.break_even)
    assert typed == what_would_change(quick_sensitivity(a, tl, catalog))
    assert (
        any(b.values for b in quick.break_even) and typed
    )  # a range holds a break-even: sentences to compare
    markup = tornado_markup(quick, typed)
    top = quick.tornado[0]
    assert f"{top.low:.3g}" in markup and f"{top.high:.3g}" in markup and typed[0] in markup


@sync
async def test_a_redraw_or_a_step_back_computes_no_posterior_summary(short, engine, tmp_path, monkeypatch):
    """The estimates (a weighted HDI each: tens of milliseconds) are computed once per step, in the worker."""
    from models.posterior import Posterior

    app = make_app(short, engine, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hdi, calls = Posterior.hdi, []

        def counted(self, *args, **kwargs):
            calls.append(args)
            return hdi(self, *args, **kwargs)

        monkeypatch.setattr(Posterior, "hdi", counted)
        for _ in range(3):
            app.redraw()
        await pilot.press("p", "p", "n")  # every step is computed already: read from the cache
        await settle(pilot)
        assert app.session.step == app.session.n - 1
        assert "P(exp)" in shown(app, VerdictLine) and calls == []
