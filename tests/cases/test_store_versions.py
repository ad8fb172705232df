"""Log versions and stale writes (beliefs/cases/versions.py), on both backends, and noticing other
processes' commits to a SQLite file (the PostgreSQL listener: tests/tui/test_tui_postgres.py)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from beliefs.cases.service import open_store
from beliefs.cases.store import CaseStore, StaleLogError
from beliefs.cases.versions import FileWatch
from beliefs.timeline import Signal


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


@pytest.fixture
def two(july):
    tl, catalog = july
    return tl.with_signals(tl.signals[:2]), catalog


def _sig(day: int) -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind="ultimatum", grade="B2", actor="Germany")


def test_the_version_counts_signals_and_retractions_and_only_grows(store_db, two):
    tl, catalog = two
    with open_store(store_db) as store:
        store.create_case("a", tl, catalog)
        store.create_case("b", tl, catalog)
        assert store.log_version("a") == 2 == store.load_case("a").version
        sid = store.add_signal("a", _sig(1), expected_version=2)
        assert store.log_version("a") == 3
        store.retract_signal("a", sid, "misread", expected_version=3)
        assert store.log_version("a") == 4 == store.load_case("a").version
        assert store.log_version("b") == 2  # another case's events do not count


def test_a_stale_write_is_refused_and_writes_nothing(store_db, two, engine):
    tl, catalog = two
    with open_store(store_db) as store:
        store.create_case("a", tl, catalog)
        seen = store.load_case("a").version
        store.add_signal("a", _sig(1))  # another writer, between our read and our write
        with pytest.raises(StaleLogError) as err:
            store.add_signal("a", _sig(2), expected_version=seen)
        assert "changed since it was read" in str(err.value) and "'a'" in str(err.value)
        assert (err.value.expected, err.value.actual) == (seen, seen + 1)
        case = store.load_case("a")
        assert len(case.timeline.signals) == 3 and case.timeline.signals[-1] == _sig(1)
        with pytest.raises(StaleLogError):
            store.retract_signal("a", case.signal_ids[0], "dup", expected_version=seen)
        assert not store.load_case("a").timeline.signals[0].retracted
        from beliefs.runs.assessment import assess_signals

        a = assess_signals(tl, catalog, tl.signals, seed=0, engine=engine)
        with pytest.raises(StaleLogError):
            store.record_assessment("a", a, expected_version=seen)
        assert store.assessments("a") == []
        store.record_assessment("a", a, expected_version=seen + 1)
        assert len(store.assessments("a")) == 1


def test_create_case_keeps_the_retraction_reasons_given(store_db, two):
    tl, catalog = two
    flagged = tl.with_signals([s.model_copy(update={"retracted": True}) for s in tl.signals])
    with open_store(store_db) as store:
        store.create_case("a", flagged, catalog, origin="f.toml", retraction_reasons={1: "  misdated  "})
        log = store.load_case("a").log
    assert [e.retraction_reason for e in log] == ["no reason recorded: f.toml marks it retracted without one", "misdated"]


def test_the_watch_sees_every_commit_of_this_or_another_process_not_reads(db, two):
    tl, catalog = two
    watch = FileWatch(db)  # no file yet: nothing changed
    assert not watch.changed()
    with CaseStore(db) as store:
        store.create_case("a", tl, catalog)
    assert watch.changed()  # the file appeared
    assert not watch.changed()
    with CaseStore(db) as store:
        store.load_case("a")  # a read is not a change
    assert not watch.changed()
    for _ in range(3):  # every commit is seen, however many
        with CaseStore(db) as store:
            store.add_signal("a", _sig(2))
        assert watch.changed() and not watch.changed()
    code = (
        "import sys, datetime as dt\n"
        "from beliefs.cases.store import CaseStore\n"
        "from beliefs.timeline import Signal\n"
        "with CaseStore(sys.argv[1]) as s:\n"
        "    s.add_signal('a', Signal(date=dt.date(1914, 8, 3), kind='ultimatum', grade='A1'))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)
    assert watch.changed()
    assert not watch.changed()
