"""The sensitivity analysis's reweighting on a signal log with reporting channels,
against brute-force re-runs of the sampler at the same points.

The adversary block's importance weights use the channel likelihood (one
soundness per channel), the ally block stays per report: both must reproduce
what a fresh posterior says at the new assumptions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from beliefs.decision.decide import utilities
from beliefs.decision.draws import PosteriorDraws
from beliefs.runs.assessment import assess_signals
from beliefs.studies.sensitivity_analysis.assumptions import apply_point
from beliefs.studies.sensitivity_analysis.evaluator import Evaluator, point_seed
from beliefs.timeline import Signal

SEED = 5


def _sig(day: int, kind: str, grade: str, channel: str | None) -> Signal:
    return Signal(date=dt.date(1914, 7, day), kind=kind, grade=grade, channel=channel)


@pytest.fixture(scope="module")
def channelled(engine, july):
    tl, catalog = july
    signals = [
        _sig(20, "ultimatum", "B2", "embassy"),
        _sig(21, "mobilization", "B1", "embassy"),
        _sig(22, "conciliatory_offer", "C2", "press"),
        _sig(23, "ultimatum", "C1", "press"),
        _sig(24, "accepts_mediation", "D3", None),
        _sig(25, "ally_reaffirms_commitment", "B2", "embassy"),
        _sig(26, "ally_hedges", "C3", None),
    ]
    short = tl.with_signals(signals)
    a = assess_signals(short, catalog, signals, seed=SEED, engine=engine)
    assert a.inputs.n_channels == 3 and a.reliable
    return short, a


@pytest.mark.parametrize(
    "point",
    [
        {"grading_exponent": 1.6},
        {"grading_exponent": 0.6, "prior_expansionist": 0.4},
        {"likelihood_strength": 1.3, "distinguishability": 0.8},
        {"ally_reliability_mean": 0.6, "prior_expansionist": 0.3},
    ],
)
def test_reweighting_with_channels_matches_a_fresh_posterior(engine, channelled, point):
    tl, a = channelled
    ev = Evaluator(tl, a.inputs, PosteriorDraws.for_reweighting(a.posterior), seed=SEED, engine=lambda: engine, resample=False)
    rw = ev.evaluate(point)
    assert rw.path == "reweight" and rw.reliable, rw
    _, pay, inputs = apply_point(tl, a.inputs, point)
    fresh = engine.sample(inputs, seed=point_seed(SEED, point))
    assert fresh.diagnostics.reliable
    p_new = fresh.flat("p_expansionist")
    tol_p = 4 * np.hypot(fresh.diagnostics.mcse["p_expansionist"], 2 * a.posterior.diagnostics.mcse["p_expansionist"])
    assert abs(rw.p_expansionist - fresh.mean("p_expansionist")) < max(tol_p, 0.01)
    u = utilities(p_new, fresh.flat("r"), fresh.flat("c"), pay)
    # Weighted (importance-sampled) or not, the fresh posterior's own MCSE of each EU.
    se = np.array([fresh.mcse(u[:, i]) for i in range(u.shape[1])])
    np.testing.assert_array_less(np.abs(np.array(rw.eu) - fresh.w @ u), 4 * np.hypot(se, 2 * se))


def test_the_grading_exponent_raises_letter_and_digit_weights(channelled):
    tl, a = channelled
    _, _, inputs = apply_point(tl, a.inputs, {"grading_exponent": 2.0})
    np.testing.assert_allclose(inputs.channel_rho, np.asarray(a.inputs.channel_rho) ** 2)
    np.testing.assert_allclose(inputs.adversary_q, np.asarray(a.inputs.adversary_q) ** 2)
    np.testing.assert_array_equal(inputs.adversary_channel, a.inputs.adversary_channel)
    # The ally reports keep letter x digit, raised as a whole.
    np.testing.assert_allclose(inputs.ally_q, np.asarray(a.inputs.ally_q) ** 2)
    np.testing.assert_allclose(a.inputs.ally_q, [0.85 * 0.85, 0.7 * 0.7])
