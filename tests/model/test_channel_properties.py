"""The three per-draw properties of reporting channels, for every draw of theta.

They are properties of the likelihood at fixed theta (e, s of every kind and the blur),
so they are checked on :mod:`models.likelihood`, which ``test_likelihood.py`` holds
equal to the PyMC model's terms to 1e-9. Hypothesis draws theta, the channel's
reports, grades and letter (derandomized: the same examples on every run).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from beliefs.catalog import DEFAULT_CREDIBILITY, DEFAULT_RELIABILITY, load_catalog
from beliefs.evidence.encode import catalog_arrays
from models import likelihood as lk
from models.spec import ModelInputs

ARRAYS = catalog_arrays(load_catalog())
K = ARRAYS.n_adversary
SETTINGS = settings(derandomize=True, max_examples=300, deadline=None)

unit = st.floats(min_value=1e-6, max_value=1 - 1e-6, allow_nan=False)
theta_st = st.tuples(st.lists(unit, min_size=K, max_size=K), st.lists(unit, min_size=K, max_size=K))
report_st = st.tuples(st.integers(0, K - 1), st.sampled_from(sorted(DEFAULT_CREDIBILITY)))
letter_st = st.sampled_from([x for x in sorted(DEFAULT_RELIABILITY) if x != "A"])


def _theta(es: tuple[list[float], list[float]]) -> lk.Theta:
    e, s = (np.array([x]) for x in es)
    return lk.Theta(e, s, np.full(1, 0.5), np.full(1, 0.5))


def _inputs(reports: list[tuple[int, str]], channel: list[int], rho: list[float], gamma: float) -> ModelInputs:
    return ModelInputs(
        catalog=ARRAYS,
        adversary_kind=np.array([k for k, _ in reports], dtype=np.int64),
        adversary_q=np.array([DEFAULT_CREDIBILITY[d] for _, d in reports]),
        adversary_channel=np.array(channel, dtype=np.int64),
        channel_rho=np.array(rho),
        ally_kind=np.zeros(0, dtype=np.int64),
        ally_q=np.zeros(0),
        p0=0.5,
        gamma=gamma,
        reliability_prior=(2.0, 2.0),
        recklessness_prior=(2.0, 2.0),
    )


def _one_channel(theta: lk.Theta, reports: list[tuple[int, str]], rho: float, gamma: float) -> float:
    """The channel's contribution to the log-odds, log p(R|exp) - log p(R|sq), at theta."""
    l_exp, l_sq = lk.adversary_channel_logliks(theta, _inputs(reports, [0] * len(reports), [rho], gamma))
    return float(l_exp[0, 0] - l_sq[0, 0])


@SETTINGS
@given(theta_st, st.lists(report_st, min_size=1, max_size=40), letter_st, st.floats(0, 1))
def test_a_channel_moves_the_log_odds_at_most_by_its_letter(es, reports, letter, gamma):
    rho = DEFAULT_RELIABILITY[letter]
    d = _one_channel(_theta(es), reports, rho, gamma)
    bound = -math.log1p(-rho)
    assert -bound - 1e-9 <= d <= bound + 1e-9


@SETTINGS
@given(theta_st, st.lists(report_st, min_size=0, max_size=25), report_st, letter_st, st.floats(0, 1))
def test_a_report_never_moves_its_channel_towards_the_type_it_disfavours(es, reports, new, letter, gamma):
    theta = _theta(es)
    rho = DEFAULT_RELIABILITY[letter]
    before = _one_channel(theta, reports, rho, gamma) if reports else 0.0
    after = _one_channel(theta, [*reports, new], rho, gamma)
    a_exp, a_sq = lk.adversary_columns(
        theta, ARRAYS, gamma, np.array([new[0]]), np.array([DEFAULT_CREDIBILITY[new[1]]])
    )
    favours = float(a_exp[0, 0] - a_sq[0, 0])
    if favours >= 0:
        assert after >= before - 1e-9
    if favours <= 0:
        assert after <= before + 1e-9


@SETTINGS
@given(theta_st, report_st, st.floats(0, 1))
def test_one_a_report_has_todays_likelihood_ratio(es, report, gamma):
    """Letter A (rho = 1) in a channel of its own: log of the per-report ratio
    (q e + (1-q) m) / (q s' + (1-q) m), q = 1.0 x the digit's weight, written out here."""
    kind, digit = report
    e, s = es[0][kind], es[1][kind]
    sp = s + gamma * ARRAYS.military[kind] * (e - s)
    m = (e + sp) / 2
    q = DEFAULT_RELIABILITY["A"] * DEFAULT_CREDIBILITY[digit]
    want = math.log(q * e + (1 - q) * m) - math.log(q * sp + (1 - q) * m)
    assert abs(_one_channel(_theta(es), [report], 1.0, gamma) - want) < 1e-12


@SETTINGS
@given(theta_st, report_st, letter_st, st.floats(0, 1))
def test_n_reports_through_n_channels_drive_the_belief_to_certainty(es, report, letter, gamma):
    theta, rho = _theta(es), DEFAULT_RELIABILITY[letter]
    single = _one_channel(theta, [report], rho, gamma)
    ps = []
    for n in (1, 10, 100, 1000):
        inputs = _inputs([report] * n, list(range(n)), [rho] * n, gamma)
        l_exp, l_sq = lk.adversary_type_logliks(theta, inputs)
        assert abs((l_exp[0] - l_sq[0]) - n * single) <= 1e-9 * max(1.0, n * abs(single))
        ps.append(float(lk.p_expansionist(l_exp, l_sq, 0.5)[0]))
    if single > 0.01:  # the report favours expansion: P -> 1
        assert ps == sorted(ps) and ps[-1] > 1 - 1e-4
    if single < -0.01:
        assert ps == sorted(ps, reverse=True) and ps[-1] < 1e-4


@SETTINGS
@given(theta_st, st.lists(report_st, min_size=2, max_size=30), letter_st, st.floats(0, 1))
def test_one_channel_of_many_reports_stays_bounded_where_channels_of_their_own_do_not(es, reports, letter, gamma):
    """The same reports, once in one channel, once each its own: the first within the
    bound, and never further from even odds than the second when they all agree."""
    theta, rho = _theta(es), DEFAULT_RELIABILITY[letter]
    together = _one_channel(theta, reports, rho, gamma)
    apart = sum(_one_channel(theta, [r], rho, gamma) for r in reports)
    singles = [_one_channel(theta, [r], rho, gamma) for r in reports]
    if all(x >= 0 for x in singles) or all(x <= 0 for x in singles):
        assert abs(together) <= abs(apart) + 1e-9
