"""The channel reference (tests/reference_channels.py) against facts that need no model:
the per-report quadrature of tests/reference.py where channels are trivial, closed forms,
convergence of the split quadrature, and agreement of quadrature with importance sampling."""

from __future__ import annotations

import math

import pytest
from reference import AdvKind, exact_p_expansionist
from reference_channels import (
    Report,
    channel_groups,
    exact_p_expansionist_channels,
    is_p_expansionist_channels,
)

KINDS = {
    "arms": AdvKind(6.0, 4.0, 4.5, 5.5, military=True),
    "ultimatum": AdvKind(6.5, 3.5, 1.5, 10.5, military=False),
    "offer": AdvKind(2.0, 6.0, 4.0, 4.0, military=False),
    "skewed": AdvKind(0.7, 3.0, 0.5, 0.8, military=True),  # Beta params < 1
}
MIXED = [
    Report("ultimatum", 0.85, 0.85, "embassy"),
    Report("ultimatum", 1.0, 0.85, "embassy"),
    Report("arms", 0.7, 0.7),
    Report("offer", 0.5, 0.5, "press"),
    Report("skewed", 0.85, 0.3),
    Report("offer", 0.85, 0.5, "press"),
]


def test_rho_one_own_channels_is_the_per_report_quadrature():
    obs = [("ultimatum", 0.85), ("arms", 0.7), ("ultimatum", 1.0), ("offer", 0.5), ("skewed", 0.3)]
    want = exact_p_expansionist(KINDS, obs, 0.3, 0.4)
    got = exact_p_expansionist_channels(KINDS, [Report(k, q, 1.0) for k, q in obs], 0.3, 0.4)
    assert got == pytest.approx(want, abs=1e-10)  # two different rules; Beta(0.5, 0.8) limits both


def test_a_sound_channel_of_letter_a_is_independent_reports():
    reps = [Report("ultimatum", 0.85, 1.0, "a"), Report("ultimatum", 0.7, 1.0, "a")]
    want = exact_p_expansionist(KINDS, [("ultimatum", 0.85), ("ultimatum", 0.7)], 0.5, 0.0)
    assert exact_p_expansionist_channels(KINDS, reps, 0.5, 0.0) == pytest.approx(want, abs=1e-12)


def test_an_unsound_channel_says_nothing():
    reps = [Report("ultimatum", 1.0, 0.0, "rumour mill")] * 5
    assert exact_p_expansionist_channels(KINDS, reps, 0.3, 0.2) == pytest.approx(0.3, abs=1e-12)


def test_one_report_against_one_dimensional_quadrature():
    """One report with w = 1: P(R | exp) = rho E[e] + (1 - rho) E[max(e, s)], and
    E[max(e, s)] = E_e[e F_s(e) + E[s; s > e]] is a 1-D integral (scipy.integrate.quad)."""
    from scipy import integrate, stats

    kind = KINDS["ultimatum"]
    fe, fs = stats.beta(kind.alpha_e, kind.beta_e), stats.beta(kind.alpha_s, kind.beta_s)
    ms = kind.alpha_s / (kind.alpha_s + kind.beta_s)
    upper = stats.beta(kind.alpha_s + 1, kind.beta_s)  # E[s; s > x] = ms (1 - F_{a+1,b}(x))
    e_max = integrate.quad(lambda x: fe.pdf(x) * (x * fs.cdf(x) + ms * upper.sf(x)), 0, 1, epsabs=1e-13)[0]
    for rho in (1.0, 0.85, 0.3):
        l_exp = rho * fe.mean() + (1 - rho) * e_max
        l_sq = rho * ms + (1 - rho) * e_max
        want = 0.4 * l_exp / (0.4 * l_exp + 0.6 * l_sq)
        got = exact_p_expansionist_channels(KINDS, [Report("ultimatum", 1.0, rho)], 0.4, 0.0)
        assert got == pytest.approx(want, abs=1e-10)


def test_split_quadrature_converges():
    reps = [r for r in MIXED if r.channel != "press"] + [Report("offer", 0.5, 0.5, "press")]
    values = [exact_p_expansionist_channels(KINDS, reps, 0.3, 0.45, n_nodes=n) for n in (40, 80, 160)]
    assert abs(values[1] - values[2]) < 1e-10 and abs(values[0] - values[2]) < 1e-7


def test_quadrature_and_importance_sampling_agree():
    reps = [r for r in MIXED if r.channel != "press"] + [Report("offer", 0.5, 0.5, "press")]
    exact = exact_p_expansionist_channels(KINDS, reps, 0.3, 0.45)
    est, se, ess = is_p_expansionist_channels(KINDS, reps, 0.3, 0.45, n=400_000, seed=1)
    assert ess > 50_000 and se < 0.001
    assert abs(est - exact) < 4 * se


def test_a_channel_mixing_kinds_needs_importance_sampling():
    bad = [Report("ultimatum", 1.0, 0.85, "embassy"), Report("arms", 1.0, 0.85, "embassy")]
    with pytest.raises(ValueError, match="mixes kinds"):
        exact_p_expansionist_channels(KINDS, bad, 0.5, 0.0)
    assert [len(g) for g in channel_groups(MIXED)] == [2, 1, 2, 1]


def test_thirty_b1_reports_on_one_channel_stay_below_the_bound():
    reps = [Report("ultimatum", 1.0, 0.85, "embassy")] * 30
    p = exact_p_expansionist_channels(KINDS, reps, 0.5, 0.0)
    bound = 1.0 / (1.0 + 0.15)  # odds at most 1 / (1 - rho)
    assert 0.8 < p <= bound <= 0.87
    independent = exact_p_expansionist_channels(KINDS, [Report("ultimatum", 1.0, 0.85)] * 30, 0.5, 0.0)
    assert independent > 0.999 and math.isfinite(independent)
