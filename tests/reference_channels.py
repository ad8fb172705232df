"""Reference posteriors for adversary reports grouped into reporting channels.

Written independently of the ``beliefs`` and ``models`` packages (numpy + scipy
only), from the model's definition:

Each report ``i`` has a kind ``k``, a digit weight ``w_i`` and a channel; each
channel ``c`` has a soundness weight ``rho_c`` (its letter's). With
``s'_i = s_k + b_i (e_k - s_k)``, ``b_i = 1 - (1 - gamma * military_k)(1 - beta_i)`` (``beta_i`` the
report's spiral-context blur, 0 by default) and ``m_i = (e_k + s'_i) / 2``, where ``e_k`` is first
multiplied by the report's reciprocation factor (1 by default, ``reference_reciprocity``)::

    a_exp(i) = w_i e_k  + (1 - w_i) m_i
    a_sq(i)  = w_i s'_i + (1 - w_i) m_i
    (a report watched for and not seen: a_T(i) -> 1 - a_T(i), both types)
    u(i)     = max(a_exp(i), a_sq(i))
    p(R_c | T) = rho_c prod_{i in c} a_T(i) + (1 - rho_c) prod_{i in c} u(i)

and, with the likelihood power ``tau``::

    P(exp | data) = p0 E[prod_c p(R_c|exp)^tau] / (p0 E[...exp...] + (1 - p0) E[prod_c p(R_c|sq)^tau])

the expectations over the Beta priors of every ``(e_k, s_k)``.

Model doubt
-----------
With weight ``eps`` (``doubt``) the whole picture is shaped by deception or a
common cause, and every report arrives at ``u(i)`` whatever the type::

    L'_T = (1 - eps) prod_c p(R_c | T) + eps prod_i u(i)

(``doubt_rate = "likelier"``, the older rule) or, at the neutral rate (``"neutral"``), with
``prod_c (p(R_c | exp) + p(R_c | sq)) / 2`` in place of ``prod_i u(i)``; both factorise over
channels, hence over kinds when every channel carries one kind.

(``P(exp | data)`` as above with ``L'_T`` in place of ``prod_c p(R_c | T)``).
For ``tau = 1`` the expectation is linear in the two branches,
``E[L'_T] = (1 - eps) E[prod_c p(R_c | T)] + eps E[prod_i u(i)]``, and each
branch factorises over kinds on its own (``u(i)`` depends on its own kind's
``(e_k, s_k)`` only), so the quadrature stays a sum of 2-D rules per kind:
``log E[L'_T] = logaddexp(log(1-eps) + sum_k log I_k(T), log eps + sum_k log I_k(u))``.

Two references:

* :func:`exact_p_expansionist_channels` -- deterministic quadrature, for logs
  in which every channel carries a single kind (the expectation then factorises
  over kinds into 2-D integrals). ``u`` has a kink on the line ``e = s`` (where
  the likelier type changes), so the ``s`` integral is split there; each half
  is a Gauss-Jacobi rule that carries the Beta density's endpoint factor, so
  each piece integrates a smooth function.
* :func:`is_p_expansionist_channels` -- importance sampling from the prior
  (large N, seeded), for channels that mix kinds; returns the estimate, its
  standard error and the effective sample size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.special import betaln, expit, logsumexp, roots_jacobi


class Kind(Protocol):
    alpha_e: float
    beta_e: float
    alpha_s: float
    beta_s: float
    military: bool


@dataclass(frozen=True)
class Report:
    """One adversary report: its kind, digit weight ``w``, channel name and the channel's ``rho``.

    ``channel=None`` is a channel of its own.
    """

    kind: str
    w: float
    rho: float
    channel: str | None = None
    #: How far the act is the adversary's own (a third party's act: a < 1). With probability
    #: ``attribution`` the (true-or-noise) report is drawn as the adversary's, else at the mid rate.
    attribution: float = 1.0
    #: False: watched for and not seen. Its likelihood under each type is one minus the
    #: seen one, and its unsound rate the larger of the two absence probabilities.
    seen: bool = True
    #: Spiral-context blur beta in [0, 1] (reference_spiral): the status-quo rate moves towards the
    #: expansionist one by b = 1 - (1 - gamma military)(1 - beta).
    reaction: float = 0.0
    #: Reciprocation factor in (0, 1] (reference_reciprocity): the expansionist rate of this report is
    #: e'' = e x recip, and the blurred status-quo rate and the mid rate are formed from e''.
    recip: float = 1.0


def channel_groups(reports: Sequence[Report]) -> list[list[Report]]:
    """The reports grouped by channel (a report without one alone), in order of first report."""
    groups: dict[object, list[Report]] = {}
    for i, rep in enumerate(reports):
        key: object = ("own", i) if rep.channel is None else ("named", rep.channel)
        groups.setdefault(key, []).append(rep)
    for g in groups.values():
        if len({r.rho for r in g}) != 1:
            raise ValueError(f"channel {g[0].channel!r} has reports with different rho")
    return list(groups.values())


def _log_channels(groups: Sequence[Sequence[Report]], e: Mapping[str, np.ndarray], s: Mapping[str, np.ndarray],
                  kinds: Mapping[str, Kind], gamma: float,
                  doubt_rate: str = "likelier") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """sum_c log p(R_c | T) for T = exp, sq, and the doubt branch's log-likelihood (``doubt_rate``
    "likelier": sum_i log max(a_exp(i), a_sq(i)); "neutral": sum_c log((p(R_c|exp) + p(R_c|sq)) / 2)),
    at every point of the (broadcast) arrays e[k], s[k]. An unsound channel passes its reports at
    max(a_exp, a_sq)."""
    tot_exp: np.ndarray = np.zeros(())
    tot_sq: np.ndarray = np.zeros(())
    tot_u: np.ndarray = np.zeros(())
    for group in groups:
        la = lb = lu = np.zeros(())
        for rep in group:
            kd = kinds[rep.kind]
            ek, sk = e[rep.kind] * rep.recip, s[rep.kind]
            g = gamma if kd.military else 0.0
            b = 1.0 - (1.0 - g) * (1.0 - rep.reaction)
            sp = (1.0 - b) * sk + b * ek
            m = 0.5 * (ek + sp)
            a = rep.attribution
            a_exp = a * (rep.w * ek + (1.0 - rep.w) * m) + (1.0 - a) * m
            a_sq = a * (rep.w * sp + (1.0 - rep.w) * m) + (1.0 - a) * m
            if not rep.seen:
                a_exp, a_sq = 1.0 - a_exp, 1.0 - a_sq
            la = la + np.log(a_exp)
            lb = lb + np.log(a_sq)
            lu = lu + np.log(np.maximum(a_exp, a_sq))
        rho = group[0].rho
        with np.errstate(divide="ignore"):
            lr, l1r = math.log(rho) if rho > 0 else -np.inf, math.log1p(-rho) if rho < 1 else -np.inf
        c_exp, c_sq = np.logaddexp(lr + la, l1r + lu), np.logaddexp(lr + lb, l1r + lu)
        tot_exp = tot_exp + c_exp
        tot_sq = tot_sq + c_sq
        tot_u = tot_u + (np.logaddexp(c_exp, c_sq) + math.log(0.5) if doubt_rate == "neutral" else lu)
    return tot_exp, tot_sq, tot_u


def _jacobi(n: int, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes t in (-1, 1) and log weights for the weight (1 - t)^a (1 + t)^b."""
    t, w = roots_jacobi(n, a, b)
    return np.asarray(t, dtype=float), np.log(np.asarray(w, dtype=float))


def _kind_grid(kd: Kind, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points (e, s) and log weights of a rule for E_{e ~ Beta(ae,be), s ~ Beta(as,bs)}[f],
    split along s = e so that f may have a kink there."""
    ae, be, as_, bs = kd.alpha_e, kd.beta_e, kd.alpha_s, kd.beta_s
    te, lwe = _jacobi(n, be - 1.0, ae - 1.0)  # e = (1 + t) / 2 carries e^(ae-1) (1-e)^(be-1)
    e = (1.0 + te) / 2.0
    lwe = lwe - logsumexp(lwe)  # normalised: the Beta(ae, be) measure
    # s in (0, e): s = e (1 + t) / 2, weight s^(as-1) -> Jacobi(0, as-1); (1-s)^(bs-1) stays in f.
    tl, lwl = _jacobi(n, 0.0, as_ - 1.0)
    # s in (e, 1): 1 - s = (1 - e)(1 - t) / 2, weight (1-s)^(bs-1) -> Jacobi(bs-1, 0); s^(as-1) in f.
    tu, lwu = _jacobi(n, bs - 1.0, 0.0)
    E = e[:, None]
    s_lo = E * (1.0 + tl[None, :]) / 2.0
    s_hi = 1.0 - (1.0 - E) * (1.0 - tu[None, :]) / 2.0
    lnorm = -betaln(as_, bs)
    lw_lo = lwe[:, None] + lwl[None, :] + as_ * np.log(E / 2.0) + (bs - 1.0) * np.log1p(-s_lo) + lnorm
    lw_hi = lwe[:, None] + lwu[None, :] + bs * np.log((1.0 - E) / 2.0) + (as_ - 1.0) * np.log(s_hi) + lnorm
    ee = np.concatenate([np.broadcast_to(E, s_lo.shape), np.broadcast_to(E, s_hi.shape)], axis=1)
    return ee, np.concatenate([s_lo, s_hi], axis=1), np.concatenate([lw_lo, lw_hi], axis=1)


def exact_p_expansionist_channels(
    kinds: Mapping[str, Kind],
    reports: Sequence[Report],
    p0: float,
    gamma: float,
    tau: float = 1.0,
    n_nodes: int = 160,
    doubt: float = 0.0,
    doubt_rate: str = "likelier",
) -> float:
    """P(expansionist | reports) by quadrature; every channel must carry a single kind.

    With model doubt (``doubt`` > 0) the two branches are integrated separately
    (exact for ``tau`` = 1 only: the expectation of a power of a sum does not split).
    """
    if doubt > 0.0 and tau != 1.0:
        raise ValueError("the quadrature with model doubt needs tau = 1: use is_p_expansionist_channels")
    groups = channel_groups(reports)
    by_kind: dict[str, list[list[Report]]] = {}
    for g in groups:
        if len({r.kind for r in g}) != 1:
            raise ValueError(f"channel {g[0].channel!r} mixes kinds: use is_p_expansionist_channels")
        by_kind.setdefault(g[0].kind, []).append(g)
    log_i = np.zeros(3)  # sum_k log I_k(exp), log I_k(sq), log I_k(u)
    for kid, kgroups in by_kind.items():
        e, s, lw = _kind_grid(kinds[kid], n_nodes)
        l_exp, l_sq, l_u = _log_channels(kgroups, {kid: e}, {kid: s}, kinds, gamma, doubt_rate)
        log_i += [logsumexp(lw + tau * l_exp), logsumexp(lw + tau * l_sq), logsumexp(lw + l_u)]
    a, b = log_i[0], log_i[1]
    if doubt > 0.0:
        a = np.logaddexp(math.log1p(-doubt) + a, math.log(doubt) + log_i[2])
        b = np.logaddexp(math.log1p(-doubt) + b, math.log(doubt) + log_i[2])
    return float(expit(math.log(p0) - math.log1p(-p0) + a - b))


def is_p_expansionist_channels(
    kinds: Mapping[str, Kind],
    reports: Sequence[Report],
    p0: float,
    gamma: float,
    tau: float = 1.0,
    n: int = 400_000,
    seed: int = 0,
    doubt: float = 0.0,
    doubt_rate: str = "likelier",
) -> tuple[float, float, float]:
    """Importance sampling from the prior: (P(expansionist), its standard error, ESS).

    ``doubt``: the model-doubt weight, mixed in per draw before tempering."""
    rng = np.random.default_rng(seed)
    used = sorted({r.kind for r in reports})
    e = {k: rng.beta(kinds[k].alpha_e, kinds[k].beta_e, n) for k in used}
    s = {k: rng.beta(kinds[k].alpha_s, kinds[k].beta_s, n) for k in used}
    l_exp, l_sq, l_u = _log_channels(channel_groups(reports), e, s, kinds, gamma, doubt_rate)
    if doubt > 0.0:
        l_exp = np.logaddexp(math.log1p(-doubt) + l_exp, math.log(doubt) + l_u)
        l_sq = np.logaddexp(math.log1p(-doubt) + l_sq, math.log(doubt) + l_u)
    a = math.log(p0) + tau * np.broadcast_to(l_exp, (n,))
    b = math.log1p(-p0) + tau * np.broadcast_to(l_sq, (n,))
    lw = np.logaddexp(a, b)
    w = np.exp(lw - lw.max())
    w /= w.sum()
    p_theta = expit(a - b)  # P(exp | theta, data): the ratio estimator's integrand
    p = float(w @ p_theta)
    ess = float(1.0 / np.sum(w**2))
    se = float(np.sqrt(np.sum(w**2 * (p_theta - p) ** 2)))
    return p, se, ess
