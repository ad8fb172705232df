r"""Evaluate the decision at one point of assumption space, reusing posterior draws.

The belief model's posterior factorises into an adversary block
:math:`(e, s)` and an ally block :math:`(r, c)`, which share no prior and no
likelihood term; the utility couples them (the one game) but is linear in
P(expansionist). :mod:`beliefs.studies.sensitivity_analysis.coupled` derives how the two
blocks' importance weights combine into expected utilities under that
utility. Three paths, in order of cost:

``reuse``
    payoffs and alliance costs only: the draws are used as they are.
``reweight``
    priors, ``p0``, ``gamma``, grading weights or the likelihood power change:
    each changed block is reweighted by the ratio of new to old
    (log prior + log likelihood), Pareto-smoothed with ArviZ's
    :func:`models.psis.psis` (ArviZ's ``psislw`` algorithm), and each draw's :math:`P(exp \mid \theta)` is
    recomputed under the new data. Used when every block's weights are
    trusted: k-hat < 0.7, or the raw ratio is bounded, max/min <= 2
    (:data:`RATIO_BOUND`). The second case matters: when almost every draw
    has P(exp | theta) ~ 1, moving ``gamma`` changes the weights by a few
    per cent at most (effective sample size > 99 %) yet the generalised
    Pareto fit to that degenerate tail returns k-hat > 1. A bounded ratio
    has bounded support (true k <= 0) and inflates the Monte Carlo variance
    by at most the bound, so the raw normalised weights are used and the
    k-hat is still reported.
``resample``
    otherwise: the compiled model samples the new inputs
    (``engine.sample(inputs, seed)``) with a seed derived from the base seed
    and the point itself, so the result does not depend on which process or
    in which order the point is evaluated.

The *margin* is EU(baseline best) - max EU(other options): positive while
the baseline recommendation stands, zero where it ties, negative once it has
flipped. It is continuous in every assumption, which root finding needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import betaln, expit, logit

from beliefs.decision.decide import Array
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable
from beliefs.studies.sensitivity_analysis.assumptions import Point, apply_point
from beliefs.studies.sensitivity_analysis.coupled import by_blocks, paired
from beliefs.timeline import Timeline
from models.engine import Engine
from models.posterior import Posterior
from models.psis import psis as pareto_smooth
from models.spec import ModelInputs

#: Pareto k-hat at or above which importance reweighting is not trusted...
KHAT_MAX = 0.7
#: ...unless the importance ratio is bounded by this (max weight / min weight).
RATIO_BOUND = 2.0


@dataclass(frozen=True)
class Draws:
    """Flat posterior draws (chains stacked) of the baseline fit."""

    e: Array  # (n, n_adversary_kinds)
    s: Array
    r: Array  # (n,)
    c: Array
    p: Array  # P(expansionist | theta, data) per draw (unused for prior draws)
    chains: int = 1
    #: True for the importance sampler's prior draws: every point, the baseline
    #: included, weighs each block by its likelihood against the prior.
    prior: bool = False

    @classmethod
    def of(cls, posterior: Posterior) -> Draws:
        """Equal-weight posterior draws (NUTS), or the whole prior sample of an importance fit.

        Weighted draws that are not the prior's (an adapted proposal's) are resampled to
        equal weights first: the prior-draw evaluation weighs them by the likelihood alone.
        """
        th = posterior.theta
        if th is not None:
            return cls(e=th.e, s=th.s, r=th.r, c=th.c, p=np.full(th.n, np.nan), chains=1, prior=True)
        posterior = posterior.resampled(seed=posterior.diagnostics.seed)
        return cls(
            e=posterior.flat("e"),
            s=posterior.flat("s"),
            r=posterior.flat("r"),
            c=posterior.flat("c"),
            p=posterior.flat("p_expansionist"),
            chains=int(posterior.p_expansionist.shape[0]),
        )

    def to_plain(self) -> dict[str, Any]:
        return {
            "e": self.e, "s": self.s, "r": self.r, "c": self.c, "p": self.p,
            "chains": self.chains, "prior": self.prior,
        }  # fmt: skip

    @classmethod
    def from_plain(cls, d: dict[str, Any]) -> Draws:
        arrays = {k: np.asarray(d[k], dtype=float) for k in ("e", "s", "r", "c", "p")}
        return cls(**arrays, chains=int(d["chains"]), prior=bool(d.get("prior", False)))


def adversary_loglik(e: Array, s: Array, inputs: ModelInputs) -> tuple[Array, Array]:
    """Untempered per-draw log-likelihoods of the adversary reports under each type (channels and
    the model-doubt branch included)."""
    from models.likelihood import Theta, adversary_channel_terms, doubt_mixture

    n = e.shape[0]
    l_exp, l_sq, l_u = adversary_channel_terms(Theta(e, s, np.zeros(n), np.zeros(n)), inputs)
    return doubt_mixture(l_exp.sum(axis=1), l_sq.sum(axis=1), l_u.sum(axis=1), float(inputs.model_doubt))


def adversary_term(l_exp: Array, l_sq: Array, inputs: ModelInputs) -> Array:
    """The marginalised, tempered adversary log-likelihood per draw."""
    tau, p0 = inputs.likelihood_power, inputs.p0
    return np.logaddexp(np.log(p0) + tau * l_exp, np.log1p(-p0) + tau * l_sq)


def p_expansionist(l_exp: Array, l_sq: Array, inputs: ModelInputs) -> Array:
    """P(expansionist | theta, data) per draw."""
    return np.asarray(expit(logit(inputs.p0) + inputs.likelihood_power * (l_exp - l_sq)))


def ally_loglik(r: Array, c: Array, inputs: ModelInputs) -> Array:
    """Untempered per-draw log-likelihood of the ally reports."""
    from models.likelihood import Theta
    from models.likelihood import ally_loglik as model_ally_loglik

    k = inputs.catalog.n_adversary
    empty = np.full((r.shape[0], k), 0.5)
    return model_ally_loglik(Theta(empty, empty, r, c), inputs)


def log_beta_pdf(x: Array, ab: tuple[float, float]) -> Array:
    a, b = ab
    return np.asarray((a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x) - betaln(a, b))


def ally_log_target(r: Array, c: Array, inputs: ModelInputs) -> Array:
    """Log prior of (r, c) plus the tempered ally log-likelihood, per draw."""
    return (
        log_beta_pdf(r, inputs.reliability_prior)
        + log_beta_pdf(c, inputs.recklessness_prior)
        + inputs.likelihood_power * ally_loglik(r, c, inputs)
    )


def psis(log_ratio: Array) -> tuple[Array, float, bool]:
    """Normalised importance weights, ArviZ's Pareto k-hat, and whether the weights are trusted.

    Bounded ratios (max/min <= :data:`RATIO_BOUND`) use the raw weights;
    otherwise the Pareto-smoothed ones, trusted when k-hat < :data:`KHAT_MAX`.
    """
    lr = np.asarray(log_ratio, dtype=float)
    lw, k = pareto_smooth(lr)
    if np.ptp(lr) <= np.log(RATIO_BOUND):
        w = np.exp(lr - lr.max())
        return w / w.sum(), float(k), True
    w = np.exp(np.asarray(lw, dtype=float))
    return w / w.sum(), float(k), bool(k < KHAT_MAX)


def point_seed(base_seed: int, point: Point) -> int:
    """A sampler seed derived from the base seed and the point alone (executor-independent)."""
    key = json.dumps({k: float(np.round(v, 12)) for k, v in sorted(point.items())})
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
    return int(np.random.SeedSequence([base_seed, digest]).generate_state(1)[0] % (2**31 - 1))


@dataclass(frozen=True)
class EvalResult:
    """The decision at one point."""

    point: Point
    margin: float  # EU(baseline best) - max EU(others)
    best: str
    p_best: float
    p_expansionist: float
    eu: tuple[float, ...]
    path: str  # reuse | reweight | resample
    khat: float | None
    reliable: bool
    problems: tuple[str, ...] = ()  # the re-sample's sampler diagnostics, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "point": {k: round(v, 6) for k, v in self.point.items()},
            "margin": round(self.margin, 6),
            "best": self.best,
            "p_best": round(self.p_best, 4),
            "p_expansionist": round(self.p_expansionist, 4),
            "expected_utility": dict(zip(OPTION_NAMES, (round(x, 5) for x in self.eu), strict=True)),
            "path": self.path,
            "khat": None if self.khat is None else round(self.khat, 3),
            "reliable": self.reliable,
            "problems": list(self.problems),
        }


def _same(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


class Evaluator:
    """Evaluates points against one baseline fit.

    ``engine`` is called (lazily) to get the compiled engine for re-sampling;
    ``resample=False`` never re-samples (quick mode): a point whose k-hat is
    too high is still reweighted and marked ``reliable=False``.
    """

    def __init__(
        self,
        timeline: Timeline,
        base: ModelInputs,
        draws: Draws,
        *,
        seed: int = 0,
        engine: Callable[[], Engine] | None = None,
        resample: bool = True,
        baseline_reliable: bool = True,
    ):
        self.timeline, self.base, self.draws, self.seed = timeline, base, draws, seed
        self._engine, self.resample, self.baseline_reliable = engine, resample, baseline_reliable
        self.l_exp, self.l_sq = adversary_loglik(draws.e, draws.s, base)
        if draws.prior:
            # Draws from the prior: the proposal of every reweighting is the prior itself.
            self.adv_target_base = adversary_term(self.l_exp, self.l_sq, base)
            self.adv_target = np.zeros(len(draws.r))
            self.ally_target = log_beta_pdf(draws.r, base.reliability_prior) + log_beta_pdf(
                draws.c, base.recklessness_prior
            )
        else:
            self.adv_target = adversary_term(self.l_exp, self.l_sq, base)
            self.ally_target = ally_log_target(draws.r, draws.c, base)
        self.best_index = -1
        self.best_index = OPTION_NAMES.index(self.evaluate({}).best)

    # -- helpers ----------------------------------------------------------------

    def _result(
        self,
        point: Point,
        eu: Array,
        u: Array,
        joint: Array,
        p_exp: float,
        path: str,
        khat: float | None,
        reliable: bool,
    ) -> EvalResult:
        """The result from expected utilities ``eu`` and the sampled pairs' utilities ``u`` (weights ``joint``)."""
        order = np.argsort(-eu, kind="stable")
        best = int(order[0])
        ref = self.best_index if self.best_index >= 0 else best
        margin = float(eu[ref] - np.max(np.delete(eu, ref)))
        winners = np.argmax(u, axis=1)
        return EvalResult(
            point=dict(point),
            margin=margin,
            best=OPTION_NAMES[best],
            p_best=float(joint[winners == best].sum()),
            p_expansionist=p_exp,
            eu=tuple(float(x) for x in eu),
            path=path,
            khat=khat,
            reliable=reliable,
        )

    def _paired(
        self, point: Point, p: Array, r: Array, c: Array, pay: PayoffTable, w: Array | None,
        path: str, khat: float | None, reliable: bool,
    ) -> EvalResult:  # fmt: skip
        """The sampled pairs with one set of weights (the fit's, or a re-sample's), as ``decide`` uses them."""
        return self._result(point, *paired(p, r, c, pay, w), path, khat, reliable)

    def _blocks(
        self, point: Point, p: Array, pay: PayoffTable, w_adv: Array | None, w_ally: Array | None,
        khat: float | None, reliable: bool, joint: Array | None = None,
    ) -> EvalResult:  # fmt: skip
        """Each block with its own weights (:func:`beliefs.studies.sensitivity_analysis.coupled.by_blocks`)."""
        eu, u, pairs, p_bar = by_blocks(p, self.draws.r, self.draws.c, pay, w_adv, w_ally)
        return self._result(point, eu, u, pairs if joint is None else joint, p_bar, "reweight", khat, reliable)

    # -- the evaluation -----------------------------------------------------------

    def evaluate(self, point: Point) -> EvalResult:
        """The decision at ``point`` (assumption name -> value)."""
        _, pay, inputs = apply_point(self.timeline, self.base, point)
        d, b = self.draws, self.base
        adv_changed = not (
            _same(inputs.p0, b.p0)
            and _same(inputs.gamma, b.gamma)
            and _same(inputs.adversary_weight, b.adversary_weight)
            and _same(inputs.channel_rho, b.channel_rho)
            and _same(inputs.likelihood_power, b.likelihood_power)
        )
        ally_changed = not (
            _same(inputs.reliability_prior, b.reliability_prior)
            and _same(inputs.recklessness_prior, b.recklessness_prior)
            and _same(inputs.ally_q, b.ally_q)
            and _same(inputs.likelihood_power, b.likelihood_power)
        )
        if not adv_changed and not ally_changed and not d.prior:
            return self._paired(point, d.p, d.r, d.c, pay, None, "reuse", None, self.baseline_reliable)
        khats: list[float] = []
        trusted = True
        w_adv = w_ally = None
        p = d.p
        if d.prior:
            return self._evaluate_prior(point, inputs, pay, adv_changed, ally_changed)
        if adv_changed:
            l_exp, l_sq = adversary_loglik(d.e, d.s, inputs)
            w_adv, k, ok = psis(adversary_term(l_exp, l_sq, inputs) - self.adv_target)
            khats.append(k)
            trusted = trusted and ok
            p = p_expansionist(l_exp, l_sq, inputs)
        if ally_changed:
            w_ally, k, ok = psis(ally_log_target(d.r, d.c, inputs) - self.ally_target)
            khats.append(k)
            trusted = trusted and ok
        khat = max(khats)
        if trusted or not self.resample:
            return self._blocks(point, p, pay, w_adv, w_ally, khat, self.baseline_reliable and trusted)
        return self._resampled(point, inputs, pay, khat)

    def _evaluate_prior(
        self, point: Point, inputs: ModelInputs, pay: PayoffTable, adv_changed: bool, ally_changed: bool
    ) -> EvalResult:
        """A point on the importance sampler's prior draws.

        Each block's weights are its likelihood against the prior; an unchanged
        block keeps the baseline's joint weights (the fit's own: their marginal
        on that block is its posterior), so a change to one block leaves every
        expectation over the other exactly alone. With no change the sampled
        pairs are used with the fit's weights (the baseline reproduces the
        assessment); P(best) uses the new joint weights.
        """
        d = self.draws
        base_w, base_k = self._prior_baseline()
        khats: list[float] = [] if (adv_changed or ally_changed) else [base_k]
        trusted = bool(base_k < KHAT_MAX)
        adv_lr, ally_lr = self.adv_base, self.ally_base
        w_adv = w_ally = base_w
        p = self.p_base
        if adv_changed:
            l_exp, l_sq = adversary_loglik(d.e, d.s, inputs)
            adv_lr = adversary_term(l_exp, l_sq, inputs)
            w_adv, k, ok = psis(adv_lr)
            khats.append(k)
            trusted = ok
            p = p_expansionist(l_exp, l_sq, inputs)
        if ally_changed:
            ally_lr = ally_log_target(d.r, d.c, inputs) - self.ally_target
            w_ally, k, ok = psis(ally_lr)
            khats.append(k)
            trusted = trusted and ok if adv_changed else ok
        joint = base_w if not (adv_changed or ally_changed) else psis(adv_lr + ally_lr)[0]
        khat = max(khats)
        reliable = self.baseline_reliable and trusted
        if trusted or not self.resample:
            if not (adv_changed or ally_changed):
                return self._paired(point, p, d.r, d.c, pay, base_w, "reuse", khat, reliable)
            return self._blocks(point, p, pay, w_adv, w_ally, khat, reliable, joint=joint)
        return self._resampled(point, inputs, pay, khat)

    def _prior_baseline(self) -> tuple[Array, float]:
        """The baseline fit's joint weights on the prior draws (as the engine computes them)."""
        if not hasattr(self, "_base_w"):
            d, b = self.draws, self.base
            self.adv_base = self.adv_target_base
            self.ally_base = ally_log_target(d.r, d.c, b) - self.ally_target
            self.p_base = p_expansionist(self.l_exp, self.l_sq, b)
            w, k, _ = psis(self.adv_base + self.ally_base)
            self._base_w, self._base_k = w, k
        return self._base_w, self._base_k

    def _resampled(self, point: Point, inputs: ModelInputs, pay: PayoffTable, khat: float) -> EvalResult:
        if self._engine is None:
            from beliefs.runs.assessment import shared_engine

            engine = shared_engine()
        else:
            engine = self._engine()
        post = engine.sample(inputs, seed=point_seed(self.seed, point))
        p, r, c = post.flat("p_expansionist"), post.flat("r"), post.flat("c")
        res = self._paired(point, p, r, c, pay, post.weights, "resample", khat, post.diagnostics.reliable)
        return replace(res, problems=tuple(post.diagnostics.problems))
