"""The one game (beliefs.decision.game): coupled utilities against hand-derived numbers, the break-even, EVSI <= EVPI.

Every expected number here is written out from the formula in the module
docstring and docs/decision.md, not computed by the code under test.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scenario_text import scenario_toml

from beliefs.catalog import load_catalog
from beliefs.decision.decide import decide
from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.evsi import evsi_by_kind
from beliefs.decision.game import break_even, break_even_reasons, outcome_terms, utilities
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable, resolve_payoffs
from beliefs.timeline import Payoffs, Scenario

CATALOG = load_catalog()
NEUTRAL = {
    "entrapment_factor_expansionist": 1.0,
    "entrapment_factor_status_quo": 1.0,
    "provocation_risk": 0.0,
}
W_A = {"firm+support": 0.25, "conciliate+support": 0.5, "firm+restrain": 0.75, "conciliate+restrain": 1.0}
W_E = {"firm+support": 1.0, "conciliate+support": 0.75, "firm+restrain": 0.5, "conciliate+restrain": 0.25}
U_ADV = {("firm", "exp"): 1.0, ("conciliate", "exp"): -4.0, ("firm", "sq"): -2.0, ("conciliate", "sq"): 3.0}

#: Posterior draws from arrays.
D = PosteriorDraws.of_arrays


def _draws(seed: int, n: int = 3000):
    rng = np.random.default_rng(seed)
    return rng.beta(2.0, 2.0, n), rng.beta(4.0, 2.0, n), rng.beta(2.0, 3.0, n)


@pytest.mark.parametrize("o", [0.5, 0.2, 0.9])
def test_neutral_couplings_reproduce_the_additive_table_exactly(o):
    """o = 0.5 (or slope 0 at any o), factors 1 and no provocation: the additive utility of earlier versions."""
    p, r, c = _draws(1)
    slope = 1.0 if o == 0.5 else 0.0
    pay = PayoffTable(
        abandonment_cost=2.5, entrapment_cost=1.5, offense_advantage=o, offense_cost_slope=slope, **NEUTRAL
    )
    u = utilities(p, r, c, pay)
    for j, name in enumerate(OPTION_NAMES):
        a = name.split("+")[0]
        additive = (
            p * U_ADV[(a, "exp")]
            + (1 - p) * U_ADV[(a, "sq")]
            - 2.5 * (1 - r) * W_A[name]
            - 1.5 * c * W_E[name]
        )
        np.testing.assert_allclose(u[:, j], additive, rtol=0, atol=1e-12)  # up to the order of the additions


def test_default_couplings_against_hand_computed_terms():
    """o = 0.8 (m = 1.3), A = 1, E = 2, r = 0.6, c = 0.5, defaults 0.5 / 1.5 / rho 0.5.

    Spiral cost S = 2 x 1.3 = 2.6; provocation rho S c = 0.65 per unit of wP (1, 0.75, 0, 0).
    Abandonment 0.4 wA = (0.1, 0.2, 0.3, 0.4); entrapment E c wE = (1, 0.75, 0.5, 0.25),
    x0.5 vs expansionist, x1.5 vs status quo. In OPTION_NAMES order (fs, fr, cs, cr):
    """
    pay = PayoffTable(abandonment_cost=1.0, entrapment_cost=2.0, offense_advantage=0.8)
    x_exp, x_sq = outcome_terms(np.array([0.6]), np.array([0.5]), pay)
    want = {
        "firm+support": (1 - 0.1 - 0.5, -2.6 - 0.1 - 1.5 - 0.65),
        "firm+restrain": (1 - 0.3 - 0.25, -2.6 - 0.3 - 0.75),
        "conciliate+support": (-5.2 - 0.2 - 0.375, 3 - 0.2 - 1.125 - 0.4875),
        "conciliate+restrain": (-5.2 - 0.4 - 0.125, 3 - 0.4 - 0.375),
    }
    for j, name in enumerate(OPTION_NAMES):
        assert x_exp[0, j] == pytest.approx(want[name][0], abs=1e-12), name
        assert x_sq[0, j] == pytest.approx(want[name][1], abs=1e-12), name
    u = utilities(np.array([0.3]), np.array([0.6]), np.array([0.5]), pay)[0]
    np.testing.assert_allclose(u, [0.3 * want[n][0] + 0.7 * want[n][1] for n in OPTION_NAMES], atol=1e-12)
    # Break-even: firm+restrain (best firm at both ends) against conciliate+restrain:
    # 0.45 p - 3.65 (1 - p) = -5.725 p + 2.225 (1 - p)  <=>  p = 5.875 / 12.05.
    assert break_even(x_exp[0], x_sq[0]) == pytest.approx(5.875 / 12.05, abs=1e-12)


def test_break_even_falls_with_offense_advantage_at_the_default_adversary_payoffs():
    """Without alliance costs p*(m) = (3 + 2m) / (4 + 6m): 0.5 at m = 1, lower as both mistakes cost more.

    Exploitation (-4) is the larger cost; scaling both by m widens the gap in
    absolute terms, so under offense dominance firmness pays at lower odds.
    """
    values = []
    for o in (0.0, 0.25, 0.5, 0.75, 1.0):
        pay = PayoffTable(
            abandonment_cost=0.0, entrapment_cost=0.0, offense_advantage=o, provocation_risk=0.0
        )
        x_exp, x_sq = outcome_terms(np.array([0.5]), np.array([0.5]), pay)
        m = 1 + (o - 0.5)
        assert break_even(x_exp[0], x_sq[0]) == pytest.approx((3 + 2 * m) / (4 + 6 * m), abs=1e-12)
        values.append(break_even(x_exp[0], x_sq[0]))
    assert values[2] == pytest.approx(0.5)
    assert all(a > b for a, b in itertools.pairwise(values))


def test_break_even_rises_with_recklessness():
    """A reckless ally makes firmness costlier against a status-quo adversary: one must be surer before standing firm.

    Hand-derived at r = 0.7, c = 0.9, A = 1, E = 2 (o = 0.5): abandonment 0.3 wA, E c wE = 1.8 wE.
    firm+restrain: X_exp = 1 - 0.225 - 0.45 = 0.325, X_sq = -2 - 0.225 - 1.35 = -3.575;
    conciliate+restrain: X_exp = -4 - 0.3 - 0.225 = -4.525, X_sq = 3 - 0.3 - 0.675 = 2.025;
    tie: 0.325 p - 3.575 (1 - p) = -4.525 p + 2.025 (1 - p)  <=>  p = 5.6 / 10.45.
    """

    def be(c: float) -> float | None:
        pay = PayoffTable(abandonment_cost=1.0, entrapment_cost=2.0)
        x_exp, x_sq = outcome_terms(np.array([0.7]), np.array([c]), pay)
        return break_even(x_exp[0], x_sq[0])

    values = [be(c) for c in (0.1, 0.4, 0.7, 0.9)]
    assert values[-1] == pytest.approx(5.6 / 10.45, abs=1e-12)
    assert all(a is not None and b is not None and a < b for a, b in itertools.pairwise(values))


def test_break_even_switches_the_best_option_within_a_posture():
    """Coupled payoffs: firm+support best against an expansionist, firm+restrain against a status-quo state."""
    x_exp = np.array([2.0, 1.0, -3.0, -4.0])  # fs, fr, cs, cr
    x_sq = np.array([-5.0, -2.0, 1.0, 3.0])
    # Envelope of firm: max(2p - 5(1-p), p - 2(1-p)); of conciliate: max(-3p + (1-p), -4p + 3(1-p)).
    # firm+restrain (3p - 2) meets conciliate+restrain (3 - 7p) at p = 0.5, where fs = -1.5 < fr = -0.5
    # and cs = -1 < cr = -0.5: a true crossing of the envelopes.
    assert break_even(x_exp, x_sq) == pytest.approx(0.5, abs=1e-12)
    assert break_even(np.array([1.0, 1.0, 2.0, 2.0]), np.array([-1.0, -1.0, 0.0, 0.0])) is None


def test_decide_uses_the_coupled_utility_and_states_its_reasons():
    p, r, c = _draws(2)
    pay = PayoffTable(abandonment_cost=3.9, entrapment_cost=2.1, offense_advantage=0.8)
    d = decide(D(p, r, c), pay)
    eu = utilities(p, r, c, pay).mean(axis=0)
    for j, name in enumerate(OPTION_NAMES):
        assert d.option(name).eu_mean == pytest.approx(eu[j], abs=1e-12)
    be, reasons = break_even_reasons(pay, r.mean(), c.mean(), p.mean())
    # decide() weights the draws (wn @ r) where this test takes r.mean(): equal up to rounding, not bit for bit.
    assert d.break_even_p_expansionist == pytest.approx(be, abs=1e-12)
    assert [x.factor for x in d.break_even_reasons] == [x.factor for x in reasons]
    assert [x.text for x in d.break_even_reasons] == [x.text for x in reasons]
    got = [x.break_even for x in d.break_even_reasons]
    assert got == pytest.approx([x.break_even for x in reasons], abs=1e-12)
    js = d.to_json()
    texts = [x["text"] for x in js["break_even_reasons"]]
    assert texts[1].startswith("offense advantage 0.80 raises the cost of spiral and exploitation x1.30: ")
    assert "provoking a status-quo adversary" in texts[-1]
    assert [x["factor"] for x in js["break_even_reasons"]] == [
        "adversary_payoffs", "offense_defense", "alliance_costs", "entrapment_by_type", "provocation",
    ]  # fmt: skip
    assert js["break_even_reasons"][0]["break_even"] == pytest.approx(0.5, abs=1e-4)  # (3 + 2) / (4 + 6): default payoffs
    assert js["break_even_reasons"][-1]["break_even"] == pytest.approx(round(be, 4), abs=1e-4)
    assert js["options"][0]["risks"]["provocation"] > 0  # firm+support provokes
    assert d.option("firm+restrain").risks["provocation"] == 0.0


def test_evsi_by_linearity_equals_the_brute_force_preposterior():
    """One adversary kind: reweight and update every draw, then take the max of expected utilities directly."""
    rng = np.random.default_rng(3)
    n, k = 2000, len(CATALOG.adversary)
    p, r, c = rng.beta(2, 2, n), rng.beta(3, 2, n), rng.beta(2, 2, n)
    e, s = rng.beta(5, 5, (n, k)), rng.beta(3, 6, (n, k))
    pay = PayoffTable(abandonment_cost=2.0, entrapment_cost=3.0, offense_advantage=0.7)
    got = {w.kind: w.evsi for w in evsi_by_kind(CATALOG, D(p, r, c, e, s), 0.0, pay)}
    now = utilities(p, r, c, pay).mean(axis=0).max()
    for j, kind in enumerate(CATALOG.adversary[:4]):
        total = 0.0
        for like_exp, like_sq in ((e[:, j], s[:, j]), (1 - e[:, j], 1 - s[:, j])):
            seen = p * like_exp + (1 - p) * like_sq
            p_after = p * like_exp / seen
            total += (seen[:, None] * utilities(p_after, r, c, pay)).mean(axis=0).max()
        assert got[kind.id] == pytest.approx(max(total - now, 0.0), abs=1e-10)


@given(
    seed=st.integers(0, 2**16),
    o=st.floats(0.0, 1.0),
    slope=st.floats(0.0, 2.0),
    f_exp=st.floats(0.0, 3.0),
    f_sq=st.floats(0.0, 3.0),
    rho=st.floats(0.0, 1.0),
    gamma=st.floats(0.0, 1.0),
)
def test_evsi_is_between_zero_and_the_evpi(seed, o, slope, f_exp, f_sq, rho, gamma):
    rng = np.random.default_rng(seed)
    n, k = 400, len(CATALOG.adversary)
    p, r, c = rng.beta(1.5, 1.5, n), rng.beta(2, 2, n), rng.beta(2, 2, n)
    e, s = rng.beta(5, 5, (n, k)), rng.beta(3, 6, (n, k))
    pay = PayoffTable(
        abandonment_cost=float(rng.uniform(0, 4)),
        entrapment_cost=float(rng.uniform(0, 4)),
        offense_advantage=o,
        offense_cost_slope=slope,
        entrapment_factor_expansionist=f_exp,
        entrapment_factor_status_quo=f_sq,
        provocation_risk=rho,
    )
    d = decide(D(p, r, c), pay)
    watch = evsi_by_kind(CATALOG, D(p, r, c, e, s), gamma, pay)
    assert d.evpi_type <= d.evpi + 1e-9
    for w in watch:
        assert 0.0 <= w.evsi <= d.evpi + 1e-9, w


def _scenario(polarity: str, offense: float) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "t", "perspective": "us", "ally": "a", "adversary": "b", "polarity": polarity,
            "offense_advantage": offense, "distinguishability": 0.5, "prior_expansionist": 0.5,
            "ally_reliability": {"alpha": 2, "beta": 2}, "ally_recklessness": {"alpha": 2, "beta": 2},
        }
    )  # fmt: skip


def test_every_coupling_is_an_overridable_payoff():
    pay = resolve_payoffs(_scenario("bipolar", 0.8), None)
    assert (pay.offense_advantage, pay.offense_cost_slope, pay.provocation_risk) == (0.8, 1.0, 0.5)
    assert (pay.entrapment_factor_expansionist, pay.entrapment_factor_status_quo) == (0.5, 1.5)
    assert pay.offense_multiplier == pytest.approx(1.3)
    given_ = Payoffs(offense_cost_slope=0.0, entrapment_factor_status_quo=2.0, provocation_risk=0.1)
    pay = resolve_payoffs(_scenario("bipolar", 0.8), given_)
    assert (pay.offense_multiplier, pay.entrapment_factor_status_quo, pay.provocation_risk) == (1.0, 2.0, 0.1)
    assert pay.entrapment_factor_expansionist == 0.5  # not given: the default


GOOD = scenario_toml() + "\n[payoffs]\n"


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("provocation_risk = 1.5", "provocation_risk: must be at most 1"),
        ("offense_cost_slope = 2.5", "offense_cost_slope: must be at most 2"),
        ("entrapment_factor_status_quo = -1", "entrapment_factor_status_quo: must be at least 0"),
        ('entrapment_factor_expansionist = "high"', "entrapment_factor_expansionist"),
        ("provocation_rsk = 0.2", "provocation_rsk"),
    ],
)
def test_bad_coupling_values_exit_2_naming_file_entry_and_field(tmp_path: Path, entry: str, fragment: str):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD + entry + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", "assess", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert str(path) in proc.stderr and "[payoffs]" in proc.stderr and fragment in proc.stderr
