"""Moving a case between stores, exactly: ``beliefs cases copy NAME --from DB --to DB``.

Either direction, SQLite or PostgreSQL on either side. What is copied, row
for row and in entry order: the case (scenario, catalog snapshot, origin,
creation and update times), every signal (with who entered it, when and
from where), every retraction (reason, time, who), every actor mapping and
every assessment (with the ids of the signals it used, translated to the
new ids). The destination gives new ids from its own sequence (ids are never
reused, so they cannot be kept); the order, and so every number computed
from the case, is the same. The database user recorded by a PostgreSQL
store is the one who ran the copy (the server sets it: it cannot be forged).

Read in one snapshot of the source, written in one transaction of the
destination: the copy is there whole, or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from beliefs.cases.records import validate_name
from beliefs.cases.store import CaseStore
from beliefs.errors import BeliefsError

SIGNAL_COLS = "date, kind, actor, grade, note, source, channel, entered_at, entered_by, origin, observed"
CASE_COLS = "name, scenario_json, catalog_json, catalog_digest, origin, created_at, updated_at"
ASSESSMENT_COLS = (
    "at, n_signals, signal_ids_json, summary_json, model_version, catalog_digest, inputs_digest,"
    " settings_json, seed, diagnostics_json, reliable"
)
MAPPING_COLS = "actor, role, name, attribution, basis, at, mapped_by"


def _marks(cols: str) -> str:
    return ", ".join("?" for _ in cols.split(","))


def read_case_rows(store: CaseStore, name: str) -> dict[str, Any]:
    """Every row of a case, in entry order, from one snapshot."""
    with store._read() as conn:
        case_id = store._case_row(conn, name)[0]

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(sql, (case_id,))]

        return {
            "case": tuple(conn.execute(f"SELECT {CASE_COLS} FROM cases WHERE id = ?", (case_id,)).fetchone()),
            "signals": rows(f"SELECT id, {SIGNAL_COLS} FROM signals WHERE case_id = ? ORDER BY id"),
            "retractions": rows(
                "SELECT r.signal_id, r.reason, r.at, r.retracted_by FROM retractions r"
                " JOIN signals s ON s.id = r.signal_id WHERE s.case_id = ? ORDER BY r.id"
            ),
            "mappings": rows(f"SELECT {MAPPING_COLS} FROM actor_mappings WHERE case_id = ? ORDER BY id"),
            "assessments": rows(f"SELECT {ASSESSMENT_COLS} FROM assessments WHERE case_id = ? ORDER BY id"),
        }


def write_case_rows(store: CaseStore, rows: dict[str, Any], name: str) -> tuple[int, int]:
    """Write a case read by :func:`read_case_rows` as ``name``, in one transaction; (signals, assessments)."""
    validate_name(name)
    case = (name, *rows["case"][1:])
    with store._write() as conn:
        if conn.execute("SELECT 1 FROM cases WHERE name = ?", (name,)).fetchone():
            raise BeliefsError(f"a case called '{name}' already exists in {store.path}; nothing was copied")
        case_id = conn.execute(
            f"INSERT INTO cases ({CASE_COLS}) VALUES ({_marks(CASE_COLS)})", case
        ).lastrowid
        new_ids: dict[int, int] = {}
        for old_id, *values in rows["signals"]:
            sid = conn.execute(
                f"INSERT INTO signals (case_id, {SIGNAL_COLS}) VALUES (?, {_marks(SIGNAL_COLS)})",
                (case_id, *values),
            ).lastrowid
            assert sid is not None
            new_ids[old_id] = sid
        for signal_id, *values in rows["retractions"]:
            conn.execute(
                "INSERT INTO retractions (signal_id, reason, at, retracted_by) VALUES (?, ?, ?, ?)",
                (new_ids[signal_id], *values),
            )
        for values in rows["mappings"]:
            conn.execute(
                f"INSERT INTO actor_mappings (case_id, {MAPPING_COLS}) VALUES (?, {_marks(MAPPING_COLS)})",
                (case_id, *values),
            )
        for at, n, ids_json, *rest in rows["assessments"]:
            ids = None if ids_json is None else json.dumps([new_ids.get(i, i) for i in json.loads(ids_json)])
            conn.execute(
                f"INSERT INTO assessments (case_id, {ASSESSMENT_COLS}) VALUES (?, {_marks(ASSESSMENT_COLS)})",
                (case_id, at, n, ids, *rest),
            )
    return len(rows["signals"]), len(rows["assessments"])


def copy_case(
    source: str | Path, dest: str | Path, name: str, new_name: str | None = None
) -> tuple[int, int]:
    """Copy case ``name`` from the store at ``source`` to the one at ``dest`` (created if missing) as ``new_name``.

    Returns (signals, assessments) copied.
    """
    from beliefs.cases.service import open_store

    validate_name(new_name or name)
    with open_store(source, case=name) as src:
        assert isinstance(src, CaseStore)
        rows = read_case_rows(src, name)
    with open_store(dest, create=True) as dst:
        assert isinstance(dst, CaseStore)
        return write_case_rows(dst, rows, new_name or name)
