"""Durability of the case store: SIGKILL during sampling and while writing, two
writing processes, a busy database, migrations and refusals of foreign files."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beliefs.cases.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, migrate
from beliefs.cases.store import CaseStore
from beliefs.catalog import bundled_catalog_path
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal

CATALOG = str(bundled_catalog_path())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


def _sig(day: int, kind: str = "ultimatum", grade: str = "B2", note: str = "") -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind=kind, grade=grade, actor="Germany", note=note)



CHILD_CRASH = """
import datetime as dt, sys
from beliefs.cases.store import CaseStore
from beliefs.timeline import Signal
db = sys.argv[1]
store = CaseStore(db)
sid = store.add_signal("c", Signal(date=dt.date(1914, 8, 9), kind="ultimatum", grade="A1", note="entered before the crash"))
print(f"added {sid}", flush=True)
import pymc as pm
from beliefs.runs.assessment import assess_signals
from beliefs.runs.engines import shared_engine
from beliefs.cases.service import case_for_assess
from models.engine import SamplerSettings

original = pm.sample
def sample(*args, **kwargs):  # report the first draw, so the parent kills us mid-sampling
    seen = []
    def callback(trace, draw):
        if not seen:
            seen.append(True)
            print("drawing", flush=True)
    return original(*args, callback=callback, **kwargs)
pm.sample = sample

tl, cat, signals, record = case_for_assess("c", db)
engine = shared_engine(SamplerSettings(sampler="pymc", chains=1, draws=200000, method="nuts"))
result = assess_signals(tl, cat, signals, seed=1, engine=engine)
record(result)
print("finished", flush=True)
"""

CHILD_WRITER = """
import datetime as dt, os, sys, time
from beliefs.cases.store import CaseStore
from beliefs.timeline import Signal
db, tag, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
store = CaseStore(db)
while go != "-" and not os.path.exists(go):
    time.sleep(0.01)
for i in range(n):
    sid = store.add_signal("c", Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B3", note=f"{tag}-{i}"), entered_by=tag)
    print(sid, flush=True)
print("done", flush=True)
"""


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: SIGKILL reaches PyMC's worker processes too
    )


def _kill(child: subprocess.Popen[str]) -> None:
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_sigkill_during_sampling_loses_no_signal(july, db):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
    child = _spawn(CHILD_CRASH, str(db))
    assert child.stdout is not None
    added = child.stdout.readline()
    assert added.startswith("added "), child.stderr.read() if child.stderr else ""
    line = child.stdout.readline()  # the first draw of 200,000
    assert line == "drawing\n", child.stderr.read() if child.stderr else ""
    _kill(child)

    assert _integrity(db) == "ok"
    with CaseStore(db) as store:
        case = store.load_case("c")
        assert store.integrity_check() == "ok"
    sid = int(added.split()[1])
    assert case.signal_ids[-1] == sid
    assert case.timeline.signals[-1].note == "entered before the crash"
    assert case.latest_assessment is None  # the interrupted assessment left nothing half-written


def test_sigkill_while_writing_keeps_every_acknowledged_signal(july, db):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
    child = _spawn(CHILD_WRITER, str(db), "w", "1000", "-")
    assert child.stdout is not None
    acknowledged = [int(child.stdout.readline()) for _ in range(40)]
    _kill(child)
    assert _integrity(db) == "ok"
    with CaseStore(db) as store:
        ids = set(store.load_case("c").signal_ids)
    assert set(acknowledged) <= ids
    assert len(ids) < len(tl.signals) + 1000  # it really was killed mid-way


def test_two_processes_adding_200_signals_each(july, db, tmp_path):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("c", tl.with_signals([]), catalog)
    go = tmp_path / "go"
    children = [_spawn(CHILD_WRITER, str(db), tag, "200", str(go)) for tag in ("p1", "p2")]
    time.sleep(0.5)
    go.touch()
    outputs = [c.communicate(timeout=300) for c in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert out.splitlines()[-1] == "done"
    assert _integrity(db) == "ok"
    with CaseStore(db) as store:
        case = store.load_case("c")
    assert len(case.timeline.signals) == 400
    for tag in ("p1", "p2"):
        notes = [e.signal.note for e in case.log if e.entered_by == tag]
        assert notes == [f"{tag}-{i}" for i in range(200)]  # each writer's order is kept


def test_busy_database_gives_a_clear_error_after_a_bounded_wait(july, db):
    tl, catalog = july
    store = CaseStore(db, busy_timeout=0.3)
    store.create_case("c", tl, catalog)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        start = time.monotonic()
        with pytest.raises(BeliefsError, match="busy/locked"):
            store.add_signal("c", _sig(5))
        assert time.monotonic() - start < 5
        # Readers still see a consistent state while the writer holds the lock,
        # and a second window can open the (already migrated) database.
        assert len(store.load_case("c").timeline.signals) == len(tl.signals)
        with CaseStore(db, busy_timeout=0.3) as second:
            assert [c.name for c in second.list_cases()] == ["c"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.add_signal("c", _sig(5))
    assert len(store.load_case("c").timeline.signals) == len(tl.signals) + 1
    store.close()


# -- migrations and refusals ----------------------------------------------------------


def test_migrates_a_version_1_database(july, db):
    tl, catalog = july
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, db, upto=1) == 1
    scenario = {"scenario": tl.scenario.model_dump(mode="json"), "payoffs": {}, "outcome": None}
    conn.execute(
        "INSERT INTO cases VALUES (1, 'old', ?, ?, ?, 'v1', '2026-01-01', '2026-01-01')",
        (json.dumps(scenario), catalog.model_dump_json(), catalog.digest),
    )
    conn.execute(
        "INSERT INTO signals VALUES (1, 1, '1914-07-23', 'ultimatum', 'A-H', 'B2', 'old signal', NULL,"
        " '2026-01-01', 'v1', 'v1')"
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "assessments" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()

    with CaseStore(db) as store:
        case = store.load_case("old")
        store.add_signal("old", _sig(5))
        assert store.assessments("old") == []
    assert case.timeline.signals[0].note == "old signal" and case.latest_assessment is None
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_refuses_a_non_sqlite_file_and_leaves_it_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 200)
    before = _snapshot(path)
    with pytest.raises(BeliefsError, match="not a SQLite database"):
        CaseStore(path)
    assert _snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_refuses_a_damaged_sqlite_file(tmp_path):
    path = tmp_path / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    before = _snapshot(path)
    with pytest.raises(BeliefsError, match="damaged or not a database"):
        CaseStore(path)
    assert _snapshot(path) == before


def test_refuses_another_applications_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = _snapshot(path)
    with pytest.raises(BeliefsError, match="another application"):
        CaseStore(path)
    assert _snapshot(path) == before


def test_refuses_a_database_from_a_newer_version(july, db):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = _snapshot(db)
    with pytest.raises(BeliefsError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        CaseStore(db)
    assert _snapshot(db) == before


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(BeliefsError, match="is a directory"):
        CaseStore(tmp_path)


def test_default_db_follows_xdg(tmp_path, monkeypatch):
    from beliefs.cases.service import open_store

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with open_store(None) as store:
        assert store.path == tmp_path / "beliefs" / "cases.db"
        assert not store.path.exists()  # made by the first read or write, not by opening
        assert store.list_cases() == []
    assert (tmp_path / "beliefs" / "cases.db").exists()
    assert os.path.getsize(tmp_path / "beliefs" / "cases.db") > 0
