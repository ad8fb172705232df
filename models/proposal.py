r"""An importance proposal adapted to the posterior, for the steps where the prior is too wide.

Many reports of a few kinds concentrate the posterior of those kinds' ``e``,
``s`` (and, with ally reports, ``r``, ``c``) far inside the prior, and the prior
as proposal then wastes almost every draw: its Pareto :math:`\hat k` passes 0.7
somewhere around 40-50 reports (:mod:`models.importance`). This module fits a
better proposal to the weighted draws already at hand and lets the importance
sampler draw from it instead, so such posteriors need neither PyMC nor NUTS.

The proposal
------------
Only the *informed* coordinates are adapted: ``e_k``, ``s_k`` of the adversary
kinds that some report is of, ``r`` when an ally report bears on reliability,
``c`` when one bears on recklessness. Every other coordinate keeps its prior
(its posterior *is* its prior), so it cancels from the importance ratio and is
taken, unchanged, from the prior sample the fit started from.

On the informed coordinates the proposal is a defensive mixture (Owen & Zhou
2000; Hesterberg 1995) of

* the prior, with weight :data:`DEFENSIVE` (so the ratio prior/proposal is
  bounded by 1/DEFENSIVE: no draw can carry an unbounded weight), and
* one product of Beta densities per adversary type, expansionist and status
  quo, each weighted by the type's posterior probability. The posterior is a
  mixture over the type (the reports mean one thing under each), so each
  component is moment-matched to the draws weighted by ``w_i P(T | theta_i)``:
  per coordinate a Beta with the weighted mean and :data:`WIDEN` times the
  weighted variance (wider than the target, as a proposal must be; Vehtari
  et al., *Pareto smoothed importance sampling*, JMLR 2024, section 3).
  Each such component gets at least :data:`MIN_COMPONENT_SHARE` of the fitted
  draws: the rarer type's mass *is* the probability the tool reports, and
  proportional allocation would estimate it from a few hundred draws.

Draws are allocated to the components deterministically (in proportion to
their weights, the deterministic-mixture estimator of Owen & Zhou) and weighed by
:math:`p(\text{data} \mid \theta)\,p(\theta) / q(\theta)`, all densities in
closed form. Refitting to the new weighted draws and drawing again is one round
of population Monte Carlo (Cappé, Guillin, Marin & Robert 2004); the sampler
does at most :data:`ROUNDS`. When the draws at hand carry fewer than
:data:`FIT_ESS` effective draws for the posterior (the prior's, 100 reports
on), a fit to them would follow a handful of draws: the fit is then to a
tempered posterior, the likelihood to the largest power that keeps that ESS
(annealed importance sampling; Neal 2001), and the next round gets closer.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import lgamma

import numpy as np

from models import likelihood as lk
from models.psis import importance_ess, normalised_weights
from models.spec import FloatArray, IntArray, ModelInputs

#: The prior's share of the mixture (the defensive component).
DEFENSIVE = 0.2
#: The proposal's variance per coordinate, as a multiple of the weighted posterior variance.
WIDEN = 1.1
#: How many times a proposal is fitted and drawn from, at most, before the caller gives up.
ROUNDS = 5
#: The importance ESS a proposal is fitted to: with fewer effective draws for the posterior, the
#: fit is to a tempered posterior (likelihood to a power below 1) that has them.
FIT_ESS = 200
#: A type whose posterior probability is below this gets no component of its own (the prior covers it).
MIN_TYPE_MASS = 1e-3
#: The least share of the fitted (non-defensive) draws each component gets, whatever its mass: the
#: rarer type's mass is what P(expansionist) is, and a component of a few hundred draws estimates
#: it roughly (balanced allocation; measured in benchmarks/engine_accuracy.py).
MIN_COMPONENT_SHARE = 0.25


def _lbeta(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.array([lgamma(x) + lgamma(y) - lgamma(x + y) for x, y in zip(a, b, strict=True)])


@dataclass(frozen=True)
class BetaProduct:
    """Independent Beta(a_d, b_d) densities, one per coordinate."""

    a: FloatArray
    b: FloatArray

    def logpdf(self, x: FloatArray, logs: tuple[FloatArray, FloatArray] | None = None) -> FloatArray:
        """Log density of each row of ``x`` (N, D); ``logs``: log x and log(1 - x), when at hand."""
        log_x, log_1mx = (np.log(x), np.log1p(-x)) if logs is None else logs
        out: FloatArray = (log_x @ (self.a - 1.0)) + (log_1mx @ (self.b - 1.0)) - _lbeta(self.a, self.b).sum()
        return out

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        out: FloatArray = rng.beta(self.a, self.b, size=(n, len(self.a)))
        return out

    @classmethod
    def matched(cls, x: FloatArray, w: FloatArray, widen: float) -> BetaProduct:
        """Per coordinate, the Beta with the weighted mean of ``x`` and ``widen`` times its variance."""
        w = w / w.sum()
        m = np.clip(w @ x, 1e-6, 1.0 - 1e-6)
        v = widen * (w @ (x - m) ** 2)
        # A Beta's variance is below m (1 - m); keep its shape parameters above 1/2 at the widest.
        v = np.clip(v, 1e-12, m * (1.0 - m) / 1.5)
        total = m * (1.0 - m) / v - 1.0
        return cls(m * total, (1.0 - m) * total)


@dataclass(frozen=True)
class Coordinates:
    """Which parameters the data inform: the adversary kinds reported, and whether r and c are."""

    kinds: IntArray
    r: bool
    c: bool

    @classmethod
    def of(cls, inputs: ModelInputs) -> Coordinates:
        kinds = np.unique(np.asarray(inputs.adversary_kind, dtype=np.int64))
        axis = np.asarray(inputs.catalog.ally_axis)[np.asarray(inputs.ally_kind, dtype=np.int64)]
        return cls(kinds, bool(np.any(axis == 0.0)), bool(np.any(axis == 1.0)))

    def pack(self, theta: lk.Theta) -> FloatArray:
        """The informed coordinates of each draw, (N, D): e of the kinds, s of the kinds, then r, c."""
        cols = [theta.e[:, self.kinds], theta.s[:, self.kinds]]
        cols += [theta.r[:, None]] if self.r else []
        cols += [theta.c[:, None]] if self.c else []
        return np.concatenate(cols, axis=1)

    def unpack(self, x: FloatArray, rest: lk.Theta) -> lk.Theta:
        """``rest``'s draws with the informed coordinates replaced by ``x``'s."""
        k = len(self.kinds)
        e, s = rest.e.copy(), rest.s.copy()
        e[:, self.kinds], s[:, self.kinds] = x[:, :k], x[:, k : 2 * k]
        j = 2 * k
        r = x[:, j] if self.r else rest.r
        c = x[:, j + self.r] if self.c else rest.c
        return lk.Theta(e, s, r, c)

    def prior(self, inputs: ModelInputs) -> BetaProduct:
        """The prior of the informed coordinates."""
        cat = inputs.catalog
        a = [cat.alpha_e[self.kinds], cat.alpha_s[self.kinds]]
        b = [cat.beta_e[self.kinds], cat.beta_s[self.kinds]]
        for flag, (alpha, beta) in ((self.r, inputs.reliability_prior), (self.c, inputs.recklessness_prior)):
            if flag:
                a.append(np.array([alpha], dtype=float))
                b.append(np.array([beta], dtype=float))
        return BetaProduct(np.concatenate(a).astype(float), np.concatenate(b).astype(float))


def floored(mass: FloatArray, floor: float) -> FloatArray:
    """Shares in proportion to ``mass``, except that none is below ``floor`` (equal shares when
    ``floor`` times their number is 1 or more); they sum to 1."""
    n = len(mass)
    if n == 0:
        return np.zeros(0)
    if floor * n >= 1.0:
        return np.full(n, 1.0 / n)
    share = mass / mass.sum()
    fixed = np.zeros(n, dtype=bool)
    while np.any(low := ~fixed & (share < floor)):
        fixed |= low
        share = np.where(fixed, floor, share * (1.0 - floor * fixed.sum()) / share[~fixed].sum())
    out: FloatArray = share
    return out


@dataclass(frozen=True)
class Proposal:
    """A mixture of Beta products on the informed coordinates; the first component is the prior."""

    components: tuple[BetaProduct, ...]
    weights: FloatArray

    @classmethod
    def fitted(
        cls, x: FloatArray, w: FloatArray, p_exp: FloatArray, prior: BetaProduct, kept: FloatArray | None = None
    ) -> Proposal:
        """The defensive mixture fitted to draws ``x`` with weights ``w`` and P(exp | theta) ``p_exp``.

        With model doubt, ``kept`` (2, n) is each type's share outside the doubt branch
        (:meth:`models.likelihood.LogLik.kept_shares`): the branch's draws, which fit neither type
        and may lie apart from both, get a component of their own, so that a small mass there
        (or in the rarer type) is not left to the defensive prior alone.
        """
        components, masses = [prior], []
        shares = [p_exp, 1.0 - p_exp]
        if kept is not None:
            shares = [p_exp * kept[0], (1.0 - p_exp) * kept[1]]
            shares.append(p_exp * (1.0 - kept[0]) + (1.0 - p_exp) * (1.0 - kept[1]))
        for share in shares:
            wt = w * share
            mass = float(wt.sum() / w.sum())
            if mass >= MIN_TYPE_MASS:
                components.append(BetaProduct.matched(x, wt, WIDEN))
                masses.append(mass)
        out = np.concatenate([[DEFENSIVE], (1.0 - DEFENSIVE) * floored(np.array(masses), MIN_COMPONENT_SHARE)])
        return cls(tuple(components), out / out.sum())

    def counts(self, n: int) -> IntArray:
        """Draws per component, in proportion to the weights (largest remainders), summing to ``n``."""
        raw = self.weights * n
        counts = np.floor(raw).astype(np.int64)
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[: n - int(counts.sum())]] += 1
        return counts

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        parts = [comp.draw(rng, k) for comp, k in zip(self.components, self.counts(n), strict=True)]
        tiny = np.finfo(float).tiny
        return np.clip(np.concatenate(parts, axis=0), tiny, 1.0 - 1e-16)

    def log_prior_ratio(self, x: FloatArray) -> FloatArray:
        """log prior(x) - log proposal(x) per row (the prior is the first component)."""
        both = (np.log(x), np.log1p(-x))
        logs = np.stack([comp.logpdf(x, both) for comp in self.components], axis=1) + np.log(self.weights)
        top = logs.max(axis=1)
        log_q = top + np.log(np.exp(logs - top[:, None]).sum(axis=1))
        out: FloatArray = logs[:, 0] - np.log(self.weights[0]) - log_q
        return out


def fit_power(ll: lk.LogLik, log_r: FloatArray, p0: float, tau: float) -> float:
    """The likelihood power to fit the next proposal at: 1 (the posterior) when the draws at hand
    carry an ESS of :data:`FIT_ESS` for it, else the largest power that does (a
    tempered posterior, between the proposal and the posterior), so that a proposal far from
    the posterior moves towards it in steps it can follow (annealed importance sampling)."""

    def ess(beta: float) -> float:
        return importance_ess(normalised_weights(ll.total(p0, tau * beta) + log_r))

    if ess(1.0) >= FIT_ESS:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(16):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ess(mid) >= FIT_ESS else (lo, mid)
    return lo
