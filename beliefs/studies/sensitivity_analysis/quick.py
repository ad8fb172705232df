"""The quick sensitivity of interactive front ends (the TUI, the briefing): typed, in process, well under 1 s.

Tornado and break-even values from an assessment's draws only, by reuse and
reweighting (never re-sampling): points whose k-hat is >= 0.7 are still
reweighted but marked ``reliable = False`` (the full ``beliefs sensitivity``
re-samples them). :class:`QuickSensitivity` holds the typed result;
:meth:`QuickSensitivity.to_dict` is the JSON form
(:func:`beliefs.studies.sensitivity_analysis.analysis.quick_sensitivity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from beliefs.decision.draws import PosteriorDraws
from beliefs.studies.sensitivity_analysis.assumptions import assumptions
from beliefs.studies.sensitivity_analysis.break_even import BreakEven, find_break_even
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult, Evaluator
from beliefs.studies.sensitivity_analysis.tornado import (
    TornadoEntry,
    mark_flips,
    tornado_entries,
    tornado_points,
)

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment
    from beliefs.timeline import Timeline


@dataclass(frozen=True)
class QuickSensitivity:
    """The decision at the baseline, the tornado (largest swing first) and each assumption's break-even values."""

    baseline: EvalResult
    tornado: tuple[TornadoEntry, ...]
    break_even: tuple[BreakEven, ...]
    #: the assessment was reliable and so is every tornado end
    reliable: bool

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``baseline`` (with the best option as ``recommendation``), ``tornado``, ``break_even``."""
        return {
            "baseline": {**self.baseline.to_json(), "recommendation": self.baseline.best},
            "tornado": [e.to_dict() for e in self.tornado],
            "break_even": [b.to_dict() for b in self.break_even],
            "reliable": self.reliable,
        }


def quick_analysis(assessment: Assessment, timeline: Timeline) -> QuickSensitivity:
    """Tornado and break-even values of ``assessment`` (of ``timeline``) from its own draws."""
    ev = Evaluator(
        timeline,
        assessment.inputs,
        PosteriorDraws.for_reweighting(assessment.posterior),
        resample=False,
        baseline_reliable=assessment.reliable,
    )
    baseline = ev.evaluate({})
    specs = assumptions(timeline, assessment.payoffs)
    break_evens = [find_break_even(a, ev.evaluate) for a in specs]
    ends = [ev.evaluate(p) for p in tornado_points(specs)]
    tornado = mark_flips(tornado_entries(specs, ends, baseline), break_evens)
    return QuickSensitivity(
        baseline=baseline,
        tornado=tuple(tornado),
        break_even=tuple(break_evens),
        reliable=assessment.reliable and all(t.reliable for t in tornado),
    )
