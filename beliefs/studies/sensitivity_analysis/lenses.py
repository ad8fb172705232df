"""Theory lenses: the same evidence read through three schools' assumptions.

Each lens is a documented set of overrides of the scenario's assumptions
(names of :mod:`beliefs.studies.sensitivity_analysis.assumptions`); everything not named keeps the
timeline's value. Payoff entries are read as at a neutral offense-defense
balance: the one game (:mod:`beliefs.decision.game`) scales the spiral and exploitation
payoffs by the lens's own offense advantage (x0.8 at 0.3, x1.2 at 0.7), so
each school's view of the balance reaches its payoffs too.

``defensive_realist`` (Jervis 1978; Glaser 1994/95; Snyder 1984)
    Security is usually plentiful and most states seek it: a lower prior
    P(expansionist) (0.3), defense usually dominant (offense_advantage 0.3)
    and postures readable (distinguishability 0.7); the cost of firmness
    against a status-quo power (the insecurity spiral) is high (-3).
``offensive_realist`` (Mearsheimer 2001)
    Great powers maximise power and intentions are unknowable: a high prior
    P(expansionist) (0.7), offense advantage 0.7, distinguishability 0.2; the
    cost of conciliating an expansionist (exploitation) is high (-5).
``signals_dominant`` (Kydd 2005; Fearon 1997)
    Let the record speak: an even prior on the type (0.5), sources trusted
    more (grade weights ``q -> q**0.5``) and every signal's log-likelihood
    weighted 1.5 (``likelihood_strength``), so the evidence outweighs
    whatever the priors say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from beliefs.studies.sensitivity_analysis.assumptions import Point

if TYPE_CHECKING:
    from beliefs.studies.sensitivity_analysis.evaluator import EvalResult

LENSES: dict[str, tuple[str, Point]] = {
    "defensive_realist": (
        "Defensive realist: security plentiful, spirals costly",
        {
            "prior_expansionist": 0.3,
            "offense_advantage": 0.3,
            "distinguishability": 0.7,
            "firm_vs_status_quo": -3.0,
        },
    ),
    "offensive_realist": (
        "Offensive realist: assume the worst, appeasement costly",
        {
            "prior_expansionist": 0.7,
            "offense_advantage": 0.7,
            "distinguishability": 0.2,
            "conciliate_vs_expansionist": -5.0,
        },
    ),
    "signals_dominant": (
        "Signals dominant: even prior, evidence at full weight",
        {"prior_expansionist": 0.5, "grading_exponent": 0.5, "likelihood_strength": 1.5},
    ),
}


@dataclass(frozen=True)
class LensResult:
    """The decision read through one lens: its overrides, and the evaluation at that point."""

    lens: str
    label: str
    overrides: Point
    best: str
    p_best: float
    p_expansionist: float
    margin: float  # EU(baseline best) - max EU(others) under the lens
    path: str  # reuse | reweight | resample
    reliable: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "lens": self.lens,
            "label": self.label,
            "overrides": self.overrides,
            "best": self.best,
            "p_best": round(self.p_best, 4),
            "p_expansionist": round(self.p_expansionist, 4),
            "margin": round(self.margin, 5),
            "path": self.path,
            "reliable": self.reliable,
        }


def lens_results(results: list[EvalResult]) -> list[LensResult]:
    """Each lens of :data:`LENSES` with its evaluation (``results`` in the lenses' order)."""
    return [
        LensResult(key, label, overrides, r.best, r.p_best, r.p_expansionist, r.margin, r.path, r.reliable)
        for (key, (label, overrides)), r in zip(LENSES.items(), results, strict=True)
    ]
