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
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from reference_channels import (
    Report,
    channel_groups,
    exact_p_expansionist_channels,
    is_p_expansionist_channels,
)
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
    "load_reference_inputs",
    "log_kind_evidence",
    "reference_from_toml",
]

#: Default Admiralty source-reliability weights (docs/model.md, "Grading").
DEFAULT_RELIABILITY_WEIGHTS: dict[str, float] = {
    "A": 1.0, "B": 0.85, "C": 0.7, "D": 0.5, "E": 0.3, "F": 0.5,
}
#: Default Admiralty information-credibility weights.
DEFAULT_CREDIBILITY_WEIGHTS: dict[str, float] = {
    "1": 1.0, "2": 0.85, "3": 0.7, "4": 0.5, "5": 0.3, "6": 0.5,
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


# --------------------------------------------------------------------------
# TOML front end
# --------------------------------------------------------------------------


def _ab(table: object, where: str) -> tuple[float, float]:
    if not isinstance(table, Mapping) or "alpha" not in table or "beta" not in table:
        raise ValueError(f"{where}: expected a table {{alpha = ..., beta = ...}}")
    return float(table["alpha"]), float(table["beta"])


def load_reference_inputs(
    timeline_path: str | Path,
    catalog_path: str | Path | None = None,
    upto: int | None = None,
) -> dict:
    """Parse a timeline + catalog into the plain inputs of the reference.

    Returns a dict with ``p0``, ``gamma``, ``adv_kinds`` (id -> AdvKind),
    ``adv_obs`` (list of (kind, q)), ``adv_reports`` (list of
    :class:`reference_channels.Report`), ``ally_priors`` (axis -> (alpha, beta))
    and ``ally_obs`` (axis -> list of (delta, direction, q)).

    ``catalog_path`` defaults to the timeline's ``[scenario].catalog`` (relative
    to the timeline file).  ``upto`` keeps only the first ``upto`` entries of
    ``[[signals]]`` (in file order; ``0`` -> the prior); signals marked
    ``retracted = true`` are then skipped.
    """
    timeline_path = Path(timeline_path)
    with timeline_path.open("rb") as fh:
        tl = tomllib.load(fh)
    sc = tl["scenario"]
    if catalog_path is None:
        if "catalog" not in sc:
            raise ValueError(
                f"{timeline_path}: no catalog_path given and [scenario] has no 'catalog'"
            )
        catalog_path = timeline_path.parent / sc["catalog"]
    catalog_path = Path(catalog_path)
    with catalog_path.open("rb") as fh:
        cat = tomllib.load(fh)

    grading = cat.get("grading", {}) or {}
    rel_over = grading.get("reliability")
    cred_over = grading.get("credibility")

    adv_kinds: dict[str, AdvKind] = {}
    ally_kinds: dict[str, AllyKind] = {}
    for j, k in enumerate(cat.get("kinds", [])):
        kid = k["id"]
        about = k["about"]
        where = f"{catalog_path}: kinds[{j}] ({kid})"
        if about == "adversary":
            ae, be = _ab(k["given_expansionist"], where + ".given_expansionist")
            as_, bs = _ab(k["given_status_quo"], where + ".given_status_quo")
            adv_kinds[kid] = AdvKind(ae, be, as_, bs, bool(k.get("military", False)))
        elif about == "ally":
            ally_kinds[kid] = AllyKind(str(k["axis"]), int(k["direction"]), float(k["delta"]))
        else:
            raise ValueError(f"{where}: about must be 'adversary' or 'ally', got {about!r}")

    signals = list(tl.get("signals", []))
    if upto is not None:
        if upto < 0:
            raise ValueError("upto must be >= 0")
        signals = signals[:upto]

    def norm(name: str) -> str:
        return " ".join(str(name).split()).casefold()

    aliases = sc.get("aliases", {}) or {}
    owner: dict[str, tuple[str, float]] = {}  # name -> (role, attribution)
    for role in ("adversary", "ally", "perspective"):
        for name in [sc[role], *aliases.get(role, [])]:
            owner.setdefault(norm(name), (role, 1.0))
    for name, entry in (sc.get("actors", {}) or {}).items():
        for alias in [name, *entry.get("aliases", [])]:
            owner.setdefault(norm(alias), ("third_party", float(entry["attribution"])))

    adv_obs: list[tuple[str, float]] = []
    adv_reports: list[Report] = []
    ally_obs: dict[str, list[tuple[float, int, float]]] = {"reliability": [], "recklessness": []}
    for j, sig in enumerate(signals):
        if sig.get("retracted", False):
            continue
        kid = sig["kind"]
        q = grade_weight(sig["grade"], rel_over, cred_over)
        if kid in adv_kinds:
            role, attribution = owner.get(norm(sig.get("actor", "")), ("adversary", 1.0))
            if role in ("ally", "perspective"):
                continue  # the own side's act: not evidence on the adversary
            adv_obs.append((kid, q))
            letter, digit = str(sig["grade"]).strip().upper()
            rho = grade_weight(letter + "1", rel_over, {"1": 1.0})
            w = grade_weight("A" + digit, {"A": 1.0}, cred_over)
            channel = sig.get("channel")
            key = " ".join(channel.split()).casefold() if isinstance(channel, str) and channel.strip() else None
            adv_reports.append(Report(kid, w, rho, key, attribution))
        elif kid in ally_kinds:
            ak = ally_kinds[kid]
            if ak.axis not in ally_obs:
                raise ValueError(f"{catalog_path}: kind {kid!r} has unknown axis {ak.axis!r}")
            ally_obs[ak.axis].append((ak.delta, ak.direction, q))
        else:
            raise ValueError(f"{timeline_path}: signals[{j}] kind {kid!r} not in catalog")

    return {
        "p0": float(sc["prior_expansionist"]),
        "gamma": gamma_of(sc["offense_advantage"], sc["distinguishability"]),
        "adv_kinds": adv_kinds,
        "adv_obs": adv_obs,
        "adv_reports": adv_reports,
        "ally_priors": {
            "reliability": _ab(sc["ally_reliability"], f"{timeline_path}: ally_reliability"),
            "recklessness": _ab(sc["ally_recklessness"], f"{timeline_path}: ally_recklessness"),
        },
        "ally_obs": ally_obs,
    }


def reference_from_toml(
    timeline_path: str | Path,
    catalog_path: str | Path | None = None,
    upto: int | None = None,
    n_nodes: int = DEFAULT_NODES,
) -> dict[str, float]:
    """Exact posterior means for a timeline file (see :func:`load_reference_inputs`).

    Returns ``{"p_expansionist": ..., "ally_reliability": ..., "ally_recklessness": ...}``.
    P(expansionist) is exact when every channel carries one kind; otherwise an
    importance-sampling estimate (standard error < 0.002, checked).
    """
    inp = load_reference_inputs(timeline_path, catalog_path, upto)
    kinds, reports = inp["adv_kinds"], inp["adv_reports"]
    if all(len({r.kind for r in g}) == 1 for g in channel_groups(reports)):
        p_exp = exact_p_expansionist_channels(kinds, reports, inp["p0"], inp["gamma"], n_nodes=min(n_nodes, 160))
    else:
        p_exp, se, ess = is_p_expansionist_channels(kinds, reports, inp["p0"], inp["gamma"])
        if se > 0.002 or ess < 2000:
            raise ValueError(f"importance-sampling reference too noisy (se {se:.4f}, ESS {ess:.0f})")
    out = {"p_expansionist": p_exp}
    for axis in ("reliability", "recklessness"):
        a, b = inp["ally_priors"][axis]
        out[f"ally_{axis}"] = exact_ally_mean(a, b, inp["ally_obs"][axis], n_nodes)
    return out
