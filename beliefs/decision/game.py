r"""Snyder's two games played as one: the coupled utility of the composite security dilemma.

Snyder (1984) describes the perspective state as playing two games at once:
an *adversary game* (firm or conciliatory toward an adversary of unknown
type) and an *alliance game* (support or restrain an ally of unknown
reliability ``r`` and recklessness ``c``). Earlier versions added the two:
the alliance term never depended on the adversary's type. Here they are one
game. For each posterior draw ``i`` and option ``(a, b)``::

    U_i(a, b) = p_i X_exp(a, b, r_i, c_i) + (1 - p_i) X_sq(a, b, r_i, c_i)

    X_exp = U[a, exp] m_x(a)     - A (1 - r) wA - E f_exp c wE
    X_sq  = U[a, sq]  m_s(a)     - A (1 - r) wA - E f_sq  c wE - rho S c wP

Still linear in ``p_i`` for fixed ``(r_i, c_i)`` (so the break-even, EVPI and
EVSI keep their closed forms), but the alliance costs now depend on the type.
Every number below is a named entry of a timeline's ``[payoffs]`` table.

Offense-defense balance (``offense_cost_slope`` s, default 1)
    ``m(o) = 1 + s (o - 1/2)`` multiplies the two payoffs of the *mistaken*
    posture: being exploited (``conciliate_vs_expansionist``, ``m_x``) and the
    spiral (``firm_vs_status_quo``, ``m_s``). Jervis (1978): under offense
    dominance conquest is cumulative and the first move pays, so a concession
    to an expansionist is harder to win back, and a spiral between defensive
    states is likelier to end in preemptive war (Van Evera 1999 on
    first-move advantages; Christensen & Snyder 1990 on chain-ganging).
    The neutral point is o = 1/2, where m = 1 and the payoffs are the
    analyst's as written; with s = 1 the range is x0.5 (pure defense
    dominance) to x1.5 (pure offense dominance), the same linear form and range
    as the multipolar abandonment cost 3 (1/2 + o) of :mod:`beliefs.decision.payoffs`,
    so one environment scales every war-risk cost alike. The payoffs of the
    right posture are left alone. (The Jervis blur of the likelihood also uses
    o, but for what a signal says, not for what an outcome costs: nothing is
    counted twice.)

Entrapment by type (``entrapment_factor_expansionist`` 0.5, ``..._status_quo`` 1.5)
    Entrapment is being dragged into the ally's war. Against a status-quo
    adversary that war need not have happened: all of its cost is the
    alliance's doing. Against an expansionist the war may have come anyway,
    and the ally's recklessness mostly sets its date and its terms (Snyder
    1984). The factors straddle 1 so that at even odds the expected
    entrapment cost is the analyst's ``E`` as before; their ratio (3) is
    illustrative, only its direction is argued.

Provocation (``provocation_risk`` rho, default 0.5)
    In the composite dilemma firmness in the alliance game is firmness toward
    the adversary: backing the ally can provoke a status-quo adversary into
    the spiral that conciliation was meant to avoid (Snyder 1984). How much
    depends on the ally: a reckless ally (high ``c``) uses the backing to press
    its own claims (the "blank cheque" of July 1914), which a status-quo state
    must answer; a cautious one turns the same backing into plain deterrence,
    which a status-quo state can live with. So the cost is paid only against a
    status-quo type, grows with ``c``, and is a share rho of the spiral cost
    ``S = max(0, -U[firm, sq] m(o))`` (offense advantage included). The
    exposure ``wP`` is the option's entrapment exposure ``wE`` for the support
    options (the commitment that entraps is the commitment the adversary
    sees) and 0 for the restrain options. rho = 1/2: a fully reckless, fully
    backed ally is taken to set off the spiral half as surely as one's own
    firmness; the literature gives the direction, not the size.

With ``offense_advantage`` 1/2 (or slope 0), both factors 1 and rho 0 the
utility is the additive one of earlier versions, to the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from beliefs.decision.payoffs import OPTION_NAMES, OPTIONS, W_ABANDON, W_ENTRAP, PayoffTable

Array = NDArray[np.float64]

#: Provocation exposure: the entrapment exposure of the support options, none for restrain.
W_PROVOKE = {
    name: (W_ENTRAP[name] if b == "support" else 0.0)
    for name, (_, b) in zip(OPTION_NAMES, OPTIONS, strict=True)
}

_W_A = np.array([W_ABANDON[n] for n in OPTION_NAMES])
_W_E = np.array([W_ENTRAP[n] for n in OPTION_NAMES])
_W_P = np.array([W_PROVOKE[n] for n in OPTION_NAMES])
_FIRM = np.array([a == "firm" for a, _ in OPTIONS])


def adversary_terms(pay: PayoffTable) -> tuple[Array, Array]:
    """The adversary payoffs per option (length 4), vs expansionist and vs status quo, offense balance applied."""
    m = pay.offense_multiplier
    exp = np.array([pay.firm_vs_expansionist if f else m * pay.conciliate_vs_expansionist for f in _FIRM])
    sq = np.array([m * pay.firm_vs_status_quo if f else pay.conciliate_vs_status_quo for f in _FIRM])
    return exp, sq


def spiral_cost(pay: PayoffTable) -> float:
    """S: the cost of a spiral with a status-quo adversary (offense balance applied), never negative."""
    return max(0.0, -pay.firm_vs_status_quo * pay.offense_multiplier)


def outcome_terms(r: Array, c: Array, pay: PayoffTable) -> tuple[Array, Array]:
    """X_exp and X_sq of every draw and option, shape (n, 4) each, in OPTION_NAMES order."""
    r = np.asarray(r, dtype=float)
    c = np.asarray(c, dtype=float)[:, None]
    u_exp, u_sq = adversary_terms(pay)
    abandon = -pay.abandonment_cost * (1.0 - r)[:, None] * _W_A
    entrap = pay.entrapment_cost * c * _W_E
    x_exp = u_exp + abandon - pay.entrapment_factor_expansionist * entrap
    x_sq = (
        u_sq
        + abandon
        - pay.entrapment_factor_status_quo * entrap
        - pay.provocation_risk * spiral_cost(pay) * c * _W_P
    )
    return x_exp, x_sq


def utilities(p: Array, r: Array, c: Array, pay: PayoffTable) -> Array:
    """Per-draw utility of each option, shape (n, 4): ``p X_exp + (1 - p) X_sq``. The one formula."""
    x_exp, x_sq = outcome_terms(r, c, pay)
    p = np.asarray(p, dtype=float)[:, None]
    return p * x_exp + (1.0 - p) * x_sq


def break_even(x_exp: Array, x_sq: Array, p_now: float | None = None) -> float | None:
    """P(expansionist) at which the best firm option ties the best conciliatory one.

    ``x_exp``, ``x_sq``: each option's expected ``X_exp``, ``X_sq`` (length 4).
    Since the model's ally block is independent of the type, the expected
    utility of option a at P(expansionist) = P is exactly
    ``P E[X_exp,a] + (1 - P) E[X_sq,a]``: four lines in P. The break-even is
    where the upper envelope of the two firm lines crosses that of the two
    conciliatory ones; with coupled payoffs the best option within a posture
    can change with P, so every (firm, conciliatory) pair is tried. None when
    they never cross in [0, 1]; of several crossings, the one nearest ``p_now``.
    """
    x_exp, x_sq = np.asarray(x_exp, dtype=float), np.asarray(x_sq, dtype=float)
    firm, conc = np.nonzero(_FIRM)[0], np.nonzero(~_FIRM)[0]

    def gap(p: float) -> float:
        eu = p * x_exp + (1.0 - p) * x_sq
        return float(np.max(eu[firm]) - np.max(eu[conc]))

    roots: list[float] = []
    for f in firm:
        for k in conc:
            slope = (x_exp[f] - x_sq[f]) - (x_exp[k] - x_sq[k])
            if slope == 0:
                continue
            p = -(x_sq[f] - x_sq[k]) / slope
            scale = 1e-9 * (1.0 + float(np.max(np.abs(np.concatenate([x_exp, x_sq])))))
            if 0.0 <= p <= 1.0 and abs(gap(p)) <= scale:
                roots.append(float(p))
    if not roots:
        return None
    target = 0.5 if p_now is None else p_now
    return min(sorted(set(roots)), key=lambda p: abs(p - target))


def _fmt(p: float | None) -> str:
    return "none in [0, 1]" if p is None else f"{p:.3f}"


#: The steps of :func:`break_even_reasons`, in order, and their short names (TUI, briefing).
REASON_FACTORS = (
    ("adversary_payoffs", "adversary payoffs"),
    ("offense_defense", "offense-defense"),
    ("alliance_costs", "abandonment and entrapment"),
    ("entrapment_by_type", "entrapment by type"),
    ("provocation", "provocation"),
)


@dataclass(frozen=True)
class BreakEvenReason:
    """One step of :func:`break_even_reasons`: the part of the game added (a :data:`REASON_FACTORS`
    name), the break-even after it (to 4 places; None: no crossing in [0, 1]) and the sentence."""

    factor: str
    break_even: float | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"factor": self.factor, "break_even": self.break_even, "text": self.text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BreakEvenReason:
        be = d.get("break_even")
        return cls(str(d["factor"]), None if be is None else float(be), str(d.get("text", "")))


def break_even_reasons(
    pay: PayoffTable, r_mean: float, c_mean: float, p_now: float
) -> tuple[float | None, list[BreakEvenReason]]:
    """The break-even, and why it is where it is: the one game built up one coupling at a time.

    Starting from the adversary payoffs alone at a neutral offense-defense
    balance, each step adds one part of the game and says where the
    break-even is after it (the order is fixed; a step's effect can depend on
    it). Each reason: ``factor`` (a :data:`REASON_FACTORS` name),
    ``break_even`` after the step (None: no crossing in [0, 1]) and ``text``.
    """
    r, c = np.array([r_mean]), np.array([c_mean])
    f_mean = 0.5 * (pay.entrapment_factor_expansionist + pay.entrapment_factor_status_quo)
    steps = [
        pay.replace(offense_cost_slope=0.0, abandonment_cost=0.0, entrapment_cost=0.0, provocation_risk=0.0),
        pay.replace(abandonment_cost=0.0, entrapment_cost=0.0, provocation_risk=0.0),
        pay.replace(
            entrapment_factor_expansionist=f_mean, entrapment_factor_status_quo=f_mean, provocation_risk=0.0
        ),
        pay.replace(provocation_risk=0.0),
        pay,
    ]
    be = []
    for table in steps:
        x_exp, x_sq = outcome_terms(r, c, table)
        be.append(break_even(x_exp[0], x_sq[0], p_now))
    m, o = pay.offense_multiplier, pay.offense_advantage
    verb = "leaves" if m == 1.0 else ("raises" if m > 1.0 else "lowers")
    texts = [
        f"adversary payoffs alone: {_fmt(be[0])}",
        f"offense advantage {o:.2f} {verb} the cost of spiral and exploitation x{m:.2f}: {_fmt(be[1])}",
        f"abandonment (cost {pay.abandonment_cost:.2f}, reliability {r_mean:.2f}) and entrapment "
        f"(cost {pay.entrapment_cost * f_mean:.2f}, recklessness {c_mean:.2f}): {_fmt(be[2])}",
        f"entrapment x{pay.entrapment_factor_status_quo:.2f} against a status-quo adversary (a war that need not "
        f"have happened), x{pay.entrapment_factor_expansionist:.2f} against an expansionist: {_fmt(be[3])}",
        f"supporting a reckless ally (recklessness {c_mean:.2f}) risks provoking a status-quo adversary "
        f"(risk {pay.provocation_risk:.2f} x {c_mean:.2f} of a spiral costing {spiral_cost(pay):.2f}): {_fmt(be[4])}",
    ]
    reasons = [
        BreakEvenReason(factor, None if b is None else round(b, 4), text)
        for (factor, _), b, text in zip(REASON_FACTORS, be, texts, strict=True)
    ]
    return be[-1], reasons


def compact_reasons(reasons: Sequence[BreakEvenReason]) -> str:
    """The steps on one line: ``adversary payoffs 0.500 -> offense-defense 0.475 -> ...``."""
    names = dict(REASON_FACTORS)
    return " -> ".join(f"{names.get(r.factor, r.factor)} {_fmt(r.break_even)}" for r in reasons)
