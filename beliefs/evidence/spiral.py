r"""Spiral context: an adversary act weighed as a possible reaction to the other side's provocation.

A catalog likelihood is unconditional: how often *the adversary* mobilises
under each type, out of the blue. Jervis's spiral model (1976, ch. 3; 1978)
says why that misleads in a crisis: a status-quo state answers threats with
threats, so after the perspective state or its ally has mobilised, deployed
or issued an ultimatum, the adversary's mobilisation is much weaker evidence
of expansionism than the same act unprovoked. Glaser (1997) makes the same
point in rational terms: arming that reduces the other side's security is
met by arming, whatever the other side's aims.

The rule
--------
For each *act* -- an active, seen (``observed``), adversary-kind report
(:mod:`beliefs.evidence.attribution`: the adversary's own, a third party's or an
unresolved actor's) of a kind with reactivity :math:`\kappa_k > 0` -- the
*provocations* are the active, seen signals of a ``provocative`` kind by the
perspective state or its ally (an ally kind is the ally's conduct whoever is
named), dated at most ``reaction_window_days`` before the act. A provocation
on the same date counts only if it is entered before the act: the log is in
date order, and within a day the analyst's order is the only statement of
which came first (an act entered first is taken to come first).

Reaction or initiative (Snyder & Diesing 1977, ch. 2-3): a reaction is in
kind and in proportion; an initiative escalates beyond what provoked it, or
comes first. Every kind sits on a coarse escalation ladder (``escalation``,
0-4, argued in the catalog from Kahn 1965). Under the catalog's graded rule
(``[spiral] rule = "decay"``, the bundled one) memory fades and proportion is
graded: for act :math:`i` of kind :math:`k` on rung :math:`\ell_k`, over the
provocations :math:`j` entered before it within ``horizon_days``,

.. math::

    \beta_i = \kappa_k \cdot \max_j \left[ q_j \, d_j(\Delta_{ij}) \, r(\ell_k - \ell_j) \right],

with :math:`d_j(\Delta) = 1` for :math:`\Delta \le W` (``reaction_window_days``)
and :math:`2^{-(\Delta - W)/H_j}` after it, :math:`H_j` the standing half-life
(rung >= ``standing_rung`` or a ``standing_kinds`` entry: forces that stay) or
the declaratory one; :math:`r(g)` is ``rung_weights`` = (1, 1/2, 0) for a gap
of at most 0, of 1 and of 2 or more rungs. :math:`q_j` is the provocation's
whole Admiralty weight (letter x digit): the adversary reacts to what really
happened, and :math:`q_j` is how sure the analyst is that it did. The
provocation with the largest :math:`q_j d_j r` is the one named (the latest
of equals). An act with no provocation that weighs, but one in the window two
or more rungs below it, is an *initiative* and is not discounted (shown as
such).

A catalog without the graded rule's keys keeps the older all-or-nothing rule
(``rule = "window"``): :math:`d = 1` inside the window and 0 after it,
:math:`r = 1` on or below the provocation's rung and 0 above. Every
assessment names the rule it ran under (:meth:`beliefs.catalog.Spiral.describe`).

:math:`\beta_i` enters the model as ``adversary_reaction`` and composes with
Jervis's blur (:mod:`models.belief_model`): the status-quo rate moves to
:math:`s'_i = s_k + b_i (e_k - s_k)` with
:math:`b_i = 1 - (1 - \gamma\,\mathbb{1}[\text{military}_k])(1 - \beta_i)`.
The offense-defense balance and distinguishability are Jervis's blur and
nothing here uses them again; :math:`\kappa_k` says how readily a threatened
status-quo state takes this step, whatever the military environment.

What the blur cannot do
-----------------------
Expansionists also act after provocations, and use them as pretexts. A
discount that excused every coercive act after any provocation would trade
one error for the other, so the blur only moves :math:`s'` *towards*
:math:`e`, never past it: at :math:`\beta = 1` the act is neutral
(likelihood ratio 1), never exculpatory, and a kind whose expansionist rate
exceeds its status-quo rate still points, if less, towards expansionism.

Absences (``observed = false``) get :math:`\beta = 0`: an act that was not
seen answered nothing, and under the spiral model a status-quo state that
was provoked and did *not* answer is, if anything, more clearly status quo;
keeping the catalog's unconditional rates for the absence is the
conservative choice.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.evidence.attribution import CONTEXT_ROLES, Attribution, attribute

# As in beliefs.evidence.attribution: a Scenario and a Signal are whatever has their fields.
Scenario = Any
Signal = Any


@dataclass(frozen=True)
class OwnAct:
    """An act of the perspective state or its ally (context, not evidence): what the adversary may answer."""

    index: int  # position in the signal log
    date: dt.date
    kind: str
    actor: str  # as written (the role's name when the signal names none)
    role: str  # "perspective" | "ally"
    weight: float  # its Admiralty weight q (letter x digit)


def own_side(scenario: Scenario, sig: Signal, catalog: Catalog, att: Attribution) -> tuple[str, str] | None:
    """(role, name) of an active, seen act of our own side; None for anyone else's or a retracted or unseen one.

    An adversary kind is ours when its actor resolves to the perspective state or the ally; an ally kind is
    the ally's conduct, whoever is named.
    """
    if sig.retracted or not sig.observed:
        return None
    if isinstance(catalog.by_id[sig.kind], AdversaryKind):
        role = att.role
        if role not in CONTEXT_ROLES:
            return None  # the adversary's own act, or a third party's
    else:
        role = "ally"
    return role, sig.actor.strip() or (scenario.perspective if role == "perspective" else scenario.ally)


@dataclass(frozen=True)
class Provocation(OwnAct):
    """An own-side act the adversary may have answered."""

    rung: int  # its escalation rung

    def describe(self) -> str:
        return f"{self.kind} by {self.actor} of {self.date.isoformat()}"


@dataclass(frozen=True)
class Reaction:
    """How an adversary act stands to the provocations before it."""

    index: int  # the act's position in the signal log
    kind: str
    reactivity: float  # kappa of the act's kind
    rung: int  # the act's escalation rung
    provocation: Provocation  # the provocation answered (reaction) or escalated beyond (initiative)
    blur: float  # beta = kappa x q x decay x proportion; 0 for an initiative
    days: int = 0  # how long before the act the provocation came
    decay: float = 1.0  # d(days): the share of its weight left after that time
    proportion: float = 1.0  # r(rung gap): 1 in proportion, 1/2 one rung above, 0 beyond
    half_life: float | None = None  # days; None while the provocation weighs in full

    @property
    def initiative(self) -> bool:
        """True: no provocation weighs and one in the window is two or more rungs lower, so no discount."""
        return self.blur == 0.0 and self.proportion == 0.0

    @property
    def weight(self) -> float:
        """The provocation's weight as it reaches the act: q x decay x proportion."""
        return self.provocation.weight * self.decay * self.proportion

    def describe(self) -> str:
        """One line for the ledger, the log and the briefing."""
        p = self.provocation
        if self.initiative:
            return (
                f"an initiative: escalates beyond {p.describe()} (rung {self.rung} over {p.rung}), "
                "not discounted as a reaction"
            )
        notes, factors = [], f"weight {p.weight:.2f}"
        if self.proportion < 1.0:
            share = "half" if self.proportion == 0.5 else f"{self.proportion:g} of its"
            notes.append(f"{share} weight: one rung above it, {self.rung} over {p.rung}")
            factors += f" x {self.proportion:g}"
        if self.decay < 1.0:
            notes.append(f"{self.days} days before: its weight decayed to {self.decay:.2f}, half-life {self.half_life:g} days")
            factors += f" x decay {self.decay:.2f}"
        if notes:
            factors = f"({factors} = {self.weight:.2f})"
        head = "; ".join(notes) + "; " if notes else ""
        return (
            f"weighed as a possible reaction to {p.describe()} "
            f"({head}reactivity {self.reactivity:.2f} x {factors} = blur {self.blur:.2f})"
        )

    def to_json(self, signal_ids: Sequence[int] | None = None) -> dict[str, Any]:
        p = self.provocation
        out: dict[str, Any] = {"to": p.index}
        if signal_ids is not None:
            out["to_signal_id"] = signal_ids[p.index]
        out.update(
            date=p.date.isoformat(), kind=p.kind, actor=p.actor, role=p.role, weight=round(p.weight, 4),
            provocation_rung=p.rung, rung=self.rung, reactivity=self.reactivity, blur=round(self.blur, 6),
            days=self.days, decay=round(self.decay, 6), proportion=self.proportion,
            effective_weight=round(self.weight, 6), initiative=self.initiative, reading=self.describe(),
        )  # fmt: skip
        return out


def provocations(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, atts: Sequence[Attribution]
) -> list[Provocation]:
    """The active, seen, provocative acts of the perspective state and the ally, in log order (``atts``: every
    signal's attribution, :func:`beliefs.evidence.attribution.attribute`)."""
    grading = catalog.grading
    out: list[Provocation] = []
    for i, sig in enumerate(signals):
        kind = catalog.by_id[sig.kind]
        ours = own_side(scenario, sig, catalog, atts[i]) if kind.provocative else None
        if ours is not None:
            role, name = ours
            out.append(Provocation(i, sig.date, sig.kind, name, role, grading.weight(sig.grade), kind.escalation))
    return out


def reactions(scenario: Scenario, signals: Sequence[Signal], catalog: Catalog) -> list[Reaction | None]:
    """For every signal, how it stands to the provocations before it (None: not weighed as either)."""
    atts = attribute(scenario, signals, catalog)
    return reactions_to(signals, catalog, atts, provocations(scenario, signals, catalog, atts))


def reactions_to(
    signals: Sequence[Signal], catalog: Catalog, atts: Sequence[Attribution], provoked: Sequence[Provocation]
) -> list[Reaction | None]:
    """:func:`reactions`, given every signal's attribution and the log's :func:`provocations` (the evidence record's)."""
    rule = catalog.spiral
    horizon, window = dt.timedelta(days=rule.horizon), dt.timedelta(days=rule.reaction_window_days)
    provs = sorted(provoked, key=lambda p: (p.date, p.index))
    dates = [p.date for p in provs]
    out: list[Reaction | None] = [None] * len(signals)
    for i, sig in enumerate(signals):
        kind = catalog.by_id[sig.kind]
        if sig.retracted or not sig.observed or not isinstance(kind, AdversaryKind) or kind.reactivity <= 0.0:
            continue
        if not atts[i].evidence:
            continue  # an own-side act is context, not a report
        # dated within the horizon before the act (bisected: a long log stays cheap), and entered before it
        remembered = provs[bisect_left(dates, _days_before(sig.date, horizon)) : bisect_right(dates, sig.date)]
        before = [p for p in remembered if p.index < i]
        if not before:
            continue  # comes first: an act out of the blue
        best: Reaction | None = None
        for p in sorted(before, key=lambda p: p.index):
            days = (sig.date - p.date).days
            d, r = rule.decay(days, p.kind, p.rung), rule.proportion(kind.escalation - p.rung)
            if d * r * p.weight <= 0.0:
                continue
            cand = Reaction(i, sig.kind, kind.reactivity, kind.escalation, p, kind.reactivity * p.weight * d * r,
                            days, d, r, None if d == 1.0 else rule.half_life(p.kind, p.rung))  # fmt: skip
            if best is None or cand.weight >= best.weight:  # the weightiest; the latest of equals
                best = cand
        if best is not None:
            out[i] = best
            continue
        recent = [p for p in before if p.date >= _days_before(sig.date, window) and rule.proportion(kind.escalation - p.rung) == 0.0]
        if recent:  # provocations in the window, all too far below: name the highest (the latest of equals)
            beyond = max(recent, key=lambda p: (p.rung, p.index))
            out[i] = Reaction(i, sig.kind, kind.reactivity, kind.escalation, beyond, 0.0,
                              (sig.date - beyond.date).days, 1.0, 0.0)  # fmt: skip
    return out


def _days_before(date: dt.date, window: dt.timedelta) -> dt.date:
    """``date - window``, or the calendar's first day (a date stored before the input range: never an error)."""
    return date - window if date.toordinal() > window.days else dt.date.min


def summary(catalog: Catalog, rx: Sequence[Reaction | None], n_provocations: int) -> dict[str, Any]:
    """The spiral context of a log: its provocations and every act weighed as a reaction or an initiative."""
    listed = [r for r in rx if r is not None]
    return {
        "reaction_window_days": catalog.reaction_window_days,
        "rule": catalog.spiral.to_json(),
        "provocations": n_provocations,
        "reactions": [{"index": r.index, "kind": r.kind, "reaction": r.to_json()} for r in listed],
    }
