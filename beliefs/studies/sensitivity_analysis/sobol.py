"""Global sensitivity of the decision margin: Sobol indices with SALib.

Every assumption of :mod:`beliefs.studies.sensitivity_analysis.assumptions` is treated as an
*independent* uniform input over its documented range, with one exception
that keeps the inputs independent in meaning: the abandonment and entrapment
costs enter as multipliers (0.5x..1.5x, ``*_cost_scale``) of the costs the
point's own offense advantage implies (multipolar, unless the timeline fixes
them), so offense advantage acts through both ``gamma`` and the costs, as in
the tornado. The sample is Saltelli's scheme via ``SALib.sample.sobol``
(``N * (D + 2)`` points, second order off) and the first-order (S1) and
total-order (ST) indices of the margin come from ``SALib.analyze.sobol``,
both seeded. Points whose k-hat is too high are re-sampled like any other
evaluation, so the indices are of the same margin the tornado shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from beliefs.studies.sensitivity_analysis.assumptions import COST_FACTORS, COSTS, Assumption, Point

#: Base sample size N (a power of two): N * (D + 2) evaluations.
BASE_N = 64


def _as_scale(a: Assumption) -> Assumption:
    """Alliance costs enter as multipliers of the costs the point's environment implies."""
    if a.name not in COSTS:
        return a
    lo, hi = COST_FACTORS
    return replace(a, name=f"{a.name}_scale", label=f"{a.label} (x)", baseline=1.0, low=lo, high=hi)


def sobol_points(
    specs: list[Assumption], n: int = BASE_N, seed: int = 0
) -> tuple[dict[str, Any], list[Point]]:
    """The SALib problem and its Saltelli sample as points (assumptions with an empty range are left out)."""
    from SALib.sample import sobol as sobol_sample

    live = [_as_scale(a) for a in specs if a.high > a.low]
    names = [a.name for a in live]
    problem: dict[str, Any] = {
        "num_vars": len(live),
        "names": names,
        "bounds": [[a.low, a.high] for a in live],
    }
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    points = [{name: float(v) for name, v in zip(names, row, strict=True)} for row in x]
    return problem, points


@dataclass(frozen=True)
class SobolIndex:
    """One input's first-order (S1) and total-order (ST) index, with 95% bootstrap half-widths."""

    assumption: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "assumption": self.assumption,
            "S1": round(self.s1, 4),
            "S1_conf": round(self.s1_conf, 4),
            "ST": round(self.st, 4),
            "ST_conf": round(self.st_conf, 4),
        }


@dataclass(frozen=True)
class SobolResult:
    """The Sobol indices of the margin, and the sample they come from."""

    #: The inputs, each an independent uniform over its range (``*_cost_scale``: the cost multipliers).
    inputs: tuple[str, ...]
    n: int  # the base sample size N
    evaluations: int
    indices: tuple[SobolIndex, ...]  # sorted by ST

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs_independent": list(self.inputs),
            "N": self.n,
            "evaluations": self.evaluations,
            "indices": [i.to_dict() for i in self.indices],
        }


def sobol_indices(problem: dict[str, Any], margins: list[float], seed: int = 0) -> list[SobolIndex]:
    """S1 and ST (with 95% bootstrap half-widths) per input, sorted by ST."""
    from SALib.analyze import sobol as sobol_analyze

    y = np.asarray(margins, dtype=float)
    if np.ptp(y) == 0.0:
        return [SobolIndex(n, 0.0, 0.0, 0.0, 0.0) for n in problem["names"]]
    # SALib seeds its bootstrap only `if seed:`, so 0 would mean "unseeded". A SeedSequence is always
    # truthy and gives numpy's generator the same stream as the plain int: every seed, 0 included, is real.
    res = sobol_analyze.analyze(
        problem, y, calc_second_order=False, seed=np.random.SeedSequence(seed), num_resamples=200
    )
    out = [
        SobolIndex(
            name,
            float(res["S1"][i]),
            float(res["S1_conf"][i]),
            float(res["ST"][i]),
            float(res["ST_conf"][i]),
        )
        for i, name in enumerate(problem["names"])
    ]
    out.sort(key=lambda d: (-round(d.st, 4), d.assumption))
    return out
