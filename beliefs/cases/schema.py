"""The case database's schema, its forward migrations, and opening a file safely.

The schema version lives in ``PRAGMA user_version``; ``PRAGMA application_id``
marks a file as a `beliefs` case database. Migration ``i`` (1-based) takes a
database from version ``i - 1`` to ``i``; they only ever run forward, each in
its own transaction. Opening refuses, without writing a byte:

* a file that is not SQLite (checked on the 16-byte header before SQLite
  touches it),
* a SQLite database of another application,
* a case database from a newer `beliefs` (a higher ``user_version``).

Signals and retractions are append-only, and the database itself enforces it,
whatever connection writes (the sqlite3 shell, another program) and whatever
its per-connection settings (``foreign_keys``, ``recursive_triggers``):

* UPDATE of a signal or retraction aborts; so does a DELETE, unless its case is
  being deleted as a whole (``cases.deleting = 1``, set by
  :meth:`CaseStore.delete_case` in the same transaction);
* an INSERT that would REPLACE an existing signal, retraction or case aborts
  (a BEFORE INSERT trigger finds the id, or the name, taken);
* a case that still has signals or assessments cannot be deleted;
* a case's id, name, scenario and catalog snapshot never change (version 7);
* ids come from AUTOINCREMENT: an id, once used, is never handed out again.

Every open checks that these triggers are all there, as this build makes them
(:func:`beliefs.cases.rules.check_rules`, in :mod:`beliefs.cases.dbfile`).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from beliefs.errors import BeliefsError

#: "BELF": marks the file as a beliefs case database.
APPLICATION_ID = 0x42454C46
SQLITE_HEADER = b"SQLite format 3\x00"

_APPEND_ONLY = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} are append-only: nothing is updated in place'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} are append-only: nothing is deleted'); END;
"""

#: Version 1: cases, the append-only signal log and retraction events.
V1 = (
    """
CREATE TABLE cases (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    scenario_json  TEXT NOT NULL,   -- {"scenario", "payoffs", "outcome"} of the timeline
    catalog_json   TEXT NOT NULL,   -- snapshot of the catalog the signals refer to
    catalog_digest TEXT NOT NULL,
    origin         TEXT NOT NULL,   -- the file or bundled timeline it was made from
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE TABLE signals (
    id         INTEGER PRIMARY KEY,  -- increasing: entry order
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    date       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    grade      TEXT NOT NULL,
    note       TEXT NOT NULL,
    source     TEXT,
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    origin     TEXT NOT NULL
);
CREATE INDEX signals_case ON signals(case_id, id);
CREATE TABLE retractions (
    id           INTEGER PRIMARY KEY,
    signal_id    INTEGER NOT NULL UNIQUE REFERENCES signals(id),
    reason       TEXT NOT NULL,
    at           TEXT NOT NULL,
    retracted_by TEXT NOT NULL
);
"""
    + _APPEND_ONLY.format(table="signals")
    + _APPEND_ONLY.format(table="retractions")
)

#: Version 2: assessments, traceable to their inputs and model version.
V2 = """
CREATE TABLE assessments (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    at               TEXT NOT NULL,
    n_signals        INTEGER NOT NULL,
    signal_ids_json  TEXT,           -- the active signals assessed (null if unknown)
    summary_json     TEXT NOT NULL,  -- the `assess --json` object
    model_version    TEXT NOT NULL,
    catalog_digest   TEXT NOT NULL,
    inputs_digest    TEXT NOT NULL,
    settings_json    TEXT NOT NULL,
    seed             INTEGER NOT NULL,
    diagnostics_json TEXT NOT NULL,
    reliable         INTEGER NOT NULL
);
CREATE INDEX assessments_case ON assessments(case_id, id);
"""

#: Version 3: the reporting channel of each signal (null: a channel of its own).
V3 = """
ALTER TABLE signals ADD COLUMN channel TEXT;
"""

#: Version 4 (besides the AUTOINCREMENT rebuild, see :func:`_v4`): triggers that keep the
#: log append-only against any connection, and the mark of a case being deleted.
V4_TRIGGERS = """
ALTER TABLE cases ADD COLUMN deleting INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER signals_no_delete;
CREATE TRIGGER signals_no_delete BEFORE DELETE ON signals
WHEN NOT EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND deleting = 1)
BEGIN SELECT RAISE(ABORT, 'signals are append-only: nothing is deleted (a case goes only as a whole: beliefs cases delete)'); END;
DROP TRIGGER retractions_no_delete;
CREATE TRIGGER retractions_no_delete BEFORE DELETE ON retractions
WHEN NOT EXISTS (SELECT 1 FROM signals s JOIN cases c ON c.id = s.case_id
                 WHERE s.id = OLD.signal_id AND c.deleting = 1)
BEGIN SELECT RAISE(ABORT, 'retractions are append-only: nothing is deleted'); END;
CREATE TRIGGER signals_no_replace BEFORE INSERT ON signals
WHEN EXISTS (SELECT 1 FROM signals WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'signals are append-only: a stored signal is never replaced'); END;
CREATE TRIGGER retractions_no_replace BEFORE INSERT ON retractions
WHEN EXISTS (SELECT 1 FROM retractions WHERE id = NEW.id OR signal_id = NEW.signal_id)
BEGIN SELECT RAISE(ABORT, 'retractions are append-only: a stored retraction is never replaced'); END;
CREATE TRIGGER cases_no_replace BEFORE INSERT ON cases
WHEN EXISTS (SELECT 1 FROM cases WHERE id = NEW.id OR name = NEW.name)
BEGIN SELECT RAISE(ABORT, 'a stored case is never replaced'); END;
CREATE TRIGGER assessments_no_replace BEFORE INSERT ON assessments
WHEN EXISTS (SELECT 1 FROM assessments WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'a stored assessment is never replaced'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
WHEN EXISTS (SELECT 1 FROM signals WHERE case_id = OLD.id)
  OR EXISTS (SELECT 1 FROM assessments WHERE case_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a case with signals or assessments is deleted only with them: beliefs cases delete'); END;
CREATE TRIGGER cases_no_undelete BEFORE UPDATE OF deleting ON cases
WHEN OLD.deleting = 1 AND NEW.deleting IS NOT 1
BEGIN SELECT RAISE(ABORT, 'a case being deleted cannot be restored'); END;
CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments
WHEN NOT EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND deleting = 1)
BEGIN SELECT RAISE(ABORT, 'assessments are kept: nothing is deleted (a case goes only as a whole)'); END;
CREATE TRIGGER assessments_no_update BEFORE UPDATE ON assessments
BEGIN SELECT RAISE(ABORT, 'assessments are kept as computed: nothing is updated in place'); END;
"""

#: The tables whose ``id INTEGER PRIMARY KEY`` becomes AUTOINCREMENT in version 4.
AUTOINCREMENT_TABLES = ("cases", "signals", "retractions", "assessments")


def _with_autoincrement(conn: sqlite3.Connection, table: str) -> None:
    """Rebuild ``table`` with ``AUTOINCREMENT`` ids, keeping its rows, columns, indexes and triggers.

    Generic over the columns (the CREATE statement is read back from the
    schema), so it is safe whatever columns earlier migrations added. Runs in
    the migration's transaction with ``foreign_keys`` off (SQLite's documented
    procedure for changing a table's definition).
    """
    (create,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if "AUTOINCREMENT" in create.upper():
        return
    new_sql, n = re.subn(
        r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b",
        "id INTEGER PRIMARY KEY AUTOINCREMENT",
        create,
        count=1,
        flags=re.I,
    )
    if n != 1:
        raise RuntimeError(f"migration 4: cannot find the id column of table {table}")
    new_sql = re.sub(rf"^CREATE TABLE\s+{table}\b", f"CREATE TABLE {table}__v4", new_sql.strip(), count=1)
    others = [
        sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            (table,),
        )
    ]  # fmt: skip
    conn.execute(new_sql)
    conn.execute(f"INSERT INTO {table}__v4 SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}__v4 RENAME TO {table}")
    for sql in others:
        conn.execute(sql)


def _v4(conn: sqlite3.Connection) -> None:
    for table in AUTOINCREMENT_TABLES:
        _with_autoincrement(conn, table)
    for statement in _statements(V4_TRIGGERS):
        conn.execute(statement)


#: Version 5: the analyst's mappings of free-text actors onto the scenario's roles
#: (:mod:`beliefs.cases.actor_map`), append-only like the log they belong to.
V5 = """
CREATE TABLE actor_mappings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    actor       TEXT NOT NULL,   -- as written in the signals
    role        TEXT NOT NULL,   -- adversary | ally | perspective | third_party | unmapped
    name        TEXT NOT NULL,   -- the role's or third party's name ('' when unmapped)
    attribution REAL,            -- set when the mapping creates a third party
    basis       TEXT NOT NULL,
    at          TEXT NOT NULL,
    mapped_by   TEXT NOT NULL
);
CREATE INDEX actor_mappings_case ON actor_mappings(case_id, id);
CREATE TRIGGER actor_mappings_no_update BEFORE UPDATE ON actor_mappings
BEGIN SELECT RAISE(ABORT, 'actor mappings are append-only: a later mapping replaces an earlier one'); END;
CREATE TRIGGER actor_mappings_no_delete BEFORE DELETE ON actor_mappings
WHEN NOT EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND deleting = 1)
BEGIN SELECT RAISE(ABORT, 'actor mappings are append-only: nothing is deleted (unmap with a later mapping)'); END;
CREATE TRIGGER actor_mappings_no_replace BEFORE INSERT ON actor_mappings
WHEN EXISTS (SELECT 1 FROM actor_mappings WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'actor mappings are append-only: a stored mapping is never replaced'); END;
DROP TRIGGER cases_no_delete;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
WHEN EXISTS (SELECT 1 FROM signals WHERE case_id = OLD.id)
  OR EXISTS (SELECT 1 FROM assessments WHERE case_id = OLD.id)
  OR EXISTS (SELECT 1 FROM actor_mappings WHERE case_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a case with signals or assessments is deleted only with them: beliefs cases delete'); END;
"""

#: Version 6: negative evidence. 0: the kind was watched for and not seen by the signal's date
#: (:mod:`beliefs.evidence.negative`); every signal stored before is a sighting.
V6 = """
ALTER TABLE signals ADD COLUMN observed INTEGER NOT NULL DEFAULT 1 CHECK (observed IN (0, 1));
"""

#: Version 7: a case's identity and inputs are fixed once made. Only ``updated_at`` (when
#: its log last changed) and ``deleting`` (0 -> 1, by ``beliefs cases delete``) may change.
V7 = """
CREATE TRIGGER cases_no_update BEFORE UPDATE ON cases
WHEN NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name
  OR NEW.scenario_json IS NOT OLD.scenario_json OR NEW.catalog_json IS NOT OLD.catalog_json
  OR NEW.catalog_digest IS NOT OLD.catalog_digest OR NEW.origin IS NOT OLD.origin
  OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'a case''s id, name, scenario and catalog are fixed when it is made: nothing is updated in place (a case goes only as a whole: beliefs cases delete)'); END;
"""


Migration = str | Callable[[sqlite3.Connection], None]
MIGRATIONS: tuple[Migration, ...] = (V1, V2, V3, _v4, V5, V6, V7)
SCHEMA_VERSION = len(MIGRATIONS)


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of an opened database; refuse foreign or newer ones.

    The three reads are one snapshot (inside the caller's transaction, or a
    read transaction of their own), so a database being created by another
    process at that moment is seen either before or after, never half made.
    """
    own = conn.in_transaction is False and conn.isolation_level is None
    if own:
        conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = _tables(conn) if app_id == 0 and not version else set()
    finally:
        if own:
            conn.execute("COMMIT")
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and (version or tables)):
        raise BeliefsError(
            f"{path}: a SQLite database of another application, not a beliefs case database; "
            "it was left untouched (give another --db PATH)"
        )
    if version > SCHEMA_VERSION:
        raise BeliefsError(
            f"{path}: case database schema version {version} is newer than this beliefs "
            f"understands ({SCHEMA_VERSION}); upgrade beliefs. The file was left untouched."
        )
    return int(version)


def migrate(conn: sqlite3.Connection, path: Path, upto: int = SCHEMA_VERSION) -> int:
    """Run the forward migrations the database lacks, each in its own transaction.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Safe against
    another process migrating at the same time: the version is re-read under the
    write lock. Returns the version reached.
    """
    current = check_identity(conn, path)
    if current >= upto:  # the usual case: no write lock needed
        return current
    # Rebuilding a table needs foreign keys off, and the pragma is a no-op inside a transaction.
    fks = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        while True:
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = check_identity(conn, path)
                if version >= upto:
                    conn.execute("COMMIT")
                    return version
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                step = MIGRATIONS[version]
                if callable(step):
                    step(conn)
                else:
                    for statement in _statements(step):
                        conn.execute(statement)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise BeliefsError(
                        f"{path}: migration to schema version {version + 1} found {len(broken)} row(s) "
                        "pointing at nothing; the file was left as it was"
                    )
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
            except BaseException:
                rollback(conn)
                raise
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if fks else 'OFF'}")


def rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already (it does after a full disk or an I/O
    error): a failing ROLLBACK must never hide the error that caused it."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (triggers contain ';' inside BEGIN..END)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") or not line.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
