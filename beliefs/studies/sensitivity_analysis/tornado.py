"""One-at-a-time sensitivity (tornado): swing of the decision margin per assumption.

Each assumption is moved to the low and the high end of its documented range
(:mod:`beliefs.studies.sensitivity_analysis.assumptions`) with every other assumption at its
baseline. The *swing* is ``|margin(high) - margin(low)|`` where the margin is
EU(baseline best) - max EU(other options) (:mod:`beliefs.studies.sensitivity_analysis.evaluator`);
an entry *flips* when the recommendation at either end differs from the
baseline one, or when a break-even value lies inside the range.
"""

from __future__ import annotations

from typing import Any

from beliefs.studies.sensitivity_analysis.assumptions import Assumption, Point
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult


def tornado_points(specs: list[Assumption]) -> list[Point]:
    """Two points per assumption: its low end, then its high end."""
    return [pt for a in specs for pt in ({a.name: a.low}, {a.name: a.high})]


def tornado_entries(
    specs: list[Assumption], results: list[EvalResult], baseline: EvalResult
) -> list[dict[str, Any]]:
    """Tornado entries sorted by swing (largest first); ``results`` in :func:`tornado_points` order."""
    out: list[dict[str, Any]] = []
    for i, a in enumerate(specs):
        lo, hi = results[2 * i], results[2 * i + 1]
        out.append(
            {
                "assumption": a.name,
                "label": a.label,
                "group": a.group,
                "baseline": round(a.baseline, 6),
                "low": round(a.low, 6),
                "high": round(a.high, 6),
                "margin_low": round(lo.margin, 6),
                "margin_high": round(hi.margin, 6),
                "best_low": lo.best,
                "best_high": hi.best,
                "swing": round(abs(hi.margin - lo.margin), 6),
                "flips": lo.best != baseline.best or hi.best != baseline.best,
                "paths": [lo.path, hi.path],
                "khat": [None if r.khat is None else round(r.khat, 3) for r in (lo, hi)],
                "reliable": lo.reliable and hi.reliable,
            }
        )
    out.sort(key=lambda e: (-e["swing"], e["assumption"]))
    return out


def mark_flips(entries: list[dict[str, Any]], break_evens: list[dict[str, Any]]) -> None:
    """Mark as flipping every entry whose assumption has a break-even value inside its range."""
    inside = {b["assumption"] for b in break_evens if b["values"]}
    for e in entries:
        e["flips"] = bool(e["flips"] or e["assumption"] in inside)
