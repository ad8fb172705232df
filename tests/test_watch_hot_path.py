"""The watch list's hot path (issue 26, speed) computes the same numbers as the formulas it replaces.

* The per-kind closed form of the preposterior (:func:`beliefs.decision.preposterior.kind_outcomes`)
  against the general formula (:func:`~beliefs.decision.preposterior.report_outcomes`, written as
  the module's docstring states it), with and without model doubt, for any draws, kinds and prior.
* The whole watch list (every entry's EVSI, its MCSE and the best option after each outcome)
  against a slow computation from the definition: per kind and outcome, the expected utility of
  every option after the outcome from the general formula's arrays, the best one, and the per-draw
  gains' Monte Carlo error from :func:`models.montecarlo.mcse_mean` on whole columns.
* An importance-sampling posterior's draws held as their whole prior sample, the left-out draws at
  weight zero (:class:`beliefs.decision.draws.PosteriorDraws`), give the decision and the watch list
  of the kept draws alone.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beliefs.catalog import Catalog, load_catalog
from beliefs.decision.decide import decide
from beliefs.decision.draws import PosteriorDraws, Utilities
from beliefs.decision.evsi import evsi_by_kind
from beliefs.decision.game import break_even
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable, resolve_payoffs
from beliefs.decision.preposterior import ReportRates, kind_outcomes, report_outcomes
from beliefs.runs.assessment import assess_signals
from beliefs.timeline import load_timeline
from models import likelihood as lk
from models.importance import ImportanceSampler
from models.montecarlo import mcse_mean

CATALOG = load_catalog()


def _loglik(rng: np.random.Generator, n: int, doubt: float, rate: str = "likelier") -> lk.LogLik:
    l_exp, l_sq = rng.normal(-6.0, 3.0, n), rng.normal(-6.0, 3.0, n)
    # At the neutral rate the branch's likelihood may lie above or below the types'; the likelier bounds both.
    bound = np.maximum(l_exp, l_sq) + rng.exponential(1.0, n)
    l_u = rng.normal(-6.0, 3.0, n) if rate == "neutral" else bound
    return lk.LogLik(l_exp, l_sq, np.zeros(n), l_u, doubt, rate)


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([1, 7, 300]),
    k=st.integers(1, 31),
    p0=st.floats(0.01, 0.99),
    doubt=st.sampled_from([0.0, 0.001, 0.1, 0.5]),
    rate=st.sampled_from(["likelier", "neutral"]),
)
def test_the_closed_form_per_kind_equals_the_general_formula(
    seed: int, n: int, k: int, p0: float, doubt: float, rate: str
) -> None:
    rng = np.random.default_rng(seed)
    e, s = rng.uniform(0.01, 0.99, (n, k)), rng.uniform(0.01, 0.99, (n, k))
    ll = _loglik(rng, n, doubt, rate)
    p = ll.p_expansionist(p0)
    w = rng.exponential(1.0, n)
    w /= w.sum()
    rates = ReportRates.of(e, s, 0.0, [])
    seen, unseen = report_outcomes(p, e, s, w, ll, p0)
    if rate == "neutral":  # the branch's rate is a distribution: the two outcomes' m sum to one, scales 1
        np.testing.assert_allclose(seen[0] + unseen[0], 1.0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.concatenate([seen[2], unseen[2]]), 1.0, rtol=1e-12)
    fast = kind_outcomes(p, rates, w, ll, p0)
    w_gap, w_sq = rng.normal(size=(4, n)), rng.normal(size=(4, n))
    fast.weigh(w_gap, w_sq)
    out = np.empty((4, n))
    for j in range(k):
        values = fast.values(j, out)
        fast.fill(j, out)
        want = [seen[1][:, j], seen[0][:, j], unseen[1][:, j], unseen[0][:, j]]
        np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-13)
        sums = [w_gap @ pe[:, j] + w_sq @ m[:, j] for m, pe, _ in (seen, unseen)]
        np.testing.assert_allclose(values, sums, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(fast.scales(j, out), (seen[2][j], unseen[2][j]), rtol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([5, 211]), k=st.integers(1, 12))
def test_the_blurred_rates_equal_their_column_wise_definition(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    e, s = rng.uniform(0.01, 0.99, (n, k)), rng.uniform(0.01, 0.99, (n, k))
    military = sorted(rng.choice(k, size=rng.integers(1, k + 1), replace=False).tolist())
    want = s.copy()
    want[:, military] += 0.4 * (e[:, military] - s[:, military])
    rates = ReportRates.of(e, s, 0.4, military)
    np.testing.assert_allclose(rates.x_sq.T, want, rtol=1e-15, atol=1e-16)
    np.testing.assert_array_equal(rates.x_exp.T, e)
    np.testing.assert_array_equal(rates.top, np.maximum(rates.x_exp, rates.x_sq))
    np.testing.assert_array_equal(rates.gap, np.abs(rates.x_exp - rates.x_sq))
    np.testing.assert_allclose(rates.mid, 0.5 * (rates.x_exp + rates.x_sq), rtol=1e-15)


def _slow_watch(
    catalog: Catalog, draws: PosteriorDraws, gamma: float, pay: PayoffTable
) -> dict[str, tuple[float, float, int, int]]:
    """Per kind: EVSI, its MCSE and the best option after each outcome, from the definition.

    EVSI = sum_o P(o) [EU_best(o)(after o) - EU_now(after o)], with P(o) EU_a(after o) =
    c_o sum_i w_i (pe_o,i X_exp,a,i + (m_o,i - pe_o,i) X_sq,a,i) read off the general formula.
    """
    util = Utilities.of(dataclasses.replace(draws, prior=None), pay)
    w = draws.wn
    a_now = int(np.argmax(util.eu))
    mil = [i for i, k in enumerate(catalog.adversary) if k.military]
    s_eff = draws.s.copy()
    s_eff[:, mil] = draws.s[:, mil] + gamma * (draws.e[:, mil] - draws.s[:, mil])
    per_outcome = report_outcomes(draws.p, draws.e, s_eff, w, draws.loglik, draws.p0, draws.tau)
    out = {}
    for j, kind in enumerate(catalog.adversary):
        value, d, best = 0.0, np.zeros(draws.n), []
        for m, pe, c in per_outcome:
            u_after = pe[:, [j]] * util.x_exp + (m[:, [j]] - pe[:, [j]]) * util.x_sq  # (n, 4), times m
            eu = c[j] * (w @ u_after)  # P(o) x EU of each option after o
            a = int(np.argmax(eu))
            best.append(a)
            value += eu[a] - eu[a_now]
            d += c[j] * (u_after[:, a] - u_after[:, a_now])
        mcse = float(mcse_mean(d, draws.chains, weights=draws.w)) if best != [a_now, a_now] else 0.0
        out[kind.id] = (max(value, 0.0) if best != [a_now, a_now] else 0.0, mcse, best[0], best[1])
    for rule in catalog.ally:  # P(seen | draw) = 0.5 + direction delta (x - 0.5), x the rule's axis
        x = draws.r if rule.axis == "reliability" else draws.c
        seen = 0.5 + rule.direction * rule.delta * (x - 0.5)
        value, d, best = 0.0, np.zeros(draws.n), []
        for prob in (seen, 1.0 - seen):
            eu = w @ (prob[:, None] * util.u)
            a = int(np.argmax(eu))
            best.append(a)
            value += eu[a] - eu[a_now]
            d += prob * (util.u[:, a] - util.u[:, a_now])
        mcse = float(mcse_mean(d, draws.chains, weights=draws.w)) if best != [a_now, a_now] else 0.0
        out[rule.id] = (max(value, 0.0) if best != [a_now, a_now] else 0.0, mcse, best[0], best[1])
    return out


def _check_watch(catalog: Catalog, draws: PosteriorDraws, gamma: float, pay: PayoffTable) -> None:
    want = _slow_watch(catalog, draws, gamma, pay)
    got = {w.kind: w for w in evsi_by_kind(catalog, draws, gamma, pay)}
    assert got.keys() == want.keys()
    for kind, (value, mcse, a_s, a_u) in want.items():
        item = got[kind]
        assert item.evsi == pytest.approx(value, abs=1e-12), kind
        assert item.evsi_mcse == pytest.approx(mcse, abs=1e-12), kind
        assert (item.if_seen, item.if_not_seen) == (OPTION_NAMES[a_s], OPTION_NAMES[a_u]), kind


def _random_draws(seed: int, doubt: float, tau: float, chains: int | None) -> PosteriorDraws:
    """Draws near the break-even (so that reports can change the action): weighted (``chains``
    None) or equal-weight MCMC draws of 1 or 2 chains."""
    rng = np.random.default_rng(seed)
    n, k = 400, len(CATALOG.adversary)
    e, s = rng.beta(2, 2, (n, k)), rng.beta(2, 3, (n, k))
    r, c = rng.beta(2, 2, n), rng.beta(2, 2, n)
    l_exp = rng.normal(-6.0, 0.5, n)
    l_sq = l_exp + rng.normal(0.0, 0.3, n)
    ll = lk.LogLik(l_exp, l_sq, np.zeros(n), np.maximum(l_exp, l_sq) + rng.exponential(1.0, n), doubt)
    even = PosteriorDraws.of_arrays(np.full(n, 0.5), r, c)
    util = Utilities.of(even, PayoffTable())
    p0 = float(
        np.clip(break_even(even.wn @ util.x_exp, even.wn @ util.x_sq, 0.5) + rng.normal(0, 0.02), 0.05, 0.95)
    )
    w = None
    if chains is None:
        w = rng.exponential(1.0, n)
        w /= w.sum()
    p = np.maximum(ll.p_expansionist(p0, tau), 1e-200)
    return PosteriorDraws(
        p, r, c, e, s, w=w, chains=chains or 1, loglik=ll if doubt else None, p0=p0, tau=tau
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    doubt=st.sampled_from([0.0, 0.05, 0.3]),
    tau=st.sampled_from([1.0, 0.6]),
    chains=st.sampled_from([None, 1, 2]),
)
def test_the_watch_list_equals_the_slow_computation_from_its_definition(
    seed: int, doubt: float, tau: float, chains: int | None
) -> None:
    _check_watch(CATALOG, _random_draws(seed, doubt, tau, chains), 0.4, PayoffTable())


@pytest.mark.parametrize(
    ("doubt", "tau", "chains"), [(0.0, 1.0, None), (0.3, 1.0, None), (0.3, 0.6, None), (0.3, 1.0, 2)]
)
def test_most_kinds_can_change_the_action_in_the_random_draws(
    doubt: float, tau: float, chains: int | None
) -> None:
    """The comparison above is not vacuous: in these draws most reports could change the action."""
    draws = _random_draws(0, doubt, tau, chains)
    watch = evsi_by_kind(CATALOG, draws, 0.4, PayoffTable())
    assert sum(w.evsi > 0 and w.evsi_mcse > 0 for w in watch if w.about == "adversary") >= 10
    _check_watch(CATALOG, draws, 0.4, PayoffTable())


@pytest.fixture(scope="module")
def july():
    tl, cat = load_timeline("july-1914")
    engine = ImportanceSampler()
    steps = [assess_signals(tl, cat, list(tl.signals[:i]), engine=engine) for i in (3, 14, len(tl.signals))]  # type: ignore[arg-type]
    return tl, cat, steps


def test_the_bundled_timelines_watch_list_equals_the_slow_computation(july) -> None:
    tl, cat, steps = july
    pay = resolve_payoffs(tl.scenario, tl.payoffs)
    for a in steps:
        _check_watch(cat, PosteriorDraws.of(a.posterior, a.inputs), a.inputs.gamma, pay)
    # Not vacuous: after 3 signals most ally and adversary reports could change the action.
    first = evsi_by_kind(
        cat, PosteriorDraws.of(steps[0].posterior, steps[0].inputs), steps[0].inputs.gamma, pay
    )
    assert sum(w.evsi > 0 for w in first if w.about == "ally") >= len(cat.ally) - 2
    assert sum(w.evsi > 0 for w in first if w.about == "adversary") >= 10


def test_the_whole_prior_sample_at_zero_weight_decides_as_the_kept_draws(july) -> None:
    """The importance sampler leaves out its lightest draws; the decision layer holds its whole prior
    sample with those at weight zero: the decision and the watch list are the kept draws' own."""
    tl, cat, steps = july
    pay = resolve_payoffs(tl.scenario, tl.payoffs)
    a = steps[-1]
    post = a.posterior
    assert post.kept is not None and post.theta is not None and len(post.kept) < post.theta.n
    whole = PosteriorDraws.of(post, a.inputs)
    assert whole.prior is post.theta and whole.n == post.theta.n
    kept = PosteriorDraws(
        post.flat("p_expansionist"),
        post.flat("r"),
        post.flat("c"),
        post.flat("e"),
        post.flat("s"),
        w=post.weights,
        loglik=post.loglik_for(a.inputs),
        p0=a.inputs.p0,
        tau=a.inputs.likelihood_power,
    )
    got, want = decide(whole, pay).to_json(), decide(kept, pay).to_json()
    for opt_got, opt_want in zip(got["options"], want["options"], strict=True):
        assert opt_got["expected_utility"]["hdi_90"] == opt_want["expected_utility"]["hdi_90"]
    exact = {w.kind: w for w in evsi_by_kind(cat, kept, a.inputs.gamma, pay)}
    for item in evsi_by_kind(cat, whole, a.inputs.gamma, pay):
        assert item.evsi == pytest.approx(exact[item.kind].evsi, abs=1e-12)
        assert item.evsi_mcse == pytest.approx(exact[item.kind].evsi_mcse, abs=1e-12)
        assert item.changes == exact[item.kind].changes
    d_whole, d_kept = decide(whole, pay), decide(kept, pay)
    for name in ("margin", "margin_mcse", "evpi", "evpi_type", "p_best"):
        assert getattr(d_whole, name) == pytest.approx(getattr(d_kept, name), abs=1e-12), name
    for o_whole, o_kept in zip(d_whole.options, d_kept.options, strict=True):
        assert o_whole.eu_hdi == pytest.approx(o_kept.eu_hdi, abs=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([2, 9, 4099, 20_000]), k=st.integers(1, 9))
def test_weighted_mcse_of_columns_equals_the_mcse_of_each_column(seed: int, n: int, k: int) -> None:
    """models.montecarlo.mcse_mean on a (draws x columns) array, block by block, against each column alone."""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(n, k)) * rng.uniform(0.0, 3.0, k), rng.exponential(1.0, n)
    x[:, 0] = 0.0
    want = [float(mcse_mean(x[:, j], weights=w)) for j in range(k)]
    np.testing.assert_allclose(mcse_mean(x, weights=w), want, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(mcse_mean(np.asfortranarray(x), weights=w), want, rtol=1e-10, atol=1e-15)


def test_a_sample_mostly_left_out_is_held_as_its_kept_draws(july) -> None:
    """A grown sample with a low ESS keeps few of its draws: the decision layer then reads those."""
    tl, cat, steps = july
    a = steps[-1]
    post, th = a.posterior, a.posterior.theta
    keep = np.arange(0, th.n, 3)
    w = np.random.default_rng(0).exponential(1.0, len(keep))
    p = post.loglik.p_expansionist(a.inputs.p0)[keep]
    sparse = dataclasses.replace(
        post,
        p_expansionist=p[None],
        r=th.r[keep][None],
        c=th.c[keep][None],
        e=th.e[keep][None],
        s=th.s[keep][None],
        weights=w / w.sum(),
        kept=keep,
    )
    draws = PosteriorDraws.of(sparse, a.inputs)
    assert draws.prior is None and draws.n == len(keep)
    np.testing.assert_array_equal(draws.e, th.e[keep])
    _check_watch(cat, draws, a.inputs.gamma, resolve_payoffs(tl.scenario, tl.payoffs))
