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
(:mod:`beliefs.attribution`: the adversary's own, a third party's or an
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
0-4, argued in the catalog from Kahn 1965), and an act is a possible
reaction only to a provocation on its own rung or above. Among those, the one
that weighs most sets the blur

.. math::

    \beta_i = \kappa_k \cdot \max_j q_j ,

where :math:`q_j` is the provocation's whole Admiralty weight (letter x
digit): the adversary reacts to what really happened, and :math:`q_j` is how
sure the analyst is that it did. An act whose in-window provocations are all
on lower rungs is an *initiative* and is not discounted (shown as such).

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

from beliefs.attribution import CONTEXT_ROLES, Attribution, attribute
from beliefs.catalog import AdversaryKind, Catalog

# As in beliefs.attribution: a Scenario and a Signal are whatever has their fields.
Scenario = Any
Signal = Any


@dataclass(frozen=True)
class Provocation:
    """An own-side act the adversary may have answered."""

    index: int  # position in the signal log
    date: dt.date
    kind: str
    actor: str  # as written (the role's name when the signal names none)
    role: str  # "perspective" | "ally"
    weight: float  # its Admiralty weight q (letter x digit)
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
    blur: float  # beta = kappa x the provocation's weight; 0 for an initiative

    @property
    def initiative(self) -> bool:
        """True: every provocation in the window is on a lower rung, so the act is not discounted."""
        return self.rung > self.provocation.rung

    def describe(self) -> str:
        """One line for the ledger, the log and the briefing."""
        p = self.provocation
        if self.initiative:
            return (
                f"an initiative: escalates beyond {p.describe()} (rung {self.rung} over {p.rung}), "
                "not discounted as a reaction"
            )
        return (
            f"weighed as a possible reaction to {p.describe()} "
            f"(reactivity {self.reactivity:.2f} x weight {p.weight:.2f} = blur {self.blur:.2f})"
        )

    def to_json(self, signal_ids: Sequence[int] | None = None) -> dict[str, Any]:
        p = self.provocation
        out: dict[str, Any] = {"to": p.index}
        if signal_ids is not None:
            out["to_signal_id"] = signal_ids[p.index]
        out.update(
            date=p.date.isoformat(), kind=p.kind, actor=p.actor, role=p.role, weight=round(p.weight, 4),
            provocation_rung=p.rung, rung=self.rung, reactivity=self.reactivity, blur=round(self.blur, 6),
            initiative=self.initiative, reading=self.describe(),
        )  # fmt: skip
        return out


def _attributions(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, attributions: Sequence[Attribution] | None
) -> Sequence[Attribution]:
    """Every signal's attribution: the caller's, when it has them already (encoding does)."""
    return attribute(scenario, signals, catalog) if attributions is None else attributions


def provocations(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, attributions: Sequence[Attribution] | None = None
) -> list[Provocation]:
    """The active, seen, provocative acts of the perspective state and the ally, in log order."""
    atts = _attributions(scenario, signals, catalog, attributions)
    grading = catalog.grading
    out: list[Provocation] = []
    for i, sig in enumerate(signals):
        kind = catalog.by_id[sig.kind]
        if sig.retracted or not sig.observed or not kind.provocative:
            continue
        if isinstance(kind, AdversaryKind):
            role = atts[i].role
            if role not in CONTEXT_ROLES:
                continue  # the adversary's own act, or a third party's: not the other side's provocation
        else:
            role = "ally"  # an ally kind is the ally's conduct, whoever is named
        name = sig.actor.strip() or (scenario.perspective if role == "perspective" else scenario.ally)
        out.append(Provocation(i, sig.date, sig.kind, name, role, grading.weight(sig.grade), kind.escalation))
    return out


def reactions(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, attributions: Sequence[Attribution] | None = None
) -> list[Reaction | None]:
    """For every signal, how it stands to the provocations before it (None: not weighed as either)."""
    window = dt.timedelta(days=catalog.reaction_window_days)
    atts = _attributions(scenario, signals, catalog, attributions)
    provs = sorted(provocations(scenario, signals, catalog, atts), key=lambda p: (p.date, p.index))
    dates = [p.date for p in provs]
    out: list[Reaction | None] = [None] * len(signals)
    for i, sig in enumerate(signals):
        kind = catalog.by_id[sig.kind]
        if sig.retracted or not sig.observed or not isinstance(kind, AdversaryKind) or kind.reactivity <= 0.0:
            continue
        if not atts[i].evidence:
            continue  # an own-side act is context, not a report
        # dated within the window before the act (bisected: a long log stays cheap), and entered before it
        in_window = provs[bisect_left(dates, _days_before(sig.date, window)) : bisect_right(dates, sig.date)]
        before = [p for p in in_window if p.index < i]
        if not before:
            continue  # comes first: an act out of the blue
        answered = [p for p in before if p.rung >= kind.escalation]
        if answered:  # the weightiest provocation in proportion; the latest of equals
            best = max(answered, key=lambda p: (p.weight, p.index))
            out[i] = Reaction(
                i, sig.kind, kind.reactivity, kind.escalation, best, kind.reactivity * best.weight
            )
        else:  # every provocation in the window is on a lower rung: name the highest (the latest of equals)
            beyond = max(before, key=lambda p: (p.rung, p.index))
            out[i] = Reaction(i, sig.kind, kind.reactivity, kind.escalation, beyond, 0.0)
    return out


def _days_before(date: dt.date, window: dt.timedelta) -> dt.date:
    """``date - window``, or the calendar's first day (a date stored before the input range: never an error)."""
    return date - window if date.toordinal() > window.days else dt.date.min


def reaction_blurs(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, attributions: Sequence[Attribution] | None = None
) -> list[float]:
    """The spiral-context blur beta of every signal (0 where it is not weighed as a reaction)."""
    return [0.0 if r is None else r.blur for r in reactions(scenario, signals, catalog, attributions)]


def reaction_of(
    scenario: Scenario, signals: Sequence[Signal], catalog: Catalog, index: int
) -> Reaction | None:
    """How the signal at ``index`` stands to the provocations before it (only earlier signals matter)."""
    return reactions(scenario, signals[: index + 1], catalog)[index]


def summary(scenario: Scenario, signals: Sequence[Signal], catalog: Catalog) -> dict[str, Any]:
    """The spiral context of a log: its provocations and every act weighed as a reaction or an initiative."""
    listed = [r for r in reactions(scenario, signals, catalog) if r is not None]
    return {
        "reaction_window_days": catalog.reaction_window_days,
        "provocations": len(provocations(scenario, signals, catalog)),
        "reactions": [{"index": r.index, "kind": r.kind, "reaction": r.to_json()} for r in listed],
    }
