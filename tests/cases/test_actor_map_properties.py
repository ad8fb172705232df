"""Random sequences of actor mappings on a stored case keep the store's promises: the latest event
per actor is the one in force (case and spacing aside), the mappings table is append-only, the log
version counts every event, and a refused mapping changes nothing. Budget: the "ci" Hypothesis profile."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from beliefs.cases.store import CaseStore
from beliefs.errors import BeliefsError
from beliefs.evidence.attribution import Actors, actor_key
from beliefs.timeline import Signal, load_timeline

BASE, CATALOG = load_timeline("morocco-1905")
#: Free-text actors of an older version, with whether each acted in an ally kind.
OLD = {"the Kaiser": False, "Paris press": False, "Quai d'Orsay": True}
#: What --to may name: role words, a role's name (Germany is the adversary), and a name nobody has.
TARGETS = {"adversary": "adversary", "ALLY": "ally", "perspective": "perspective", "Germany": "adversary",
           "United  Kingdom": "perspective", "martians": None}  # fmt: skip
SPELLINGS = st.sampled_from([*OLD, "the  kaiser", "PARIS PRESS", "nobody"])


class MappingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="beliefs-map-"))
        self.db = self.folder / "cases.db"
        self.store = CaseStore(self.db)
        self.store.create_case("c", BASE.with_signals(BASE.signals[:2]), CATALOG)
        for i, (actor, ally) in enumerate(OLD.items()):
            kind = "ally_hedges" if ally else "mobilization"
            self.store.add_signal("c", Signal(date=dt.date(1905, 4, 1 + i), kind=kind, grade="B2", actor=actor))
        #: the model: actor key -> role in force
        self.expected: dict[str, str] = {}
        self.rows: list[tuple] = []

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _refused(self, call) -> None:
        version = self.store.log_version("c")
        try:
            call()
        except BeliefsError as exc:
            assert "nothing was written" in str(exc) and "case 'c'" in str(exc)
        else:
            raise AssertionError("not refused")
        assert self.store.log_version("c") == version

    @rule(actor=SPELLINGS, to=st.sampled_from(sorted(TARGETS)))
    def map(self, actor, to):
        written = next((a for a in OLD if actor_key(a) == actor_key(actor)), None)
        role = TARGETS[to]
        if written is None or role is None or (OLD[written] and role != "ally"):
            self._refused(lambda: self.store.map_actor("c", actor, to))
            return
        m = self.store.map_actor("c", actor, to)
        assert m.actor == written and m.role == role  # the log's own spelling is kept
        self.expected[actor_key(written)] = role

    @rule(actor=SPELLINGS)
    def unmap(self, actor):
        if actor_key(actor) not in self.expected:
            self._refused(lambda: self.store.map_actor("c", actor, None))
            return
        self.store.map_actor("c", actor, None)
        del self.expected[actor_key(actor)]

    @invariant()
    def the_latest_mapping_is_in_force(self):
        case = self.store.load_case("c")
        names = Actors(case.timeline.scenario)
        for actor, ally in OLD.items():
            att = names.resolve(actor, not ally)
            assert att.role == self.expected.get(actor_key(actor), "unresolved"), (actor, att)
        assert [s.actor for s in case.timeline.signals[2:]] == list(OLD)  # the signals keep their words

    @invariant()
    def mappings_are_append_only_and_counted(self):
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute("SELECT * FROM actor_mappings ORDER BY id").fetchall()
        assert rows[: len(self.rows)] == self.rows
        self.rows = rows
        assert self.store.log_version("c") == 2 + len(OLD) + len(rows)


TestMappings = MappingMachine.TestCase
TestMappings.settings = settings(settings.default, max_examples=25, stateful_step_count=10)
