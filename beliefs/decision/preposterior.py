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

so :math:`m_o = Z_o / Z` and :math:`pe_o = p_0 (L^o_{exp})^\tau / Z`. That is the
older rule (``doubt_rate = "likelier"``): the doubt branch passes every outcome at
the likelier type's rate, so the two outcomes' :math:`m` sum to slightly more than
one (by at most the branch's weight times :math:`|x_{exp} - x_{sq}|`): its
likelihoods are a bound, not a distribution over outcomes. At the neutral rate (the
bundled catalog's) the new report, a channel of its own, enters the branch at
:math:`(b_{exp} + b_{sq})/2` in place of the max, the two outcomes' :math:`m` sum to
one and the scales below are 1. The outcome's *probability* is therefore the
normalised :math:`\pi_{o,i} = m_{o,i} / \sum_{o'} m_{o',i}`, averaged over the
draws: :math:`P_o = \sum_i w_i \pi_{o,i}`; the posterior after *o* stays the
model's own (draws weighted by :math:`w_i m_{o,i}`). :func:`report_outcomes`
returns, per outcome, ``m``, ``pe`` and the scale :math:`c_o = P_o / \sum_i w_i m_{o,i}`
(1 without doubt), so that :math:`c_o \sum_i w_i [pe_{o,i} X_{exp,a} + (m_{o,i} - pe_{o,i}) X_{sq,a}]`
is :math:`P_o` times the expected utility of option *a* after *o*.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    doubt; without it (or with ``loglik.doubt`` 0) this is Bayes' rule on ``p``.
    """
    k = x_exp.shape[1]
    if loglik is None or loglik.l_u is None or loglik.doubt <= 0.0:
        pe = p[:, None] * x_exp
        seen = pe + (1.0 - p)[:, None] * x_sq
        one = np.ones(k)
        return (seen, pe, one), (1.0 - seen, p[:, None] - pe, one)
    if p0 is None:
        raise ValueError("report_outcomes needs p0 with model doubt")
    eps = float(loglik.doubt)
    neutral = loglik.rate == "neutral"
    # Everything is divided by the largest of exp(l_exp), exp(l_sq), exp(l_u), so the arithmetic
    # stays in linear space without overflow: with A_T = (1 - eps) exp(l_T - top) and
    # B = eps exp(l_u - top), L_T / exp(top) = A_T + B before the report and A_T b_T + B u(b)
    # after outcome b. At the likelier rate l_u bounds both types' (l_T <= l_u), so top = l_u, B = eps.
    types = np.stack([loglik.l_exp, loglik.l_sq])
    if neutral:
        top = np.maximum(types.max(axis=0), loglik.l_u)
        a = (1.0 - eps) * np.exp(types - top)  # (2, n)
        b: FloatArray | float = eps * np.exp(loglik.l_u - top)
    else:
        a = (1.0 - eps) * np.exp(np.minimum(types - loglik.l_u, 0.0))
        b = eps
    if tau == 1.0:
        return _untempered(p0, b, a, x_exp, x_sq, w, neutral)
    return _tempered(p0, b, a, x_exp, x_sq, w, tau, neutral)


def _tempered(
    p0: float,
    eps: FloatArray | float,
    a: FloatArray,
    x_exp: FloatArray,
    x_sq: FloatArray,
    w: FloatArray,
    tau: float,
    neutral: bool = False,
) -> tuple[Outcome, Outcome]:
    """:func:`report_outcomes` with model doubt, any likelihood power: the formula as written above."""
    prior = np.array([p0, 1.0 - p0])[:, None]
    z = (prior * (a + eps) ** tau).sum(axis=0)  # (n,)
    out = []
    rates = np.stack([x_exp, x_sq])  # (2, n, K)
    for b in (rates, 1.0 - rates):
        u = 0.5 * (b[0] + b[1]) if neutral else np.maximum(b[0], b[1])  # the doubt branch's rate
        lik = a[:, :, None] * b + (np.asarray(eps)[..., None] * u)[None]  # (2, n, K)
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


#: Draws per block in the hot loops (here and :mod:`beliefs.decision.evsi`): a block's (draws x kinds)
#: temporaries are small, and allocating big ones cost more than the arithmetic.
BLOCK = 4096


def _untempered(
    p0: float,
    eps: FloatArray | float,
    a: FloatArray,
    x_exp: FloatArray,
    x_sq: FloatArray,
    w: FloatArray,
    neutral: bool = False,
) -> tuple[Outcome, Outcome]:
    """:func:`report_outcomes` with model doubt at likelihood power 1, in closed form (the hot path).

    With ``z = p0 A_exp + (1 - p0) A_sq + eps`` (the draw's likelihood over exp(l_u)),
    ``al_T`` = the type's prior times ``A_T / z`` and ``be = eps / z``, the seen outcome is
    ``m = al_exp x_exp + al_sq x_sq + be max(x)``, ``pe = al_exp x_exp + p0 be max(x)``; since
    ``al_exp + al_sq + be = 1`` the unseen one is ``1 - m + be |x_exp - x_sq|`` and
    ``al_exp + p0 be - pe + p0 be |x_exp - x_sq|``. The same numbers as the general formula
    (to rounding), in about half the passes over the (draws x kinds) arrays, block by block of
    draws so that the temporaries stay in cache.
    """
    z = p0 * a[0] + (1.0 - p0) * a[1] + eps
    al_exp, al_sq, be = (p0 * a[0] / z)[:, None], ((1.0 - p0) * a[1] / z)[:, None], (eps / z)[:, None]
    base_u = al_exp + p0 * be
    m_s, pe_s, m_u, pe_u = (np.empty_like(x_exp, dtype=float) for _ in range(4))
    prob = np.zeros((2, x_exp.shape[1]))
    gap = np.empty((min(BLOCK, len(z)), x_exp.shape[1]))
    top = np.empty_like(gap)
    for i in range(0, len(z), BLOCK):
        j = slice(i, i + BLOCK)
        xe, xs, b = x_exp[j], x_sq[j], be[j]
        g, t = gap[: len(b)], top[: len(b)]
        if neutral:  # the branch's rate is a distribution: the unseen outcome is exactly 1 - m
            g.fill(0.0)
            np.add(xe, xs, out=t)
            t *= 0.5 * b  # be (x_exp + x_sq) / 2
        else:
            np.subtract(xe, xs, out=g)
            np.abs(g, out=g)
            g *= b  # be |x_exp - x_sq|: what the unseen outcome's doubt branch adds beyond 1 - m
            np.maximum(xe, xs, out=t)
            t *= b  # be max(x)
        ps, ms, mu, pu = pe_s[j], m_s[j], m_u[j], pe_u[j]
        np.multiply(xe, al_exp[j], out=ps)
        np.multiply(xs, al_sq[j], out=ms)
        ms += ps
        ms += t
        t *= p0
        ps += t
        np.subtract(1.0, ms, out=mu)
        mu += g
        np.subtract(base_u[j], ps, out=pu)
        np.multiply(g, p0, out=t)
        pu += t
        g += 1.0  # m_s + m_u, per draw and kind
        np.divide(ms, g, out=t)
        prob[0] += w[j] @ t  # P(outcome), from the normalised predictive
        np.divide(mu, g, out=t)
        prob[1] += w[j] @ t
    scales = [prob[o] / np.maximum(w @ m, 1e-300) for o, m in enumerate((m_s, m_u))]
    return (m_s, pe_s, scales[0]), (m_u, pe_u, scales[1])
