"""The assumptions a sensitivity analysis moves, their ranges, and what each changes.

Every assumption has a baseline (read from the timeline) and a documented
low/high range. A *point* is a plain ``dict`` of assumption name -> value
(missing names keep their baseline); :func:`apply_point` turns it into the
three things the evaluation needs: a :class:`~beliefs.decision.payoffs.PayoffTable`, a
:class:`~models.spec.ModelInputs` and the (possibly changed) scenario.

Ranges (documented, illustrative -- the payoff scale is the one of docs/decision.md):

========================  ===================================  ====================================
assumption                what it changes                      range
========================  ===================================  ====================================
four adversary payoffs    ``U_adv`` (payoffs only)             baseline +/- 1.5
abandonment, entrapment   ``A``, ``E`` (payoffs only)          0.5x .. 1.5x baseline
offense_cost_slope        the one game (beliefs.decision.game; payoffs  0 .. 2 (the whole admissible range)
                          only): spiral/exploitation x m(o)
entrapment factors        entrapment vs each type (ditto)      0.5x .. 1.5x baseline
provocation_risk          provocation of a status-quo          0 .. 1 (the whole range)
                          adversary (ditto)
prior_expansionist        ``p0`` (likelihood of the data)      baseline +/- 0.25, within [0.05, 0.95]
ally_reliability_mean     mean of the ``r`` prior (concentr.   baseline +/- 0.2, within [0.05, 0.95]
                          alpha+beta kept)
ally_recklessness_mean    mean of the ``c`` prior (ditto)      baseline +/- 0.2, within [0.05, 0.95]
offense_advantage         ``gamma`` and, unless the timeline   0 .. 1 (the whole theory range)
                          fixes them, ``A`` and ``E``
distinguishability        ``gamma``                            0 .. 1
likelihood_strength       tempering power ``tau`` of every     0.5 .. 2
                          signal log-likelihood
grading_exponent          every grade weight ``q -> q**k``     0.5 (trust sources more) .. 2 (less)
                          (and channel weights ``rho``)
========================  ===================================  ====================================

Two more names are accepted in points but are not tornado entries:
``abandonment_cost_scale`` and ``entrapment_cost_scale`` multiply the costs
*after* the environment (and any explicit cost) has set them; the Sobol
analysis uses them (:mod:`beliefs.studies.sensitivity_analysis.sobol`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from beliefs.decision.payoffs import PayoffTable, resolve_payoffs
from beliefs.timeline import Scenario, Timeline
from models.spec import ModelInputs, blur

Group = Literal["payoff", "prior", "environment", "likelihood"]
Point = dict[str, float]

ADVERSARY_PAYOFFS = (
    "firm_vs_status_quo",
    "conciliate_vs_status_quo",
    "firm_vs_expansionist",
    "conciliate_vs_expansionist",
)
COSTS = ("abandonment_cost", "entrapment_cost")
#: The one game's couplings (beliefs.decision.game): how the adversary and alliance games interact.
COUPLINGS = (
    "offense_cost_slope",
    "entrapment_factor_expansionist",
    "entrapment_factor_status_quo",
    "provocation_risk",
)
PAYOFF_NAMES = ADVERSARY_PAYOFFS + COSTS + COUPLINGS
#: Half-width of the range of an adversary payoff.
PAYOFF_HALF_WIDTH = 1.5
#: Multipliers of the baseline alliance costs at the ends of their ranges.
COST_FACTORS = (0.5, 1.5)
PRIOR_HALF_WIDTH = 0.25
ALLY_MEAN_HALF_WIDTH = 0.2
PROBABILITY_BOUNDS = (0.05, 0.95)


@dataclass(frozen=True)
class Assumption:
    """One input of the analysis and the range it is moved over."""

    name: str
    label: str
    group: Group
    baseline: float
    low: float
    high: float
    note: str

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "group": self.group,
            "baseline": round(self.baseline, 6),
            "range": [round(self.low, 6), round(self.high, 6)],
            "note": self.note,
        }


def _clip_range(centre: float, half: float) -> tuple[float, float]:
    lo, hi = PROBABILITY_BOUNDS
    return max(lo, centre - half), min(hi, centre + half)


def assumptions(timeline: Timeline, payoffs: PayoffTable | None = None) -> list[Assumption]:
    """Every assumption of ``timeline`` with its baseline and documented range."""
    sc = timeline.scenario
    pay = payoffs or resolve_payoffs(sc, timeline.payoffs)
    out: list[Assumption] = []
    for name in ADVERSARY_PAYOFFS:
        v = float(getattr(pay, name))
        posture, kind = name.split("_vs_")
        label = f"U({posture} | {kind.replace('_', '-')})"
        out.append(
            Assumption(
                name, label, "payoff", v, v - PAYOFF_HALF_WIDTH, v + PAYOFF_HALF_WIDTH, "baseline +/- 1.5"
            )
        )
    for name in COSTS:
        v = float(getattr(pay, name))
        label = name.replace("_", " ")
        lo, hi = COST_FACTORS
        out.append(Assumption(name, label, "payoff", v, v * lo, v * hi, "0.5x .. 1.5x baseline"))
    lo_f, hi_f = COST_FACTORS
    couplings: tuple[tuple[str, float, float, str], ...] = (
        ("offense_cost_slope", 0.0, 2.0, "whole range: m(o) = 1 + s (o - 1/2)"),
        ("entrapment_factor_expansionist", lo_f, hi_f, "0.5x .. 1.5x baseline"),
        ("entrapment_factor_status_quo", lo_f, hi_f, "0.5x .. 1.5x baseline"),
        ("provocation_risk", 0.0, 1.0, "whole range"),
    )
    for name, lo, hi, note in couplings:
        v = float(getattr(pay, name))
        if name.startswith("entrapment_factor"):
            lo, hi = v * lo, v * hi
        out.append(Assumption(name, name.replace("_", " "), "payoff", v, lo, hi, note))
    p0 = sc.prior_expansionist
    out.append(
        Assumption(
            "prior_expansionist",
            "prior P(expansionist)",
            "prior",
            p0,
            *_clip_range(p0, PRIOR_HALF_WIDTH),
            "baseline +/- 0.25 within [0.05, 0.95]",
        )
    )
    for name, prior, label in (
        ("ally_reliability_mean", sc.ally_reliability, "ally reliability prior mean"),
        ("ally_recklessness_mean", sc.ally_recklessness, "ally recklessness prior mean"),
    ):
        m = prior.mean
        out.append(
            Assumption(
                name,
                label,
                "prior",
                m,
                *_clip_range(m, ALLY_MEAN_HALF_WIDTH),
                "baseline +/- 0.2, alpha+beta kept",
            )
        )
    out.append(
        Assumption(
            "offense_advantage",
            "offense advantage",
            "environment",
            sc.offense_advantage,
            0.0,
            1.0,
            "whole range; moves gamma and (multipolar, unless fixed) A and E",
        )
    )
    out.append(
        Assumption(
            "distinguishability",
            "distinguishability",
            "environment",
            sc.distinguishability,
            0.0,
            1.0,
            "whole range; moves gamma",
        )
    )
    out.append(
        Assumption(
            "likelihood_strength",
            "likelihood strength (tau)",
            "likelihood",
            1.0,
            0.5,
            2.0,
            "every signal log-likelihood times tau",
        )
    )
    out.append(
        Assumption(
            "grading_exponent",
            "grade weights q -> q^k",
            "likelihood",
            1.0,
            0.5,
            2.0,
            "k < 1 trusts sources more, k > 1 less",
        )
    )
    return out


#: Multipliers of the alliance costs *after* the environment has set them (used by the Sobol
#: analysis, where explicit costs would otherwise cut offense advantage's effect through them).
COST_SCALES = ("abandonment_cost_scale", "entrapment_cost_scale")

ASSUMPTION_NAMES: tuple[str, ...] = (
    *COST_SCALES,
    *PAYOFF_NAMES,
    "prior_expansionist",
    "ally_reliability_mean",
    "ally_recklessness_mean",
    "offense_advantage",
    "distinguishability",
    "likelihood_strength",
    "grading_exponent",
)
#: Assumptions that leave the model's data and priors alone (posterior draws are reused as they are).
PAYOFF_ONLY = frozenset(PAYOFF_NAMES + COST_SCALES)


def check_point(point: Point) -> None:
    """Refuse unknown assumption names (a programming error, not user input)."""
    unknown = sorted(set(point) - set(ASSUMPTION_NAMES))
    if unknown:
        raise ValueError(f"unknown assumption(s) {unknown}; valid: {', '.join(ASSUMPTION_NAMES)}")


def _beta_with_mean(alpha: float, beta: float, mean: float) -> tuple[float, float]:
    k = alpha + beta
    return mean * k, (1.0 - mean) * k


def apply_point(
    timeline: Timeline, base: ModelInputs, point: Point
) -> tuple[Scenario, PayoffTable, ModelInputs]:
    """The scenario, payoff table and model inputs at ``point``.

    ``base`` are the baseline model inputs (the timeline's signals encoded).
    Environment changes recompute the alliance costs through
    :func:`beliefs.decision.payoffs.resolve_payoffs`, so costs the timeline fixes in
    ``[payoffs]`` stay fixed; an explicit cost in ``point`` wins over both.
    """
    check_point(point)
    sc = timeline.scenario
    env: dict[str, Any] = {k: point[k] for k in ("offense_advantage", "distinguishability") if k in point}
    rel, rec = sc.ally_reliability, sc.ally_recklessness
    if "ally_reliability_mean" in point:
        a, b = _beta_with_mean(rel.alpha, rel.beta, point["ally_reliability_mean"])
        rel = rel.model_copy(update={"alpha": a, "beta": b})
    if "ally_recklessness_mean" in point:
        a, b = _beta_with_mean(rec.alpha, rec.beta, point["ally_recklessness_mean"])
        rec = rec.model_copy(update={"alpha": a, "beta": b})
    p0 = point.get("prior_expansionist", sc.prior_expansionist)
    scenario = sc.model_copy(
        update={**env, "prior_expansionist": p0, "ally_reliability": rel, "ally_recklessness": rec}
    )
    pay = resolve_payoffs(scenario, timeline.payoffs)
    given = {k: float(point[k]) for k in PAYOFF_NAMES if k in point}
    if given:
        pay = pay.replace(**given)
    for scale, cost in zip(COST_SCALES, COSTS, strict=True):
        if scale in point:
            pay = pay.replace(**{cost: float(getattr(pay, cost)) * float(point[scale])})
    k = float(point.get("grading_exponent", 1.0))
    inputs = base.replace(
        p0=float(p0),
        gamma=blur(scenario.offense_advantage, scenario.distinguishability),
        reliability_prior=(rel.alpha, rel.beta),
        recklessness_prior=(rec.alpha, rec.beta),
        likelihood_power=float(point.get("likelihood_strength", base.likelihood_power)),
        adversary_q=np.asarray(base.adversary_q, dtype=float) ** k,
        channel_rho=np.asarray(base.channel_rho, dtype=float) ** k,
        ally_q=np.asarray(base.ally_q, dtype=float) ** k,
    )
    return scenario, pay, inputs


def changes_model(point: Point) -> bool:
    """Whether ``point`` changes the model's data or priors (not only payoffs)."""
    return any(k not in PAYOFF_ONLY for k in point)
