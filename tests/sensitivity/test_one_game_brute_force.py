"""The sensitivity analysis's reweighting under the one game, against re-running the whole assessment.

The coupled utility (beliefs.decision.game) is not a sum of an adversary part and an
ally part, so the evaluator combines the two blocks' importance weights
through ``EU_a = sum_j w_ally_j U_a(p_bar, r_j, c_j)`` (module docstring of
beliefs.studies.sensitivity_analysis.evaluator). Here each reweighted answer is checked
against a brute-force re-run: the timeline's scenario changed at the point,
assessed from scratch with an independent seed.

Tolerance. Both numbers are Monte Carlo estimates of the same expectation.
The re-run's standard error is its own posterior's MCSE of each option's
utility. The reweighted estimate's is the baseline's MCSE of the same
utilities, inflated by the importance weights: sqrt(ESS_base / ESS_point)
(Kish's effective sample sizes; the usual first-order variance inflation
of self-normalised importance sampling). Each expected utility must agree
within 4 standard errors of the difference (a 6e-5 two-sided chance per
comparison under normality; the seeds are fixed, so the test is
deterministic), P(expansionist) likewise, and the recommended option must be
the same wherever the re-run's margin exceeds its tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.game import utilities
from beliefs.decision.payoffs import OPTION_NAMES
from beliefs.runs.assessment import assess_signals
from beliefs.studies.sensitivity_analysis.assumptions import apply_point
from beliefs.studies.sensitivity_analysis.evaluator import (
    Evaluator,
    adversary_loglik,
    adversary_term,
    ally_log_target,
    log_beta_pdf,
)
from beliefs.timeline import load_timeline

SEED = 3
FRESH_SEED = 1003  # an independent sample for the brute-force re-runs
#: Points a timeline can express (so the whole assessment can be re-run): each block, both, and the environment.
POINTS = [
    {"ally_recklessness_mean": 0.6},
    {"prior_expansionist": 0.3},
    {
        "offense_advantage": 0.2
    },  # the payoffs (offense multiplier, alliance costs) and the Jervis blur at once
    {"prior_expansionist": 0.65, "ally_recklessness_mean": 0.3, "ally_reliability_mean": 0.4},
]

#: Posterior draws from arrays.
D = PosteriorDraws.of_arrays


def _kish(w: np.ndarray) -> float:
    w = w / w.sum()
    return float(1.0 / np.sum(w**2))


def _point_weights(draws: PosteriorDraws, base, inputs) -> np.ndarray:
    """The joint importance weights of the point on the baseline draws (unsmoothed; for the error bar only)."""
    l_exp, l_sq = adversary_loglik(draws.e, draws.s, inputs)
    lr = adversary_term(l_exp, l_sq, inputs) + ally_log_target(draws.r, draws.c, inputs)
    if draws.reweigh_prior:  # draws from the prior: the proposal is the (baseline) ally prior
        lr = (
            lr
            - log_beta_pdf(draws.r, base.reliability_prior)
            - log_beta_pdf(draws.c, base.recklessness_prior)
        )
    else:  # posterior draws: the proposal is the baseline posterior
        b_exp, b_sq = adversary_loglik(draws.e, draws.s, base)
        lr = lr - adversary_term(b_exp, b_sq, base) - ally_log_target(draws.r, draws.c, base)
    return np.exp(lr - lr.max())


def _check(tl, catalog, base_post, base_inputs, evaluator, engine, point):
    rw = evaluator.evaluate(point)
    assert rw.path == "reweight"
    if not rw.reliable:
        return None  # the analysis itself would re-sample here: nothing to compare
    scenario, pay, inputs = apply_point(tl, base_inputs, point)
    changed = tl.model_copy(update={"scenario": scenario})
    fresh = assess_signals(changed, catalog, list(changed.signals), seed=FRESH_SEED, engine=engine)
    post = fresh.posterior
    assert fresh.reliable and fresh.payoffs == pay
    eu_fresh = np.array([fresh.decision.option(n).eu_mean for n in OPTION_NAMES])
    u_fresh = utilities(post.flat("p_expansionist"), post.flat("r"), post.flat("c"), pay)
    se_fresh = np.array([post.mcse(u_fresh[:, i]) for i in range(4)])
    draws = PosteriorDraws.for_reweighting(base_post)
    p_base = base_post.flat("p_expansionist")
    u_base = utilities(p_base, base_post.flat("r"), base_post.flat("c"), pay)
    se_base = np.array([base_post.mcse(u_base[:, i]) for i in range(4)])
    w_base = base_post.w
    w_point = _point_weights(
        draws, base_inputs, inputs
    )  # over all prior draws (the fit keeps the heavy ones)
    inflation = np.sqrt(_kish(w_base) / _kish(w_point))
    tol = 4 * np.hypot(se_fresh, se_base * max(inflation, 1.0))
    np.testing.assert_array_less(np.abs(np.array(rw.eu) - eu_fresh), tol)
    tol_p = 4 * np.hypot(
        post.diagnostics.mcse["p_expansionist"], base_post.diagnostics.mcse["p_expansionist"] * inflation
    )
    assert abs(rw.p_expansionist - post.mean("p_expansionist")) < max(tol_p, 0.005)
    if fresh.decision.margin > 2 * float(np.max(tol)):
        assert rw.best == fresh.decision.best
    return rw


@pytest.fixture(scope="module")
def morocco(engine):
    tl, catalog = load_timeline("morocco-1905")  # P(expansionist) ends near 0.5: the coupling matters
    a = assess_signals(tl, catalog, list(tl.signals), seed=SEED, engine=engine)
    assert a.reliable
    return tl, catalog, a


@pytest.mark.parametrize("point", POINTS, ids=lambda p: "+".join(sorted(p)))
def test_reweighted_answers_match_a_rerun_on_the_importance_sample(engine, morocco, point):
    tl, catalog, a = morocco
    assert a.posterior.theta is not None  # the importance engine's prior draws: the evaluator's prior path
    ev = Evaluator(tl, a.inputs, PosteriorDraws.for_reweighting(a.posterior), seed=SEED, resample=False)
    assert _check(tl, catalog, a.posterior, a.inputs, ev, engine, point) is not None


def test_reweighted_answers_match_a_rerun_on_nuts_draws(engine, morocco):
    """The same on equal-weight NUTS draws (the evaluator's other path: per-block PSIS against the posterior)."""
    tl, catalog, a = morocco
    nuts = engine.sample_nuts(a.inputs, seed=SEED)
    assert nuts.diagnostics.reliable and nuts.weights is None
    ev = Evaluator(tl, a.inputs, PosteriorDraws.for_reweighting(nuts), seed=SEED, resample=False)
    checked = [_check(tl, catalog, nuts, a.inputs, ev, engine, point) for point in POINTS]
    assert sum(r is not None for r in checked) >= 3  # most points are within reach of the reweighting


def test_the_couplings_are_payoff_assumptions_on_the_draws_as_they_are(morocco):
    """Moving a coupling changes payoffs only: the draws are reused, and EU is decide's on the changed table."""
    from beliefs.decision.decide import decide
    from beliefs.studies.sensitivity_analysis.assumptions import assumptions

    tl, _, a = morocco
    names = {x.name for x in assumptions(tl, a.payoffs)}
    assert {"offense_cost_slope", "entrapment_factor_expansionist", "entrapment_factor_status_quo"} <= names
    ev = Evaluator(tl, a.inputs, PosteriorDraws.for_reweighting(a.posterior), seed=SEED, resample=False)
    post = a.posterior
    p, r, c = post.flat("p_expansionist"), post.flat("r"), post.flat("c")
    base = ev.evaluate({})
    for name, value in (("provocation_risk", 1.0), ("offense_cost_slope", 2.0), ("entrapment_factor_status_quo", 3.0)):
        res = ev.evaluate({name: value})
        assert res.path == "reuse"
        d = decide(D(p, r, c, w=post.weights), a.payoffs.replace(**{name: value}))
        np.testing.assert_allclose(res.eu, [d.option(n).eu_mean for n in OPTION_NAMES], rtol=0, atol=1e-12)
        assert res.eu != base.eu  # the coupling does move the expected utilities
