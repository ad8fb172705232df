"""Shared helpers of the TUI tests: an app on a short timeline, waiting for workers, reading panels."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from pathlib import Path

from textual.worker import WorkerCancelled

from beliefs.cases.store import CaseStore
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.session import Session
from tui.widgets.panels import BeliefsPanel, RecommendationPanel, WatchList, short_label

SIZE = (120, 36)
N = 4  # signals of july-1914 used


def short_timeline(july):
    """july-1914 cut to its first N signals (few re-samples per test)."""
    tl, catalog = july
    return tl.with_signals(tl.signals[:N]), catalog


def make_app(short, engine, tmp_path, **kw) -> BeliefsApp:
    tl, catalog = short
    return BeliefsApp(
        Session.from_timeline(tl, catalog), cases=CaseLink(tmp_path / "cases.db"), engine=engine, **kw
    )


def case_app(timeline_and_catalog, engine, tmp_path, **kw) -> tuple[BeliefsApp, Path]:
    """An app on case "july" of a fresh case database in ``tmp_path`` holding ``timeline_and_catalog``."""
    tl, catalog = timeline_and_catalog
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.create_case("july", tl, catalog)
    link = CaseLink(db)
    return BeliefsApp(link.open("july"), cases=link, engine=engine, **kw), db


def sync(fn):
    """Run an async test with asyncio (no pytest async plug-in needed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


async def settle(pilot) -> None:
    """Wait until the workers are done and their messages handled."""
    for _ in range(200):
        with contextlib.suppress(WorkerCancelled):  # a superseded update
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        app = pilot.app
        if not app.workers._workers and not app.session.missing_steps():
            await pilot.pause()
            return
    raise AssertionError("the workers did not settle")


def shown(app: BeliefsApp, widget: type) -> str:
    return app.main.query_one(widget).plain


def assert_shows(app: BeliefsApp, expected) -> None:
    """The panels show exactly ``expected``'s numbers (an Assessment): the posterior as
    ``beliefs assess --json`` carries it, the decision as the ``beliefs assess`` table prints it."""
    beliefs = shown(app, BeliefsPanel)
    out = expected.to_json()
    for key in ("p_expansionist", "ally_reliability", "ally_recklessness"):
        mean = out["posterior"][key]["mean"]
        lo, hi = out["posterior"][key]["hdi_90"]
        assert f"{mean:.3f}" in beliefs, (key, beliefs)
        assert f"90% {lo:.2f}" in beliefs and f"{hi:.2f}" in beliefs, (key, beliefs)
    rec = shown(app, RecommendationPanel)
    dec = expected.decision
    best = dec.option(dec.best)
    best_line = next(line for line in rec.splitlines() if line.startswith(("★", "≈")))  # ≈: a tie
    assert best.option.replace("conciliate", "conc").replace("+", " + ") in best_line
    assert f"{best.eu_mean:.2f}" in best_line
    lo, hi = best.eu_hdi
    assert f"[{lo:.2f}, {hi:.2f}]" in best_line  # the EU interval, as `assess` prints it
    assert f"{dec.p_best:.2f}" in best_line
    assert f"entrapment {best.risks['entrapment']:.2f}" in rec
    assert f"EVPI {dec.evpi:.3f}" in rec
    be = dec.break_even_p_expansionist
    assert (f"break-even P(exp) {be:.3f}" if be is not None else "none in [0, 1]") in rec
    top = shown(app, WatchList).splitlines()[0]
    if not dec.watch_could_change:  # every EVSI is within its error: the panel says so instead of a list
        assert top == "no single report could change the recommendation", top
    else:
        assert short_label(dec.watch[0].label) in top and f"EVSI {dec.watch[0].evsi:.3f}" in top
