"""Exact (deterministic quadrature) reference posterior for the ``beliefs`` model.

This module is written independently of the ``beliefs`` and ``models``
packages (it imports neither) and implements the contract of the section
the model of docs/model.md with numpy + scipy only.

Adversary
---------
Type ``T`` in {expansionist, status quo}, prior ``P(exp) = p0``.  Each adversary
kind ``k`` has ``e_k ~ Beta(ae, be)`` and ``s_k ~ Beta(as, bs)``, independent
across kinds given ``T``.  For military kinds the Jervis blur
``s'_k = s_k + gamma * (e_k - s_k)`` applies (``s'_k = s_k`` otherwise); with
``m_k = (e_k + s'_k) / 2`` an observed signal ``i`` of kind ``k`` and grade
weight ``q_i`` has likelihood::

    L_exp(i) = q_i * e_k  + (1 - q_i) * m_k
    L_sq(i)  = q_i * s'_k + (1 - q_i) * m_k

so that::

    P(exp | data) = p0 prod_k I_k(exp) / (p0 prod_k I_k(exp) + (1 - p0) prod_k I_k(sq))
    I_k(T)        = E_{e ~ Beta(ae,be), s ~ Beta(as,bs)} [ prod_{i in k} L_T(i) ]

Each ``I_k`` is computed by a tensor Gauss-Jacobi rule whose weight function
*is* the Beta density, so the only thing integrated numerically is the
likelihood product.  That product is a polynomial of degree ``n_k`` (the
number of observations of kind ``k``) in ``(e, s)``, so an ``n``-point rule per
axis is exact (up to rounding) as soon as ``2n - 1 >= n_k``.  All sums are
done in log space (log-sum-exp), so hundreds of signals do not underflow.
A Gauss-Legendre rule (Beta density as part of the integrand) is available
as an independent cross-check via ``rule="legendre"``.

Reporting channels
------------------
The quadrature above is the model's special case in which every report is
sound evidence on its own (a report graded A in a channel of its own).
Reports are grouped into reporting channels: the letter grades the channel
(soundness ``rho``), the digit the item (``w``), and a channel's reports are
either all sound or all noise. :func:`reference_from_toml` evaluates that
model with :mod:`reference_channels` (exact quadrature when every channel
carries one kind, importance sampling otherwise); ``adv_obs`` (``q = rho w``)
remains for the single-report identities tested in ``test_reference.py``.

Who acted
---------
Each signal's ``actor`` (case and spacing aside) is looked up among the
scenario's ``adversary``, ``ally``, ``perspective``, their
``[scenario.aliases]`` lists and the ``[scenario.actors]`` table. An
adversary-kind act by the ally or the perspective state is not an adversary
report at all (skipped); one by a third party with weight ``a`` is, with
probability ``a``, the adversary's report and otherwise a draw at the mid
rate ``m_k`` (``Report.attribution``); anything else (the adversary, no
actor, an unknown name) is the adversary's own (``a = 1``). Ally kinds are
counted whoever acted.

Ally
----
For an axis ``x`` (reliability or recklessness) with prior ``Beta(a, b)``, an
observed ally signal ``(delta, direction, q)`` contributes
``p(x) = 1/2 + q * delta * (x - 1/2)`` if ``direction == +1`` and ``1 - p(x)``
if ``direction == -1``.  The posterior mean (and sd) are 1-D quadratures with
the same Gauss-Jacobi construction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy.special import betaln, expit, logsumexp, roots_jacobi, roots_legendre

__all__ = [
    "DEFAULT_CREDIBILITY_WEIGHTS",
    "DEFAULT_NODES",
    "DEFAULT_RELIABILITY_WEIGHTS",
    "AdvKind",
    "AllyKind",
    "exact_ally_mean",
    "exact_ally_moments",
    "exact_ally_posterior_mean",
    "exact_p_expansionist",
    "gamma_of",
    "grade_weight",
    "log_kind_evidence",
]

#: Default Admiralty source-reliability weights (docs/model.md, "Grading").
DEFAULT_RELIABILITY_WEIGHTS: dict[str, float] = {
    "A": 1.0,
    "B": 0.85,
    "C": 0.7,
    "D": 0.5,
    "E": 0.3,
    "F": 0.5,
}
#: Default Admiralty information-credibility weights.
DEFAULT_CREDIBILITY_WEIGHTS: dict[str, float] = {
    "1": 1.0,
    "2": 0.85,
    "3": 0.7,
    "4": 0.5,
    "5": 0.3,
    "6": 0.5,
}

#: Default number of quadrature nodes per axis.
DEFAULT_NODES = 200

Rule = Literal["jacobi", "legendre"]


# --------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AdvKind:
    """An adversary signal kind.

    ``e ~ Beta(alpha_e, beta_e)`` is P(seen | expansionist), ``s ~ Beta(alpha_s,
    beta_s)`` is P(seen | status quo); ``military`` switches on the Jervis blur.
    """

    alpha_e: float
    beta_e: float
    alpha_s: float
    beta_s: float
    military: bool


@dataclass(frozen=True)
class AllyKind:
    """An ally signal kind: ``axis`` is "reliability" or "recklessness",
    ``direction`` is +1 or -1 and ``delta`` in (0, 1] is its diagnosticity."""

    axis: str
    direction: int
    delta: float


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def gamma_of(offense_advantage: float, distinguishability: float) -> float:
    """Jervis blur ``gamma = (1 - distinguishability) * (0.5 + 0.5 * offense_advantage)``."""
    return (1.0 - float(distinguishability)) * (0.5 + 0.5 * float(offense_advantage))


def grade_weight(
    grade: str,
    reliability: Mapping[str, float] | None = None,
    credibility: Mapping[str, float] | None = None,
) -> float:
    """Weight ``q = w_rel * w_cred`` of an Admiralty grade such as ``"B2"``.

    ``reliability`` / ``credibility`` optionally override some or all of the
    default weights (keys ``"A"``..``"F"`` and ``"1"``..``"6"``; integer keys
    are accepted for credibility).
    """
    g = str(grade).strip().upper()
    if len(g) != 2:
        raise ValueError(f"bad Admiralty grade {grade!r}: expected e.g. 'B2'")
    rel_w = dict(DEFAULT_RELIABILITY_WEIGHTS)
    cred_w = dict(DEFAULT_CREDIBILITY_WEIGHTS)
    if reliability:
        rel_w.update({str(k).upper(): float(v) for k, v in reliability.items()})
    if credibility:
        cred_w.update({str(k): float(v) for k, v in credibility.items()})
    r, c = g[0], g[1]
    if r not in rel_w:
        raise ValueError(f"bad Admiralty grade {grade!r}: reliability {r!r} not in A-F")
    if c not in cred_w:
        raise ValueError(f"bad Admiralty grade {grade!r}: credibility {c!r} not in 1-6")
    return rel_w[r] * cred_w[c]


@lru_cache(maxsize=256)
def _beta_rule(alpha: float, beta: float, n: int, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``x`` in (0, 1) and *log* weights ``lw`` with
    ``sum(exp(lw) * f(x)) ~= E_{Beta(alpha, beta)}[f]``.

    ``rule="jacobi"``: Gauss-Jacobi with weight ``x^(alpha-1) (1-x)^(beta-1)``
    (exact for polynomial ``f`` of degree <= 2n - 1).
    ``rule="legendre"``: Gauss-Legendre with the Beta density folded into the
    weights (accurate only for smooth densities, i.e. alpha, beta >= 1).
    """
    if not (alpha > 0 and beta > 0):
        raise ValueError(f"Beta parameters must be > 0, got ({alpha}, {beta})")
    if n < 1:
        raise ValueError("need at least one quadrature node")
    if rule == "jacobi":
        # On t in [-1, 1]: weight (1 - t)^a (1 + t)^b with x = (1 + t) / 2,
        # so (1 + t) ~ x carries alpha - 1 and (1 - t) ~ 1 - x carries beta - 1.
        t, w = roots_jacobi(n, beta - 1.0, alpha - 1.0)
        x = (1.0 + t) / 2.0
        w = np.asarray(w, dtype=float)
        lw = np.log(w) - np.log(w.sum())  # normalise: weights of a probability measure
    elif rule == "legendre":
        t, w = roots_legendre(n)
        x = (1.0 + t) / 2.0
        logpdf = (alpha - 1.0) * np.log(x) + (beta - 1.0) * np.log1p(-x) - betaln(alpha, beta)
        lw = np.log(w / 2.0) + logpdf
    else:  # pragma: no cover - guarded by the Literal type
        raise ValueError(f"unknown quadrature rule {rule!r}")
    x = np.asarray(x, dtype=float)
    x.setflags(write=False)
    lw = np.asarray(lw, dtype=float)
    lw.setflags(write=False)
    return x, lw


# --------------------------------------------------------------------------
# Adversary
# --------------------------------------------------------------------------


def log_kind_evidence(
    kind: AdvKind,
    qs: Sequence[float],
    gamma: float,
    n_nodes: int = DEFAULT_NODES,
    rule: Rule = "jacobi",
) -> tuple[float, float]:
    """``(log I_k(exp), log I_k(sq))`` for one adversary kind observed with grade
    weights ``qs`` (one entry per observation).  With no observations both are 0.
    """
    qs = np.asarray(list(qs), dtype=float)
    if qs.size == 0:
        return 0.0, 0.0
    if np.any((qs < 0) | (qs > 1)):
        raise ValueError("grade weights q must lie in [0, 1]")
    ex, elw = _beta_rule(float(kind.alpha_e), float(kind.beta_e), n_nodes, rule)
    sx, slw = _beta_rule(float(kind.alpha_s), float(kind.beta_s), n_nodes, rule)
    e = ex[:, None]  # axis 0: e, axis 1: s
    s = sx[None, :]
    g = float(gamma) if kind.military else 0.0
    # (1-g)*s + g*e == s + g*(e - s); this form gives s' == e exactly at g == 1.
    sp = (1.0 - g) * s + g * e
    m = 0.5 * (e + sp)
    lw2 = elw[:, None] + slw[None, :]

    log_exp = np.zeros(np.broadcast_shapes(e.shape, sp.shape))
    log_sq = np.zeros_like(log_exp)
    # Group identical q's: prod_i L(q_i) = prod_distinct L(q)^count.
    uq, counts = np.unique(qs, return_counts=True)
    for q, cnt in zip(uq, counts, strict=False):
        l_exp = q * e + (1.0 - q) * m
        l_sq = q * sp + (1.0 - q) * m
        log_exp = log_exp + cnt * np.log(l_exp)
        log_sq = log_sq + cnt * np.log(l_sq)
    return float(logsumexp(lw2 + log_exp)), float(logsumexp(lw2 + log_sq))


def exact_p_expansionist(
    kinds: Mapping[str, AdvKind],
    observations: Iterable[tuple[str, float]],
    p0: float,
    gamma: float,
    n_nodes: int = DEFAULT_NODES,
    rule: Rule = "jacobi",
) -> float:
    """Exact posterior ``P(expansionist | data)``.

    ``kinds`` maps kind id -> :class:`AdvKind`; ``observations`` is a list of
    ``(kind_id, q)`` pairs (q = grade weight).  ``p0`` is the prior
    P(expansionist) and ``gamma`` the Jervis blur (see :func:`gamma_of`).
    Kinds without observations contribute a factor 1 under both types.
    """
    p0 = float(p0)
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"p0 must lie in [0, 1], got {p0}")
    if not 0.0 <= float(gamma) <= 1.0:
        raise ValueError(f"gamma must lie in [0, 1], got {gamma}")
    by_kind: dict[str, list[float]] = {}
    for kid, q in observations:
        if kid not in kinds:
            raise KeyError(f"unknown adversary kind {kid!r}")
        by_kind.setdefault(kid, []).append(float(q))
    if p0 in (0.0, 1.0):
        return p0
    diff = 0.0  # sum_k log I_k(exp) - log I_k(sq)
    for kid, qs in by_kind.items():
        l_exp, l_sq = log_kind_evidence(kinds[kid], qs, gamma, n_nodes, rule)
        diff += l_exp - l_sq
    logit_p0 = math.log(p0) - math.log1p(-p0)
    return float(expit(logit_p0 + diff))


# --------------------------------------------------------------------------
# Ally
# --------------------------------------------------------------------------


def exact_ally_moments(
    alpha: float,
    beta: float,
    observations: Iterable[tuple[float, int, float]],
    n_nodes: int = DEFAULT_NODES,
    rule: Rule = "jacobi",
) -> tuple[float, float]:
    """Exact posterior ``(mean, sd)`` of an ally axis ``x ~ Beta(alpha, beta)``
    given observations ``(delta, direction, q)``, each with likelihood
    ``p(x) = 1/2 + q*delta*(x - 1/2)`` (direction +1) or ``1 - p(x)`` (-1).
    """
    x, lw = _beta_rule(float(alpha), float(beta), n_nodes, rule)
    loglik = np.zeros_like(x)
    for delta, direction, q in observations:
        d = int(direction)
        if d not in (1, -1):
            raise ValueError(f"direction must be +1 or -1, got {direction!r}")
        k = float(q) * float(delta)
        if not 0.0 <= k <= 1.0:
            raise ValueError(f"q*delta must lie in [0, 1], got {k}")
        p = 0.5 + k * (x - 0.5)
        loglik = loglik + np.log(p if d == 1 else 1.0 - p)
    lpost = lw + loglik
    lpost = lpost - logsumexp(lpost)
    w = np.exp(lpost)
    mean = float(np.sum(w * x))
    var = float(np.sum(w * (x - mean) ** 2))
    return mean, math.sqrt(max(var, 0.0))


def exact_ally_mean(
    alpha: float,
    beta: float,
    observations: Iterable[tuple[float, int, float]],
    n_nodes: int = DEFAULT_NODES,
    rule: Rule = "jacobi",
) -> float:
    """Exact posterior mean of an ally axis; see :func:`exact_ally_moments`."""
    return exact_ally_moments(alpha, beta, observations, n_nodes, rule)[0]


#: Alias of :func:`exact_ally_mean` (same signature, per axis).
exact_ally_posterior_mean = exact_ally_mean
