"""The TUI's bridge to the computation in ``beliefs``: called from thread workers only.

Every heavy import (``beliefs.runs.assessment`` and, through the engine, PyMC, nutpie
and ArviZ) happens inside these functions, never at module import, so the
first screen paints before any of it is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from beliefs.catalog import Catalog
from beliefs.timeline import Signal, Timeline
from tui.session import StepResult

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment
    from beliefs.studies.sensitivity_analysis.quick import QuickSensitivity
    from models.engine import Engine


T = TypeVar("T")


class Cancelled(Exception):
    """The caller stopped waiting (a newer request superseded it, or the app is quitting)."""


def call_cancellable(fn: Callable[[], T], cancelled: Callable[[], bool], poll: float = 0.05) -> T:
    """Run ``fn`` in a daemon thread and wait for it, giving up when ``cancelled()`` turns true.

    A compile or a sample cannot be interrupted; this lets the waiting worker
    return at once (so quitting never waits for a 20 s compile) while the
    daemon thread finishes, or dies with the process.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name="beliefs-compute").start()
    while not done.wait(poll):
        if cancelled():
            raise Cancelled
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def default_engine() -> Engine:
    """The process-wide nutpie engine (compiled once, re-sampled per update)."""
    from beliefs.runs.engines import shared_engine

    return shared_engine()


def needs_compile(engine: Engine, timeline: Timeline, catalog: Catalog) -> bool:
    """Whether the next sample will first compile the model (~15-30 s)."""
    from beliefs.evidence.encode import encode_signals

    return not engine.is_ready(encode_signals(timeline.scenario, [], catalog))


def prepare(engine: Engine, timeline: Timeline, catalog: Catalog) -> None:
    """Compile the model for ``catalog`` (no-op when it is compiled already)."""
    from beliefs.evidence.encode import encode_signals

    engine.prepare(encode_signals(timeline.scenario, [], catalog))


def with_prior(timeline: Timeline, prior: float) -> Timeline:
    """``timeline`` with another prior P(expansionist) (a what-if)."""
    scenario = timeline.scenario.model_copy(update={"prior_expansionist": prior})
    return timeline.model_copy(update={"scenario": scenario})


def assess_step(
    engine: Engine, timeline: Timeline, catalog: Catalog, signals: list[Signal], seed: int
) -> StepResult:
    """``assess_signals`` on exactly these signals, with its evidence ledger (what the panels read)."""
    from beliefs.runs.assessment import assess_signals
    from beliefs.runs.ledger import evidence

    a = assess_signals(timeline, catalog, signals, seed=seed, engine=engine)
    _ = a.model_doubt  # computed here, in the worker: the beliefs panel only reads it
    # no fresh samples for the ledger: untrusted leave-one-out entries are marked
    return StepResult.of(a, evidence(a))


def has_tornado() -> bool:
    """Whether the sensitivity module (with ``quick_analysis``) is installed."""
    import importlib.util

    return importlib.util.find_spec("beliefs.studies.sensitivity_analysis.quick") is not None


def tornado(assessment: Assessment, timeline: Timeline) -> tuple[QuickSensitivity, list[str]]:
    """The quick sensitivity of the assessment's draws (typed), and what would change the recommendation,
    nearest first (:func:`beliefs.render.sensitivity_tables.break_even_sentences`)."""
    from beliefs.render.sensitivity_tables import break_even_sentences
    from beliefs.studies.sensitivity_analysis.quick import quick_analysis

    result = quick_analysis(assessment, timeline)
    return result, break_even_sentences(result.baseline.best, result.break_even)
