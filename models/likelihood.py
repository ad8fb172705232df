r"""The belief model's log-density, vectorised over a batch of parameter draws.

This is the numpy twin of :func:`models.belief_model.build_model`: the same
equations, evaluated for *N* parameter draws at once and without PyMC, so that
an importance sampler can weight tens of thousands of prior draws in a few
milliseconds. ``tests/model/test_likelihood.py`` checks that both give the same
log-density terms (the model's two ``Potential``\ s, compiled by PyMC) at random
points to 1e-9, so a change to one without the other fails the suite.

Parameters :math:`\theta = (e, s, r, c)`: ``e`` and ``s`` are ``(N, K)`` (one
column per adversary kind of the catalog), ``r`` and ``c`` are ``(N,)``.

Three layers, each a function of the one below
-----------------------------------------------

1. **Report columns** (:func:`adversary_columns`, :func:`ally_columns`): one
   log-likelihood per draw and report, shape ``(N, n)``. For the adversary a
   pair, one per type: :math:`\log a_{exp,i} = \log(q_i e_k + (1-q_i) m_k)`
   and :math:`\log a_{sq,i} = \log(q_i s'_k + (1-q_i) m_k)`, where
   :math:`q_i` is the report's digit weight times its attribution weight
   (:attr:`models.spec.ModelInputs.adversary_weight`), :math:`e` carries each
   report's reciprocation factor (:math:`e''_i = e_k\,\text{recip}_i`), :math:`s'` carries
   each report's reaction blur composed with Jervis's, and a report watched
   for and not seen has one minus these likelihoods (see
   :mod:`models.belief_model`).
2. **Type log-likelihoods** (:func:`adversary_channel_logliks`,
   :func:`adversary_type_logliks`): reports are grouped by reporting channel;
   a channel's reports enter as a mixture of "sound" (:math:`\prod a_T`,
   probability :math:`\rho_c`, its letter's weight) and "unsound"
   (:math:`\prod u`, :math:`u_i = \max(a_{exp,i}, a_{sq,i})`), and
   :math:`l_T = \sum_c \log(\rho_c \prod_{i\in c} a_{T,i} + (1-\rho_c)\prod_{i\in c} u_i)`,
   shape ``(N,)``, untempered. With every report its own channel and
   :math:`\rho = 1` this is :math:`\sum_i \log a_{T,i}` (independent reports).
3. **Marginal and derived quantities** (:class:`LogLik`): the type is
   marginalised with ``logaddexp`` using :math:`p_0` and the likelihood power
   :math:`\tau`; ``p_expansionist`` per draw is
   :math:`\sigma(\operatorname{logit} p_0 + \tau (l_{exp} - l_{sq}))`, where
   :math:`l_T` first mixes in the model-doubt branch (:func:`doubt_mixture`). Keeping
   the *untempered* :math:`l_{exp}, l_{sq}, l_{ally}` per draw means another
   :math:`p_0` or :math:`\tau` reweights the same draws exactly, with no new
   likelihood evaluation (sensitivity analysis).

Reports that share (kind, grade weight) have identical columns; layer 2 sums
each distinct column once, times its count (a matrix-vector product), which
makes 150-report timelines cost little more than their distinct reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from models.spec import CatalogArrays, FloatArray, IntArray, ModelInputs


@dataclass(frozen=True)
class Theta:
    """A batch of N parameter draws: ``e``, ``s`` (N, K); ``r``, ``c`` (N,)."""

    e: FloatArray
    s: FloatArray
    r: FloatArray
    c: FloatArray

    @property
    def n(self) -> int:
        return int(self.r.shape[0])

    def take(self, index: IntArray) -> Theta:
        """The draws at ``index`` (resampling)."""
        return Theta(self.e[index], self.s[index], self.r[index], self.c[index])


def sample_prior(
    catalog: CatalogArrays,
    reliability_prior: tuple[float, float],
    recklessness_prior: tuple[float, float],
    n: int,
    seed: int,
) -> Theta:
    """``n`` independent draws of theta from the model's priors (seeded)."""
    rng = np.random.default_rng(seed)
    k = catalog.n_adversary
    e = rng.beta(catalog.alpha_e, catalog.beta_e, size=(n, k))
    s = rng.beta(catalog.alpha_s, catalog.beta_s, size=(n, k))
    r = rng.beta(reliability_prior[0], reliability_prior[1], size=n)
    c = rng.beta(recklessness_prior[0], recklessness_prior[1], size=n)
    # Beta draws can round to exactly 0 or 1 for tiny shape parameters; the
    # model's support is the open interval (the log of a likelihood of 0 is -inf).
    tiny = np.finfo(float).tiny
    return Theta(*(np.clip(x, tiny, 1.0 - 1e-16) for x in (e, s, r, c)))


# -- layer 1: one column per report ---------------------------------------------------


def adversary_columns(
    theta: Theta,
    catalog: CatalogArrays,
    gamma: float,
    kind: IntArray,
    q: FloatArray,
    reaction: FloatArray | None = None,
    seen: FloatArray | None = None,
    recip: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Per-draw, per-report log-likelihoods under each type: two (N, n) arrays.

    ``reaction`` (default 0) is each report's spiral-context blur, composed with
    the Jervis blur as ``b = 1 - (1 - gamma military_k)(1 - reaction_i)``;
    ``seen`` (default 1) is 0 for an act watched for and not seen, whose
    likelihood is one minus the seen one; ``recip`` (default 1) multiplies the
    expansionist rate, ``e''_i = e_k recip_i`` (a reciprocation, :mod:`beliefs.evidence.reciprocity`),
    before the blurs and the mid rate are formed from it.
    """
    kind = np.asarray(kind, dtype=np.int64)
    q = np.asarray(q, dtype=float)
    reaction = np.zeros(kind.shape) if reaction is None else np.asarray(reaction, dtype=float)
    seen = np.ones(kind.shape) if seen is None else np.asarray(seen, dtype=float)
    e = theta.e[:, kind]
    if recip is not None and np.any(np.asarray(recip) != 1.0):
        e *= np.asarray(recip, dtype=float)
    s = theta.s[:, kind]
    b = 1.0 - (1.0 - gamma * catalog.military[kind]) * (1.0 - reaction)
    # In place, operation for operation: s_eff = s + b (e - s), mid = (e + s_eff) / 2,
    # x_exp = q e + (1 - q) mid, x_sq = q s_eff + (1 - q) mid (the same floating-point results).
    s_eff = np.subtract(e, s)
    s_eff *= b
    s_eff += s
    mid = np.add(e, s_eff, out=s)  # s is not needed again
    mid *= 0.5
    mid *= 1.0 - q
    x_exp = np.multiply(q, e, out=e)
    x_exp += mid
    x_sq = np.multiply(q, s_eff, out=s_eff)
    x_sq += mid
    if not np.all((seen == 0.0) | (seen == 1.0)):
        return np.log(seen * x_exp + (1.0 - seen) * (1.0 - x_exp)), np.log(
            seen * x_sq + (1.0 - seen) * (1.0 - x_sq)
        )
    # A report watched for and not seen has likelihood 1 - x: seen x + (1 - seen)(1 - x), exactly.
    unseen = np.flatnonzero(seen == 0.0)
    for x in (x_exp, x_sq):
        if unseen.size:
            x[:, unseen] = 1.0 - x[:, unseen]
        np.log(x, out=x)
    return x_exp, x_sq


def ally_columns(
    theta: Theta, catalog: CatalogArrays, kind: IntArray, q: FloatArray, seen: FloatArray | None = None
) -> FloatArray:
    """Per-draw, per-report ally log-likelihoods: an (N, n) array.

    A report on axis x (reliability r or recklessness c) with direction d,
    diagnosticity delta and weight q is a Bernoulli success of probability
    1/2 + d q delta (x - 1/2); one watched for and not seen (``seen`` 0) is
    the failure, 1/2 - d q delta (x - 1/2).
    """
    kind = np.asarray(kind, dtype=np.int64)
    q = np.asarray(q, dtype=float)
    sign = 1.0 if seen is None else 2.0 * np.asarray(seen, dtype=float) - 1.0
    axis = catalog.ally_axis[kind]
    x = (1.0 - axis) * theta.r[:, None] + axis * theta.c[:, None]
    slope = sign * catalog.ally_direction[kind] * catalog.ally_delta[kind]
    return np.log(0.5 + q * slope * (x - 0.5))


# -- layer 2: combining reports -------------------------------------------------------


def distinct_reports(
    kind: IntArray, q: FloatArray, seen: FloatArray | None = None
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """The distinct (kind, q, seen) triples of some reports and how often each occurs."""
    kind = np.asarray(kind, dtype=np.int64)
    q = np.asarray(q, dtype=float)
    seen = np.ones(kind.shape) if seen is None else np.asarray(seen, dtype=float)
    if kind.size == 0:
        return kind, q, seen, np.zeros(0)
    rows, counts = np.unique(np.stack([kind.astype(float), q, seen], axis=1), axis=0, return_counts=True)
    return rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2], counts.astype(float)


def report_columns(theta: Theta, inputs: ModelInputs) -> tuple[FloatArray, FloatArray, IntArray]:
    """The distinct adversary report columns (N, D) under each type, and each report's column (n,).

    Reports are distinct by (kind, item weight, reaction blur, seen, reciprocation factor).
    """
    kind = np.asarray(inputs.adversary_kind, dtype=np.int64)
    q = inputs.adversary_weight  # digit x attribution
    if kind.size == 0:
        empty = np.zeros((theta.n, 0))
        return empty, empty.copy(), np.zeros(0, dtype=np.int64)
    table = np.stack(
        [
            kind.astype(float),
            q,
            np.asarray(inputs.adversary_reaction, float),
            np.asarray(inputs.adversary_seen, float),
            np.asarray(inputs.adversary_recip, float),
        ],
        axis=1,
    )
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    a_exp, a_sq = adversary_columns(
        theta,
        inputs.catalog,
        inputs.gamma,
        rows[:, 0].astype(np.int64),
        rows[:, 1],
        rows[:, 2],
        rows[:, 3],
        rows[:, 4],
    )
    return a_exp, a_sq, np.asarray(inverse, dtype=np.int64).reshape(-1)


def channel_logliks(
    sum_exp: FloatArray, sum_sq: FloatArray, sum_u: FloatArray, rho: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """log p(R_c | T, theta) per draw and channel from the channel sums of log a_exp, log a_sq, log u.

    p(R_c | T) = rho_c prod a_T + (1 - rho_c) prod u: the channel is sound with
    probability rho_c (its letter's weight); an unsound channel passes every
    message at the likelier type's rate and so carries no evidence.
    """
    with np.errstate(divide="ignore"):
        log_rho, log_unsound = np.log(rho), np.log1p(-np.asarray(rho, dtype=float))
    if np.all(log_unsound == -np.inf):  # sound for certain: logaddexp(x, -inf) is x, exactly
        return log_rho + sum_exp, log_rho + sum_sq
    unsound = log_unsound + sum_u
    return np.logaddexp(log_rho + sum_exp, unsound), np.logaddexp(log_rho + sum_sq, unsound)


LOG_HALF = float(np.log(0.5))


def neutral_rate(l_exp: FloatArray, l_sq: FloatArray) -> FloatArray:
    """log of the model-doubt branch's likelihood of one channel at the neutral rate: the two types'
    average, ``log((p(R_c | exp) + p(R_c | sq)) / 2)`` (``[model] doubt_rate = "neutral"``).

    A distribution over the channel's outcomes that says nothing of the type, so the branch gains
    nothing from reports it does not explain better than the types do, and a report that favours one
    type never moves P(expansionist) away from it (the branch's factor lies between the types'). The
    older rule, ``"likelier"``, passes every report at the likelier type's rate, ``max(a_exp, a_sq)``:
    a bound on the odds (``[eps, 1/eps]``) but not a distribution (a report's seen and unseen rates sum
    to ``1 + |a_exp - a_sq|``), so the branch gains weight from every report, whatever it says, and
    reports that disagree pull P(expansionist) back to the prior.
    """
    out: FloatArray = np.logaddexp(l_exp, l_sq) + LOG_HALF
    return out


def adversary_channel_logliks(theta: Theta, inputs: ModelInputs) -> tuple[FloatArray, FloatArray]:
    """Untempered log p(R_c | T, theta) of every channel under each type: two (N, C) arrays."""
    l_exp, l_sq, _ = adversary_channel_terms(theta, inputs)
    return l_exp, l_sq


def adversary_channel_terms(theta: Theta, inputs: ModelInputs) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per channel (N, C): log p(R_c | exp), log p(R_c | sq) and the channel's all-unsound sum of log u."""
    a_exp, a_sq, column = report_columns(theta, inputs)
    rho = np.asarray(inputs.channel_rho, dtype=float)
    # membership[d, c]: how many reports of channel c have distinct column d.
    membership = np.zeros((a_exp.shape[1], len(rho)))
    np.add.at(membership, (column, np.asarray(inputs.adversary_channel, dtype=np.int64)), 1.0)
    sum_u = np.maximum(a_exp, a_sq) @ membership
    l_exp, l_sq = channel_logliks(a_exp @ membership, a_sq @ membership, sum_u, rho)
    if inputs.doubt_rate == "neutral":  # the doubt branch's own rate (an unsound channel keeps the likelier)
        sum_u = neutral_rate(l_exp, l_sq)
    return l_exp, l_sq, sum_u


def adversary_type_logliks(theta: Theta, inputs: ModelInputs) -> tuple[FloatArray, FloatArray]:
    """Untempered log-likelihoods of all adversary reports under each type: (N,), (N,).

    Channels are independent given the type and theta, so each type's
    log-likelihood is the sum over channels of log p(R_c | T, theta); within a
    channel, each distinct report column is computed once and weighted by its count.
    (Without the model-doubt branch: see :func:`doubt_mixture`.)
    """
    l_exp, l_sq = adversary_channel_logliks(theta, inputs)
    return l_exp.sum(axis=1), l_sq.sum(axis=1)


def ally_loglik(theta: Theta, inputs: ModelInputs) -> FloatArray:
    """Untempered log-likelihood of all ally reports: (N,)."""
    kinds, qs, seen, counts = distinct_reports(inputs.ally_kind, inputs.ally_q, inputs.ally_seen)
    if kinds.size == 0:
        return np.zeros(theta.n)
    return ally_columns(theta, inputs.catalog, kinds, qs, seen) @ counts


def doubt_mixture(
    l_exp: FloatArray, l_sq: FloatArray, l_u: FloatArray, doubt: float
) -> tuple[FloatArray, FloatArray]:
    """The type log-likelihoods with the model-doubt branch mixed in.

    With weight ``doubt`` (epsilon) the whole adversary picture was shaped by
    deception or a common cause and every report arrived at the likelier
    type's rate (``l_u``, the sum of log u over all reports, which is at least
    either type's log-likelihood): ``l'_T = log((1 - eps) exp(l_T) + eps exp(l_u))``.
    The likelihood ratio ``exp(l'_exp - l'_sq)`` then lies in ``[eps, 1/eps]``.
    """
    if doubt <= 0.0:
        return l_exp, l_sq
    log_keep, log_doubt = np.log1p(-doubt), np.log(doubt)
    return np.logaddexp(log_keep + l_exp, log_doubt + l_u), np.logaddexp(log_keep + l_sq, log_doubt + l_u)


# -- layer 3: marginalising the type --------------------------------------------------


def marginal_adversary(l_exp: FloatArray, l_sq: FloatArray, p0: float, tau: float = 1.0) -> FloatArray:
    """log[p0 exp(tau l_exp) + (1 - p0) exp(tau l_sq)] per draw (the type marginalised)."""
    with np.errstate(divide="ignore"):
        return np.logaddexp(np.log(p0) + tau * l_exp, np.log1p(-p0) + tau * l_sq)


def p_expansionist(l_exp: FloatArray, l_sq: FloatArray, p0: float, tau: float = 1.0) -> FloatArray:
    """P(expansionist | theta, data) per draw: sigmoid(logit p0 + tau (l_exp - l_sq))."""
    with np.errstate(divide="ignore"):
        logit_p0 = np.log(p0) - np.log1p(-p0)
    z = logit_p0 + tau * (l_exp - l_sq)
    # A numerically safe logistic: exp of a non-positive number only.
    ez = np.exp(-np.abs(z))
    out: FloatArray = np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))
    return out


@dataclass(frozen=True)
class LogLik:
    """The untempered log-likelihoods of a signal log, per draw (each (N,)).

    Everything the posterior needs, for any p0 and likelihood power tau,
    follows from these arrays without touching the reports again. ``l_exp``
    and ``l_sq`` are the per-report model's (additive over signals); ``l_u``
    is the all-unsound picture's (sum of log u, additive too), which the
    model-doubt branch mixes in with weight ``doubt`` (:func:`doubt_mixture`).
    """

    l_exp: FloatArray
    l_sq: FloatArray
    l_ally: FloatArray
    l_u: FloatArray | None = None
    doubt: float = 0.0
    #: The rate ``l_u`` was summed at: "likelier" or "neutral" (:func:`neutral_rate`).
    rate: str = "likelier"

    def types(self) -> tuple[FloatArray, FloatArray]:
        """The type log-likelihoods the posterior uses (the doubt branch mixed in)."""
        return self._types

    @cached_property
    def _types(self) -> tuple[FloatArray, FloatArray]:  # computed once: the weights and P both need it
        if self.l_u is None or self.doubt <= 0.0:
            return self.l_exp, self.l_sq
        return doubt_mixture(self.l_exp, self.l_sq, self.l_u, self.doubt)

    def take(self, index: IntArray) -> LogLik:
        """The draws at ``index``."""
        l_u = None if self.l_u is None else self.l_u[index]
        return LogLik(self.l_exp[index], self.l_sq[index], self.l_ally[index], l_u, self.doubt, self.rate)

    def with_doubt(self, doubt: float) -> LogLik:
        """The same reports under another model-doubt weight (exact reweighting)."""
        return LogLik(self.l_exp, self.l_sq, self.l_ally, self.l_u, doubt, self.rate)

    def adversary(self, p0: float, tau: float = 1.0) -> FloatArray:
        """The adversary Potential: the type-marginal log-likelihood."""
        return marginal_adversary(*self.types(), p0, tau)

    def ally(self, tau: float = 1.0) -> FloatArray:
        """The ally Potential."""
        return tau * self.l_ally

    def total(self, p0: float, tau: float = 1.0) -> FloatArray:
        """The model's whole log-likelihood per draw (the sum of its Potentials)."""
        return self.adversary(p0, tau) + self.ally(tau)

    def p_expansionist(self, p0: float, tau: float = 1.0) -> FloatArray:
        return p_expansionist(*self.types(), p0, tau)

    def kept_shares(self) -> FloatArray | None:
        """Per type, the share of its likelihood outside the doubt branch, ``(1 - eps) e^{l_T} / L'_T``:
        (2, n); None without model doubt."""
        if self.l_u is None or self.doubt <= 0.0:
            return None
        mixed = np.stack(self.types())
        out: FloatArray = np.exp(np.log1p(-self.doubt) + np.stack([self.l_exp, self.l_sq]) - mixed)
        return np.minimum(out, 1.0)

    def _combine(self, other: LogLik, sign: float) -> LogLik:
        l_u = None if self.l_u is None or other.l_u is None else self.l_u + sign * other.l_u
        return LogLik(
            self.l_exp + sign * other.l_exp,
            self.l_sq + sign * other.l_sq,
            self.l_ally + sign * other.l_ally,
            l_u,
            self.doubt,
            self.rate,
        )

    def __add__(self, other: LogLik) -> LogLik:
        return self._combine(other, 1.0)

    def __sub__(self, other: LogLik) -> LogLik:
        return self._combine(other, -1.0)


def loglik(theta: Theta, inputs: ModelInputs) -> LogLik:
    """The untempered per-draw log-likelihoods of ``inputs``' signals."""
    l_exp, l_sq, l_u = adversary_channel_terms(theta, inputs)
    return LogLik(
        l_exp.sum(axis=1), l_sq.sum(axis=1), ally_loglik(theta, inputs), l_u.sum(axis=1), inputs.model_doubt, inputs.doubt_rate
    )


def potentials(theta: Theta, inputs: ModelInputs) -> dict[str, FloatArray]:
    """The model's Potentials per draw, by their names in the PyMC model."""
    ll = loglik(theta, inputs)
    tau = inputs.likelihood_power
    return {"adversary_loglik": ll.adversary(inputs.p0, tau), "ally_loglik": ll.ally(tau)}


def log_prior(theta: Theta, inputs: ModelInputs) -> FloatArray:
    """The log prior density of each draw (Beta densities of e, s, r, c)."""
    from math import lgamma

    def beta_logpdf(x: FloatArray, a: FloatArray | float, b: FloatArray | float) -> FloatArray:
        a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        lbeta = np.vectorize(lambda u, v: lgamma(u) + lgamma(v) - lgamma(u + v))(a_arr, b_arr)
        out: FloatArray = (a_arr - 1.0) * np.log(x) + (b_arr - 1.0) * np.log1p(-x) - lbeta
        return out

    cat = inputs.catalog
    return (
        beta_logpdf(theta.e, cat.alpha_e, cat.beta_e).sum(axis=1)
        + beta_logpdf(theta.s, cat.alpha_s, cat.beta_s).sum(axis=1)
        + beta_logpdf(theta.r, *inputs.reliability_prior)
        + beta_logpdf(theta.c, *inputs.recklessness_prior)
    )
