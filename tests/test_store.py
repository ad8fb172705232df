"""Tests of the SQLite case store (beliefs/store.py): round trip, retraction,
durability under SIGKILL, two writing processes, migrations and refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from beliefs.assess import MODEL_VERSION, assess_signals
from beliefs.catalog import bundled_catalog_path
from beliefs.errors import BeliefsError
from beliefs.store import CaseStore
from beliefs.store_schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, migrate
from beliefs.store_service import case_for_assess
from beliefs.timeline import Signal, load_timeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import reference_from_toml

CATALOG = str(bundled_catalog_path())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


@pytest.fixture
def short_july(july):
    """July 1914 after its first two signals: P(expansionist) ~ 0.84, far from 0 and 1."""
    tl, catalog = july
    return tl.with_signals(tl.signals[:2]), catalog


def _sig(day: int, kind: str = "ultimatum", grade: str = "B2", note: str = "") -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind=kind, grade=grade, actor="Germany", note=note)


def _same_draws(a, b) -> None:
    for name in ("p_expansionist", "r", "c"):
        np.testing.assert_array_equal(a.posterior.flat(name), b.posterior.flat(name))


# -- round trip ------------------------------------------------------------------


def test_round_trip_timeline_case_export_import(engine, july, db, tmp_path):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("july", tl, catalog)
        new_id = store.add_signal("july", _sig(5, note="entered later"), entered_by="tester")
        exported = store.export_toml("july")
        path = tmp_path / "july-export.toml"
        path.write_text(exported, encoding="utf-8")
        assert store.import_toml(path, name="july-copy") == "july-copy"
        case, copy = store.load_case("july"), store.load_case("july-copy")
    assert case.signal_ids[-1] == new_id
    assert case.log[-1].entered_by == "tester"
    assert len(case.timeline.signals) == len(tl.signals) + 1
    assert copy.timeline.signals == case.timeline.signals
    assert copy.timeline.scenario == case.timeline.scenario
    assert copy.timeline.payoffs == case.timeline.payoffs
    assert copy.timeline.outcome == case.timeline.outcome
    assert copy.catalog.digest == case.catalog.digest == catalog.digest
    # The export is a timeline `beliefs assess` accepts.
    reloaded, _ = load_timeline(path)
    assert reloaded.signals == case.timeline.signals

    a = assess_signals(case.timeline, case.catalog, case.timeline.signals, seed=11, engine=engine)
    b = assess_signals(copy.timeline, copy.catalog, copy.timeline.signals, seed=11, engine=engine)
    assert a.inputs.digest() == b.inputs.digest()
    _same_draws(a, b)
    assert a.decision.best == b.decision.best
    # ... and the original timeline plus the same signal gives the same inputs.
    direct = tl.with_signals([*tl.signals, _sig(5, note="entered later")])
    assert (
        assess_signals(direct, catalog, direct.signals, seed=11, engine=engine).inputs.digest()
        == a.inputs.digest()
    )


def test_export_of_out_of_order_entry_is_a_valid_timeline(july, db, tmp_path):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
        store.add_signal("c", Signal(date=dt.date(1914, 7, 1), kind="arms_buildup", grade="C3"))
        case = store.load_case("c")
        path = tmp_path / "c.toml"
        path.write_text(store.export_toml("c"), encoding="utf-8")
    assert case.timeline.signals[-1].date == dt.date(1914, 7, 1)  # entry order in the case
    reloaded, _ = load_timeline(path)  # date order in the file: the loader's order check passes
    assert reloaded.signals[0].date == dt.date(1914, 7, 1)
    assert sorted(reloaded.signals, key=repr) == sorted(case.timeline.signals, key=repr)


# -- retraction ------------------------------------------------------------------


def test_retracted_signal_no_longer_moves_the_posterior(engine, short_july, db, tmp_path):
    tl, catalog = short_july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
        sid = store.add_signal("c", _sig(1, kind="accepts_mediation", grade="A1", note="mediation"))
        with_it = store.load_case("c")
        store.retract_signal("c", sid, "misattributed: it was Austria")
        after = store.load_case("c")
        exported = store.export_toml("c")

    seed = 3
    moved = assess_signals(with_it.timeline, catalog, with_it.timeline.signals, seed=seed, engine=engine)
    retracted = assess_signals(after.timeline, catalog, after.timeline.signals, seed=seed, engine=engine)
    without = assess_signals(tl, catalog, tl.signals, seed=seed, engine=engine)
    _same_draws(retracted, without)
    assert retracted.n_signals == len(tl.signals)
    # The signal did move the posterior before it was retracted (so the test can fail).
    assert abs(moved.summary("p_expansionist")["mean"] - without.summary("p_expansionist")["mean"]) > 0.05

    # Visible in the log ...
    assert after.signal_ids[-1] == sid
    assert after.timeline.signals[-1].retracted
    assert after.log[-1].retraction_reason == "misattributed: it was Austria"
    # ... and in the export, which the exact reference reads the same as the file without it.
    doc = tomllib.loads(exported)
    assert doc["signals"][-1]["kind"] == "accepts_mediation"
    assert doc["signals"][-1]["retracted"] is True
    path = tmp_path / "retracted.toml"
    path.write_text(exported, encoding="utf-8")
    ref = reference_from_toml(path, CATALOG)
    p = retracted.summary("p_expansionist")
    assert abs(p["mean"] - ref["p_expansionist"]) < 5 * p["mcse"] + 0.01


def test_retract_errors_write_nothing(july, db):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("a", tl, catalog)
        store.create_case("b", tl, catalog)
        other = store.load_case("b").signal_ids[0]
        with pytest.raises(BeliefsError, match="no signal with id"):
            store.retract_signal("a", other, "belongs to b")
        with pytest.raises(BeliefsError, match="needs a reason"):
            store.retract_signal("a", 1, "  ")
        store.retract_signal("a", 1, "first")
        with pytest.raises(BeliefsError, match="already retracted"):
            store.retract_signal("a", 1, "second")
        assert [e.retraction_reason for e in store.load_case("a").log if e.signal.retracted] == ["first"]
        assert not any(s.retracted for s in store.load_case("b").timeline.signals)


# -- the log is append-only; input checks ------------------------------------------


def test_signals_and_retractions_cannot_be_updated_or_deleted(july, db):
    tl, catalog = july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
        store.retract_signal("c", 2, "test")
    conn = sqlite3.connect(db)
    for sql in (
        "UPDATE signals SET grade = 'A1'",
        "DELETE FROM signals",
        "UPDATE retractions SET reason = 'x'",
        "DELETE FROM retractions",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_bad_names_kinds_and_duplicates_are_refused(july, db):
    tl, catalog = july
    with CaseStore(db) as store:
        for bad in ("", "has space", "-dash-first", "x" * 65, "../etc", "a/b"):
            with pytest.raises(BeliefsError, match="bad case name"):
                store.create_case(bad, tl, catalog)
        store.create_case("ok_name-1.2", tl, catalog)
        with pytest.raises(BeliefsError, match="already exists"):
            store.create_case("ok_name-1.2", tl, catalog)
        with pytest.raises(BeliefsError, match="unknown kind 'ultimatom'; did you mean ultimatum"):
            store.add_signal("ok_name-1.2", _sig(5, kind="ultimatom"))
        with pytest.raises(BeliefsError, match=r"no case called 'ok_name-1\.3'.*did you mean ok_name-1\.2"):
            store.add_signal("ok_name-1.3", _sig(5))
        assert len(store.load_case("ok_name-1.2").timeline.signals) == len(tl.signals)
        assert [c.name for c in store.list_cases()] == ["ok_name-1.2"]


def test_assessment_is_traceable(engine, short_july, db):
    tl, catalog = short_july
    with CaseStore(db) as store:
        store.create_case("c", tl, catalog)
        store.retract_signal("c", 1, "test")
    timeline, cat, signals, record = case_for_assess("c", str(db))
    result = assess_signals(timeline, cat, signals, seed=5, engine=engine)
    aid = record(result)
    with CaseStore(db) as store:
        latest = store.load_case("c").latest_assessment
        history = store.assessments("c")
    assert latest is not None and latest["id"] == aid and history == [latest]
    assert latest["model_version"] == MODEL_VERSION
    assert latest["catalog_digest"] == catalog.digest
    assert latest["inputs_digest"] == result.inputs.digest()
    assert latest["signal_ids"] == [2]  # signal 1 is retracted
    assert latest["seed"] == 5 and latest["settings"]["sampler"] == engine.settings.sampler
    assert latest["summary"] == json.loads(json.dumps(result.to_json()))
    assert latest["reliable"] == result.reliable


# -- durability and concurrency -------------------------------------------------------

CHILD_CRASH = """
import datetime as dt, sys
from beliefs.store import CaseStore
from beliefs.timeline import Signal
db = sys.argv[1]
store = CaseStore(db)
sid = store.add_signal("c", Signal(date=dt.date(1914, 8, 9), kind="ultimatum", grade="A1", note="entered before the crash"))
print(f"added {sid}", flush=True)
import pymc as pm
from beliefs.assess import assess_signals, shared_engine
from beliefs.store_service import case_for_assess
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
engine = shared_engine(SamplerSettings(sampler="pymc", chains=1, draws=200000))
result = assess_signals(tl, cat, signals, seed=1, engine=engine)
record(result)
print("finished", flush=True)
"""

CHILD_WRITER = """
import datetime as dt, os, sys, time
from beliefs.store import CaseStore
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
    from beliefs.store_service import open_store

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with open_store(None) as store:
        assert store.path == tmp_path / "beliefs" / "cases.db"
    assert (tmp_path / "beliefs" / "cases.db").exists()
    assert os.path.getsize(tmp_path / "beliefs" / "cases.db") > 0
