"""The decision layer on synthetic posterior draws (no sampling needed)."""

from __future__ import annotations

import numpy as np
import pytest

from beliefs.catalog import load_catalog
from beliefs.decision.decide import decide, utilities
from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.evsi import evsi_by_kind
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable, alliance_costs, resolve_payoffs
from beliefs.timeline import Payoffs, Scenario

CATALOG = load_catalog()

#: Posterior draws from arrays.
D = PosteriorDraws.of_arrays


def draws(seed: int, n: int = 4000, p_a: float = 3.0, p_b: float = 2.0):
    rng = np.random.default_rng(seed)
    k = len(CATALOG.adversary)
    return (
        rng.beta(p_a, p_b, n),
        rng.beta(4.0, 2.0, n),
        rng.beta(2.0, 3.0, n),
        rng.beta(5.0, 5.0, (n, k)),
        rng.beta(3.0, 6.0, (n, k)),
    )


#: The additive game of earlier versions: neutral couplings (beliefs.decision.game), offense advantage 0.5.
PAY = PayoffTable(
    abandonment_cost=2.5, entrapment_cost=1.5, entrapment_factor_expansionist=1.0, entrapment_factor_status_quo=1.0, provocation_risk=0.0
)
W_A = {"firm+support": 0.25, "conciliate+support": 0.5, "firm+restrain": 0.75, "conciliate+restrain": 1.0}
W_E = {"firm+support": 1.0, "conciliate+support": 0.75, "firm+restrain": 0.5, "conciliate+restrain": 0.25}
U_ADV = {("firm", "sq"): -2.0, ("conciliate", "sq"): 3.0, ("firm", "exp"): 1.0, ("conciliate", "exp"): -4.0}


def test_expected_utilities_equal_closed_form_from_posterior_means() -> None:
    p, r, c, _, _ = draws(1)
    d = decide(D(p, r, c), PAY)
    pm, rm, cm = p.mean(), r.mean(), c.mean()
    for o in d.options:
        a = o.adversary
        closed = pm * U_ADV[(a, "exp")] + (1 - pm) * U_ADV[(a, "sq")] - 2.5 * (1 - rm) * W_A[o.option] - 1.5 * cm * W_E[o.option]
        assert o.eu_mean == pytest.approx(closed, abs=1e-9)
        assert o.eu_hdi[0] <= o.eu_mean <= o.eu_hdi[1]


def test_p_best_sums_to_one_and_best_has_max_eu() -> None:
    p, r, c, _, _ = draws(2)
    d = decide(D(p, r, c), PAY)
    assert sum(o.p_best for o in d.options) == pytest.approx(1.0)
    assert d.best == max(d.options, key=lambda o: o.eu_mean).option
    assert d.margin >= 0


def test_risks_are_posterior_means() -> None:
    p, r, c, _, _ = draws(3)
    d = decide(D(p, r, c), PAY)
    fs = d.option("firm+support").risks
    cr = d.option("conciliate+restrain").risks
    assert fs["spiral"] == pytest.approx(1 - p.mean())
    assert fs["exploitation"] == 0.0
    assert cr["exploitation"] == pytest.approx(p.mean())
    assert cr["spiral"] == 0.0
    assert fs["abandonment"] == pytest.approx((1 - r.mean()) * 0.25)
    assert cr["entrapment"] == pytest.approx(c.mean() * 0.25)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_break_even_reproduces_the_tie(seed: int) -> None:
    p, r, c, _, _ = draws(seed)
    d = decide(D(p, r, c), PAY)
    p_star = d.break_even_p_expansionist
    assert p_star is not None and 0 < p_star < 1
    eu = utilities(np.full_like(p, p_star), r, c, PAY).mean(axis=0)
    by = dict(zip(OPTION_NAMES, eu, strict=True))
    best_firm = max(by["firm+support"], by["firm+restrain"])
    best_conc = max(by["conciliate+support"], by["conciliate+restrain"])
    assert best_firm == pytest.approx(best_conc, abs=1e-9)
    # and on either side of it the preferred posture changes
    lo = utilities(np.full_like(p, p_star - 0.05), r, c, PAY).mean(axis=0)
    hi = utilities(np.full_like(p, p_star + 0.05), r, c, PAY).mean(axis=0)
    assert OPTION_NAMES[int(np.argmax(lo))].startswith("conciliate")
    assert OPTION_NAMES[int(np.argmax(hi))].startswith("firm")


def test_no_break_even_when_firmness_always_wins() -> None:
    p, r, c, _, _ = draws(7)
    pay = PAY.replace(conciliate_vs_status_quo=-3.0)
    assert decide(D(p, r, c), pay).break_even_p_expansionist is None


@pytest.mark.parametrize("seed", [8, 9])
def test_evsi_nonnegative_and_bounded_by_evpi(seed: int) -> None:
    p, r, c, e, s = draws(seed, p_a=2.0, p_b=2.0)
    pay = PAY.replace(abandonment_cost=4.0)
    d = decide(D(p, r, c), pay)
    watch = evsi_by_kind(CATALOG, D(p, r, c, e, s), 0.4, pay)
    assert len(watch) == len(CATALOG.kinds)
    assert all(w.evsi >= 0 for w in watch)
    assert all(w.evsi <= d.evpi + 1e-12 for w in watch)
    assert d.evpi_type <= d.evpi + 1e-12
    assert max(w.evsi for w in watch) > 0  # something is worth watching here


def test_evsi_zero_for_military_kind_when_blur_is_total() -> None:
    p, r, c, e, s = draws(10)
    watch = {w.kind: w.evsi for w in evsi_by_kind(CATALOG, D(p, r, c, e, s), 1.0, PAY)}
    military = [k.id for k in CATALOG.adversary if k.military]
    assert all(watch[k] == pytest.approx(0.0, abs=1e-12) for k in military)


def _scenario(polarity: str, offense: float) -> Scenario:
    return Scenario(
        title="t",
        perspective="us",
        ally="a",
        adversary="b",
        polarity=polarity,  # type: ignore[arg-type]
        offense_advantage=offense,
        distinguishability=0.5,
        prior_expansionist=0.5,
        ally_reliability={"alpha": 2, "beta": 2},  # type: ignore[arg-type]
        ally_recklessness={"alpha": 2, "beta": 2},  # type: ignore[arg-type]
    )


def test_alliance_costs_follow_polarity_and_offense_balance() -> None:
    assert alliance_costs("bipolar", 0.9) == (1.0, 2.0)
    a_off, e_off = alliance_costs("multipolar", 1.0)
    a_def, e_def = alliance_costs("multipolar", 0.0)
    assert (a_off, e_off) == pytest.approx((4.5, 1.5))  # chain-ganging
    assert (a_def, e_def) == pytest.approx((1.5, 4.5))  # buck-passing
    pay = resolve_payoffs(_scenario("multipolar", 0.8), Payoffs(entrapment_cost=0.5, firm_vs_status_quo=-3))
    assert pay.abandonment_cost == pytest.approx(3.9)
    assert pay.entrapment_cost == 0.5
    assert pay.firm_vs_status_quo == -3
    assert pay.conciliate_vs_status_quo == 3
