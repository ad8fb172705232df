r"""Who acted: every signal's ``actor`` resolved against the scenario's roles.

A catalog likelihood says how often *the adversary* takes a step under each
type. Read literally, only the adversary's own acts are evidence about its
type, so each signal's actor is resolved (case and spacing aside) against

* the scenario's ``adversary``, ``ally`` and ``perspective`` and their
  ``[scenario.aliases]`` (a coalition's members: "France and Russia" is also
  "France" and "Russia");
* the third parties of ``[scenario.actors]``, each with an ``attribution``
  weight :math:`a \in [0, 1]`: how far its acts express the adversary's will.

How each role enters the adversary likelihood
---------------------------------------------
**The adversary's own act** enters as before: :math:`a = 1`.

**The perspective state's and the ally's own acts are not evidence about the
adversary's type.** They are the other side of the interaction: Jervis (1976,
ch. 3; 1978) warns precisely against reading one's own side's moves, or the
adversary's answers to them, as information about the adversary's intentions.
A mobilisation by the perspective state is drawn from *its* dispositions, not
from the adversary's type-conditional rates, so it is excluded from the
adversary likelihood altogether (not even as an uninformative draw at the
mid rate :math:`m_k`, which would still teach the model the adversary's
base rates). It is kept in the log and the ledger as *context*.

**A third party's act** (a client, a proxy, a patron) is the adversary's own
with probability :math:`a` and otherwise an act of its own, carrying no
information on the adversary's type -- the same structure as the Admiralty
digit, so it enters the same way:

.. math::

    a\,[w\,p_{T,k} + (1-w)\,m_k] + (1-a)\,m_k = (a\,w)\,p_{T,k} + (1 - a\,w)\,m_k .

The two weights multiply because they are independent questions: the digit
asks whether the *report* is true (did the act happen as described?), the
attribution whether the *act*, given that it happened, was the adversary's
choice. Only a true report of an act the adversary chose is a draw from
:math:`p_{T,k}`. Snyder (1984; Snyder & Diesing 1977, ch. 6) gives the
reason a patron's client is not its instrument: allies have interests of
their own, and a patron is entrapped by its client as often as it directs it,
so a client's act counts for the patron only in part. Heuer (1999, ch. 8)
gives the analyst's side: evidence is diagnostic only of the hypotheses
about the actor who produced it. The number is the analyst's, argued in the
file (``basis``).

Older files and stored cases
----------------------------
New input must name known actors (a validation error lists them). Cases
stored by older versions hold free-text actors: those that resolve to no
role count as their kind's subject's own acts (as they always did): an
adversary kind as the adversary's own act, an ally kind for the ally (ally
kinds are counted whoever acted). :func:`unresolved_counts` lists them, per
kind, for one warning, until the analyst maps them
(:mod:`beliefs.cases.actor_map`). A signal with no actor at all is the
kind's subject too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.errors import Problem

# beliefs.timeline validates actors with this module, so it does not import beliefs.timeline
# (no import cycle): a Scenario and a Signal are whatever has their fields.
Scenario = Any
Signal = Any

#: The roles a signal's actor can resolve to.
ROLES = ("adversary", "ally", "perspective", "third_party", "unnamed", "unresolved")
#: Roles whose adversary-kind acts are context, not evidence about the adversary's type.
CONTEXT_ROLES = ("ally", "perspective")


def actor_key(name: str) -> str:
    """The identity of an actor's name: case and spacing do not make another actor."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Attribution:
    """How one signal was attributed."""

    role: str  # one of ROLES
    name: str  # the role's name in the scenario (or the third party's), or the actor as written
    weight: float  # attribution weight a (1: the adversary's own act; 0: context)
    evidence: bool  # whether the signal enters the likelihood of its kind's subject
    adversary_kind: bool = True  # False: an ally kind (the ally's conduct, whoever acted)

    def describe(self) -> str:
        """One line for the log, the ledger and the briefing: who acted and how the act was counted."""
        if not self.adversary_kind:  # ally kinds inform the ally's axes whoever acted
            if self.role == "unresolved":
                return f"actor '{self.name}' unresolved: an ally kind, counted for the ally whoever acted"
            who = "no actor named" if self.role == "unnamed" else f"{self.role.replace('_', ' ')} {self.name}"
            return f"{who}: an ally kind, counted for the ally"
        if self.role == "adversary":
            return "adversary's own act"
        if self.role in CONTEXT_ROLES and not self.evidence:
            who = "perspective state's" if self.role == "perspective" else "ally's"
            return f"{who} own act: context, not evidence on the adversary"
        if self.role == "third_party":
            return f"third party {self.name}: attribution {self.weight:.2f}"
        if self.role == "unnamed":
            return "no actor named: taken as the adversary's own act"
        return f"actor '{self.name}' unresolved: counted as the adversary's own act until it is mapped"

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "attribution": self.weight, "evidence": self.evidence}


class Actors:
    """The scenario's name table: every name and alias, by its identity."""

    def __init__(self, scenario: Scenario):
        self.index: dict[str, tuple[str, str, float]] = {}
        self.conflicts: list[tuple[str, str, str]] = []  # (name, first role, second role)
        self.written: list[str] = []  # every name and alias as written, in order
        roles = (
            ("adversary", scenario.adversary, scenario.aliases.adversary, 1.0),
            ("ally", scenario.ally, scenario.aliases.ally, 1.0),
            ("perspective", scenario.perspective, scenario.aliases.perspective, 1.0),
        )
        entries = [(role, name, [name, *aliases], a) for role, name, aliases, a in roles]
        entries += [("third_party", n, [n, *tp.aliases], tp.attribution) for n, tp in scenario.actors.items()]
        for role, name, names, a in entries:
            for alias in names:
                key = actor_key(alias)
                if key in self.index and self.index[key][:2] != (role, name):
                    self.conflicts.append((alias, self.index[key][0], role))
                if key not in self.index:
                    self.index[key] = (role, name, a)
                    self.written.append(alias.strip())

    def known(self) -> list[str]:
        """Every name an actor may take, as written in the scenario."""
        return list(self.written)

    def resolve(self, actor: str, adversary_kind: bool) -> Attribution:
        """How a signal by ``actor`` of an adversary (or ally) kind is attributed."""
        key = actor_key(actor)
        if not key:
            return Attribution("unnamed", "", 1.0, True, adversary_kind)
        if key not in self.index:
            return Attribution("unresolved", actor.strip(), 1.0, True, adversary_kind)
        role, name, a = self.index[key]
        if not adversary_kind:
            return Attribution(role, name, 1.0, True, False)  # ally kinds inform the ally's axes whoever is named
        if role in CONTEXT_ROLES:
            return Attribution(role, name, 0.0, False)
        return Attribution(role, name, a, True)


def attribute(scenario: Scenario, signals: Sequence[Signal], catalog: Catalog) -> list[Attribution]:
    """The attribution of every signal, retracted ones included, in order."""
    actors = Actors(scenario)
    return [actors.resolve(s.actor, isinstance(catalog.by_id[s.kind], AdversaryKind)) for s in signals]


def summary(signals: Sequence[Signal], atts: Sequence[Attribution]) -> dict[str, Any]:
    """How the active signals were attributed (``atts``: :func:`attribute`'s): counts by role, unresolved actors, and the warning."""
    counts: dict[str, int] = {}
    for sig, att in zip(signals, atts, strict=True):
        if not sig.retracted:
            key = "context" if not att.evidence else att.role
            counts[key] = counts.get(key, 0) + 1
    unresolved = unresolved_counts(signals, atts)
    names = list(unresolved)
    return {"counts": counts, "unresolved_actors": names, "warning": unresolved_warning(unresolved) if names else None}


def unresolved_actors(signals: Sequence[Signal], atts: Sequence[Attribution]) -> list[str]:
    """The distinct actors of active signals that resolve to no role (older stored cases)."""
    return list(unresolved_counts(signals, atts))


def unresolved_counts(signals: Sequence[Signal], atts: Sequence[Attribution]) -> dict[str, tuple[int, int]]:
    """Each unresolved actor of the active signals: (adversary-kind signals, ally-kind signals), in order of first use."""
    out: dict[str, tuple[int, int]] = {}
    for s, a in zip(signals, atts, strict=True):
        if a.role == "unresolved" and not s.retracted:
            adv, ally = out.get(a.name, (0, 0))
            out[a.name] = (adv + a.adversary_kind, ally + (not a.adversary_kind))
    return out


def _signals(n: int, kind: str) -> str:
    return f"{n} {kind}-kind signal{'' if n == 1 else 's'}"


def unresolved_reading(n_adversary: int, n_ally: int) -> str:
    """How an unresolved actor's signals are counted, exactly per kind."""
    parts = []
    if n_adversary:
        acts = "act" if n_adversary == 1 else "acts"
        parts.append(f"{_signals(n_adversary, 'adversary')} counted as the adversary's own {acts}")
    if n_ally:
        parts.append(f"{_signals(n_ally, 'ally')} counted for the ally, as ally kinds are whoever acted")
    return "; ".join(parts)


#: How the analyst maps an unresolved actor (a stored case's).
MAP_COMMAND = "beliefs cases map-actor CASE ACTOR --to adversary|ally|perspective|THIRD_PARTY"
MAP_HINT = f"until they are mapped: map them with `{MAP_COMMAND}`"


def unresolved_warning(counts: Mapping[str, tuple[int, int]] | Sequence[str]) -> str:
    """The one warning for a log whose actors do not all resolve (names alone: taken as adversary kinds)."""
    if not isinstance(counts, Mapping):
        counts = {n: (1, 0) for n in counts}
    listed = ", ".join(f"{name!r} ({unresolved_reading(*n)})" for name, n in counts.items())
    return (
        f"{len(counts)} actor(s) not among the scenario's roles, aliases or [scenario.actors]: {listed}; "
        f"so counted {MAP_HINT}"
    )


def actor_problems(scenario: Scenario, signals: list[Any], catalog: Catalog, file: str) -> list[Problem]:
    """Problems of new input: names claimed by two roles, unknown actors, ally kinds by another role."""
    actors = Actors(scenario)
    problems = [
        Problem(file, "[scenario]", "aliases", f"'{name}' names both the {a} and the {b}: each name has one role")
        for name, a, b in actors.conflicts
    ]
    known = ", ".join(repr(n) for n in actors.known())
    for i, sig in enumerate(signals):
        kind = sig.get("kind") if isinstance(sig, dict) else None
        if not isinstance(kind, str) or kind not in catalog.by_id or not isinstance(sig.get("actor"), str):
            continue  # a kind or an actor of the wrong type is named by the type check
        adversary_kind = isinstance(catalog.by_id[sig["kind"]], AdversaryKind)
        att = actors.resolve(sig["actor"], adversary_kind)
        if att.role == "unresolved":
            msg = (f"unknown actor '{att.name}'; known: {known} "
                   "(add it to [scenario.aliases] or to [scenario.actors] with an attribution)")  # fmt: skip
            problems.append(Problem(file, f"signals[{i}]", "actor", msg))
        elif not adversary_kind and att.role not in ("ally", "unnamed"):
            msg = f"'{sig['actor'].strip()}' is the {att.role.replace('_', ' ')}, but '{sig['kind']}' is an ally kind (the ally's conduct)"
            problems.append(Problem(file, f"signals[{i}]", "actor", msg))
    return problems
