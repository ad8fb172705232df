"""A store held open in this process survives other processes' writes (SQLite's locks stay ours).

Closing any descriptor of a file drops every POSIX lock the process holds on
it. If opening a second store read the database file with a plain ``open()``,
a store already open in the process would lose its locks, another process
would think it was the last connection and delete the WAL, and the next
write here would fail ("cannot rollback") or lose data. The store reads the
file only through SQLite.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from beliefs.cases.store import CaseStore
from beliefs.timeline import Signal


def _add_from_another_process(db: Path, day: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", "signal", "add", "m", "--kind", "mobilization",
         "--grade", "B2", "--date", f"1906-05-{day:02d}", "--actor", "Germany", "--db", str(db)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_writes_here_and_elsewhere_interleave_while_stores_stay_open(tmp_path):
    from beliefs.timeline import load_timeline

    db = tmp_path / "cases.db"
    tl, catalog = load_timeline("morocco-1905")
    held = CaseStore(db)  # held open for the whole test, as the TUI or a notebook does
    held.create_case("m", tl, catalog)
    n0 = len(held.load_case("m").timeline.signals)
    for day in range(1, 4):
        _add_from_another_process(db, 2 * day)
        with CaseStore(db) as again:  # a second store opened and closed in this process
            again.load_case("m")
        held.add_signal("m", Signal(date=dt.date(1906, 5, 2 * day + 1), kind="ultimatum", actor="Germany", grade="B2"))
    assert len(held.load_case("m").timeline.signals) == n0 + 6
    assert held.integrity_check() == "ok"
    held.close()
    with CaseStore(db) as fresh:
        assert len(fresh.load_case("m").timeline.signals) == n0 + 6
