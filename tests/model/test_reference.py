"""Tests of the exact quadrature reference (tests/reference.py) against facts
that do not need the model: closed forms, conjugacy, symmetry limits,
Monte Carlo and quadrature-rule cross-checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference import (
    AdvKind,
    exact_ally_mean,
    exact_ally_moments,
    exact_ally_posterior_mean,
    exact_p_expansionist,
    gamma_of,
    grade_weight,
)
from reference_channels import Report, exact_p_expansionist_channels
from reference_files import load_reference_inputs, reference_from_toml
from scipy.special import betaln

KINDS = {
    "arms": AdvKind(6.0, 4.0, 3.0, 7.0, military=True),
    "ultimatum": AdvKind(5.0, 5.0, 1.5, 8.5, military=False),
    "offer": AdvKind(2.0, 6.0, 4.0, 4.0, military=False),
    "skewed": AdvKind(0.7, 3.0, 0.5, 0.8, military=True),  # Beta params < 1
}


# ---------------------------------------------------------------- helpers


def test_grade_weights_defaults_and_overrides():
    assert grade_weight("A1") == 1.0
    assert grade_weight("B2") == pytest.approx(0.85 * 0.85)
    assert grade_weight("c3") == pytest.approx(0.49)
    assert grade_weight("F6") == pytest.approx(0.25)
    assert grade_weight("E5") == pytest.approx(0.09)
    assert grade_weight("D4") == pytest.approx(0.25)
    assert grade_weight("B2", reliability={"B": 0.9}) == pytest.approx(0.9 * 0.85)
    assert grade_weight("B2", credibility={"2": 0.5}) == pytest.approx(0.85 * 0.5)
    for bad in ("G1", "A7", "A", "AB1", ""):
        with pytest.raises(ValueError):
            grade_weight(bad)


def test_gamma_of_corners():
    assert gamma_of(1.0, 0.0) == 1.0  # doubly dangerous
    assert gamma_of(0.0, 1.0) == 0.0
    assert gamma_of(0.0, 0.0) == 0.5
    assert gamma_of(0.8, 0.3) == pytest.approx(0.7 * 0.9)


# ---------------------------------------------------------------- adversary


@pytest.mark.parametrize("p0", [0.1, 0.5, 0.83])
def test_no_signals_gives_prior(p0):
    assert exact_p_expansionist(KINDS, [], p0, 0.4) == pytest.approx(p0, abs=1e-15)


@pytest.mark.parametrize("kid", ["ultimatum", "offer"])
def test_single_nonmilitary_signal_closed_form(kid):
    k = KINDS[kid]
    p0 = 0.3
    Ee = k.alpha_e / (k.alpha_e + k.beta_e)
    Es = k.alpha_s / (k.alpha_s + k.beta_s)
    expected = p0 * Ee / (p0 * Ee + (1 - p0) * Es)
    # gamma is irrelevant for a non-military kind
    for gamma in (0.0, 0.7, 1.0):
        got = exact_p_expansionist(KINDS, [(kid, 1.0)], p0, gamma)
        assert got == pytest.approx(expected, abs=1e-12)


def test_single_military_signal_closed_form():
    # s' = s + g(e - s): E[s'] = E[s] + g(E[e] - E[s]); q = 1.
    k, p0, g = KINDS["arms"], 0.4, 0.35
    Ee = k.alpha_e / (k.alpha_e + k.beta_e)
    Es = k.alpha_s / (k.alpha_s + k.beta_s)
    Esp = Es + g * (Ee - Es)
    expected = p0 * Ee / (p0 * Ee + (1 - p0) * Esp)
    assert exact_p_expansionist(KINDS, [("arms", 1.0)], p0, g) == pytest.approx(expected, abs=1e-12)


def test_two_signals_same_kind_closed_form():
    # Two q=1 observations of a non-military kind: E[e^2] = a(a+1)/((a+b)(a+b+1)).
    k, p0 = KINDS["ultimatum"], 0.5

    def m2(a, b):
        return a * (a + 1) / ((a + b) * (a + b + 1))

    Ie, Is = m2(k.alpha_e, k.beta_e), m2(k.alpha_s, k.beta_s)
    expected = p0 * Ie / (p0 * Ie + (1 - p0) * Is)
    got = exact_p_expansionist(KINDS, [("ultimatum", 1.0)] * 2, p0, 0.2)
    assert got == pytest.approx(expected, abs=1e-12)


def test_gamma_one_military_is_uninformative():
    obs = [("arms", 1.0), ("arms", 0.49), ("skewed", 0.7225), ("arms", 1.0)]
    for p0 in (0.2, 0.5, 0.9):
        assert exact_p_expansionist(KINDS, obs, p0, 1.0) == pytest.approx(p0, abs=1e-12)
    # ... but not at gamma < 1
    assert abs(exact_p_expansionist(KINDS, obs, 0.5, 0.5) - 0.5) > 1e-3


def test_q_zero_is_uninformative():
    obs = [("arms", 0.0), ("ultimatum", 0.0), ("offer", 0.0), ("ultimatum", 0.0)]
    for gamma in (0.0, 0.6):
        assert exact_p_expansionist(KINDS, obs, 0.37, gamma) == pytest.approx(0.37, abs=1e-12)


def test_direction_of_evidence():
    p0 = 0.5
    assert exact_p_expansionist(KINDS, [("ultimatum", 0.7)], p0, 0.0) > p0
    assert exact_p_expansionist(KINDS, [("offer", 0.7)], p0, 0.0) < p0
    # lower grade -> weaker update
    strong = exact_p_expansionist(KINDS, [("ultimatum", 1.0)], p0, 0.0)
    weak = exact_p_expansionist(KINDS, [("ultimatum", 0.3)], p0, 0.0)
    assert p0 < weak < strong
    # more blur -> weaker military update
    assert (
        exact_p_expansionist(KINDS, [("arms", 1.0)], p0, 0.0)
        > exact_p_expansionist(KINDS, [("arms", 1.0)], p0, 0.5)
        > p0
    )


def test_many_signals_do_not_underflow():
    obs = [("ultimatum", 1.0)] * 40 + [("arms", 0.85)] * 30 + [("offer", 0.49)] * 20
    p = exact_p_expansionist(KINDS, obs, 0.05, 0.3)
    assert math.isfinite(p) and 0.5 < p < 1.0
    # n q=1 observations of one non-military kind: I(T) = E[x^n] = B(a+n, b)/B(a, b)
    for kid, n, p0 in (("ultimatum", 300, 0.05), ("offer", 390, 0.95)):
        k = KINDS[kid]
        d = (betaln(k.alpha_e + n, k.beta_e) - betaln(k.alpha_e, k.beta_e)) - (
            betaln(k.alpha_s + n, k.beta_s) - betaln(k.alpha_s, k.beta_s)
        )
        expected = 1 / (1 + (1 - p0) / p0 * math.exp(-d))
        p = exact_p_expansionist(KINDS, [(kid, 1.0)] * n, p0, 0.3)
        assert p == pytest.approx(expected, rel=1e-9, abs=1e-15)
    # log-space: 2000 signals of a kind where e and s are both small still work
    p = exact_p_expansionist(KINDS, [("offer", 0.9)] * 2000, 0.5, 0.0, n_nodes=1200)
    assert math.isfinite(p) and 0.0 <= p < 0.5


def test_convergence_under_node_doubling():
    obs = (
        [("arms", 0.7225), ("ultimatum", 1.0), ("skewed", 0.49), ("offer", 0.25)] * 10
    )
    for n in (50, 100):
        a = exact_p_expansionist(KINDS, obs, 0.3, 0.45, n_nodes=n)
        b = exact_p_expansionist(KINDS, obs, 0.3, 0.45, n_nodes=2 * n)
        assert abs(a - b) < 1e-6
    for n in (25, 100):
        a = exact_ally_mean(2.0, 3.0, [(0.6, 1, 0.7), (0.9, -1, 1.0)] * 15, n_nodes=n)
        b = exact_ally_mean(2.0, 3.0, [(0.6, 1, 0.7), (0.9, -1, 1.0)] * 15, n_nodes=2 * n)
        assert abs(a - b) < 1e-6


def test_gauss_legendre_cross_check():
    # Independent rule (Beta density in the integrand); only smooth priors.
    kinds = {k: v for k, v in KINDS.items() if k != "skewed"}
    obs = [("arms", 0.7225), ("ultimatum", 1.0), ("offer", 0.25), ("arms", 0.49)] * 5
    a = exact_p_expansionist(kinds, obs, 0.3, 0.45)
    b = exact_p_expansionist(kinds, obs, 0.3, 0.45, n_nodes=400, rule="legendre")
    assert abs(a - b) < 1e-6
    ally = [(0.6, 1, 0.7), (0.9, -1, 0.85)] * 6
    assert exact_ally_mean(2.0, 3.0, ally) == pytest.approx(
        exact_ally_mean(2.0, 3.0, ally, n_nodes=400, rule="legendre"), abs=1e-8
    )


def test_monte_carlo_importance_weighting():
    rng = np.random.default_rng(20240601)
    n = 1_000_000
    p0, gamma = 0.35, 0.4
    q_b2, q_c3 = grade_weight("B2"), grade_weight("C3")
    obs = [
        ("arms", q_b2),
        ("ultimatum", 1.0),
        ("arms", q_c3),
        ("offer", grade_weight("D4")),
        ("ultimatum", q_b2),
    ]
    exact = exact_p_expansionist(KINDS, obs, p0, gamma)

    # Draw all kinds' (e, s) from the prior; weight by the likelihood under each type.
    draws = {}
    for kid in {k for k, _ in obs}:
        k = KINDS[kid]
        draws[kid] = (rng.beta(k.alpha_e, k.beta_e, n), rng.beta(k.alpha_s, k.beta_s, n))
    w_exp = np.ones(n)
    w_sq = np.ones(n)
    for kid, q in obs:
        e, s = draws[kid]
        sp = s + gamma * (e - s) if KINDS[kid].military else s
        m = (e + sp) / 2
        w_exp *= q * e + (1 - q) * m
        w_sq *= q * sp + (1 - q) * m
    A, B = w_exp.mean(), w_sq.mean()
    D = p0 * A + (1 - p0) * B
    est = p0 * A / D
    # delta-method standard error of the ratio estimator
    gA = p0 * (1 - p0) * B / D**2
    gB = -p0 * (1 - p0) * A / D**2
    psi = gA * (w_exp - A) + gB * (w_sq - B)
    se = psi.std(ddof=1) / math.sqrt(n)
    assert abs(est - exact) < 3 * se, (est, exact, se)
    assert abs(exact - p0) > 20 * se  # the test is not vacuous


# ---------------------------------------------------------------- ally


@pytest.mark.parametrize("a,b", [(2.0, 2.0), (1.0, 1.0), (0.5, 3.0), (7.0, 2.5)])
def test_ally_no_signals_prior_mean(a, b):
    mean, sd = exact_ally_moments(a, b, [])
    assert mean == pytest.approx(a / (a + b), abs=1e-12)
    assert sd == pytest.approx(math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))), abs=1e-12)


@pytest.mark.parametrize("a,b", [(2.0, 2.0), (0.5, 3.0), (4.0, 1.5)])
def test_ally_beta_bernoulli_conjugacy(a, b):
    # q*delta == 1: p(x) = x, so the posterior is Beta(a + successes, b + failures).
    obs = [(1.0, 1, 1.0)] * 7 + [(1.0, -1, 1.0)] * 3 + [(0.5, 1, 2.0)] * 2  # last: q*delta = 1
    succ, fail = 9, 3
    A, B = a + succ, b + fail
    mean, sd = exact_ally_moments(a, b, obs)
    assert mean == pytest.approx(A / (A + B), abs=1e-12)
    assert sd == pytest.approx(math.sqrt(A * B / ((A + B) ** 2 * (A + B + 1))), abs=1e-12)
    assert exact_ally_posterior_mean(a, b, obs) == exact_ally_mean(a, b, obs)


def test_ally_uninformative_and_directional():
    assert exact_ally_mean(2.0, 5.0, [(0.8, 1, 0.0)] * 5) == pytest.approx(2 / 7, abs=1e-12)
    prior = 0.5
    up = exact_ally_mean(2.0, 2.0, [(0.6, 1, 0.85)])
    down = exact_ally_mean(2.0, 2.0, [(0.6, -1, 0.85)])
    assert down < prior < up
    assert up - prior == pytest.approx(prior - down, abs=1e-12)  # symmetric prior
    # single signal closed form: E[x p(x)] / E[p(x)] with p = 1/2 + k(x - 1/2)
    a, b, k = 3.0, 2.0, 0.6 * 0.85
    m1 = a / (a + b)
    m2 = a * (a + 1) / ((a + b) * (a + b + 1))
    expected = ((0.5 - 0.5 * k) * m1 + k * m2) / (0.5 - 0.5 * k + k * m1)
    assert exact_ally_mean(a, b, [(0.6, 1, 0.85)]) == pytest.approx(expected, abs=1e-12)


# ---------------------------------------------------------------- TOML front end

CATALOG = """
[grading.reliability]
B = 0.9

[[kinds]]
id = "arms_buildup"
label = "Arms build-up"
about = "adversary"
military = true
given_expansionist = { alpha = 6.0, beta = 4.0 }
given_status_quo = { alpha = 3.0, beta = 7.0 }
rationale = "test"

[[kinds]]
id = "ultimatum"
label = "Ultimatum"
about = "adversary"
military = false
given_expansionist = { alpha = 5.0, beta = 5.0 }
given_status_quo = { alpha = 1.5, beta = 8.5 }
rationale = "test"

[[kinds]]
id = "ally_reaffirms_commitment"
label = "Reaffirms"
about = "ally"
axis = "reliability"
direction = 1
delta = 0.6
rationale = "test"

[[kinds]]
id = "ally_accepts_restraint"
label = "Accepts restraint"
about = "ally"
axis = "recklessness"
direction = -1
delta = 0.5
rationale = "test"
"""

TIMELINE = """
[scenario]
title = "Test"
perspective = "Us"
ally = "Them"
adversary = "Other"
polarity = "multipolar"
offense_advantage = 0.8
distinguishability = 0.3
prior_expansionist = 0.4
ally_reliability = { alpha = 2.0, beta = 3.0 }
ally_recklessness = { alpha = 3.0, beta = 2.0 }
catalog = "cat.toml"

[[signals]]
date = 1914-07-23
kind = "ultimatum"
actor = "Other"
grade = "B2"
note = "n"

[[signals]]
date = 1914-07-24
kind = "ally_reaffirms_commitment"
actor = "Them"
grade = "A1"
note = "n"

[[signals]]
date = 1914-07-25
kind = "arms_buildup"
actor = "Other"
grade = "C3"
note = "n"
retracted = true

[[signals]]
date = 1914-07-26
kind = "arms_buildup"
actor = "Other"
grade = "A2"
note = "n"

[[signals]]
date = 1914-07-27
kind = "ally_accepts_restraint"
actor = "Them"
grade = "B1"
note = "n"
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cat.toml").write_text(CATALOG)
    (tmp_path / "tl.toml").write_text(TIMELINE)
    return tmp_path / "tl.toml", tmp_path / "cat.toml"


def test_toml_prior_at_upto_zero(files):
    tl, cat = files
    ref = reference_from_toml(tl, cat, upto=0)
    assert ref["p_expansionist"] == pytest.approx(0.4, abs=1e-12)
    assert ref["ally_reliability"] == pytest.approx(2 / 5, abs=1e-12)
    assert ref["ally_recklessness"] == pytest.approx(3 / 5, abs=1e-12)


def test_toml_full_matches_direct_calls(files):
    tl, cat = files
    kinds = {
        "arms_buildup": AdvKind(6.0, 4.0, 3.0, 7.0, True),
        "ultimatum": AdvKind(5.0, 5.0, 1.5, 8.5, False),
    }
    g = gamma_of(0.8, 0.3)
    over = {"B": 0.9}
    q_b2 = grade_weight("B2", reliability=over)
    assert q_b2 == pytest.approx(0.9 * 0.85)
    # C3 retracted; the B2 ultimatum is a channel of its own: soundness 0.9 (B), item weight 0.85 (2).
    adv = [Report("ultimatum", 0.85, 0.9), Report("arms_buildup", 0.85, 1.0)]
    expected = {
        "p_expansionist": exact_p_expansionist_channels(kinds, adv, 0.4, g),
        "ally_reliability": exact_ally_mean(2.0, 3.0, [(0.6, 1, 1.0)]),
        "ally_recklessness": exact_ally_mean(3.0, 2.0, [(0.5, -1, grade_weight("B1", over))]),
    }
    # catalog taken from [scenario].catalog when not given explicitly
    for ref in (reference_from_toml(tl, cat), reference_from_toml(tl)):
        assert ref.keys() == expected.keys()
        for key in expected:
            assert ref[key] == pytest.approx(expected[key], abs=1e-14)
    assert reference_from_toml(tl, cat)["p_expansionist"] > 0.4
    assert reference_from_toml(tl, cat)["ally_recklessness"] < 0.6


def test_toml_upto_counts_file_entries(files):
    tl, cat = files
    # first 3 entries: ultimatum, ally reaffirms, (retracted arms) -> same as upto=2
    assert reference_from_toml(tl, cat, upto=3) == reference_from_toml(tl, cat, upto=2)
    inp = load_reference_inputs(tl, cat, upto=1)
    assert len(inp["adv_obs"]) == 1 and inp["ally_obs"]["reliability"] == []
    ref1 = reference_from_toml(tl, cat, upto=1)
    assert ref1["ally_reliability"] == pytest.approx(0.4, abs=1e-12)
    assert ref1["p_expansionist"] > 0.4


def test_toml_unknown_kind_is_an_error(files, tmp_path):
    _tl, cat = files
    bad = tmp_path / "bad.toml"
    bad.write_text(TIMELINE.replace('kind = "ultimatum"', 'kind = "nonesuch"'))
    with pytest.raises(ValueError, match="nonesuch"):
        reference_from_toml(bad, cat)
