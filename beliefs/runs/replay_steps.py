"""Replay a crisis timeline step by step: the posterior and the recommendation after every signal.

Step 0 is the prior (no signal); step ``i`` is the assessment after the first
``i`` signals of the file. Every step is sampled with the same seed by the
same engine, so the model is compiled once for the whole replay (a new
signal changes the data, not the graph) and the last step equals
:func:`beliefs.runs.assessment.assess_signals` on all signals with that seed.

With the importance-sampling engine every step weighs the *same* prior draws
(one sample per replay, sized for the last step), and a step costs one new
likelihood column: successive steps differ only by what the signal says,
never by Monte Carlo noise. Steps where importance sampling is unreliable
fall back to NUTS, and say so in their diagnostics.

A flip is counted only between determinate recommendations
(:mod:`beliefs.decision.ties`): a step is a flip when its recommendation is
determinate and differs from the last determinate one before it. A step
whose recommendation is too close to call is marked indeterminate, never a
flip, so a tie that the Monte Carlo draws resolve one way and then the other
is not reported as a change of mind.

A retracted signal keeps its step (so step ``i`` always means "after the
first ``i`` entries of the file"), but it changes nothing: its step reuses the
assessment of the step before.

>>> from beliefs.timeline import load_timeline
>>> tl, cat = load_timeline("july-1914")
>>> rep = replay(tl, cat, seed=0)          # doctest: +SKIP
>>> rep.final.decision.best, [s.index for s in rep.flips]   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from beliefs.catalog import Catalog
from beliefs.decision.payoffs import resolve_payoffs
from beliefs.evidence.attribution import Attribution
from beliefs.evidence.negative import Supersession
from beliefs.evidence.reciprocity import Reciprocation
from beliefs.evidence.record import Reading
from beliefs.evidence.spiral import Reaction
from beliefs.runs.assessment import Assessment, assess_signals, read_log
from beliefs.runs.engines import shared_engine
from beliefs.timeline import Signal, Timeline
from models.engine import Engine

#: ``progress(done, total)`` is called after every step (``total`` = steps incl. the prior).
ProgressFn = Callable[[int, int], None]

def signal_json(sig: Signal) -> dict[str, Any]:
    """A signal as plain JSON (date as ISO text)."""
    return {
        "date": sig.date.isoformat(),
        "kind": sig.kind,
        "actor": sig.actor,
        "grade": sig.grade,
        "note": sig.note,
        "source": sig.source,
        "channel": sig.channel,
        "retracted": sig.retracted,
        "observed": sig.observed,
    }


@dataclass(frozen=True)
class Step:
    """The state of belief after the first ``index`` signals (``index`` 0 = the prior)."""

    index: int
    signal: Signal | None
    assessment: Assessment
    flip: bool

    @property
    def date(self) -> dt.date | None:
        """The signal's date; None for the prior."""
        return None if self.signal is None else self.signal.date

    @property
    def best(self) -> str:
        return self.assessment.decision.best

    @property
    def reliable(self) -> bool:
        return self.assessment.reliable

    @property
    def determinate(self) -> bool:
        """Whether the recommendation at this step is determinate (not a tie)."""
        return self.assessment.decision.determinate

    @property
    def reading(self) -> Reading | None:
        """How this step's signal was read (:mod:`beliefs.evidence.record`; None for the prior)."""
        record = self.assessment.record
        if self.signal is None or record is None:
            return None
        return record.readings[self.index - 1]

    @property
    def attribution(self) -> Attribution | None:
        """How this step's signal was attributed (None for the prior)."""
        return None if self.reading is None else self.reading.attribution

    @property
    def reaction(self) -> Reaction | None:
        """How this step's signal stands to the provocations before it (:mod:`beliefs.evidence.spiral`)."""
        return None if self.reading is None else self.reading.reaction

    @property
    def reciprocation(self) -> Reciprocation | None:
        """The move of ours this step's signal is read as answering (:mod:`beliefs.evidence.reciprocity`)."""
        return None if self.reading is None else self.reading.reciprocation

    def statements(self) -> tuple[Supersession | None, list[int]]:
        """Negative evidence at this step: what supersedes this step's signal already (an absence
        after a sighting), and the earlier steps whose absences this step's signal supersedes."""
        record, reading = self.assessment.record, self.reading
        if record is None or reading is None:
            return None, []
        return reading.superseded, [i + 1 for i in record.superseded_by(reading.index)]

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        diag = a.posterior.diagnostics.to_json()
        att = self.attribution
        signal = None if self.signal is None else signal_json(self.signal)
        if signal is not None and att is not None:
            signal["attribution"] = {**att.to_json(), "reading": att.describe()}
        reaction = self.reaction
        if signal is not None and reaction is not None:
            signal["reaction"] = reaction.to_json()
        reciprocation = self.reciprocation
        if signal is not None and reciprocation is not None:
            signal["reciprocation"] = reciprocation.to_json()
        if signal is not None:
            own, supersedes = self.statements()
            signal["superseded_by"] = None if own is None else {**own.to_json(), "index": own.by + 1}
            signal["supersedes"] = supersedes
        return {
            "index": self.index,
            "date": None if self.date is None else self.date.isoformat(),
            "signal": signal,
            "posterior": a.posterior_json(),
            "recommendation": a.decision.to_json(),
            "flip": self.flip,
            "determinate": self.determinate,
            "reliable": a.reliable,
            "diagnostics": diag,
        }


@dataclass(frozen=True)
class Replay:
    """Every step of a replayed timeline."""

    timeline: Timeline
    steps: tuple[Step, ...]
    seed: int
    seconds: float

    @property
    def final(self) -> Assessment:
        """The assessment after all signals."""
        return self.steps[-1].assessment

    @property
    def flips(self) -> list[Step]:
        """The steps where a determinate recommendation replaced a different determinate one."""
        return [s for s in self.steps if s.flip]

    @property
    def indeterminate_steps(self) -> list[int]:
        """The steps whose recommendation is too close to call."""
        return [s.index for s in self.steps if not s.determinate]

    @property
    def reliable(self) -> bool:
        """Whether the sampler was trustworthy at every step."""
        return all(s.reliable for s in self.steps)

    @property
    def unreliable_steps(self) -> list[int]:
        return [s.index for s in self.steps if not s.reliable]

    def scenario_json(self) -> dict[str, Any]:
        tl = self.timeline
        sc = tl.scenario
        outcome = None if tl.outcome is None else tl.outcome.model_dump(mode="json")
        return {
            "name": tl.name,
            "title": sc.title,
            "perspective": sc.perspective,
            "adversary": sc.adversary,
            "ally": sc.ally,
            "polarity": sc.polarity,
            "n_signals": len(tl.signals),
            "payoffs": resolve_payoffs(sc, tl.payoffs).to_json(),
            "outcome": outcome,
        }

    def to_json(self) -> dict[str, Any]:
        """The ``replay --json`` object (``beliefs schema replay``): ``{"scenario": ..., "steps": [...]}`` (+ a summary)."""
        return {
            "scenario": self.scenario_json(),
            "model_doubt": None if self.final.model_doubt is None else self.final.model_doubt.to_json(),
            "steps": [s.to_json() for s in self.steps],
            "flips": [s.index for s in self.flips],
            "indeterminate_steps": self.indeterminate_steps,
            "reliable": self.reliable,
            "unreliable_steps": self.unreliable_steps,
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
        }


def counts_as_flip(settled: str | None, current: Assessment) -> bool:
    """A flip: ``current`` is determinate and differs from the last determinate recommendation."""
    return settled is not None and current.decision.determinate and current.decision.best != settled


def flip_of(current: Assessment, earlier: Iterable[Assessment | None]) -> tuple[str, str] | None:
    """(before, after) when ``current`` is a flip after ``earlier``, the steps before it, latest first.

    ``earlier`` is read only back to the last determinate recommendation; a step read as None is
    not known yet (a front end still computing it), and then no flip is known either.
    """
    for before in earlier:
        if before is None:
            return None
        if before.decision.determinate:
            settled = before.decision.best
            return (settled, current.decision.best) if counts_as_flip(settled, current) else None
    return None


def replay(
    timeline: Timeline,
    catalog: Catalog,
    *,
    seed: int = 0,
    engine: Engine | None = None,
    progress: ProgressFn | None = None,
) -> Replay:
    """Assess ``timeline`` after 0, 1, ..., n of its signals with one engine and one seed."""
    start = time.perf_counter()
    engine = engine or shared_engine()
    signals = list(timeline.signals)
    total = len(signals) + 1
    records = [read_log(timeline, catalog, signals[:i]) for i in range(total)]  # each prefix read once
    plan = getattr(engine, "plan", None)
    if plan is not None:
        # One importance sample for every step (sized for the hardest one): the steps
        # share their draws, so trajectories carry no step-to-step jitter.
        plan([r.inputs for r in records], seed)
    steps: list[Step] = []
    previous: Assessment | None = None
    settled: str | None = None  # the last determinate recommendation
    for i in range(total):
        sig = signals[i - 1] if i else None
        if previous is not None and sig is not None and sig.retracted:
            # a retracted signal changes nothing: the posterior and decision before it, with its log read
            current = replace(previous, signals=records[i].signals, record=records[i])
        else:
            current = assess_signals(
                timeline, catalog, signals[:i], seed=seed, engine=engine, record=records[i]
            )
        flip = counts_as_flip(settled, current)
        if current.decision.determinate:
            settled = current.decision.best
        steps.append(Step(index=i, signal=sig, assessment=current, flip=flip))
        previous = current
        if progress is not None:
            progress(i + 1, total)
    return Replay(timeline=timeline, steps=tuple(steps), seed=seed, seconds=time.perf_counter() - start)
