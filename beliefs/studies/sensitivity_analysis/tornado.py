"""One-at-a-time sensitivity (tornado): swing of the decision margin per assumption.

Each assumption is moved to the low and the high end of its documented range
(:mod:`beliefs.studies.sensitivity_analysis.assumptions`) with every other assumption at its
baseline. The *swing* is ``|margin(high) - margin(low)|`` where the margin is
EU(baseline best) - max EU(other options) (:mod:`beliefs.studies.sensitivity_analysis.evaluator`);
an entry *flips* when the recommendation at either end differs from the
baseline one, or when a break-even value lies inside the range.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from beliefs.studies.sensitivity_analysis.assumptions import Assumption, Point
from beliefs.studies.sensitivity_analysis.break_even import BreakEven
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult


def tornado_points(specs: list[Assumption]) -> list[Point]:
    """Two points per assumption: its low end, then its high end."""
    return [pt for a in specs for pt in ({a.name: a.low}, {a.name: a.high})]


@dataclass(frozen=True)
class TornadoEntry:
    """One assumption moved to each end of its range: the margin and best option at each end."""

    assumption: str
    label: str
    group: str
    baseline: float
    low: float
    high: float
    margin_low: float
    margin_high: float
    best_low: str
    best_high: str
    flips: bool
    paths: tuple[str, str]
    khat: tuple[float | None, float | None]
    reliable: bool

    @property
    def swing(self) -> float:
        return abs(self.margin_high - self.margin_low)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``beliefs sensitivity --json`` (``tornado`` entries)."""
        return {
            "assumption": self.assumption,
            "label": self.label,
            "group": self.group,
            "baseline": round(self.baseline, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
            "margin_low": round(self.margin_low, 6),
            "margin_high": round(self.margin_high, 6),
            "best_low": self.best_low,
            "best_high": self.best_high,
            "swing": round(self.swing, 6),
            "flips": self.flips,
            "paths": list(self.paths),
            "khat": [None if k is None else round(k, 3) for k in self.khat],
            "reliable": self.reliable,
        }


def tornado_entries(specs: list[Assumption], results: list[EvalResult], baseline: EvalResult) -> list[TornadoEntry]:
    """Tornado entries sorted by swing (largest first); ``results`` in :func:`tornado_points` order."""
    out: list[TornadoEntry] = []
    for i, a in enumerate(specs):
        lo, hi = results[2 * i], results[2 * i + 1]
        out.append(
            TornadoEntry(
                assumption=a.name,
                label=a.label,
                group=a.group,
                baseline=a.baseline,
                low=a.low,
                high=a.high,
                margin_low=lo.margin,
                margin_high=hi.margin,
                best_low=lo.best,
                best_high=hi.best,
                flips=lo.best != baseline.best or hi.best != baseline.best,
                paths=(lo.path, hi.path),
                khat=(lo.khat, hi.khat),
                reliable=lo.reliable and hi.reliable,
            )
        )
    out.sort(key=lambda e: (-round(e.swing, 6), e.assumption))
    return out


def mark_flips(entries: list[TornadoEntry], break_evens: list[BreakEven]) -> list[TornadoEntry]:
    """The entries, each marked as flipping when its assumption has a break-even value inside its range."""
    inside = {b.assumption for b in break_evens if b.values}
    return [replace(e, flips=e.flips or e.assumption in inside) for e in entries]
