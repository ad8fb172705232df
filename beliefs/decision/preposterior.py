r"""One more adversary report, per posterior draw: how likely each outcome is, and where it leaves P.

The watch list (:mod:`beliefs.decision.evsi`) values one more A1 report of each
adversary kind *k* by its two outcomes *o* (seen; watched for and not seen).
For each draw :math:`\theta_i` of the posterior it needs

* :math:`m_{o,i}`: the model's likelihood of the outcome given the draw and the
  data so far, :math:`Z_o(\theta_i) / Z(\theta_i)`, the factor by which adding
  the report reweights the draw (re-assessing with the report weights the
  posterior's draws exactly so), and
* :math:`pe_{o,i} = m_{o,i}\, P(\text{exp} \mid \theta_i, \text{data}, o)`.

Without model doubt these are Bayes' rule on the draw's P: with
:math:`x_T` the report's rate under type *T* (:math:`e_k`, and :math:`s'_k`
blurred for military kinds), :math:`m_{seen} = p\,x_{exp} + (1-p)\,x_{sq}`,
:math:`pe_{seen} = p\,x_{exp}`, and the unseen outcome the complements; the
two outcomes' :math:`m` sum to one.

With model doubt :math:`\varepsilon` (:mod:`beliefs.evidence.doubt`) the draw's type
likelihoods are :math:`L_T = (1-\varepsilon) e^{l_T} + \varepsilon e^{l_u}`,
and after outcome *o* with rates :math:`b_T` (:math:`x_T` or :math:`1 - x_T`)

.. math::

    L^o_T = (1-\varepsilon)\, e^{l_T} b_T + \varepsilon\, e^{l_u} \max(b_{exp}, b_{sq}),
    \qquad Z_o = p_0 (L^o_{exp})^\tau + (1-p_0)(L^o_{sq})^\tau,

so :math:`m_o = Z_o / Z` and :math:`pe_o = p_0 (L^o_{exp})^\tau / Z`. The doubt
branch passes every outcome at the likelier type's rate, so the two
outcomes' :math:`m` sum to slightly more than one (by at most the branch's
weight times :math:`|x_{exp} - x_{sq}|`): its likelihoods are a bound, not a
distribution over outcomes. The outcome's *probability* is therefore the
normalised :math:`\pi_{o,i} = m_{o,i} / \sum_{o'} m_{o',i}`, averaged over the
draws: :math:`P_o = \sum_i w_i \pi_{o,i}`; the posterior after *o* stays the
model's own (draws weighted by :math:`w_i m_{o,i}`). :func:`report_outcomes`
returns, per outcome, ``m``, ``pe`` and the scale :math:`c_o = P_o / \sum_i w_i m_{o,i}`
(1 without doubt), so that :math:`c_o \sum_i w_i [pe_{o,i} X_{exp,a} + (m_{o,i} - pe_{o,i}) X_{sq,a}]`
is :math:`P_o` times the expected utility of option *a* after *o*.

That is the general formula, for any likelihood power: the reference, and what a tempered
model uses. The watch list's hot path (:func:`kind_outcomes`) computes the same numbers kind
by kind (each an (n,) vector, so that the work stays in cache) from the report's rates
(:class:`ReportRates`, a function of theta alone, computed once per prior sample), at
likelihood power 1 in closed form: with
:math:`z = p_0 A_{exp} + (1 - p_0) A_{sq} + \varepsilon` (the draw's likelihood over
:math:`e^{l_u}`), :math:`\alpha_T` the type's prior times :math:`A_T / z` and
:math:`\beta = \varepsilon / z`, the seen outcome is
:math:`m = \alpha_{exp} x_{exp} + \alpha_{sq} x_{sq} + \beta \max(x)` and
:math:`pe = \alpha_{exp} x_{exp} + p_0 \beta \max(x)`; since the three weights sum to one, the
unseen one is :math:`1 - m + \beta |x_{exp} - x_{sq}|` and
:math:`\alpha_{exp} + p_0 \beta - pe + p_0 \beta |x_{exp} - x_{sq}|` (without doubt
:math:`\alpha_{exp} = p`, :math:`\alpha_{sq} = 1 - p`, :math:`\beta = 0`: Bayes' rule).
That is the older rule (``doubt_rate = "likelier"``). At the neutral rate (the bundled
catalog's) the new report, a channel of its own, enters the branch at
:math:`(x_{exp} + x_{sq})/2` in place of the max, the branch's weight :math:`\beta` is
per draw (:math:`\varepsilon e^{l_u}` need not bound the types' likelihoods), the unseen
outcome is exactly :math:`1 - m` and the scales are 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from models.likelihood import LogLik
    from models.spec import FloatArray

#: Per outcome: (m, pe) arrays (draws x kinds) and the scale c (kinds,).
Outcome = tuple["FloatArray", "FloatArray", "FloatArray"]


def report_outcomes(
    p: FloatArray,
    x_exp: FloatArray,
    x_sq: FloatArray,
    w: FloatArray,
    loglik: LogLik | None = None,
    p0: float | None = None,
    tau: float = 1.0,
) -> tuple[Outcome, Outcome]:
    """(seen, not seen) of one report per kind: ``m``, ``pe`` (n, K) and the scale ``c`` (K,).

    ``p`` (n,) is each draw's P(expansionist), ``x_exp``, ``x_sq`` (n, K) the report's rates
    under each type, ``w`` the draws' normalised weights. ``loglik`` (the draws' untempered
    log-likelihoods, :class:`models.likelihood.LogLik`) and ``p0`` are needed only with model
    doubt; without it (or with ``loglik.doubt`` 0) this is Bayes' rule on ``p``. The general
    formula, written as above; :func:`kind_outcomes` is the watch list's hot path.
    """
    k = x_exp.shape[1]
    if not _doubted(loglik):
        pe = p[:, None] * x_exp
        seen = pe + (1.0 - p)[:, None] * x_sq
        one = np.ones(k)
        return (seen, pe, one), (1.0 - seen, p[:, None] - pe, one)
    assert loglik is not None
    if p0 is None:
        raise ValueError("report_outcomes needs p0 with model doubt")
    neutral = loglik.rate == "neutral"
    prior = np.array([p0, 1.0 - p0])[:, None]
    a, beta = _scaled_types(loglik)
    z = (prior * (a + beta) ** tau).sum(axis=0)  # (n,)
    out = []
    rates = np.stack([x_exp, x_sq])  # (2, n, K)
    for b in (rates, 1.0 - rates):
        u = 0.5 * (b[0] + b[1]) if neutral else np.maximum(b[0], b[1])  # the doubt branch's rate
        lik = a[:, :, None] * b + (np.asarray(beta)[..., None] * u)[None]  # (2, n, K)
        if tau != 1.0:
            lik = lik**tau
        parts = prior[:, :, None] * lik / z[None, :, None]
        out.append((parts[0] + parts[1], parts[0]))
    (m_s, pe_s), (m_u, pe_u) = out
    total = m_s + m_u
    scales = []
    for m in (m_s, m_u):
        prob = w @ (m / total)  # P(outcome), from the normalised predictive
        scales.append(prob / np.maximum(w @ m, 1e-300))
    return (m_s, pe_s, scales[0]), (m_u, pe_u, scales[1])


def _doubted(loglik: LogLik | None) -> bool:
    return loglik is not None and loglik.l_u is not None and loglik.doubt > 0.0


def _scaled_types(loglik: LogLik) -> tuple[FloatArray, FloatArray | float]:
    """``A_T = (1 - eps) exp(l_T - top)`` for both types, (2, n), and the branch's ``B = eps exp(l_u - top)``.

    Everything is divided by ``exp(top)``, the largest of the three likelihoods, so the arithmetic
    stays in linear space without overflow: L_T / exp(top) is A_T + B before the report and
    A_T b_T + B u(b) after outcome b. At the likelier rate l_u bounds both types' likelihoods
    (l_T <= l_u), so top = l_u and B = eps; at the neutral rate B is per draw.
    """
    assert loglik.l_u is not None
    eps = float(loglik.doubt)
    types = np.stack([loglik.l_exp, loglik.l_sq])
    if loglik.rate == "neutral":
        top = np.maximum(types.max(axis=0), loglik.l_u)
        return (1.0 - eps) * np.exp(types - top), eps * np.exp(loglik.l_u - top)
    return (1.0 - eps) * np.exp(np.minimum(types - loglik.l_u, 0.0)), eps


@dataclass(frozen=True)
class ReportRates:
    """One more A1 report's rates per adversary kind and draw, kinds first (K, n), contiguous.

    ``x_exp`` = e, ``x_sq`` = s' (s with Jervis's blur on the military kinds, ``s + gamma (e - s)``),
    their maximum ``top``, ``gap`` = |x_exp - x_sq| and their average ``mid`` (the doubt branch's
    rate, likelier or neutral): functions of theta alone, computed once per prior sample
    (:meth:`beliefs.decision.draws.PosteriorDraws.memo`).
    """

    x_exp: FloatArray
    x_sq: FloatArray
    top: FloatArray
    gap: FloatArray
    mid: FloatArray

    @classmethod
    def of(cls, e: FloatArray, s: FloatArray, gamma: float, military: list[int]) -> ReportRates:
        x_exp = np.ascontiguousarray(np.asarray(e, dtype=float).T)
        x_sq = np.array(np.asarray(s, dtype=float).T, order="C")
        if gamma and military:
            x_sq[military] = (x_exp[military] - x_sq[military]) * gamma + x_sq[military]
        return cls(x_exp, x_sq, np.maximum(x_exp, x_sq), np.abs(x_exp - x_sq), 0.5 * (x_exp + x_sq))

    @property
    def kinds(self) -> int:
        return int(self.x_exp.shape[0])


class KindOutcomes(Protocol):
    """One kind's outcomes at a time (the watch list's loop over kinds): for kind ``k``,
    :meth:`values`, then (when the report could change the action) :meth:`fill` and :meth:`scales`,
    on one ``out`` (4, n): rows pe and m after "seen", then pe and m after "not seen"."""

    @property
    def kinds(self) -> int:
        """How many adversary kinds."""

    def weigh(self, w_gap: FloatArray, w_sq: FloatArray) -> None:
        """The per-option rows :meth:`values` sums against, (4, n) each (weights included)."""

    def values(self, k: int, out: FloatArray) -> FloatArray:
        """(2, 4): per outcome and option, ``sum_i pe_i w_gap[a, i] + m_i w_sq[a, i]`` (unscaled);
        ``out``'s "seen" rows filled."""

    def fill(self, k: int, out: FloatArray) -> None:
        """``out``'s "not seen" rows, after :meth:`values` of the same kind."""

    def scales(self, k: int, out: FloatArray) -> tuple[float, float]:
        """The scales c of kind ``k``'s two outcomes; ``out`` as :meth:`fill` left it."""


@dataclass
class _ClosedForm:
    """:class:`KindOutcomes` at likelihood power 1 (with or without model doubt), in closed form.

    Since ``m_unseen = 1 - m_seen + g`` and ``pe_unseen = base - pe_seen + p0 g`` (``g`` = be
    |x_exp - x_sq|, ``base`` = al_exp + p0 be), the unseen outcome's sums follow from the seen
    one's: ``sum(base w_gap + w_sq) - values_seen + sum(g (p0 w_gap + w_sq))``; its rows are
    filled only for the kinds whose report could change the action.
    """

    rates: ReportRates
    al_exp: FloatArray
    al_sq: FloatArray
    be: FloatArray | None  # None: no model doubt (the outcomes' m sum to one, scales 1)
    p0: float
    w: FloatArray
    #: The doubt branch at the neutral rate: the new report enters it at (x_exp + x_sq) / 2, a
    #: distribution, so the unseen outcome is exactly 1 - m and the scales are 1.
    neutral: bool = False
    base_u: FloatArray = field(init=False)
    scratch: FloatArray = field(init=False)
    total: float = field(init=False)
    rows: tuple[FloatArray, ...] = field(init=False, default=())

    @property
    def kinds(self) -> int:
        return self.rates.kinds

    def __post_init__(self) -> None:
        self.base_u = self.al_exp if self.be is None else self.al_exp + self.p0 * self.be
        self.scratch = np.empty((2, len(self.al_exp)))
        self.total = float(self.w.sum())

    def weigh(self, w_gap: FloatArray, w_sq: FloatArray) -> None:
        whole = w_gap @ self.base_u + w_sq.sum(axis=1)  # sum_i base w_gap + w_sq, per option
        self.rows = (w_gap, w_sq, whole, self.p0 * w_gap + w_sq)

    def values(self, k: int, out: FloatArray) -> FloatArray:
        ps, ms = out[0], out[1]
        t, g = self.scratch
        w_gap, w_sq, whole, doubt_rows = self.rows
        np.multiply(self.rates.x_exp[k], self.al_exp, out=ps)
        np.multiply(self.rates.x_sq[k], self.al_sq, out=ms)
        ms += ps
        if self.be is not None:
            np.multiply((self.rates.mid if self.neutral else self.rates.top)[k], self.be, out=t)  # be u(x)
            ms += t
            t *= self.p0
            ps += t
            if not self.neutral:  # be |x_exp - x_sq|: what "not seen" adds beyond 1 - m
                np.multiply(self.rates.gap[k], self.be, out=g)
        seen = w_gap @ ps + w_sq @ ms
        unseen = whole - seen
        if self.be is not None and not self.neutral:
            unseen += doubt_rows @ g
        return np.stack([seen, unseen])

    def fill(self, k: int, out: FloatArray) -> None:
        ps, ms, pu, mu = out
        np.subtract(1.0, ms, out=mu)
        np.subtract(self.base_u, ps, out=pu)
        if self.be is not None and not self.neutral:
            t, g = self.scratch
            mu += g
            np.multiply(g, self.p0, out=t)
            pu += t

    def scales(self, k: int, out: FloatArray) -> tuple[float, float]:
        if self.be is None or self.neutral:
            return 1.0, 1.0
        t, g = self.scratch
        g += 1.0  # m_seen + m_unseen, per draw
        _, ms, _, mu = out
        np.divide(ms, g, out=t)
        seen = float(self.w @ t)  # P(seen), from the normalised predictive; P(not seen) is the rest
        unseen = self.total - seen
        return seen / max(float(self.w @ ms), 1e-300), unseen / max(float(self.w @ mu), 1e-300)


@dataclass
class _General:
    """:class:`KindOutcomes` read off :func:`report_outcomes`' arrays (a tempered model)."""

    seen: Outcome
    unseen: Outcome
    rows: tuple[FloatArray, ...] = ()

    @property
    def kinds(self) -> int:
        return int(self.seen[0].shape[1])

    def weigh(self, w_gap: FloatArray, w_sq: FloatArray) -> None:
        self.rows = (w_gap, w_sq)

    def values(self, k: int, out: FloatArray) -> FloatArray:
        w_gap, w_sq = self.rows
        for row, (m, pe, _) in zip((0, 2), (self.seen, self.unseen), strict=True):
            out[row] = pe[:, k]
            out[row + 1] = m[:, k]
        return np.stack([w_gap @ out[row] + w_sq @ out[row + 1] for row in (0, 2)])

    def fill(self, k: int, out: FloatArray) -> None:
        """Filled by :meth:`values` already."""

    def scales(self, k: int, out: FloatArray) -> tuple[float, float]:
        return float(self.seen[2][k]), float(self.unseen[2][k])


def kind_outcomes(
    p: FloatArray,
    rates: ReportRates,
    w: FloatArray,
    loglik: LogLik | None = None,
    p0: float | None = None,
    tau: float = 1.0,
) -> KindOutcomes:
    """:func:`report_outcomes` kind by kind (same arguments, the rates as :class:`ReportRates`).

    In closed form without model doubt or at likelihood power 1; a tempered model with model
    doubt reads the general formula's arrays.
    """
    if not _doubted(loglik):
        return _ClosedForm(rates, p, 1.0 - p, None, 0.0, w)
    assert loglik is not None
    if p0 is None:
        raise ValueError("kind_outcomes needs p0 with model doubt")
    if tau != 1.0:
        seen, unseen = report_outcomes(p, rates.x_exp.T, rates.x_sq.T, w, loglik, p0, tau)
        return _General(seen, unseen)
    a, beta = _scaled_types(loglik)
    z = p0 * a[0] + (1.0 - p0) * a[1] + beta
    return _ClosedForm(
        rates, p0 * a[0] / z, (1.0 - p0) * a[1] / z, beta / z, p0, w, neutral=loglik.rate == "neutral"
    )
