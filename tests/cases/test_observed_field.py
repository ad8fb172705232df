"""Negative evidence in the case store: the ``observed`` column (migration 6), the round
trip through TOML export and import, ``signal add --not-seen`` and the log that shows it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scenario_text import scenario_toml

from beliefs.cases.schema import SCHEMA_VERSION, migrate
from beliefs.cases.store import CaseStore
from beliefs.evidence.encode import encode
from beliefs.timeline import Signal

SCENARIO = scenario_toml() + """
[[signals]]
date = 1914-07-23
kind = "mobilization"
actor = "Them"
grade = "B2"
observed = false

[[signals]]
date = 1914-07-24
kind = "ultimatum"
actor = "Them"
grade = "B2"
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", *args], capture_output=True, text=True, timeout=120
    )


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "tl.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_store_round_trip_keeps_absences(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.import_toml(_file(tmp_path), name="c")
        sid = store.add_signal(
            "c", Signal(date=dt.date(1914, 7, 26), kind="mobilization", actor="Them", grade="B2", observed=False)
        )
        exported = store.export_toml("c")
        again = tmp_path / "again.toml"
        again.write_text(exported, encoding="utf-8")
        store.import_toml(again, name="c2")
        case, copy = store.load_case("c"), store.load_case("c2")
    assert exported.count("observed = false") == 2
    assert [s.observed for s in case.timeline.signals] == [False, True, False]
    assert [s.observed for s in copy.timeline.signals] == [False, True, False]
    assert case.log[-1].id == sid and case.log[-1].to_json()["observed"] is False
    # The latest absence of mobilization counts, the first is superseded: one report of it, unseen.
    inputs = encode(case.timeline, case.catalog)
    assert inputs.adversary_seen.tolist() == [1.0, 0.0]


def test_the_column_refuses_anything_but_0_and_1(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.import_toml(_file(tmp_path), name="c")
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute(
            "INSERT INTO signals (case_id, date, kind, actor, grade, note, entered_at, entered_by, origin, observed)"
            " VALUES (1, '1914-07-27', 'ultimatum', 'Them', 'B2', '', 'x', 'x', 'x', 2)"
        )
    conn.close()


def test_a_version_5_database_gains_the_observed_column(july, tmp_path: Path) -> None:
    tl, catalog = july
    db = tmp_path / "cases.db"
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, db, upto=5) == 5
    assert "observed" not in {r[1] for r in conn.execute("PRAGMA table_info(signals)")}
    scenario = {"scenario": tl.scenario.model_dump(mode="json"), "payoffs": {}, "outcome": None}
    conn.execute(
        "INSERT INTO cases (id, name, scenario_json, catalog_json, catalog_digest, origin, created_at, updated_at)"
        " VALUES (1, 'old', ?, ?, ?, 'v5', '2026-01-01', '2026-01-01')",
        (json.dumps(scenario), catalog.model_dump_json(), catalog.digest),
    )
    conn.execute(
        "INSERT INTO signals (case_id, date, kind, actor, grade, note, entered_at, entered_by, origin)"
        " VALUES (1, '1914-07-23', 'ultimatum', 'Germany', 'B2', 'old signal', '2026-01-01', 'v5', 'v5')"
    )
    conn.close()
    with CaseStore(db) as store:
        store.add_signal(
            "old", Signal(date=dt.date(1914, 7, 24), kind="mobilization", actor="Germany", grade="B2", observed=False)
        )
        case = store.load_case("old")
    assert [s.observed for s in case.timeline.signals] == [True, False]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
    conn.close()


def test_signal_add_not_seen_from_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "cases.db")
    assert _run("cases", "import", str(_file(tmp_path)), "--name", "c", "--db", db).returncode == 0
    add = ("signal", "add", "c", "--kind", "mobilization", "--grade", "B2", "--actor", "Them")
    ok = _run(*add, "--date", "1914-07-25", "--not-seen", "--db", db)
    assert ok.returncode == 0, ok.stderr
    seen = _run(*add, "--date", "1914-07-27", "--db", db)
    assert seen.returncode == 0, seen.stderr
    shown = json.loads(_run("cases", "show", "c", "--json", "--db", db).stdout)
    assert [s["observed"] for s in shown["signals"]] == [False, True, False, True]
    table = _run("cases", "show", "c", "--db", db)
    assert table.returncode == 0, table.stderr
    flat = " ".join(table.stdout.split())
    # Both absences of mobilization are superseded by the sighting of the 27th (signal 4), each named.
    assert "signal 1 (not seen: mobilization by 1914-07-23) superseded by the sighting of 1914-07-27 (signal 4)" in flat
    assert "signal 3 (not seen: mobilization by 1914-07-25) superseded by the sighting of 1914-07-27 (signal 4)" in flat
    assert flat.count("superseded") == 4  # two status cells, two lines
    # --not-seen needs no value: a value is an extra argument, exit 2.
    bad = _run(*add, "--date", "1914-07-28", "--not-seen", "yes", "--db", db)
    assert bad.returncode == 2
