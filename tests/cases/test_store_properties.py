"""Random sequences of add / retract / export / import on the case store keep its promises:
the log is append-only (rows never change, ids only grow), every acknowledged signal is there,
refused input (control characters, unknown kinds, double retractions) changes nothing, and
export -> import gives back the same signals. Budget: the "ci" Hypothesis profile (derandomized)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hostile import CONTROL, SHOWN_LITERALLY
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pydantic import ValidationError

from beliefs.cases.store import CaseStore
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal, load_timeline

BASE, CATALOG = load_timeline("morocco-1905")
KINDS = sorted(CATALOG.by_id)
TEXT = st.sampled_from(["", "Germany", *SHOWN_LITERALLY]) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), max_size=20
)
SIGNALS = st.builds(
    Signal,
    date=st.dates(dt.date(1900, 1, 1), dt.date(1950, 12, 31)),
    kind=st.sampled_from(KINDS),
    actor=st.sampled_from(["", "Germany", "France", "United Kingdom"]),  # actors must be the scenario's roles
    grade=st.sampled_from([f"{r}{c}" for r in "ABCDEF" for c in "123456"]),
    note=TEXT | st.just("line one\n\tline two"),
    source=st.none() | TEXT,
)


def _rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM signals ORDER BY id").fetchall() + [
            ("retraction", *r) for r in conn.execute("SELECT * FROM retractions ORDER BY id")
        ]


#: What another connection may try on the case (``{table}``: each table of its log).
REWRITES = [
    "UPDATE cases SET id = id + 100",
    "UPDATE cases SET scenario_json = json_set(scenario_json, '$.scenario.prior_expansionist', 0.99)",
    "UPDATE cases SET catalog_json = '{{}}', catalog_digest = 'x'",
    "UPDATE cases SET name = 'renamed'",
    "DELETE FROM cases",
    "UPDATE {table} SET {owner} = {owner} + 100",
    "DELETE FROM {table}",
    "INSERT OR REPLACE INTO cases SELECT * FROM cases",
]


def _everything(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return [
            (table, *row)
            for table in ("cases", "signals", "retractions", "assessments", "actor_mappings")
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")
        ]


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="beliefs-store-"))
        self.db = self.folder / "cases.db"
        self.store = CaseStore(self.db)
        self.store.create_case("c", BASE.with_signals(BASE.signals[:2]), CATALOG)
        case = self.store.load_case("c")
        #: the model: signal id -> (signal as acknowledged, retracted?)
        self.expected = {sid: s for sid, s in zip(case.signal_ids, case.timeline.signals, strict=True)}
        self.seen: list[tuple] = _rows(self.db)
        self.copies = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(signal=SIGNALS)
    def add(self, signal):
        sid = self.store.add_signal("c", signal)
        assert sid > max(self.expected)
        self.expected[sid] = signal

    @rule(field=st.sampled_from(["actor", "note", "source", "kind"]), text=st.sampled_from(CONTROL))
    def add_with_control_characters_is_refused(self, field, text):
        with pytest.raises(ValidationError, match="control character"):
            Signal(**({"date": dt.date(1906, 1, 1), "kind": "mobilization", "grade": "B2"} | {field: text}))

    @rule(kind=st.text(max_size=12).filter(lambda k: k not in CATALOG.by_id))
    def add_of_an_unknown_kind_is_refused(self, kind):
        with pytest.raises((BeliefsError, ValidationError)):
            self.store.add_signal("c", Signal(date=dt.date(1906, 1, 1), kind=kind or "x", grade="B2"))

    @rule(data=st.data(), reason=st.sampled_from(["misattributed", "[/] dup", "=1+2"]))
    def retract(self, data, reason):
        sid = data.draw(st.sampled_from(sorted(self.expected)))
        if self.expected[sid].retracted:
            with pytest.raises(BeliefsError, match="already retracted"):
                self.store.retract_signal("c", sid, reason)
        else:
            self.store.retract_signal("c", sid, reason)
            self.expected[sid] = self.expected[sid].model_copy(update={"retracted": True})

    @rule(reason=st.sampled_from(CONTROL))
    def retract_with_a_control_character_is_refused(self, reason):
        with pytest.raises(BeliefsError, match="control character"):
            self.store.retract_signal("c", min(self.expected), reason)

    @precondition(lambda self: self.copies < 3)
    @rule()
    def export_then_import(self):
        self.copies += 1
        path = self.folder / f"copy{self.copies}.toml"
        path.write_text(self.store.export_toml("c"), encoding="utf-8")
        name = self.store.import_toml(path, f"copy{self.copies}")
        copy = self.store.load_case(name).timeline.signals
        original = sorted(self.expected.values(), key=lambda s: s.date)  # exports are in date order (stable)
        assert copy == original

    @invariant()
    def every_acknowledged_signal_is_there_as_acknowledged(self):
        case = self.store.load_case("c")
        assert dict(zip(case.signal_ids, case.timeline.signals, strict=True)) == self.expected
        assert case.signal_ids == sorted(case.signal_ids)

    @invariant()
    def the_log_is_append_only(self):
        now = _rows(self.db)
        old_signals = [r for r in self.seen if r[0] != "retraction"]
        old_retractions = [r for r in self.seen if r[0] == "retraction"]
        assert [r for r in now if r[0] != "retraction"][: len(old_signals)] == old_signals
        assert [r for r in now if r[0] == "retraction"][: len(old_retractions)] == old_retractions
        self.seen = now


TestStore = StoreMachine.TestCase
TestStore.settings = settings(settings.default, max_examples=25, stateful_step_count=12)


class TamperMachine(RuleBasedStateMachine):
    """Adds and retractions through the store, interleaved with rewrites by a plain connection.

    A machine of its own (the one above keeps its derandomized exploration)."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="beliefs-tamper-"))
        self.db = self.folder / "cases.db"
        self.store = CaseStore(self.db)
        self.store.create_case("c", BASE.with_signals(BASE.signals[:2]), CATALOG)
        self.ids = self.store.load_case("c").signal_ids

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(signal=SIGNALS)
    def add(self, signal):
        self.ids.append(self.store.add_signal("c", signal))

    @rule(data=st.data())
    def retract(self, data):
        sid = data.draw(st.sampled_from(self.ids))
        if not any(e.id == sid and e.retraction_reason for e in self.store.load_case("c").log):
            self.store.retract_signal("c", sid, "misattributed")

    @rule(
        sql=st.sampled_from(REWRITES),
        table=st.sampled_from(["signals", "retractions", "assessments", "actor_mappings"]),
    )
    def a_plain_connection_rewrites_nothing(self, sql, table):
        """Another program's UPDATE / DELETE / REPLACE of any table a case's numbers depend on
        is refused by the file itself, and the store still opens (its rules intact)."""
        before = _everything(self.db)
        target = table if "{table}" in sql else "cases"
        sql = sql.format(table=table, owner="signal_id" if table == "retractions" else "case_id")
        conn = sqlite3.connect(self.db, isolation_level=None)
        try:
            if conn.execute(f"SELECT count(*) FROM {target}").fetchone()[0]:
                with pytest.raises(
                    sqlite3.IntegrityError, match=r"append-only|fixed|never replaced|deleted only|kept"
                ):
                    conn.execute(sql)
            else:  # no row to change: nothing to refuse
                conn.execute(sql)
        finally:
            conn.close()
        assert _everything(self.db) == before
        CaseStore(self.db).close()

    @invariant()
    def the_log_is_whole(self):
        assert self.store.load_case("c").signal_ids == self.ids


TestTamper = TamperMachine.TestCase
TestTamper.settings = settings(settings.default, max_examples=10, stateful_step_count=10)
