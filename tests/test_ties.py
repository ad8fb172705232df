"""Ties are ties: the determinacy rule, its Monte Carlo errors, replay flips and the watch list.

Posteriors are constructed draw by draw, so each case sits clearly on one side
of the rule: the margin far above (or within) twice the MCSE of the paired
difference, P(best) above (or below) 0.6, for each half separately.
"""

from __future__ import annotations

import dataclasses
import importlib
from types import SimpleNamespace

import numpy as np
import pytest

from beliefs.catalog import load_catalog
from beliefs.decision.decide import decide, utilities
from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.evsi import could_change, evsi_by_kind
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable
from beliefs.decision.ties import MCSE_FACTOR, P_BEST_MIN, is_determinate, partial_label
from beliefs.render.tables import recommendation_text, watch_view
from beliefs.timeline import Scenario, Signal, Timeline
from models.montecarlo import ess_mean, mcse_mean

CATALOG = load_catalog()
replay_mod = importlib.import_module("beliefs.runs.replay_steps")  # the module (``beliefs.runs.replay_steps`` is also the API's function)
#: The additive game (neutral couplings, beliefs.decision.game): the constructions below are argued on it.
PAY = PayoffTable(
    abandonment_cost=1.0, entrapment_cost=1.0, entrapment_factor_expansionist=1.0, entrapment_factor_status_quo=1.0, provocation_risk=0.0
)
N = 4000

#: Posterior draws from arrays.
D = PosteriorDraws.of_arrays


def _ar1(rng: np.random.Generator, phi: float, n: int, chains: int) -> np.ndarray:
    """Chains of a stationary Gaussian AR(1) with unit marginal variance, stacked chain after chain."""
    x = np.empty((chains, n))
    x[:, 0] = rng.normal(size=chains)
    noise = rng.normal(size=(chains, n)) * np.sqrt(1 - phi**2)
    for t in range(1, n):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    return x.reshape(-1)


# -- the Monte Carlo error ---------------------------------------------------------------


@pytest.mark.parametrize(("phi", "chains"), [(0.0, 4), (0.6, 4), (0.95, 2), (-0.4, 1)])
def test_mcse_matches_arviz_on_autocorrelated_chains(phi, chains):
    import arviz as az

    rng = np.random.default_rng(7)
    x = _ar1(rng, phi, 1000, chains)
    ours = float(mcse_mean(x, chains))
    theirs = float(np.asarray(az.mcse(x.reshape(chains, -1), method="mean")).ravel()[0])
    assert ours == pytest.approx(theirs, rel=0.03)
    assert float(ess_mean(x, chains)) == pytest.approx(
        float(np.asarray(az.ess(x.reshape(chains, -1), method="mean")).ravel()[0]), rel=0.03
    )


def test_mcse_is_vectorised_and_zero_for_constants():
    rng = np.random.default_rng(1)
    x = np.column_stack([_ar1(rng, 0.8, 500, 4), rng.normal(size=2000), np.full(2000, 3.0)])
    both = mcse_mean(x, 4)
    assert both.shape == (3,)
    assert both[0] == pytest.approx(float(mcse_mean(x[:, 0], 4)))
    assert both[1] == pytest.approx(float(mcse_mean(x[:, 1], 4)))
    assert both[2] == 0.0
    # Autocorrelation costs effective draws: phi = 0.8 -> ESS near n (1 - phi) / (1 + phi).
    assert float(ess_mean(x[:, 0], 4)) == pytest.approx(2000 * 0.2 / 1.8, rel=0.35)


def test_weighted_mcse_matches_the_spread_of_repeated_importance_samples():
    """Target N(0, 1), proposal N(0, 2^2): the spread over 400 repetitions is the true error."""
    rng = np.random.default_rng(3)
    means, errors = [], []
    for _ in range(400):
        x = rng.normal(0.0, 2.0, 1000)
        w = np.exp(-0.5 * x**2 + 0.5 * (x / 2.0) ** 2)
        means.append(float(np.sum(w * x) / np.sum(w)))
        errors.append(float(mcse_mean(x, weights=w)))
    assert np.mean(errors) == pytest.approx(np.std(means), rel=0.15)


# -- the rule ------------------------------------------------------------------------------


def test_rule_needs_both_margin_and_p_best():
    assert is_determinate(0.10, 0.01, 0.9)
    assert not is_determinate(0.10, 0.05, 0.9)  # margin = 2 MCSE exactly: not above
    assert not is_determinate(0.10, 0.01, P_BEST_MIN - 0.01)
    assert is_determinate(0.10, 0.0, P_BEST_MIN)
    assert not is_determinate(0.0, 0.0, 1.0)  # an exact tie is a tie
    assert MCSE_FACTOR == 2.0


def _draws(seed: int, p_ab: tuple[float, float], r_ab: tuple[float, float], c_ab: tuple[float, float]):
    rng = np.random.default_rng(seed)
    return rng.beta(*p_ab, N), rng.beta(*r_ab, N), rng.beta(*c_ab, N)


def test_both_halves_clear_is_a_determinate_recommendation():
    # p ~ 0.95: firm beats conciliate by ~4.8 EU. 1 - r ~ 0.8 against c ~ 0.1: support wins by
    # 0.5 (0.8 - 0.1) = 0.35 EU in nearly every draw.
    p, r, c = _draws(1, (95, 5), (2, 8), (1, 9))
    d = decide(D(p, r, c, chains=4), PAY)
    adv, ally = d.posture("adversary"), d.posture("ally")
    assert (adv.best, ally.best) == ("firm", "support")
    assert adv.margin > 10 * MCSE_FACTOR * adv.margin_mcse and adv.p_best > 0.99
    assert ally.margin == pytest.approx(0.5 * (np.mean(1 - r) - np.mean(c)), abs=1e-9)
    assert ally.margin > 10 * MCSE_FACTOR * ally.margin_mcse and ally.p_best > 0.9
    assert d.determinate and adv.determinate and ally.determinate
    assert d.best == "firm+support" and d.verdict == "firm + support"
    js = d.to_json()
    assert js["determinate"] is js["determinate_adversary"] is js["determinate_ally"] is True
    assert js["best"] == "firm+support" and js["margin_mcse"] > 0


def test_ally_tie_names_the_adversary_posture_only():
    # 1 - r and c have the same distribution: support and restrain differ by noise.
    p, r, c = _draws(2, (95, 5), (5, 5), (5, 5))
    d = decide(D(p, r, c, chains=4), PAY)
    adv, ally = d.posture("adversary"), d.posture("ally")
    assert adv.determinate and adv.best == "firm"
    assert abs(ally.margin) < MCSE_FACTOR * ally.margin_mcse or ally.p_best < P_BEST_MIN
    assert ally.p_best < P_BEST_MIN
    assert not ally.determinate and not d.determinate
    assert d.verdict.startswith("firm toward the adversary; toward the ally: too close to call (")
    assert f"{ally.best} vs {ally.other}" in d.verdict and "±" in d.verdict
    assert partial_label(d) == "firm+?"
    js = d.to_json()
    assert js["best"] in OPTION_NAMES and js["best"].startswith("firm+")  # best stays the highest-EU option
    assert (js["determinate"], js["determinate_adversary"], js["determinate_ally"]) == (False, True, False)


def test_adversary_tie_at_the_break_even_names_the_ally_posture_only():
    rng = np.random.default_rng(4)
    r, c = rng.beta(2, 8, N), rng.beta(1, 9, N)
    from beliefs.decision.decide import break_even

    p_star = break_even(utilities(np.ones(N), r, c, PAY).mean(axis=0), utilities(np.zeros(N), r, c, PAY).mean(axis=0))
    assert p_star is not None
    # p symmetric around the break-even: the adversary postures differ by noise only.
    p = np.clip(p_star + rng.normal(0.0, 0.05, N), 0.0, 1.0)
    p = p - p.mean() + p_star
    d = decide(D(p, r, c, chains=4), PAY)
    adv, ally = d.posture("adversary"), d.posture("ally")
    assert abs(adv.margin) < 1e-9 + MCSE_FACTOR * adv.margin_mcse
    assert not adv.determinate and ally.determinate and ally.best == "support"
    assert d.verdict.startswith("toward the adversary: too close to call (")
    assert d.verdict.endswith("; support toward the ally")
    assert partial_label(d) == "?+support"


def test_margin_within_twice_the_mcse_is_a_tie_even_when_p_best_is_high():
    """Same draws, two orders: chains that wander slowly make the same margin noise.

    Each of 4 chains holds one slow period of a sine wave (amplitude 0.1) added to
    1 - r - c = 0.04, so support beats restrain by 0.02 EU in a share
    1/2 + asin(0.4)/pi = 0.631 of the draws either way; only the ordering differs.
    """
    rng = np.random.default_rng(5)
    p = np.full(N, 0.95)
    c = np.full(N, 0.4)
    t = np.arange(N // 4)
    wave = 0.1 * np.concatenate([np.sin(2 * np.pi * t / (N // 4) + phase) for phase in (0.0, 0.5, 1.0, 1.5)])
    r = 1.0 - c - (0.04 + wave - wave.mean())
    sticky = decide(D(p, r, c, chains=4), PAY).posture("ally")
    shuffled = decide(D(p, r[rng.permutation(N)], c, chains=4), PAY).posture("ally")
    assert sticky.best == shuffled.best == "support" and sticky.margin == pytest.approx(shuffled.margin)
    assert sticky.p_best == shuffled.p_best == pytest.approx(0.5 + np.arcsin(0.4) / np.pi, abs=0.01)
    assert sticky.p_best >= P_BEST_MIN
    assert sticky.margin < MCSE_FACTOR * sticky.margin_mcse and not sticky.determinate
    assert shuffled.margin > MCSE_FACTOR * shuffled.margin_mcse and shuffled.determinate


def test_recommendation_text_says_tie_instead_of_naming_a_winner():
    p, r, c = _draws(2, (95, 5), (5, 5), (5, 5))
    tie = recommendation_text(decide(D(p, r, c, chains=4), PAY)).plain
    assert "too close to call" in tie and "a tie is not a recommendation" in tie
    p, r, c = _draws(1, (95, 5), (2, 8), (1, 9))
    clear = recommendation_text(decide(D(p, r, c, chains=4), PAY)).plain
    assert clear.startswith("Recommendation: firm + support") and "too close" not in clear


# -- replay flips ----------------------------------------------------------------------------


def test_replay_counts_flips_only_between_determinate_recommendations(monkeypatch):
    # (best option, determinate) after 0..8 signals; signal 5 is retracted.
    script = [
        ("firm+support", True),
        ("firm+restrain", False),  # a tie: not a flip
        ("firm+support", True),  # back to the settled choice: not a flip
        ("firm+restrain", False),
        ("firm+restrain", True),  # determinate and different from firm+support: flip
        None,  # retracted: reuses step 4
        ("firm+support", False),
        ("firm+restrain", True),  # same as the last determinate one: not a flip
        ("conciliate+restrain", True),  # flip
    ]
    calls = iter(s for s in script if s is not None)

    @dataclasses.dataclass(frozen=True)
    class FakeAssessment:  # what replay reads of a step (a retracted step is the previous one, re-read)
        decision: SimpleNamespace
        reliable: bool = True
        signals: object = None
        record: object = None

    def fake_assess(*args, **kwargs):
        best, det = next(calls)
        return FakeAssessment(decision=SimpleNamespace(best=best, determinate=det))

    monkeypatch.setattr(replay_mod, "assess_signals", fake_assess)
    scenario = Scenario(
        title="t",
        perspective="a",
        ally="b",
        adversary="c",
        polarity="bipolar",
        offense_advantage=0.5,
        distinguishability=0.5,
        prior_expansionist=0.5,
        ally_reliability={"alpha": 2, "beta": 2},
        ally_recklessness={"alpha": 2, "beta": 2},
    )
    sigs = [
        Signal(date=f"2000-01-0{i + 1}", kind="ultimatum", grade="A1", retracted=(i == 4)) for i in range(8)
    ]
    rep = replay_mod.replay(Timeline(scenario=scenario, signals=sigs), CATALOG, engine=object())
    assert [s.index for s in rep.flips] == [4, 8]
    assert rep.indeterminate_steps == [1, 3, 6]
    assert [s.determinate for s in rep.steps] == [True, False, True, False, True, True, False, True, True]


# -- the watch list ---------------------------------------------------------------------------


def test_watch_list_says_no_report_could_change_a_settled_recommendation():
    """p = 0.999 and an ally that is surely reliable and meek: nothing one report says matters."""
    rng = np.random.default_rng(8)
    k = len(CATALOG.adversary)
    p = np.full(N, 0.999)
    r, c = rng.beta(400, 4, N), rng.beta(4, 400, N)
    e, s = rng.beta(5, 5, (N, k)), rng.beta(3, 6, (N, k))
    watch = evsi_by_kind(CATALOG, D(p, r, c, e, s, chains=4), 0.5, PAY)
    assert all(w.evsi <= MCSE_FACTOR * w.evsi_mcse for w in watch)
    assert not could_change(watch)
    d = decide(D(p, r, c, chains=4), PAY, tuple(watch[:5]), watch_could_change=could_change(watch))
    assert "no single report could change the recommendation" in watch_view(d).plain
    assert d.to_json()["watch_could_change"] is False


def test_watch_list_ranks_reports_when_one_could_matter():
    """P(expansionist) spread widely around the break-even: one clear report decides."""
    rng = np.random.default_rng(9)
    k = len(CATALOG.adversary)
    r, c = rng.beta(4, 2, N), rng.beta(2, 3, N)
    p_star = decide(D(np.full(N, 0.5), r, c), PAY).break_even_p_expansionist
    assert p_star is not None
    p = rng.beta(2 * p_star / (1 - p_star), 2.0, N)
    e, s = rng.beta(5, 5, (N, k)), rng.beta(3, 6, (N, k))
    watch = evsi_by_kind(CATALOG, D(p, r, c, e, s, chains=4), 0.5, PAY)
    assert could_change(watch)
    top = watch[0]
    assert top.evsi > MCSE_FACTOR * top.evsi_mcse > 0
    d = decide(D(p, r, c, chains=4), PAY, tuple(watch[:5]), watch_could_change=True)
    table = watch_view(d)
    assert not hasattr(table, "plain") and len(table.rows) == 5
