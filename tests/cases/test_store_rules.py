"""The store guards its own rules whatever connection writes: triggers refuse REPLACE,
stray DELETEs and UPDATEs from a plain sqlite3 connection (foreign keys and recursive
triggers off, as in the sqlite3 shell); ids are never reused; a case goes only as a
whole, by `beliefs cases delete`; `--db` must be a file; a damaged file is refused."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from hostile import rewrite_case_row
from typer.testing import CliRunner

from beliefs.cases.schema import SCHEMA_VERSION, migrate
from beliefs.cases.store import CaseStore
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal

_load_command_modules()
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def db(july_db: Path) -> Path:
    """July 1914 with a retracted signal (tests/cases/conftest.py)."""
    return july_db


def _shell(db: Path) -> sqlite3.Connection:
    """A connection like the sqlite3 shell's: no foreign keys, no recursive triggers."""
    conn = sqlite3.connect(db, isolation_level=None)
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 0
    assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
    return conn


def _dump(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [
            *conn.execute("SELECT * FROM cases ORDER BY id"),
            *conn.execute("SELECT * FROM signals ORDER BY id"),
            *conn.execute("SELECT * FROM retractions ORDER BY id"),
        ]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT OR REPLACE INTO signals (id, case_id, date, kind, actor, grade, note, entered_at, entered_by,"
        " origin) SELECT id, case_id, date, kind, actor, grade, 'rewritten', entered_at, entered_by, origin"
        " FROM signals WHERE id = 1",
        "REPLACE INTO retractions (signal_id, reason, at, retracted_by)"
        " SELECT signal_id, 'rewritten', at, retracted_by FROM retractions",
        "INSERT OR REPLACE INTO cases (id, name, scenario_json, catalog_json, catalog_digest, origin,"
        " created_at, updated_at) SELECT id + 100, name, scenario_json, catalog_json, catalog_digest,"
        " origin, created_at, updated_at FROM cases",
        "DELETE FROM cases",
        "DELETE FROM signals WHERE id = 1",
        "DELETE FROM retractions",
        "UPDATE signals SET note = 'rewritten'",
        "UPDATE retractions SET reason = 'rewritten'",
    ],
    ids=["replace-signal", "replace-retraction", "replace-case", "delete-case", "delete-signal",
         "delete-retraction", "update-signal", "update-retraction"],
)  # fmt: skip
def test_another_connection_cannot_rewrite_or_orphan_the_log(db, sql):
    before = _dump(db)
    conn = _shell(db)
    with pytest.raises(sqlite3.DatabaseError, match=r"append-only|never replaced|deleted only"):
        conn.execute(sql)
    conn.close()
    assert _dump(db) == before


def test_ids_are_never_reused_after_a_case_is_deleted(db, july):
    tl, catalog = july
    conn = sqlite3.connect(db)
    max_case, max_signal = (
        conn.execute("SELECT max(id) FROM cases").fetchone()[0],
        conn.execute("SELECT max(id) FROM signals").fetchone()[0],
    )
    conn.close()
    with CaseStore(db) as store:
        assert store.delete_case("july") == (len(tl.signals) + 1, 0)
        store.create_case("next", tl, catalog)
        case = store.load_case("next")
    conn = sqlite3.connect(db)
    new_case = conn.execute("SELECT id FROM cases WHERE name = 'next'").fetchone()[0]
    conn.close()
    assert new_case > max_case
    assert min(case.signal_ids) > max_signal
    assert case.latest_assessment is None and all(not e.retraction_reason for e in case.log)


def test_delete_takes_signals_retractions_and_assessments_together(db):
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO assessments (case_id, at, n_signals, summary_json, model_version, catalog_digest,"
        " inputs_digest, settings_json, seed, diagnostics_json, reliable)"
        " SELECT id, 'now', 0, '{}', '1', '', '', '{}', 0, '{}', 1 FROM cases"
    )
    conn.commit()
    conn.close()
    with CaseStore(db) as store:
        n_signals, n_assessments = store.delete_case("july")
        assert n_assessments == 1 and n_signals > 1
        assert store.list_cases() == []
        assert store.integrity_check() == "ok"
    conn = sqlite3.connect(db)
    for table in ("cases", "signals", "retractions", "assessments"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    conn.close()


def test_a_half_deleted_case_is_refused_not_shown_as_whole(db):
    conn = _shell(db)
    conn.execute("UPDATE cases SET deleting = 1")
    conn.execute("DELETE FROM retractions")
    with pytest.raises(sqlite3.DatabaseError, match="cannot be restored"):
        conn.execute("UPDATE cases SET deleting = 0")
    conn.close()
    with CaseStore(db) as store, pytest.raises(BeliefsError, match="half deleted"):
        store.load_case("july")
    result = run("cases", "delete", "july", "--yes", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert _dump(db) == []


def test_cli_delete_asks_on_a_terminal_and_needs_yes_in_scripts(db):
    before = _dump(db)
    result = run("cases", "delete", "july", "--db", str(db))  # CliRunner's stdin is not a terminal
    assert result.exit_code == 2
    assert "add --yes" in result.output and "cannot be" in result.output
    assert _dump(db) == before
    result = run("cases", "delete", "nosuch", "--yes", "--db", str(db))
    assert result.exit_code == 2 and "no case called 'nosuch'" in result.output
    result = run("cases", "delete", "july", "--yes", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "deleted case july" in result.output
    assert run("cases", "show", "july", "--db", str(db)).exit_code == 2


def test_cli_delete_confirmation_on_a_terminal(db, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    import typer

    answers = iter(["no", "july"])
    monkeypatch.setattr(typer, "prompt", lambda *a, **k: next(answers))
    from beliefs.cli import cases as cases_cli

    cases_cli.cases_delete("july", yes=False, db=str(db))  # declined: nothing changes
    assert len(_dump(db)) > 1
    cases_cli.cases_delete("july", yes=False, db=str(db))  # the name typed: deleted
    assert _dump(db) == []


def test_migrates_a_version_2_database_keeping_rows_and_ids(db, tmp_path, july):
    tl, catalog = july
    old = tmp_path / "v2.db"
    conn = sqlite3.connect(old, isolation_level=None)
    assert migrate(conn, old, upto=2) == 2
    scenario = {"scenario": tl.scenario.model_dump(mode="json"), "payoffs": {}, "outcome": None}
    conn.execute(
        "INSERT INTO cases VALUES (7, 'old', ?, ?, ?, 'v2', '2026-01-01', '2026-01-01')",
        (json.dumps(scenario), catalog.model_dump_json(), catalog.digest),
    )
    for sid in (3, 9):
        conn.execute(
            "INSERT INTO signals VALUES (?, 7, '1914-07-23', 'ultimatum', 'A-H', 'B2', 'old', NULL,"
            " '2026-01-01', 'v2', 'v2')",
            (sid,),
        )
    conn.execute("INSERT INTO retractions VALUES (4, 9, 'why', '2026-01-02', 'v2')")
    # Version 2 let a REPLACE through: that is what version 3 closes.
    conn.execute("INSERT OR REPLACE INTO retractions VALUES (5, 9, 'rewritten', '2026-01-02', 'v2')")
    conn.close()

    with CaseStore(old) as store:
        case = store.load_case("old")
        new_id = store.add_signal("old", Signal(date=dt.date(1914, 8, 1), kind="ultimatum", grade="A1"))
    assert case.signal_ids == [3, 9] and case.log[1].retraction_reason == "rewritten"
    assert new_id == 10
    conn = _shell(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3
    sql = {n: s for n, s in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    for table in ("cases", "signals", "retractions", "assessments"):
        assert "AUTOINCREMENT" in sql[table], table
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.DatabaseError, match="never replaced"):
        conn.execute("INSERT OR REPLACE INTO retractions VALUES (6, 9, 'again', '2026-01-03', 'v3')")
    conn.close()


@pytest.mark.parametrize("bad", [":memory:", "", "file:cases.db", "file:cases.db?mode=memory", " cases.db"])
def test_db_must_be_a_file_path(tmp_path, monkeypatch, bad):
    monkeypatch.chdir(tmp_path)
    result = run("cases", "new", "m1", "--from", "morocco-1905", "--db", bad)
    assert result.exit_code == 2, result.output
    assert "created case" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_database_failing_quick_check_is_refused_untouched(db):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'signals'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page_size] = 0x07  # not a valid b-tree page type
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    with pytest.raises(BeliefsError, match="damaged"):
        CaseStore(db)
    result = run("signal", "add", "july", "--kind", "ultimatum", "--grade", "B2", "--date", "1914-08-03",
                 "--db", str(db))  # fmt: skip
    assert result.exit_code == 2 and "damaged" in result.output
    assert db.read_bytes() == before


def test_no_stored_value_makes_show_unusable(db):
    """Markup, escapes and over-long text written by another program (or an older
    version) are shown literally; `cases show` keeps working (exit 0)."""
    conn = _shell(db)
    rewrite_case_row(conn, "UPDATE cases SET origin = '[/] [bold]x\x1b[31m'")
    conn.execute(
        "INSERT INTO signals (case_id, date, kind, actor, grade, note, entered_at, entered_by, origin)"
        " SELECT id, '1914-08-03', 'ultimatum', '[/]', 'B2', ?, 'now', '[/]', '[/]' FROM cases",
        ("[/] [red]note[/red] \x1b]0;title\x07 " + "n" * 10_000,),
    )
    conn.close()
    for args in (["cases", "show", "july", "--db", str(db)], ["cases", "show", "july", "--json", "--db", str(db)],
                 ["cases", "list", "--db", str(db)]):  # fmt: skip
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[/]" in run("cases", "show", "july", "--db", str(db)).output
    # the note would not import (an escape, and too long): export writes it and says so
    result = run("cases", "export", "july", "-o", str(db.parent / "x.toml"), "--db", str(db))
    assert result.exit_code == 0 and "refuses; fix them" in result.output and "control character" in result.output
    assert (db.parent / "x.toml").exists()
