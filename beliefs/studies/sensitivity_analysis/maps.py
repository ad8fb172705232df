"""Recommendation maps: the best option over two assumptions at once.

Two planes, each an ``n x n`` grid with every other assumption at baseline:

* the Jervis plane, ``offense_advantage`` x ``distinguishability`` over
  [0, 1]^2 (moves ``gamma`` and, multipolar, the alliance costs);
* the prior plane, prior ``P(expansionist)`` x the ally reliability prior
  mean, each over [0.05, 0.95].

JSON: ``{"x": {"name", "values"}, "y": {...}, "best": [[...]], "margin": [[...]],
"p_best": [[...]]}`` with rows over ``y`` and columns over ``x``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from beliefs.studies.sensitivity_analysis.assumptions import PROBABILITY_BOUNDS, Point
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult

#: Grid points per axis.
GRID = 11

PLANES: dict[str, tuple[str, str]] = {
    "jervis": ("offense_advantage", "distinguishability"),
    "priors": ("prior_expansionist", "ally_reliability_mean"),
}


def axis_values(name: str, n: int = GRID) -> list[float]:
    """Grid values of one axis."""
    if name in ("offense_advantage", "distinguishability"):
        return [round(float(v), 6) for v in np.linspace(0.0, 1.0, n)]
    lo, hi = PROBABILITY_BOUNDS
    if n == 11:  # round numbers: 0.05, 0.1, ..., 0.9, 0.95
        return [lo, *(round(0.1 * i, 6) for i in range(1, 10)), hi]
    return [round(float(v), 6) for v in np.linspace(lo, hi, n)]


def map_points(plane: str, n: int = GRID) -> list[Point]:
    """Grid points of ``plane``, row-major (rows over y, columns over x)."""
    xn, yn = PLANES[plane]
    return [{xn: x, yn: y} for y in axis_values(yn, n) for x in axis_values(xn, n)]


def map_grid(
    plane: str, results: list[EvalResult], baseline: dict[str, float], n: int = GRID
) -> dict[str, Any]:
    """Assemble the results of :func:`map_points` into a grid."""
    xn, yn = PLANES[plane]
    rows = [results[i * n : (i + 1) * n] for i in range(n)]
    return {
        "x": {"name": xn, "values": axis_values(xn, n), "baseline": round(baseline[xn], 6)},
        "y": {"name": yn, "values": axis_values(yn, n), "baseline": round(baseline[yn], 6)},
        "best": [[r.best for r in row] for row in rows],
        "margin": [[round(r.margin, 5) for r in row] for row in rows],
        "p_best": [[round(r.p_best, 4) for r in row] for row in rows],
        "resamples": sum(r.path == "resample" for r in results),
        "reliable": all(r.reliable for r in results),
    }
