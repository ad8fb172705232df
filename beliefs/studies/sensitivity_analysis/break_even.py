"""Break-even values: where in an assumption's range the recommendation changes.

The margin m(x) = EU(baseline best) - max EU(other options) is continuous in
every assumption ``x``; the recommendation changes where m crosses zero. A
short scan (:data:`SCAN` points over the range) brackets each sign change and
:func:`scipy.optimize.brentq` pins the root to :data:`XTOL`. Payoffs enter the
margin linearly (piecewise, through the max), so for them the root is exact
up to ``XTOL``; for priors and likelihoods it is the root of the reweighted
(or, where k-hat is high, re-sampled with a seed fixed by the point) margin.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from beliefs.studies.sensitivity_analysis.assumptions import Assumption
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult

#: Points of the bracketing scan (ends included).
SCAN = 9
#: Absolute tolerance of the root.
XTOL = 1e-6


@dataclass(frozen=True)
class Crossing:
    """A value of the assumption where the recommendation changes, and the best option either side."""

    value: float
    below: str
    above: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 6), "below": self.below, "above": self.above}


@dataclass(frozen=True)
class BreakEven:
    """One assumption's break-even values in its range, and the evaluations it took (by path)."""

    assumption: str
    label: str
    baseline: float
    low: float
    high: float
    values: tuple[Crossing, ...]
    evaluations: int
    paths: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``beliefs sensitivity --json`` (``break_even`` entries)."""
        return {
            "assumption": self.assumption,
            "label": self.label,
            "baseline": round(self.baseline, 6),
            "range": [round(self.low, 6), round(self.high, 6)],
            "values": [v.to_dict() for v in self.values],
            "evaluations": self.evaluations,
            "paths": dict(self.paths),
        }


def find_break_even(spec: Assumption, evaluate: Callable[[dict[str, float]], EvalResult]) -> BreakEven:
    """Every value of ``spec`` in its range where the recommendation changes."""
    if spec.high <= spec.low:
        return _entry(spec, [], 0)
    calls = 0
    cache: dict[float, EvalResult] = {}

    def at(x: float) -> EvalResult:
        nonlocal calls
        if x not in cache:
            calls += 1
            cache[x] = evaluate({spec.name: float(x)})
        return cache[x]

    xs = [float(x) for x in np.linspace(spec.low, spec.high, SCAN)]
    # A margin of exactly zero is a tie, not a change: only sign changes between
    # scan points with a non-zero margin bracket a break-even value.
    signed = [(x, at(x)) for x in xs]
    signed = [(x, r) for x, r in signed if r.margin != 0.0]
    values: list[Crossing] = []
    for (a, ra), (b, rb) in itertools.pairwise(signed):
        if ra.margin * rb.margin < 0:
            root = float(brentq(lambda x: at(x).margin, a, b, xtol=XTOL))
            values.append(Crossing(root, ra.best, rb.best))
    return _entry(spec, values, calls, [r.path for r in cache.values()])


def _entry(spec: Assumption, values: list[Crossing], calls: int, paths: list[str] | None = None) -> BreakEven:
    paths = paths or []
    counts = {k: paths.count(k) for k in ("reuse", "reweight", "resample")}
    return BreakEven(spec.name, spec.label, spec.baseline, spec.low, spec.high, tuple(values), calls, counts)
