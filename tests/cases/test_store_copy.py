"""`beliefs cases copy` moves a case exactly between a PostgreSQL store and a SQLite file, either
way: the same log, retractions, actor mappings, entry metadata and assessments, and the same numbers
from `assess --case`, `explain --case` and `report --case` (same seed) on both sides."""

from __future__ import annotations

import datetime as dt
import json
import re

from typer.testing import CliRunner

from beliefs.cases.service import open_store
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.timeline import Signal

_load_command_modules()
runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def _portable(show: dict) -> dict:
    """`cases show --json` without what a store assigns itself (ids, the database user)."""
    out = json.loads(json.dumps(show))
    for s in out["signals"]:
        for key in ("id", "db_user", "retracted_db_user"):
            s.pop(key, None)
    for m in out["actor_mappings"]:
        m.pop("id")
    if out["latest_assessment"]:
        out["latest_assessment"].pop("id")
        out["latest_assessment"].pop("signal_ids")
    return out


def test_a_case_copied_to_sqlite_and_back_is_the_same_case_with_the_same_numbers(engine, pg_url, tmp_path):
    sqlite = str(tmp_path / "copy.db")
    run("cases", "new", "july", "--from", "july-1914", "--db", pg_url)
    with open_store(pg_url) as store:
        store.add_signal(
            "july",
            Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B2", actor="Berlin press"),
            "cli:ann",
        )
        store.retract_signal("july", 3, "misdated", retracted_by="cli:bo")
        store.map_actor("july", "Berlin press", "adversary", basis="wire service of the Wilhelmstrasse")
    assessed = json.loads(run("assess", "--case", "july", "--seed", "7", "--json", "--db", pg_url))

    assert "copied case july (21 signal(s), 1 assessment(s))" in run(
        "cases", "copy", "july", "--from", pg_url, "--to", sqlite
    )
    run("cases", "copy", "july", "--from", sqlite, "--to", pg_url, "--as", "back")
    shows = {
        (db, name): json.loads(run("cases", "show", name, "--json", "--db", db))
        for db, name in ((pg_url, "july"), (sqlite, "july"), (pg_url, "back"))
    }
    first = _portable(shows[pg_url, "july"])
    assert _portable(shows[sqlite, "july"]) == first
    assert _portable(shows[pg_url, "back"]) | {"name": "july"} == first
    with open_store(sqlite) as store:  # the assessment's signal ids point at the copy's own signals
        case = store.load_case("july")
        active = [i for i, s in zip(case.signal_ids, case.timeline.signals, strict=True) if not s.retracted]
        assert store.assessments("july")[0]["signal_ids"] == active
        assert case.log[-1].entered_by == "cli:ann" and case.log[-1].signal.actor == "Berlin press"

    for db, name in ((sqlite, "july"), (pg_url, "back")):
        again = json.loads(run("assess", "--case", name, "--seed", "7", "--json", "--db", db))
        assert (
            again["posterior"] == assessed["posterior"]
            and again["recommendation"] == assessed["recommendation"]
        )
    explained = {
        db: run("explain", "--case", name, "--seed", "7", "--json", "--db", db)
        for db, name in ((pg_url, "july"), (sqlite, "july"))
    }
    same = [json.loads(explained[db]) for db in (pg_url, sqlite)]
    for e in same:
        e["diagnostics"].pop("seconds")  # wall time, the one figure that differs between two runs
    assert same[0] == same[1]
    pages = {}
    for db, out in ((pg_url, tmp_path / "pg.html"), (sqlite, tmp_path / "lite.html")):
        run("report", "--case", "july", "--seed", "7", "--db", db, "-o", str(out))
        pages[db] = out.read_text()
    numbers = {db: re.findall(r"P\(expansionist\)[^<]{0,40}?(\d\.\d+)", page) for db, page in pages.items()}
    assert numbers[pg_url] and numbers[pg_url] == numbers[sqlite]
    assert "signals written by" in pages[pg_url] and "signals written by" not in pages[sqlite]


def test_copy_refuses_a_name_taken_and_writes_nothing(pg_url, tmp_path):
    sqlite = str(tmp_path / "copy.db")
    run("cases", "new", "july", "--from", "july-1914", "--db", pg_url)
    run("cases", "new", "july", "--from", "agadir-1911", "--db", sqlite)
    result = runner.invoke(app, ["cases", "copy", "july", "--from", pg_url, "--to", sqlite])
    assert result.exit_code == 2 and "already exists" in result.output
    with open_store(sqlite) as store:
        assert store.load_case("july").origin == "agadir-1911"


def test_copy_takes_the_default_store_from_beliefs_db_and_needs_a_destination(pg_url, tmp_path, monkeypatch):
    run("cases", "new", "july", "--from", "july-1914", "--db", pg_url)
    monkeypatch.setenv("BELIEFS_DB", pg_url)
    result = runner.invoke(app, ["cases", "copy", "july"])
    assert result.exit_code == 2 and "--to" in result.output
    assert "copied case july" in run("cases", "copy", "july", "--to", str(tmp_path / "c.db"))
    assert json.loads(run("cases", "list", "--json", "--db", str(tmp_path / "c.db")))[0]["name"] == "july"
