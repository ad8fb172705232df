"""One assessment: the posterior after a signal log, and the decision it supports.

This is the seam every front end uses (CLI, replay, TUI, case store,
sensitivity). The engine is passed in (by default the process-wide one of
:mod:`beliefs.runs.engines`) so that a long-lived process compiles the model
once and re-samples with new data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from beliefs.catalog import Catalog
from beliefs.decision.decide import Decision, decide
from beliefs.decision.draws import PosteriorDraws, Utilities
from beliefs.decision.evsi import could_change, evsi_by_kind
from beliefs.decision.payoffs import PayoffTable, resolve_payoffs
from beliefs.evidence.encode import catalog_arrays, evidence_record
from beliefs.evidence.record import EvidenceRecord
from beliefs.interrupts import check as check_interrupt
from beliefs.runs.engines import shared_engine
from beliefs.timeline import Scenario, Signal, Timeline
from models.engine import Engine
from models.posterior import Posterior
from models.spec import ModelInputs

if TYPE_CHECKING:
    from beliefs.evidence.doubt import ModelDoubt

#: How many kinds "what to watch" lists.
WATCH_TOP = 5
#: The version of the model and decision contract, stored with every assessment.
MODEL_VERSION = "1"


@dataclass(frozen=True)
class Estimate:
    """One posterior quantity as every view shows it: mean and 90% HDI to 4 places, MCSE to 5."""

    mean: float
    lo: float
    hi: float
    mcse: float


@dataclass(frozen=True)
class Assessment:
    """Posterior summaries, the decision and the diagnostics after some signals."""

    title: str
    n_signals: int
    posterior: Posterior
    decision: Decision
    payoffs: PayoffTable
    inputs: ModelInputs
    seconds: float
    #: The signals assessed (retracted ones flagged) and their catalog: what the evidence ledger names.
    signals: tuple[Signal, ...] = ()
    catalog: Catalog | None = None
    #: The scenario assessed: whom each signal's actor names (the ledger's attribution).
    scenario: Scenario | None = None
    #: How the signals were read, once (:mod:`beliefs.evidence.record`): what every view of the evidence reads.
    record: EvidenceRecord | None = None

    @property
    def reliable(self) -> bool:
        return self.posterior.diagnostics.reliable

    def estimate(self, name: str) -> Estimate:
        """Mean, 90% HDI and MCSE of ``p_expansionist``, ``r`` or ``c``, rounded as the JSON carries them."""
        lo, hi = self.posterior.hdi(name)
        mcse = self.posterior.diagnostics.mcse[name]
        return Estimate(round(self.posterior.mean(name), 4), round(lo, 4), round(hi, 4), round(mcse, 5))

    def summary(self, name: str) -> dict[str, Any]:
        """Mean, 90% HDI and MCSE of ``p_expansionist``, ``r`` or ``c`` (the JSON form of :meth:`estimate`)."""
        e = self.estimate(name)
        return {"mean": e.mean, "hdi_90": [e.lo, e.hi], "mcse": e.mcse}

    def posterior_json(self) -> dict[str, Any]:
        return {
            "p_expansionist": self.summary("p_expansionist"),
            "ally_reliability": self.summary("r"),
            "ally_recklessness": self.summary("c"),
        }

    @cached_property
    def model_doubt(self) -> ModelDoubt | None:
        """The case's model doubt, the bound it implies and the doubt branch's posterior weight."""
        if self.record is None:
            return None
        from beliefs.evidence.doubt import ModelDoubt, posterior_branch

        eps, tau = float(self.inputs.model_doubt), float(self.inputs.likelihood_power)
        branch = None
        if eps > 0.0:
            ll = self.posterior.loglik_for(self.inputs)  # the decision's, when it computed them
            branch = posterior_branch(ll, self.posterior.w, self.inputs.p0, tau)
        return ModelDoubt(eps, self.record.doubt_source, float(self.inputs.p0), tau, branch, self.inputs.doubt_rate)

    def attribution(self) -> dict[str, Any] | None:
        """Who acted: counts by role, and the actors no role claims (older stored cases)."""
        return None if self.record is None else self.record.attribution_summary()

    def spiral(self) -> dict[str, Any] | None:
        """Spiral context: the acts weighed as possible reactions to own-side provocations, and the initiatives."""
        if self.record is None or self.catalog is None:
            return None
        return self.record.spiral_summary(self.catalog)

    def reciprocity(self) -> dict[str, Any] | None:
        """Reciprocity: the rules in force and the adversary's answers read as reciprocation of our moves."""
        if self.record is None or self.catalog is None:
            return None
        return self.record.reciprocity_summary(self.catalog)

    def to_json(self) -> dict[str, Any]:
        diag = self.posterior.diagnostics.to_json()
        diag["seconds"] = round(self.seconds, 3)
        out = {
            "scenario": {"title": self.title, "n_signals": self.n_signals},
            "posterior": self.posterior_json(),
            "recommendation": self.decision.to_json(),
            "diagnostics": diag,
        }
        attribution = self.attribution()
        if attribution is not None:
            out["attribution"] = attribution
        if self.model_doubt is not None:
            out["model_doubt"] = self.model_doubt.to_json()
        spiral = self.spiral()
        if spiral is not None:
            out["spiral"] = spiral
        reciprocity = self.reciprocity()
        if reciprocity is not None:
            out["reciprocity"] = reciprocity
        return out


def assess_signals(
    timeline: Timeline,
    catalog: Catalog,
    signals: list[Signal],
    *,
    seed: int = 0,
    engine: Engine | None = None,
    payoffs: PayoffTable | None = None,
    record: EvidenceRecord | None = None,
) -> Assessment:
    """Assess ``timeline``'s scenario after ``signals`` (retracted ones are ignored).

    ``record``: the signals' :func:`read_log`, when the caller has read them already (a replay's plan).
    """
    start = time.perf_counter()
    engine = engine or shared_engine()
    record = record if record is not None else read_log(timeline, catalog, signals)
    posterior = engine.sample(record.inputs, seed=seed)
    # A sampler may swallow Ctrl-C and return the draws it had: never use them as a finished run.
    check_interrupt()
    return decide_posterior(timeline, catalog, record, posterior, payoffs, start)


def read_log(timeline: Timeline, catalog: Catalog, signals: list[Signal]) -> EvidenceRecord:
    """The evidence record of ``signals`` for ``timeline``'s scenario (the catalog's arrays shared per process)."""
    return evidence_record(timeline.scenario, signals, catalog, _arrays(catalog))


def decide_posterior(
    timeline: Timeline,
    catalog: Catalog,
    record: EvidenceRecord,
    posterior: Posterior,
    payoffs: PayoffTable | None = None,
    start: float | None = None,
) -> Assessment:
    """The decision layer on given posterior draws (of the model of ``record.inputs``)."""
    start = time.perf_counter() if start is None else start
    signals, inputs = record.signals, record.inputs
    pay = payoffs or resolve_payoffs(timeline.scenario, timeline.payoffs)
    draws = PosteriorDraws.of(posterior, inputs)
    util = Utilities.of(draws, pay)  # one computation, read by the watch list, the decision and EVPI
    watch = evsi_by_kind(catalog, draws, inputs.gamma, pay, util)
    decision = decide(
        draws, pay, watch=tuple(watch[:WATCH_TOP]), util=util, watch_could_change=could_change(watch)
    )
    return Assessment(
        title=timeline.scenario.title,
        n_signals=sum(not s.retracted for s in signals),
        posterior=posterior,
        decision=decision,
        payoffs=pay,
        inputs=inputs,
        seconds=time.perf_counter() - start,
        signals=signals,
        catalog=catalog,
        scenario=timeline.scenario,
        record=record,
    )


def assess(
    timeline: Timeline,
    catalog: Catalog,
    *,
    seed: int = 0,
    engine: Engine | None = None,
    upto: int | None = None,
) -> Assessment:
    """Assess a timeline after all its signals (or the first ``upto``)."""
    signals = timeline.signals if upto is None else timeline.signals[:upto]
    return assess_signals(timeline, catalog, list(signals), seed=seed, engine=engine)


_ARRAYS: dict[str, Any] = {}


def _arrays(catalog: Catalog) -> Any:
    if catalog.digest not in _ARRAYS:
        _ARRAYS[catalog.digest] = catalog_arrays(catalog)
    return _ARRAYS[catalog.digest]
