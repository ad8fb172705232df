"""A case's identity and inputs are as fixed as its log, whatever connection writes, and a store
whose rules (triggers) were removed, altered or added to is refused at open, untouched.

Each attack goes through a plain sqlite3 connection (foreign keys and recursive triggers off,
as in the sqlite3 shell): the reproductions of issue 24, item 7."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cases.rules import expected_triggers
from beliefs.cases.schema import SCHEMA_VERSION, migrate
from beliefs.cases.store import CaseStore
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal

_load_command_modules()
runner = CliRunner()


@pytest.fixture
def db(july_db: Path) -> Path:
    """July 1914 with a retracted signal (tests/cases/conftest.py)."""
    return july_db


def _shell(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None)


def _image(db: Path) -> bytes:
    """The database's bytes after a checkpoint (what a reader sees, WAL folded in)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db.read_bytes()


def _n_signals(db: Path) -> int:
    result = runner.invoke(app, ["cases", "show", "july", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return len(json.loads(result.stdout)["signals"])


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases SET id = 99 WHERE id = 1",  # detaches the whole log: "(0 signals)"
        "UPDATE cases SET scenario_json = json_set(scenario_json, '$.scenario.priors', json('{}'))",
        "UPDATE cases SET scenario_json = '{}'",
        "UPDATE cases SET catalog_json = '{}'",
        "UPDATE cases SET catalog_digest = 'x'",
        "UPDATE cases SET name = 'other'",
        "UPDATE cases SET origin = 'elsewhere'",
        "UPDATE cases SET created_at = '1900-01-01'",
        "UPDATE OR REPLACE cases SET id = id + 1",
    ],
)
def test_a_plain_connection_cannot_rewrite_or_detach_a_case(db, sql):
    n = _n_signals(db)
    before = _image(db)
    conn = _shell(db)
    with pytest.raises(sqlite3.IntegrityError, match="fixed when it is made"):
        conn.execute(sql)
    conn.close()
    assert _image(db) == before
    assert _n_signals(db) == n > 0


def test_what_the_store_itself_changes_on_a_case_still_changes(db):
    conn = _shell(db)
    conn.execute("UPDATE cases SET updated_at = '2030-01-01'")  # when its log last changed
    conn.close()
    with CaseStore(db) as store:
        store.add_signal("july", Signal(date=dt.date(1914, 8, 3), kind="ultimatum", grade="B2"))
        assert store.load_case("july").updated_at != "2030-01-01"
        assert store.delete_case("july")[0] > 0  # the one way out, whole
        assert store.list_cases() == []


@pytest.mark.parametrize("trigger", sorted(expected_triggers(SCHEMA_VERSION)))
def test_a_store_missing_any_trigger_is_refused_untouched(db, trigger):
    conn = _shell(db)
    conn.execute(f"DROP TRIGGER {trigger}")
    conn.close()
    before = _image(db)
    with pytest.raises(BeliefsError, match=rf"own rules.*missing: {trigger}\b.*left untouched"):
        CaseStore(db)
    for args in (["cases", "list"], ["cases", "show", "july"], ["assess", "--case", "july"],
                 ["signal", "add", "july", "--kind", "ultimatum", "--grade", "B2", "--date", "1914-08-03"]):  # fmt: skip
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 2, (args, result.output)
        assert trigger in result.stderr and "Traceback" not in result.output
    assert _image(db) == before


def test_an_altered_trigger_is_refused(db):
    conn = _shell(db)
    conn.execute("DROP TRIGGER signals_no_update")
    conn.execute(  # same name, but lets every update through
        "CREATE TRIGGER signals_no_update BEFORE UPDATE ON signals WHEN 0"
        " BEGIN SELECT RAISE(ABORT, 'signals are append-only: nothing is updated in place'); END"
    )
    conn.execute("UPDATE signals SET note = 'rewritten'")
    conn.close()
    with pytest.raises(BeliefsError, match="altered: signals_no_update"):
        CaseStore(db)


def test_a_foreign_trigger_is_refused(db):
    """A trigger of another program could drop every new signal silently (RAISE(IGNORE))."""
    conn = _shell(db)
    conn.execute("CREATE TRIGGER swallow BEFORE INSERT ON signals BEGIN SELECT RAISE(IGNORE); END")
    conn.close()
    with pytest.raises(BeliefsError, match="not its own: swallow"):
        CaseStore(db)
    result = runner.invoke(
        app,
        [
            "signal",
            "add",
            "july",
            "--kind",
            "ultimatum",
            "--grade",
            "B2",
            "--date",
            "1914-08-03",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 2 and "swallow" in result.stderr


def test_whitespace_in_a_trigger_is_not_an_alteration(db):
    conn = _shell(db)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases_no_update'").fetchone()
    conn.execute("DROP TRIGGER cases_no_update")
    conn.execute(sql.replace(" ", "   ").replace("\n", "\n\n"))
    conn.close()
    with CaseStore(db) as store:
        assert [c.name for c in store.list_cases()] == ["july"]


def _v6_database(path: Path, july) -> None:
    tl, catalog = july
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, path, upto=6) == 6
    scenario = {"scenario": tl.scenario.model_dump(mode="json"), "payoffs": {}, "outcome": None}
    conn.execute(
        "INSERT INTO cases (id, name, scenario_json, catalog_json, catalog_digest, origin, created_at, updated_at)"
        " VALUES (1, 'old', ?, ?, ?, 'v6', '2026-01-01', '2026-01-01')",
        (json.dumps(scenario), catalog.model_dump_json(), catalog.digest),
    )
    conn.execute(
        "INSERT INTO signals (case_id, date, kind, actor, grade, note, entered_at, entered_by, origin)"
        " VALUES (1, '1914-07-23', 'ultimatum', 'Austria-Hungary', 'B2', 'old', '2026-01-01', 'v6', 'v6')"
    )
    conn.close()


def test_a_version_6_database_gains_the_case_rule(tmp_path, july):
    old = tmp_path / "v6.db"
    _v6_database(old, july)
    conn = _shell(old)
    conn.execute("UPDATE cases SET origin = 'allowed before version 7'")
    conn.close()
    with CaseStore(old) as store:
        assert store.load_case("old").origin == "allowed before version 7"
    conn = _shell(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    with pytest.raises(sqlite3.IntegrityError, match="fixed when it is made"):
        conn.execute("UPDATE cases SET id = 99")
    conn.close()


def test_a_version_6_database_missing_a_trigger_is_not_migrated(tmp_path, july):
    old = tmp_path / "v6.db"
    _v6_database(old, july)
    conn = _shell(old)
    conn.execute("DROP TRIGGER signals_no_delete")
    conn.close()
    before = _image(old)
    with pytest.raises(BeliefsError, match="missing: signals_no_delete"):
        CaseStore(old)
    assert _image(old) == before
    conn = _shell(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    conn.close()
