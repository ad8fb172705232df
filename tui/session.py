"""What the TUI is looking at: a scenario, its signal log, the replay step, the results so far.

This module is framework-free (no Textual) and cheap to import: it never
imports PyMC, nutpie or ArviZ. Posterior computation happens in
:mod:`tui.compute`, called from a thread worker; the results come back as
:class:`StepResult` objects and are cached here by the exact signal prefix
and seed, so that stepping a replay back and forth never re-samples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from beliefs.catalog import Catalog
from beliefs.runs.numbering import number
from beliefs.timeline import Signal, Timeline

if TYPE_CHECKING:
    from beliefs.decision.decide import Decision
    from beliefs.decision.ties import Verdict
    from beliefs.evidence.record import EvidenceRecord
    from beliefs.runs.assessment import Assessment, Estimate
    from beliefs.runs.ledger import Ledger
    from models.posterior import Diagnostics

#: A cache key: the seed, the prior P(expansionist) and the signal prefix.
Key = tuple[int, float, tuple[Signal, ...]]


#: The posterior quantities the panels show (:meth:`beliefs.runs.assessment.Assessment.estimate`).
QUANTITY_NAMES = ("p_expansionist", "r", "c")


@dataclass(frozen=True)
class StepResult:
    """One assessment, with its evidence ledger, computed off the UI thread; the panels read its typed parts.

    ``estimates`` are computed once, in the worker (:meth:`of`): a weighted HDI over
    the draws costs tens of milliseconds, too much for every redraw.
    """

    assessment: Assessment
    ledger: Ledger | None = None  # the evidence ledger of this step (beliefs.runs.ledger)
    estimates: Mapping[str, Estimate] = field(default_factory=dict)

    @classmethod
    def of(cls, assessment: Assessment, ledger: Ledger | None = None) -> StepResult:
        """The result of ``assessment``, with its estimates (call it in the worker)."""
        return cls(assessment, ledger, {name: assessment.estimate(name) for name in QUANTITY_NAMES})

    @property
    def decision(self) -> Decision:
        return self.assessment.decision

    @property
    def diagnostics(self) -> Diagnostics:
        return self.assessment.posterior.diagnostics

    def estimate(self, name: str) -> Estimate:
        """``p_expansionist``, ``r`` or ``c``: mean and 90% HDI as ``beliefs assess`` shows them."""
        return self.estimates[name]

    @property
    def p_expansionist(self) -> float:
        return self.estimate("p_expansionist").mean

    @property
    def reliability(self) -> float:
        return self.estimate("r").mean

    @property
    def best(self) -> str:
        return self.decision.best

    @property
    def reliable(self) -> bool:
        return self.assessment.reliable

    @property
    def determinate(self) -> bool:
        """Whether the recommendation is determinate (not too close to call)."""
        return self.decision.determinate

    @property
    def verdict(self) -> Verdict:
        """The recommendation or the tie, in the words every view uses (:class:`beliefs.decision.ties.Verdict`)."""
        from beliefs.decision.ties import Verdict

        return Verdict.of(self.decision)


@dataclass
class Session:
    """The scenario, its signals (retracted ones kept and flagged) and the replay position.

    ``step`` is how many signals (from the start of the log) the view includes:
    0 is the prior, ``len(signals)`` is everything.
    """

    timeline: Timeline
    catalog: Catalog
    signals: list[Signal]
    seed: int = 0
    step: int = 0
    case: str | None = None
    signal_ids: list[int] = field(default_factory=list)
    cache: dict[Key, StepResult] = field(default_factory=dict)
    #: the log read (beliefs.evidence.record) for prefixes whose assessment is not computed yet
    readings: dict[Key, EvidenceRecord] = field(default_factory=dict)
    #: the case's log version the signals were read at (beliefs.cases.versions); None without a case
    version: int | None = None
    #: retraction reasons by signal index (typed in this session, or from the case's log)
    reasons: dict[int, str] = field(default_factory=dict)
    #: who entered each signal and when, by index (cases only): (entered_at, entered_by, origin)
    entries: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    #: additions and retractions not yet stored anywhere (a session on a file)
    unsaved: int = 0

    @classmethod
    def from_timeline(cls, timeline: Timeline, catalog: Catalog, *, seed: int = 0) -> Session:
        return cls(timeline, catalog, list(timeline.signals), seed=seed, step=len(timeline.signals))

    # -- views ----------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.signals)

    @property
    def title(self) -> str:
        return self.timeline.scenario.title

    @property
    def prior(self) -> float:
        return float(self.timeline.scenario.prior_expansionist)

    def prefix(self, step: int | None = None) -> list[Signal]:
        return list(self.signals[: self.step if step is None else step])

    def key(self, step: int | None = None, prior: float | None = None) -> Key:
        return (self.seed, self.prior if prior is None else prior, tuple(self.prefix(step)))

    def result(self, step: int | None = None) -> StepResult | None:
        return self.cache.get(self.key(step))

    def missing_steps(self) -> list[int]:
        """Steps without a result: the current one first, then the one before, then the rest."""
        order = [self.step, self.step - 1, *range(self.n, -1, -1)]
        out: list[int] = []
        for i in order:
            if 0 <= i <= self.n and i not in out and self.key(i) not in self.cache:
                out.append(i)
        return out

    def trajectory(self) -> list[tuple[int, float, float]]:
        """(step, P(expansionist), ally reliability) for every step computed so far."""
        out = []
        for i in range(self.n + 1):
            r = self.cache.get(self.key(i))
            if r is not None:
                out.append((i, r.p_expansionist, r.reliability))
        return out

    def flip_at(self, step: int) -> tuple[str, str] | None:
        """(before, after) if ``step`` is a flip, as in `beliefs replay`.

        A flip is a determinate recommendation that differs from the last
        determinate one before it; a tie is never a flip. None as well when a
        step in between has no result yet.
        """
        after = self.result(step) if step >= 1 else None
        if after is None:
            return None
        from beliefs.runs.replay_steps import flip_of  # the replay's rule (loaded with the first result)

        earlier = (None if (r := self.result(i)) is None else r.assessment for i in range(step - 1, -1, -1))
        return flip_of(after.assessment, earlier)

    def record(self, step: int | None = None) -> EvidenceRecord:
        """How the first ``step`` signals (the current step's by default) were read: the assessment's
        evidence record once it is computed, else the log read once and kept (never per redraw)."""
        result = self.result(step)
        if result is not None and result.assessment.record is not None:
            return result.assessment.record
        key = self.key(step)
        if key not in self.readings:
            from beliefs.runs.assessment import read_log

            self.readings[key] = read_log(self.timeline, self.catalog, list(key[2]))
        return self.readings[key]

    def number(self, index: int) -> int:
        """The number shown for signal ``index``: its database id in a case, else its position (1-based)."""
        return number(index, self.signal_ids if self.case is not None else None)

    def date_order_position(self, date: dt.date) -> int:
        """How many signals (retracted ones too) are dated on or before ``date``: where date order puts it."""
        return sum(1 for s in self.signals if s.date <= date)

    def timeline_now(self) -> Timeline:
        """The timeline with the current signal log (retracted signals kept, flagged)."""
        return self.timeline.with_signals(self.signals)

    # -- changes --------------------------------------------------------------

    def add(self, signal: Signal, signal_id: int | None = None) -> None:
        self.signals.append(signal)
        if signal_id is not None:
            self.signal_ids.append(signal_id)
        elif self.case is None:
            self.unsaved += 1
        self.step = self.n

    def retract(self, index: int, reason: str = "") -> None:
        self.signals[index] = self.signals[index].model_copy(update={"retracted": True})
        if reason:
            self.reasons[index] = reason
        if self.case is None:
            self.unsaved += 1
        self.step = self.n

    def replace_log(
        self,
        signals: list[Signal],
        ids: list[int],
        version: int,
        reasons: dict[int, str],
        entries: dict[int, tuple[str, str, str]],
    ) -> tuple[int, int]:
        """Take the log as stored now (another process changed it); returns (signals added, retracted).

        A view at the last step stays at the (new) last step; cached results stay
        valid (they are keyed by the exact signal prefix).
        """
        at_end = self.step == self.n
        old = dict(zip(self.signal_ids, self.signals, strict=False))
        added = sum(1 for i in ids if i not in old)
        retracted = sum(
            1
            for i, s in zip(ids, signals, strict=True)
            if s.retracted and not (i in old and old[i].retracted)
        )
        self.signals, self.signal_ids, self.version = list(signals), list(ids), version
        self.reasons, self.entries = dict(reasons), dict(entries)
        self.step = self.n if at_end else min(self.step, self.n)
        return added, retracted

    def go(self, step: int) -> int:
        self.step = max(0, min(self.n, step))
        return self.step


def last_date(session: Session) -> str:
    return str(session.signals[-1].date) if session.signals else ""
