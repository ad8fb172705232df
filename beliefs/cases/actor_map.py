"""Mapping the free-text actors of stored cases onto the scenario's roles.

Cases stored before attribution hold free-text actors ("the Kaiser's court",
"Berlin press"); they resolve to no role and count as the kind's subject's
own acts, with one warning, until the analyst maps them. A mapping says that
an actor, *as written in the log*, is another name of the adversary, the ally,
the perspective state or a third party.

Why aliases, not rewritten signals
----------------------------------
A mapping is recorded as an event of its own (the ``actor_mappings`` table,
append-only like the signal log, counted in the case's log version) and
applied, when the case is read, as an alias of its role in the scenario
(``[scenario.aliases]``, or the third party's ``aliases``). The signals are
never touched:

* the log keeps the analyst's original words (the log is append-only and
  its entries are what was reported, by whom, when);
* a mapping is reversible: ``--unmap`` records a later event, and the latest
  event for an actor (case and spacing aside) is the one that counts;
* the history shows who mapped what, when (``cases actors``), and an export
  carries the mappings as the aliases they are, so it imports as it reads.

A third party named by ``--to`` that the scenario does not know yet is
created by the mapping that gives it an ``--attribution`` (and a ``basis``);
that mapping cannot be undone while another live mapping still points at it.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from typing import Any

from beliefs.errors import BeliefsError
from beliefs.evidence.attribution import Actors, actor_key
from beliefs.text import STORED, check_text, printable
from beliefs.timeline import MAX_LINE, MAX_PROSE, Scenario, ThirdParty

#: The roles a mapping may name by keyword (a role's name or alias works too).
ROLE_WORDS = ("adversary", "ally", "perspective")
#: The role of an event that undoes the actor's earlier mapping.
UNMAPPED = "unmapped"
#: How many aliases a role (or third party) may have: a file may not hold more.
MAX_ALIASES = 50
MAX_THIRD_PARTIES = 100

MAPPING_SELECT = (
    "SELECT id, actor, role, name, attribution, basis, at, mapped_by FROM actor_mappings"
    " WHERE case_id = ? ORDER BY id"
)


@dataclass(frozen=True)
class ActorMapping:
    """One mapping event: ``actor`` (as written in the log) is ``role``'s ``name`` from now on."""

    id: int
    actor: str
    role: str  # adversary | ally | perspective | third_party | unmapped
    name: str  # the role's name in the scenario, or the third party's ("" when unmapped)
    attribution: float | None  # set when this mapping created the third party
    basis: str
    at: str
    mapped_by: str

    def describe(self) -> str:
        if self.role == UNMAPPED:
            return f"'{self.actor}' unmapped"
        what = self.role.replace("_", " ")
        made = "" if self.attribution is None else f" (new, attribution {self.attribution:.2f})"
        return f"'{self.actor}' -> {what} {self.name}{made}"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_mappings(conn: sqlite3.Connection, case_id: int) -> list[ActorMapping]:
    """Every mapping event of a case, oldest first (call inside a transaction)."""
    return [ActorMapping(*row) for row in conn.execute(MAPPING_SELECT, (case_id,))]


def live_mappings(mappings: list[ActorMapping]) -> dict[str, ActorMapping]:
    """The mapping in force for each actor: its latest event, unless that undid it."""
    latest: dict[str, ActorMapping] = {}
    for m in mappings:
        latest[actor_key(m.actor)] = m
    return {k: m for k, m in latest.items() if m.role != UNMAPPED}


def apply_mappings(scenario: Scenario, mappings: list[ActorMapping]) -> Scenario:
    """The scenario with every live mapping added as an alias of its role (the stored scenario untouched)."""
    live = list(live_mappings(mappings).values())
    if not live:
        return scenario
    aliases = {r: list(getattr(scenario.aliases, r)) for r in ROLE_WORDS}
    actors = {n: tp.model_copy(update={"aliases": list(tp.aliases)}) for n, tp in scenario.actors.items()}
    for m in live:  # third parties created by a mapping first: others may point at them
        if m.role == "third_party" and m.attribution is not None and m.name not in actors:
            actors[m.name] = ThirdParty.model_construct(attribution=m.attribution, basis=m.basis, aliases=[])
    for m in live:
        if m.role in ROLE_WORDS:
            aliases[m.role].append(m.actor)
        elif m.role == "third_party" and m.name in actors and actor_key(m.actor) != actor_key(m.name):
            actors[m.name].aliases.append(m.actor)
    new_aliases = scenario.aliases.model_copy(update=aliases)
    return scenario.model_copy(update={"aliases": new_aliases, "actors": actors})


def _refuse(case: str, message: str) -> BeliefsError:
    return BeliefsError(f"case '{case}': {message}; nothing was written")


def _targets(scenario: Scenario) -> str:
    parties = ", ".join(repr(n) for n in scenario.actors) or "none yet"
    return f"adversary, ally, perspective, or a third party ({parties}; a new one needs --attribution)"


def plan_mapping(
    case: str,
    stored: Scenario,
    mappings: list[ActorMapping],
    log: list[tuple[str, bool]],
    actor: str,
    target: str | None,
    attribution: float | None = None,
    basis: str = "",
) -> tuple[str, str, str, float | None, str]:
    """Check one mapping (``target`` None: undo) against the case; the row to write: (actor, role, name, a, basis).

    ``stored`` is the scenario as stored (without mappings), ``log`` each
    signal's actor as written and whether its kind is an ally kind. Raises
    :class:`BeliefsError` (exit 2) naming the case, the actor and what is wrong.
    """
    key = actor_key(actor)
    written = next((a for a, _ in log if actor_key(a) == key), None)
    if not key or written is None:
        raise _refuse(case, f"no signal has the actor '{printable(actor)}' (`beliefs cases actors {case}` lists them)")
    live = live_mappings(mappings)
    if Actors(stored).index.get(key) is not None:
        role = Actors(stored).index[key][0].replace("_", " ")
        raise _refuse(case, f"'{printable(written)}' is already the scenario's {role}: it needs no mapping")
    made = live.get(key)
    users = [m.actor for k, m in live.items() if made and k != key and m.role == "third_party" and m.name == made.name]
    if made is not None and made.attribution is not None and users:
        raise _refuse(case, f"'{printable(written)}' made the third party '{printable(made.name)}', which "
                      f"{', '.join(repr(printable(u)) for u in users)} still map to: unmap those first")  # fmt: skip
    if target is None:
        if made is None:
            raise _refuse(case, f"'{printable(written)}' is not mapped")
        return written, UNMAPPED, "", None, ""
    scenario = apply_mappings(stored, [m for m in mappings if actor_key(m.actor) != key])
    names = Actors(scenario)
    if key in names.index:  # the name of a third party that another mapping created
        role, name, _ = names.index[key]
        raise _refuse(case, f"'{printable(written)}' is already the {role.replace('_', ' ')} {printable(name)} "
                      "(made by a mapping): it needs no mapping")  # fmt: skip
    word = actor_key(target)
    if word in ROLE_WORDS:
        role, name = word, getattr(scenario, word)
    elif word in names.index:
        role, name, _ = names.index[word]
    elif attribution is None:
        raise _refuse(case, f"unknown role '{printable(target)}' for '{printable(written)}'; use {_targets(scenario)}")
    else:
        role, name = "third_party", " ".join(target.split())
        _check_new_party(case, name, attribution, basis, len(scenario.actors))
    if attribution is not None and (role != "third_party" or name in scenario.actors):
        raise _refuse(case, f"--attribution creates a new third party, and '{printable(target)}' is already "
                      f"the {role.replace('_', ' ')} {printable(name)}")  # fmt: skip
    if role != "ally" and any(ally and actor_key(a) == key for a, ally in log):
        raise _refuse(case, f"'{printable(written)}' has signals of ally kinds (the ally's conduct): "
                      f"it can be the ally or one of its aliases, not the {role.replace('_', ' ')}")  # fmt: skip
    held = getattr(scenario.aliases, role) if role in ROLE_WORDS else scenario.actors.get(name, ThirdParty(attribution=0)).aliases
    if len(held) >= MAX_ALIASES:
        raise _refuse(case, f"the {role.replace('_', ' ')} has {MAX_ALIASES} aliases already, the most a case may hold")
    return written, role, name, attribution, basis


def _check_new_party(case: str, name: str, attribution: float, basis: str, n_parties: int) -> None:
    for label, text, prose, limit in (("--to", name, False, MAX_LINE), ("--basis", basis, True, MAX_PROSE)):
        try:
            check_text(text, prose=prose)
        except ValueError as exc:
            raise _refuse(case, f"{label} {exc}") from None
        if len(text) > limit:
            raise _refuse(case, f"{label} is {len(text):,} characters long; the limit is {limit:,}")
    if not (math.isfinite(attribution) and 0.0 <= attribution <= 1.0):
        raise _refuse(case, f"--attribution must be between 0 and 1, not {attribution}")
    if n_parties >= MAX_THIRD_PARTIES:
        raise _refuse(case, f"the scenario has {MAX_THIRD_PARTIES} third parties already")


def record_mapping(
    conn: sqlite3.Connection,
    case: str,
    case_id: int,
    scenario_json: str,
    ally_kinds: set[str],
    request: tuple[str, str | None, float | None, str],
    at: str,
    mapped_by: str,
) -> ActorMapping:
    """Check and write one mapping event inside the caller's write transaction."""
    actor, target, attribution, basis = request
    stored = Scenario.model_validate(json.loads(scenario_json)["scenario"], context=STORED)
    rows = conn.execute("SELECT actor, kind FROM signals WHERE case_id = ? ORDER BY id", (case_id,)).fetchall()
    log = [(a, kind in ally_kinds) for a, kind in rows]
    row = plan_mapping(case, stored, read_mappings(conn, case_id), log, actor, target, attribution, basis)
    cur = conn.execute(
        "INSERT INTO actor_mappings (case_id, actor, role, name, attribution, basis, at, mapped_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, *row, at, mapped_by),
    )
    assert cur.lastrowid is not None
    return ActorMapping(cur.lastrowid, *row, at, mapped_by)


def actor_table(case: Any) -> list[dict[str, Any]]:
    """Each distinct actor of a case's log (first spelling; "" for none): how it resolves, and its signals.

    ``reading`` is :meth:`Attribution.describe` for its adversary-kind acts
    (else its ally-kind ones); ``mapping`` the event in force, if a mapping
    resolves it.
    """
    from beliefs.catalog import AdversaryKind
    from beliefs.evidence.attribution import Actors as _Actors

    tl = case.timeline
    names = _Actors(tl.scenario)
    live = live_mappings(case.actor_mappings)
    rows: dict[str, dict[str, Any]] = {}
    for sig in tl.signals:
        key = actor_key(sig.actor)
        adversary_kind = isinstance(case.catalog.by_id.get(sig.kind), AdversaryKind)
        row = rows.setdefault(key, {"actor": sig.actor.strip(), "signals": 0, "retracted": 0,
                                    "adversary_kind": 0, "ally_kind": 0, "_att": None})  # fmt: skip
        if sig.retracted:
            row["retracted"] += 1
            continue
        row["signals"] += 1
        row["adversary_kind" if adversary_kind else "ally_kind"] += 1
        if row["_att"] is None or (adversary_kind and not row["_att"].adversary_kind):
            row["_att"] = names.resolve(sig.actor, adversary_kind)
    out = []
    for key, row in rows.items():
        att = row.pop("_att") or names.resolve(row["actor"], True)
        m = live.get(key)
        row.update(role=att.role, name=att.name, attribution=att.weight, reading=att.describe(),
                   mapping=None if m is None else m.to_json())  # fmt: skip
        out.append(row)
    return out
