"""The store and the disk: concurrent creation of a new database, a full disk and a
read-only file are reported as such (exit 74, the path named) with the database unchanged."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from beliefs.cases.dbfile import db_errors
from beliefs.cases.store import CaseStore
from beliefs.errors import EXIT_IO, StorageError
from beliefs.timeline import Signal


def _open_and_list(db: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()
    try:
        with CaseStore(db) as store:
            store.list_cases()
        results.put("ok")
    except BaseException as exc:  # report anything, the parent counts failures
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_fifty_pairs_of_processes_create_a_new_database_at_once(tmp_path):
    ctx = mp.get_context("fork")  # the store is imported once; the pair starts together
    failures = []
    for i in range(50):
        db = str(tmp_path / f"new-{i}" / "cases.db")
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_open_and_list, args=(db, barrier, results)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        outcomes = [results.get(timeout=5) for _ in procs]
        failures += [o for o in outcomes if o != "ok"]
        assert sorted(p.name for p in (tmp_path / f"new-{i}").iterdir() if p.name.startswith(".")) == []
    assert failures == []


def _dump(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute("SELECT * FROM signals ORDER BY id"))
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path, july) -> Path:
    path = tmp_path / "cases.db"
    tl, catalog = july
    with CaseStore(path) as store:
        store.create_case("j", tl, catalog)
    return path


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def _big_timeline(july, n: int = 300):  # type: ignore[no-untyped-def]
    """About 2.4 MB of signals to write in one transaction."""
    tl, catalog = july
    last = tl.signals[-1].date
    extra = [
        Signal(date=last + dt.timedelta(days=1), kind="ultimatum", grade="B2", note="\U0001f600" * 2000)
        for _ in range(n)
    ]
    return tl.with_signals([*tl.signals, *extra]), catalog


def test_a_full_disk_exits_74_naming_the_file_and_changes_nothing(db, july, tmp_path):
    from beliefs.cases.toml_io import case_to_toml

    with CaseStore(db) as store:
        store.create_case("big", *_big_timeline(july))
        big = tmp_path / "big.toml"
        big.write_text(case_to_toml(store.load_case("big")))
        store.delete_case("big")
    before = _dump(db)
    result = subprocess.run(
        [sys.executable, "-m", "beliefs.cli", "cases", "import", str(big), "--db", str(db)],
        preexec_fn=_limit_file_size,
        capture_output=True,
        text=True,
    )
    assert result.returncode == EXIT_IO, result.stderr
    assert str(db) in result.stderr and "nothing was written" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _dump(db) == before
    with CaseStore(db) as store:
        assert [c.name for c in store.list_cases()] == ["j"]
        assert store.integrity_check() == "ok"


def test_sqlite_full_is_a_storage_error(db, july):
    store = CaseStore(db)
    before = _dump(db)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # "database or disk is full"
    with pytest.raises(StorageError, match="full") as err:
        store.create_case("big", *_big_timeline(july))
    assert err.value.exit_code == EXIT_IO and str(db) in str(err.value)
    store.close()
    assert _dump(db) == before


def test_a_read_only_database_is_a_storage_error(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(StorageError, match="read-only") as err, db_errors(db, 1.0):
        conn.execute("INSERT INTO signals (case_id, date, kind, actor, grade, note, entered_at, entered_by,"
                     " origin) VALUES (1, '1914-08-01', 'ultimatum', '', 'B2', '', '', '', '')")  # fmt: skip
    conn.close()
    assert err.value.exit_code == EXIT_IO and str(db) in str(err.value)
