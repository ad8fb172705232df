r"""The importance-sampling engine: prior draws weighted by the likelihood, in milliseconds.

Why it works here
-----------------
The model has few parameters per report kind and its prior is proper and
cheap to sample, so for crises of realistic size (10-30 reports) the
posterior is close enough to the prior for self-normalised importance
sampling with the prior as proposal: draw :math:`\theta_i` from the prior,
weight it by :math:`p(\text{data} \mid \theta_i)` (the model's Potentials,
:mod:`models.likelihood`), Pareto-smooth the weights (:mod:`models.psis`).
The Pareto :math:`\hat k` says whether that is reliable: below 0.7 (with an
importance ESS of at least 400) it is. Many reports of one kind concentrate
the posterior of that kind's ``e``, ``s`` far from the prior, and
:math:`\hat k` grows past 0.7 somewhere around 40-50 reports. There the
sampler draws from a proposal adapted to the posterior instead
(:meth:`ImportanceSampler.adapted`, :mod:`models.proposal`: a defensive
mixture of the prior and Beta densities fitted to the weighted draws), judged
by the same rule; only when that fails too does the caller fall back to NUTS
(:class:`models.engine.Engine` does so on its own).

Choices
-------
* ``N`` = 20,000 draws by default: at the bundled timelines' importance ESS
  (a few thousand) the Monte Carlo error of P(expansionist) is ~0.002, and a
  batch costs ~10 ms. When :math:`\hat k` is fine but the ESS falls short of
  400, ``N`` grows (to at most 160,000) in proportion to the shortfall --
  more draws do not lower :math:`\hat k`, they only buy ESS.
* **One prior sample per (catalog, ally priors, N, seed)**, kept for the
  life of the process, and one likelihood column per distinct (kind, grade
  weight, blur) kept with it. A new signal costs one new column at most;
  every posterior over the same sample is a deterministic function of the
  multiset of its reports, so successive replay steps and TUI updates share
  their draws exactly (no jitter; a retraction returns the very same numbers
  as before the signal was added), and sensitivity analysis reweights the
  same draws.
* ``plan(steps, seed)`` fixes ``N`` for a session from all its steps (a
  replay's; each is checked on the default sample in milliseconds), so a
  growing ``N`` does not change the draws mid-replay (up to twice the default;
  a step that needs more grows its own sample, and says so in its diagnostics).
* The lightest draws, together carrying at most 1e-6 of the weight, are not
  handed to the decision layer (:data:`DROP_MASS`): with 70,000 draws and an
  ESS of 400 that leaves a few thousand, and keeps a step fast.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from models import draw_rules as rules
from models import likelihood as lk
from models.montecarlo import mcse_mean
from models.posterior import IS_ESS_MIN, PARETO_K_MAX, Diagnostics, Posterior, judge_importance
from models.proposal import ROUNDS, Coordinates, Proposal, fit_power
from models.psis import importance_ess, normalised_weights, psis
from models.spec import FloatArray, ModelInputs

DEFAULT_DRAWS = 20_000
#: A replay's planned sample is at most this many times the default (see ``plan``).
PLAN_MAX = 2
MAX_DRAWS = 160_000
#: The lightest draws, together carrying at most this share of the weight, are left
#: out of the posterior's draws handed to the decision layer: every weighted mean
#: moves by at most this share of the quantity's range (far below the Monte Carlo
#: error), and with many draws and a low ESS most of the draws go.
DROP_MASS = 1e-6
#: Memory for cached likelihood columns, per prior sample.
COLUMN_BUDGET_BYTES = 96 * 2**20


ColumnKey = tuple[int, float, float, float, float, float]  # (kind, q, blur gamma, reaction, seen, recip)
ChannelKey = tuple[float, tuple[tuple[ColumnKey, int], ...]]  # (rho, its reports' columns and counts)


@dataclass
class PriorSample:
    """One seeded prior sample and what has been computed on it so far.

    Caches, each keyed by what determines it: the likelihood column of each
    distinct adversary report (kind, q, blur) and ally report (kind, q), and
    each reporting channel's contribution ``log p(R_c | T, theta)`` (by its
    letter weight and the multiset of its reports' columns). A new signal thus
    costs one new column and one channel's recombination; the type
    log-likelihoods are sums of cached channel contributions taken in a
    canonical order, so equal signal logs give bit-identical results however
    they were reached (a retraction restores the numbers from before).
    """

    theta: lk.Theta
    adversary: OrderedDict[ColumnKey, tuple[FloatArray, FloatArray]] = field(default_factory=OrderedDict)
    channels: OrderedDict[ChannelKey, tuple[FloatArray, FloatArray, FloatArray, FloatArray]] = field(default_factory=OrderedDict)
    ally: OrderedDict[tuple[int, float, float], FloatArray] = field(default_factory=OrderedDict)
    columns_computed: int = 0

    def _trim(self) -> None:
        per_column = self.theta.n * 8
        caches: list[OrderedDict[Any, Any]] = [self.adversary, self.channels, self.ally]
        sizes = {id(self.adversary): 2, id(self.channels): 4, id(self.ally): 1}
        while sum(len(c) * sizes[id(c)] for c in caches) * per_column > COLUMN_BUDGET_BYTES:
            max(caches, key=len).popitem(last=False)

    def _columns(self, keys: list[ColumnKey], inputs: ModelInputs) -> None:
        missing = [key for key in dict.fromkeys(keys) if key not in self.adversary]
        if missing:
            km = np.array([k[0] for k in missing], dtype=np.int64)
            qm, rm, om, xm = (np.array([k[j] for k in missing]) for j in (1, 3, 4, 5))
            a_exp, a_sq = lk.adversary_columns(self.theta, inputs.catalog, inputs.gamma, km, qm, rm, om, xm)
            for j, key in enumerate(missing):
                self.adversary[key] = (a_exp[:, j].copy(), a_sq[:, j].copy())
            self.columns_computed += len(missing)

    def _channel(self, key: ChannelKey) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """log p(R_c | exp), log p(R_c | sq) and the doubt branch's log-likelihood of the channel at
        the likelier rate (its sum of log u) and at the neutral (:func:`models.likelihood.neutral_rate`)."""
        if key not in self.channels:
            rho, members = key
            cols = [self.adversary[k] for k, _ in members]
            counts = np.array([n for _, n in members], dtype=float)
            a_exp = np.column_stack([c[0] for c in cols])
            a_sq = np.column_stack([c[1] for c in cols])
            sum_u = np.maximum(a_exp, a_sq) @ counts
            l_exp, l_sq = lk.channel_logliks(
                (a_exp @ counts)[:, None], (a_sq @ counts)[:, None], sum_u[:, None], np.array([rho])
            )
            neutral = lk.neutral_rate(l_exp[:, 0], l_sq[:, 0])
            self.channels[key] = (l_exp[:, 0], l_sq[:, 0], sum_u, neutral)
        return self.channels[key]

    def loglik(self, inputs: ModelInputs) -> lk.LogLik:
        """The untempered log-likelihoods of ``inputs``' reports on this sample (equal to
        :func:`models.likelihood.loglik`, up to the order of floating-point sums)."""
        n = self.theta.n
        kinds = np.asarray(inputs.adversary_kind, dtype=np.int64)
        l_exp, l_sq, l_u = np.zeros(n), np.zeros(n), np.zeros(n)
        if kinds.size:
            gamma = float(inputs.gamma)
            keys = [
                (int(k), float(q), gamma, float(b), float(o), float(x))
                for k, q, b, o, x in zip(
                    kinds,
                    inputs.adversary_weight,
                    inputs.adversary_reaction,
                    inputs.adversary_seen,
                    inputs.adversary_recip,
                    strict=True,
                )
            ]
            self._columns(keys, inputs)
            members: dict[int, Counter[ColumnKey]] = {}
            for key, ch in zip(keys, np.asarray(inputs.adversary_channel, dtype=np.int64), strict=True):
                members.setdefault(int(ch), Counter())[key] += 1
            rho = np.asarray(inputs.channel_rho, dtype=float)
            channel_keys = Counter((float(rho[ch]), tuple(sorted(m.items()))) for ch, m in members.items())
            for ckey in sorted(channel_keys):
                c_exp, c_sq, c_likelier, c_neutral = self._channel(ckey)
                c_u = c_neutral if inputs.doubt_rate == "neutral" else c_likelier
                count = channel_keys[ckey]
                l_exp = l_exp + count * c_exp
                l_sq = l_sq + count * c_sq
                l_u = l_u + count * c_u
        kinds_a, qs, seen_a, counts = lk.distinct_reports(inputs.ally_kind, inputs.ally_q, inputs.ally_seen)
        if kinds_a.size:
            akeys = [(int(k), float(q), float(o)) for k, q, o in zip(kinds_a, qs, seen_a, strict=True)]
            amissing = [key for key in akeys if key not in self.ally]
            if amissing:
                cols = lk.ally_columns(
                    self.theta,
                    inputs.catalog,
                    np.array([k[0] for k in amissing]),
                    np.array([k[1] for k in amissing]),
                    np.array([k[2] for k in amissing]),
                )
                for j, akey in enumerate(amissing):
                    self.ally[akey] = cols[:, j].copy()
                self.columns_computed += len(amissing)
            l_ally = np.column_stack([self.ally[k] for k in akeys]) @ counts
        else:
            l_ally = np.zeros(n)
        self._trim()
        return lk.LogLik(l_exp, l_sq, l_ally, l_u, float(inputs.model_doubt), inputs.doubt_rate)


def _carrying(w: FloatArray) -> np.ndarray | None:
    """Indices (in draw order) of the draws that carry all but :data:`DROP_MASS` of the weight;
    None when that is every draw.

    The lightest draws are taken in order of weight (ties by position) while their sum stays
    within :data:`DROP_MASS`; each of them weighs at most that, so only those are sorted.
    """
    light = np.flatnonzero(w <= DROP_MASS)
    light = light[np.argsort(w[light], kind="stable")]
    n_light = int(np.searchsorted(np.cumsum(w[light]), DROP_MASS, side="right"))
    if n_light == 0:
        return None
    keep = np.ones(len(w), dtype=bool)
    keep[light[:n_light]] = False
    return np.flatnonzero(keep)


class ImportanceSampler:
    """Weighted prior draws for any inputs; prior samples and columns cached per process."""

    def __init__(self, n_draws: int = DEFAULT_DRAWS, max_draws: int = MAX_DRAWS, max_samples: int = 4):
        self.n_draws, self.max_draws, self.max_samples = n_draws, max(max_draws, n_draws), max_samples
        self._samples: OrderedDict[tuple[object, ...], PriorSample] = OrderedDict()
        self._planned: dict[tuple[object, ...], int] = {}

    @staticmethod
    def _session(inputs: ModelInputs, seed: int) -> tuple[object, ...]:
        return (
            inputs.catalog.digest(),
            tuple(inputs.reliability_prior),
            tuple(inputs.recklessness_prior),
            seed,
        )

    def prior_sample(self, inputs: ModelInputs, seed: int, n: int) -> PriorSample:
        key = (*self._session(inputs, seed), n)
        if key not in self._samples:
            theta = lk.sample_prior(
                inputs.catalog, inputs.reliability_prior, inputs.recklessness_prior, n, seed
            )
            self._samples[key] = PriorSample(theta)
            while len(self._samples) > self.max_samples:
                self._samples.popitem(last=False)
        self._samples.move_to_end(key)
        return self._samples[key]

    def draws_for(self, inputs: ModelInputs, seed: int) -> int:
        """How many prior draws the session of (inputs' catalog and ally priors, seed) uses."""
        return self._planned.get(self._session(inputs, seed), self.n_draws)

    def plan(self, steps: ModelInputs | Sequence[ModelInputs], seed: int = 0) -> int:
        """Fix one N for a session's ``steps`` (a replay's), so that every step shares the same draws.

        Each step's Pareto k and ESS are read off the default-size sample (a few
        milliseconds each: the columns are cached); N is the largest any step
        with k < :data:`~models.draw_rules.K_GROW` needs for an ESS of 400 (steps with a larger k go
        to the adapted proposal first, so they do not count), capped at :data:`PLAN_MAX`
        times the default: every step pays for N, and a step that needs more
        still grows its own sample (its diagnostics show its N).
        """
        steps = [steps] if isinstance(steps, ModelInputs) else list(steps)
        if not steps:
            return self.n_draws
        session = self._session(steps[0], seed)
        self._planned.pop(session, None)
        n = self.n_draws
        sample = self.prior_sample(steps[0], seed, n)
        need = n
        for inputs in steps:
            ll = sample.loglik(inputs)
            log_w, k = psis(ll.total(inputs.p0, inputs.likelihood_power))
            ess = importance_ess(normalised_weights(log_w))
            if np.isfinite(k) and k < rules.K_GROW and ess < IS_ESS_MIN:
                need = max(need, rules.grown(n, ess, PLAN_MAX * n))
        self._planned[session] = need
        return need

    def sample(self, inputs: ModelInputs, seed: int = 0) -> Posterior:
        """The importance-sampling posterior of ``inputs`` (check ``diagnostics.reliable``).

        From the prior first, its sample grown while k < :data:`~models.draw_rules.K_GROW` and
        the ESS is short. When that is not reliable, or is with a larger k and a small ESS
        (:func:`~models.draw_rules.settled`), from a proposal adapted to the posterior
        (:mod:`models.proposal`, see :meth:`adapted`), if that does better; otherwise the
        prior's sample grows while k < 0.7.
        """
        start = time.perf_counter()
        session = self._session(inputs, seed)
        n = self.draws_for(inputs, seed)
        post, n = self._grown_prior(inputs, seed, n, start, rules.K_GROW)
        if post.diagnostics.reliable and rules.settled(post, self.n_draws):
            self._note_planned(session, n)
            return post
        adapted = self.adapted(inputs, seed, start)
        better = not post.diagnostics.reliable or rules.quality(adapted) > rules.quality(post)
        if adapted.diagnostics.reliable and better:
            self._note_planned(session, n)
            return adapted
        if rules.grows(post, n, self.max_draws, PARETO_K_MAX):  # the adapted proposal did no better
            post, n = self._grown_prior(inputs, seed, n, start, PARETO_K_MAX)
        self._note_planned(session, n)
        if post.diagnostics.reliable:
            return post
        k, k_adapted = post.diagnostics.pareto_k or 0.0, adapted.diagnostics.pareto_k
        if adapted.diagnostics.reliable or not np.isfinite(k) or (k_adapted is not None and k_adapted < k):
            return adapted
        return post

    def _grown_prior(
        self, inputs: ModelInputs, seed: int, n: int, start: float, k_max: float
    ) -> tuple[Posterior, int]:
        """The prior's posterior at ``n`` draws, grown while k < ``k_max`` and the ESS < 400."""
        while True:
            sample = self.prior_sample(inputs, seed, n)
            ll = sample.loglik(inputs)
            post = self._posterior(
                sample.theta, ll, ll.total(inputs.p0, inputs.likelihood_power), inputs, seed, start
            )
            if not rules.grows(post, n, self.max_draws, k_max):
                return post, n
            n = rules.grown(n, post.diagnostics.ess or 0.0, self.max_draws)

    def _note_planned(self, session: tuple[object, ...], n: int) -> None:
        if session not in self._planned or self._planned[session] < n:
            self._planned[session] = n

    def adapted(self, inputs: ModelInputs, seed: int = 0, start: float | None = None) -> Posterior:
        """The posterior of ``inputs`` by importance sampling from an adapted proposal.

        The proposal is fitted to the default-size prior sample of the session, weighted by
        the likelihood (its columns are cached), then refitted to its own weighted draws, for
        at most :data:`models.proposal.ROUNDS` rounds, until a round is reliable with an ESS of
        at least :data:`~models.draw_rules.SETTLED_ESS_SHARE` of its draws; the best round is kept
        (:func:`~models.draw_rules.quality`).
        With too few effective draws a fit is to a tempered posterior (:func:`fit_power`). Each
        round draws :attr:`n_draws` from a seeded stream of its own; the prior's draws supply
        the coordinates the data do not inform. The result depends on (inputs, seed) alone.
        """
        start = time.perf_counter() if start is None else start
        p0, tau = inputs.p0, inputs.likelihood_power
        pilot = self.prior_sample(inputs, seed, self.n_draws)
        coords = Coordinates.of(inputs)
        prior = coords.prior(inputs)
        x, ll, log_r = coords.pack(pilot.theta), pilot.loglik(inputs), np.zeros(self.n_draws)
        best: Posterior | None = None
        for round_ in range(1, ROUNDS + 1):
            beta = fit_power(ll, log_r, p0, tau)
            w = normalised_weights(psis(ll.total(p0, tau * beta) + log_r)[0])
            proposal = Proposal.fitted(x, w, ll.p_expansionist(p0, tau * beta), prior, ll.kept_shares())
            x = proposal.draw(np.random.default_rng([seed, round_]), self.n_draws)
            theta = coords.unpack(x, pilot.theta)
            ll, log_r = lk.loglik(theta, inputs), proposal.log_prior_ratio(x)
            post = self._posterior(
                theta, ll, ll.total(p0, tau) + log_r, inputs, seed, start, proposal="adapted"
            )
            best = post if best is None or rules.quality(post) > rules.quality(best) else best
            if post.diagnostics.reliable and rules.ample(post, self.n_draws):
                break
        assert best is not None
        return replace(best, diagnostics=replace(best.diagnostics, seconds=time.perf_counter() - start))

    def _posterior(
        self,
        theta: lk.Theta,
        ll: lk.LogLik,
        log_ratio: FloatArray,
        inputs: ModelInputs,
        seed: int,
        start: float,
        proposal: str = "prior",
    ) -> Posterior:
        p0, tau = inputs.p0, inputs.likelihood_power
        log_w, k = psis(log_ratio)
        w = normalised_weights(log_w)
        ess = importance_ess(w)
        th = theta
        # P(exp | theta) below 1e-200 is 0 for every purpose, and keeps products finite and normal.
        p = np.maximum(ll.p_expansionist(p0, tau), 1e-200)
        r, c, e, s = th.r, th.c, th.e, th.s
        keep = _carrying(w)
        if keep is not None:
            w = w[keep] / w[keep].sum()
            # np.take: the same rows as e[keep], copied about twice as fast (the warm update's budget)
            p, r, c, e, s = p[keep], r[keep], c[keep], np.take(e, keep, axis=0), np.take(s, keep, axis=0)
        mcse = {name: float(mcse_mean(x, weights=w)) for name, x in (("p_expansionist", p), ("r", r), ("c", c))}
        n = len(p)
        diag = Diagnostics(
            sampler="importance",
            chains=1,
            draws=th.n,
            tune=0,
            seed=seed,
            r_hat_max=float("nan"),
            ess_bulk_min=ess,
            divergences=0,
            mcse=mcse,
            seconds=time.perf_counter() - start,
            problems=judge_importance(k, ess),
            method="importance",
            pareto_k=k,
            ess=ess,
            proposal=proposal,
        )
        return Posterior(
            p_expansionist=p.reshape(1, n),
            r=r.reshape(1, n),
            c=c.reshape(1, n),
            e=e.reshape(1, n, -1),
            s=s.reshape(1, n, -1),
            diagnostics=diag,
            weights=w,
            # The prior draws (reweighted by sensitivity analysis); draws from another proposal are not.
            theta=th if proposal == "prior" else None,
            loglik=ll,
            kept=keep,
        )
