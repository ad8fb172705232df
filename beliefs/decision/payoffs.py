"""Payoffs of Snyder's composite security dilemma (docs/decision.md).

Defaults are illustrative and every number can be overridden in a timeline's
``[payoffs]`` table. How the numbers combine into one game (offense-defense
balance, provocation, entrapment by the adversary's type) is
:mod:`beliefs.decision.game`. In a multipolar system the abandonment and entrapment
costs follow the offense-defense balance (Christensen & Snyder 1990):
offense dominance breeds chain-ganging (abandonment is a catastrophe),
defense dominance breeds buck-passing (entrapment costs more).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from beliefs.timeline import Payoffs, Scenario

#: The four composite options: (adversary posture, ally posture).
OPTIONS: tuple[tuple[str, str], ...] = (
    ("firm", "support"),
    ("firm", "restrain"),
    ("conciliate", "support"),
    ("conciliate", "restrain"),
)
OPTION_NAMES: tuple[str, ...] = tuple(f"{a}+{b}" for a, b in OPTIONS)

#: Exposure to abandonment (wA) and entrapment (wE) of each option.
W_ABANDON = {"firm+support": 0.25, "conciliate+support": 0.5, "firm+restrain": 0.75, "conciliate+restrain": 1.0}
W_ENTRAP = {"firm+support": 1.0, "conciliate+support": 0.75, "firm+restrain": 0.5, "conciliate+restrain": 0.25}


@dataclass(frozen=True)
class PayoffTable:
    """Every payoff the decision needs, after defaults and overrides."""

    firm_vs_status_quo: float = -2.0
    conciliate_vs_status_quo: float = 3.0
    firm_vs_expansionist: float = 1.0
    conciliate_vs_expansionist: float = -4.0
    abandonment_cost: float = 1.0
    entrapment_cost: float = 2.0
    # The one game (beliefs.decision.game argues each default; 0.5 / 1 / 1 / 0 are the neutral,
    # additive values of earlier versions).
    offense_advantage: float = 0.5  # the scenario's, not a [payoffs] entry
    offense_cost_slope: float = 1.0
    entrapment_factor_expansionist: float = 0.5
    entrapment_factor_status_quo: float = 1.5
    provocation_risk: float = 0.5

    @property
    def offense_multiplier(self) -> float:
        """m(o) = 1 + slope (o - 1/2): what offense advantage does to the spiral and exploitation costs."""
        return max(0.0, 1.0 + self.offense_cost_slope * (self.offense_advantage - 0.5))

    def adversary(self, posture: str, adversary_type: str) -> float:
        """U_adv[posture, type]."""
        return float(getattr(self, f"{posture}_vs_{adversary_type}"))

    def replace(self, **changes: float) -> PayoffTable:
        return replace(self, **changes)

    def to_json(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in asdict(self).items()}


def alliance_costs(polarity: str, offense_advantage: float) -> tuple[float, float]:
    """Default (abandonment, entrapment) costs for a polarity and offense-defense balance."""
    if polarity == "bipolar":
        return 1.0, 2.0
    return 3.0 * (0.5 + offense_advantage), 3.0 * (1.5 - offense_advantage)


def resolve_payoffs(scenario: Scenario, overrides: Payoffs | None = None) -> PayoffTable:
    """The payoff table of a scenario: defaults, environment-driven costs, then overrides."""
    abandonment, entrapment = alliance_costs(scenario.polarity, scenario.offense_advantage)
    table = PayoffTable(
        abandonment_cost=abandonment, entrapment_cost=entrapment, offense_advantage=scenario.offense_advantage
    )
    if overrides is not None:
        given = {k: float(v) for k, v in overrides.model_dump().items() if v is not None}
        table = table.replace(**given)
    return table
