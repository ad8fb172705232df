"""The case database's schema, its forward migrations, and opening a file safely.

The schema version lives in ``PRAGMA user_version``; ``PRAGMA application_id``
marks a file as a `beliefs` case database. Migration ``i`` (1-based) takes a
database from version ``i - 1`` to ``i``; they only ever run forward, each in
its own transaction. Opening refuses, without writing a byte:

* a file that is not SQLite (checked on the 16-byte header before SQLite
  touches it),
* a SQLite database of another application,
* a case database from a newer `beliefs` (a higher ``user_version``).

Signals and retractions are append-only: triggers abort any UPDATE or DELETE.
"""

from __future__ import annotations

import sqlite3
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

MIGRATIONS: tuple[str, ...] = (V1, V2, V3)
SCHEMA_VERSION = len(MIGRATIONS)


def check_file(path: Path) -> None:
    """Refuse a path that is not (or cannot become) a SQLite file, before opening it."""
    if path.is_dir():
        raise BeliefsError(f"{path}: is a directory, not a case database")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BeliefsError(f"{path}: cannot read the case database: {exc.strerror}") from None
    if head != SQLITE_HEADER:
        raise BeliefsError(
            f"{path}: not a SQLite database, so not a beliefs case database; "
            "it was left untouched (give another --db PATH)"
        )


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of an opened database; refuse foreign or newer ones."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and (version or _tables(conn))):
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
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = check_identity(conn, path)
            if version >= upto:
                conn.execute("COMMIT")
                return version
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


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
