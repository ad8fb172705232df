r"""Reciprocity: an adversary's costly conciliatory answer to our own conciliatory move.

A security-seeker answers conciliation with conciliation; an expansionist
pockets concessions and presses on (Jervis 1976, ch. 3; Snyder & Diesing
1977, ch. 4; Axelrod 1984; Osgood 1962; Kydd 2005). A catalog likelihood says
how often each type takes a conciliatory step out of the blue; taken *in
answer to ours*, a costly step is one an expansionist will not pay for, so
its expansionist rate is lower than the catalog's.

The rule
--------
The catalog's ``[reciprocity]`` table names the conciliatory kinds, each with
its costliness :math:`c \in (0, 1]` and whether it is an *offer* (a promise,
which lapses) or a step *executed*. Our *conciliatory acts* :math:`j` are the
active, seen signals of those kinds by the perspective state or its ally (an
adversary kind entered with the perspective state or the ally as actor; an
ally kind whoever is named). An *answer* :math:`i` is an active, seen
adversary report (:mod:`beliefs.evidence.attribution`: evidence, not context) of a
conciliatory kind. Each of our acts entered before the answer and dated at
most ``window_days`` before it weighs

.. math::

    w_{ij} = q_j\, c_j\, d(\Delta_{ij}) \prod_p (1 - q_p r_p), \qquad
    d(\Delta) = \begin{cases} 1 & \Delta \le W \\ 2^{-(\Delta - W)/H_j} & \text{else,}\end{cases}

with :math:`q` the whole Admiralty weight (letter x digit), :math:`W` =
``full_weight_days``, :math:`H_j` = ``half_life_offer_days`` for offers and
``half_life_executed_days`` otherwise, and the product over our own
*provocations* :math:`p` (:func:`beliefs.evidence.spiral.provocations`) entered after
:math:`j` and before :math:`i` and dated between them: a provocation spends
our move's goodwill by :math:`q_p r_p`, where **r_p is the provocation's
escalation rung over the top of the ladder**, :math:`r_p = \ell_p / 4`
(a fait accompli of ours, rung 4, cancels a concession; a threat, rung 2,
halves it). The answer's weight is :math:`w_i = \max_j w_{ij}` and its
expansionist rate is lowered,

.. math::

    e''_i = e_k\,(1 - \mu\, c_i\, w_i),

which enters the model as the per-report factor ``adversary_recip``
(:mod:`models.belief_model`). The status-quo rate is never changed: an
escalation that follows our concession is *not* read as exploitation (a
distrustful status-quo state also escalates then; Kydd 2005, ch. 2), see the
catalog's rationale. A catalog without ``[reciprocity]`` has :math:`\mu = 0`:
no report is read as reciprocation, and the output says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from beliefs.catalog import MAX_RUNG, AdversaryKind, Catalog
from beliefs.evidence.attribution import Attribution, attribute
from beliefs.evidence.spiral import OwnAct, Provocation, own_side, provocations

# As in beliefs.evidence.attribution: a Scenario and a Signal are whatever has their fields.
Scenario = Any
Signal = Any


@dataclass(frozen=True)
class Conciliation(OwnAct):
    """One of our own conciliatory moves the adversary may answer."""

    costliness: float  # c of its kind
    offer: bool  # an offer (its weight fades faster) or a step executed

    def describe(self) -> str:
        what = "offer" if self.offer else "move"
        return f"our {what} {self.kind} by {self.actor} of {self.date.isoformat()}"


@dataclass(frozen=True)
class Reciprocation:
    """An adversary report read as the answer to one of our conciliatory moves."""

    index: int  # the answer's position in the signal log
    kind: str
    costliness: float  # c_i of the answer's kind
    act: Conciliation  # the move it answers (the weightiest)
    decay: float  # d(days between the two)
    kept: float  # prod (1 - q_p r_p) over our provocations in between
    weight: float  # w_i = q_j c_j d kept
    mu: float

    @property
    def factor(self) -> float:
        """The answer's expansionist rate is multiplied by this: 1 - mu c_i w_i."""
        return 1.0 - self.mu * self.costliness * self.weight

    def describe(self) -> str:
        """One line for the ledger, the log and the briefing."""
        a = self.act
        parts = [f"q {a.weight:.2f}", f"c {a.costliness:.2f}"]
        if self.decay < 1.0:
            parts.append(f"faded to {self.decay:.2f}")
        if self.kept < 1.0:
            parts.append(f"kept {self.kept:.2f} after our provocations since")
        weighed = f"(weight {' x '.join(parts)} = {self.weight:.2f}; expansionist rate x{self.factor:.2f})"
        if a.offer:
            return f"answered our offer of {a.date.isoformat()} ({a.kind} by {a.actor}) with {self.kind} {weighed}"
        return f"read as reciprocation of {a.kind} by {a.actor} of {a.date.isoformat()} {weighed}"

    def to_json(self, signal_ids: Sequence[int] | None = None) -> dict[str, Any]:
        a = self.act
        out: dict[str, Any] = {"to": a.index}
        if signal_ids is not None:
            out["to_signal_id"] = signal_ids[a.index]
        out.update(
            date=a.date.isoformat(), kind=a.kind, actor=a.actor, role=a.role, offer=a.offer,
            act_weight=round(a.weight, 4), act_costliness=a.costliness, costliness=self.costliness,
            decay=round(self.decay, 6), kept=round(self.kept, 6), weight=round(self.weight, 6),
            factor=round(self.factor, 6), reading=self.describe(),
        )  # fmt: skip
        return out


def conciliations(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, atts: Sequence[Attribution]
) -> list[Conciliation]:
    """Our own active, seen conciliatory moves (the perspective state's and the ally's), in log order
    (``atts``: every signal's attribution, :func:`beliefs.evidence.attribution.attribute`)."""
    table = catalog.reciprocity.kinds
    out: list[Conciliation] = []
    for i, sig in enumerate(signals):
        entry = table.get(sig.kind)
        ours = own_side(scenario, sig, catalog, atts[i]) if entry is not None else None
        if entry is None or ours is None:
            continue  # not a conciliatory kind, or the adversary's own step or a third party's: an answer
        role, name = ours
        weight = catalog.grading.weight(sig.grade)
        out.append(Conciliation(i, sig.date, sig.kind, name, role, weight, entry.costliness, entry.offer))
    return out


def decay(catalog: Catalog, days: int, offer: bool) -> float:
    """d(days): 1 within ``full_weight_days``, then halving every half-life (the offers' or the executed acts')."""
    r = catalog.reciprocity
    if days <= r.full_weight_days:
        return 1.0
    half = r.half_life_offer_days if offer else r.half_life_executed_days
    return float(2.0 ** (-(days - r.full_weight_days) / half))


def kept(act: Conciliation, answer: int, answer_date: dt.date, provs: Sequence[Provocation]) -> float:
    """prod (1 - q_p r_p), r_p = rung / 4, over our provocations entered between the act and the answer."""
    out = 1.0
    for p in provs:
        if act.index < p.index < answer and act.date <= p.date <= answer_date:
            out *= 1.0 - p.weight * p.rung / MAX_RUNG
    return out


def reciprocations(scenario: Scenario, signals: Sequence[Signal], catalog: Catalog) -> list[Reciprocation | None]:
    """For every signal, the move it is read as reciprocating (None: not read as an answer)."""
    atts = attribute(scenario, signals, catalog)
    provs = provocations(scenario, signals, catalog, atts)
    return reciprocations_to(signals, catalog, atts, conciliations(scenario, signals, catalog, atts), provs)


def reciprocations_to(
    signals: Sequence[Signal],
    catalog: Catalog,
    atts: Sequence[Attribution],
    acts: Sequence[Conciliation],
    provs: Sequence[Provocation],
) -> list[Reciprocation | None]:
    """:func:`reciprocations`, given every signal's attribution, our :func:`conciliations` and our provocations
    (:func:`beliefs.evidence.spiral.provocations`): the evidence record's."""
    out: list[Reciprocation | None] = [None] * len(signals)
    rules = catalog.reciprocity
    if not rules.active or not acts:
        return out
    window = dt.timedelta(days=rules.window_days)
    for i, sig in enumerate(signals):
        entry = rules.kinds.get(sig.kind)
        if (
            entry is None
            or sig.retracted
            or not sig.observed
            or not isinstance(catalog.by_id[sig.kind], AdversaryKind)
        ):
            continue
        if not atts[i].evidence:
            continue  # our own step is a move, not an answer
        best: Reciprocation | None = None
        for act in acts:
            if act.index >= i or not (sig.date - window <= act.date <= sig.date):
                continue
            d = decay(catalog, (sig.date - act.date).days, act.offer)
            k = kept(act, i, sig.date, provs)
            w = act.weight * act.costliness * d * k
            if w > 0.0 and (best is None or w >= best.weight):  # the weightiest; the latest of equals
                best = Reciprocation(i, sig.kind, entry.costliness, act, d, k, w, rules.mu)
        out[i] = best
    return out


def rules_in_force(catalog: Catalog) -> dict[str, Any]:
    """The reciprocity rules an assessment was made under (mu 0: none)."""
    r = catalog.reciprocity
    out: dict[str, Any] = {"in_force": r.active, "mu": r.mu}
    if r.active:
        out.update(
            full_weight_days=r.full_weight_days, half_life_executed_days=r.half_life_executed_days,
            half_life_offer_days=r.half_life_offer_days, window_days=r.window_days,
            kinds={k: {"costliness": v.costliness, "offer": v.offer} for k, v in r.kinds.items()},
        )  # fmt: skip
    return out


def summary(catalog: Catalog, rc: Sequence[Reciprocation | None], n_conciliations: int) -> dict[str, Any]:
    """The rules in force, how many of our conciliatory moves the log holds and every answer read as reciprocation."""
    listed = [r for r in rc if r is not None]
    return {
        "rules": rules_in_force(catalog),
        "conciliations": n_conciliations,
        "reciprocations": [{"index": r.index, "kind": r.kind, "reciprocation": r.to_json()} for r in listed],
    }


def line(summary: dict[str, Any]) -> str:
    """One plain line: the rules in force and what they read (for the assessment view and the briefing)."""
    rules = summary["rules"]
    if not rules["in_force"]:
        return "Reciprocity: not in force (the catalog has no [reciprocity] table, or mu is 0)"
    n, m = len(summary["reciprocations"]), summary["conciliations"]
    head = f"Reciprocity (mu {rules['mu']:.2f}): {m} conciliatory move(s) of ours in the log"
    if not n:
        return head + "; no costly conciliatory answer read as reciprocation"
    low = min(r["reciprocation"]["factor"] for r in summary["reciprocations"])
    return head + f"; {n} answer(s) read as reciprocation (expansionist rate down to x{low:.2f})"
