"""Tests of `beliefs cases ...`, `beliefs signal ...` and `assess --case`:
exit codes, messages, and that a refused command writes nothing."""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cases.store import CaseStore
from beliefs.catalog import bundled_catalog_path
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.timeline import bundled_timelines, load_timeline

_load_command_modules()
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM signals").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cases.db"
    result = run("cases", "new", "july", "--from", "july-1914", "--db", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_new_list_show(db):
    n = len(load_timeline("july-1914")[0].signals)
    listed = run("cases", "list", "--db", str(db), "--json")
    assert listed.exit_code == 0
    [row] = json.loads(listed.stdout)
    assert (row["name"], row["n_signals"], row["n_retracted"]) == ("july", n, 0)
    shown = run("cases", "show", "july", "--db", str(db), "--json")
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert len(data["signals"]) == n and data["latest_assessment"] is None
    assert data["scenario"]["adversary"] == "Germany"
    text = run("cases", "show", "july", "--db", str(db))
    assert text.exit_code == 0 and "not assessed yet" in text.stdout


def test_signal_add_prints_the_committed_id_and_retract_flags_it(db):
    n = _count(db)
    added = run(
        "signal", "add", "july", "--kind", "ultimatum", "--grade", "B2", "--date", "1914-08-05",
        "--actor", "Germany", "--note", "to Belgium", "--source", "Albertini", "--db", str(db),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    said = re.fullmatch(r"added signal (\d+) to case july: ultimatum by Germany, 1914-08-05\n", added.stdout)
    assert said is not None, added.stdout  # says what it did, with the id `cases show` and `retract` use
    sid = int(said.group(1))
    assert _count(db) == n + 1
    with CaseStore(db) as store:
        entry = store.load_case("july").log[-1]
    assert entry.id == sid and entry.signal.source == "Albertini" and entry.entered_by.startswith("cli")

    retracted = run("signal", "retract", "july", str(sid), "--reason", "duplicate", "--db", str(db))
    assert retracted.exit_code == 0, retracted.output
    data = json.loads(run("cases", "show", "july", "--db", str(db), "--json").stdout)
    last = data["signals"][-1]
    assert (last["id"], last["retracted"], last["retraction_reason"]) == (sid, True, "duplicate")
    text = run("cases", "show", "july", "--db", str(db)).stdout
    assert "RETRACTED" in text and f"signal {sid} retracted" in text and ": duplicate" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "ultimatom", "--grade", "B2", "--date", "1914-08-05"], "did you mean ultimatum"),
        (["--kind", "ultimatum", "--grade", "G7", "--date", "1914-08-05"], "--grade"),
        (["--kind", "ultimatum", "--grade", "B2", "--date", "5 August 1914"], "--date: bad date"),
        (["--kind", "ultimatum", "--grade", "B2", "--date", "1914-02-30"], "--date: bad date"),
    ],
)
def test_signal_add_bad_input_exits_2_and_writes_nothing(db, args, message):
    n = _count(db)
    result = run("signal", "add", "july", *args, "--db", str(db))
    assert result.exit_code == 2
    assert message in result.stderr
    assert _count(db) == n


def test_missing_case_and_bad_ids_exit_2(db):
    n = _count(db)
    for args in (
        ["signal", "add", "juli", "--kind", "ultimatum", "--grade", "B2", "--date", "1914-08-05"],
        ["signal", "retract", "july", "9999", "--reason", "x"],
        ["cases", "show", "juli"],
        ["cases", "export", "juli"],
    ):
        result = run(*args, "--db", str(db))
        assert result.exit_code == 2, args
        assert "error:" in result.stderr and ("juli" in result.stderr or "9999" in result.stderr)
    assert "did you mean july" in run("cases", "show", "juli", "--db", str(db)).stderr
    assert _count(db) == n


def test_bad_and_duplicate_names(db):
    assert "bad case name" in run("cases", "new", "no spaces", "--from", "july-1914", "--db", str(db)).stderr
    dup = run("cases", "new", "july", "--from", "cuba-1962", "--db", str(db))
    assert dup.exit_code == 2 and "already exists" in dup.stderr


def test_export_import_round_trip(db, tmp_path):
    out = tmp_path / "july-case.toml"
    result = run("cases", "export", "july", "-o", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed into place
    stdout = run("cases", "export", "july", "--db", str(db))
    assert stdout.exit_code == 0 and stdout.stdout == out.read_text(encoding="utf-8")
    assert run("validate", str(out)).exit_code == 0
    imported = run("cases", "import", str(out), "--db", str(db))
    assert imported.exit_code == 0, imported.output
    with CaseStore(db) as store:
        assert store.load_case("july-case").timeline.signals == store.load_case("july").timeline.signals
    again = run("cases", "import", str(out), "--db", str(db))
    assert again.exit_code == 2 and "already exists" in again.stderr
    renamed = run("cases", "import", str(out), "--name", "july2", "--db", str(db))
    assert renamed.exit_code == 0


def test_import_of_a_bad_file_names_the_problem_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "bad.toml"
    text = bundled_timelines()["july-1914"].read_text(encoding="utf-8")
    bad.write_text(text.replace('grade = "A1"', 'grade = "Z1"', 1), encoding="utf-8")
    n = _count(db)
    result = run("cases", "import", str(bad), "--db", str(db))
    assert result.exit_code == 2
    assert "grade" in result.stderr and "bad.toml" in result.stderr
    assert _count(db) == n
    assert [c["name"] for c in json.loads(run("cases", "list", "--json", "--db", str(db)).stdout)] == ["july"]


def test_a_case_with_its_own_catalog_exports_the_catalog_next_to_it(tmp_path):
    extra = (
        '\n[[kinds]]\nid = "probe_flight"\nlabel = "Probe flight"\nabout = "adversary"\nmilitary = true\n'
        "given_expansionist = { alpha = 5.0, beta = 5.0 }\ngiven_status_quo = { alpha = 4.0, beta = 6.0 }\n"
        'rationale = "test kind"\n'
    )
    (tmp_path / "my.toml").write_text(
        bundled_catalog_path().read_text(encoding="utf-8") + extra, encoding="utf-8"
    )
    timeline = bundled_timelines()["cuba-1962"].read_text(encoding="utf-8")
    timeline = timeline.replace("[scenario]\n", '[scenario]\ncatalog = "my.toml"\n', 1)
    (tmp_path / "cuba.toml").write_text(timeline, encoding="utf-8")
    db = tmp_path / "c.db"
    assert run("cases", "new", "cuba", "--from", str(tmp_path / "cuba.toml"), "--db", str(db)).exit_code == 0
    added = run(
        "signal",
        "add",
        "cuba",
        "--kind",
        "probe_flight",
        "--grade",
        "C3",
        "--date",
        "1962-10-30",
        "--db",
        str(db),
    )
    assert added.exit_code == 0, added.output

    to_stdout = run("cases", "export", "cuba", "--db", str(db))
    assert to_stdout.exit_code == 2 and "-o FILE" in to_stdout.stderr
    outdir = tmp_path / "out"
    outdir.mkdir()
    assert run("cases", "export", "cuba", "-o", str(outdir / "cuba-x.toml"), "--db", str(db)).exit_code == 0
    doc = tomllib.loads((outdir / "cuba-x.toml").read_text(encoding="utf-8"))
    assert doc["scenario"]["catalog"] == "cuba-x.catalog.toml"
    assert [s["kind"] for s in doc["signals"]].count("probe_flight") == 1
    assert run("cases", "import", str(outdir / "cuba-x.toml"), "--db", str(db)).exit_code == 0
    with CaseStore(db) as store:
        a, b = store.load_case("cuba"), store.load_case("cuba-x")
    assert a.catalog.digest == b.catalog.digest != load_timeline("cuba-1962")[1].digest
    # Entered out of date order; the export (and so the copy) is in date order.
    assert sorted(a.timeline.signals, key=lambda s: s.date) == b.timeline.signals


def test_assess_case_records_the_assessment(engine, db):
    n = len(load_timeline("july-1914")[0].signals)
    run("signal", "retract", "july", "1", "--reason", "test", "--db", str(db))
    result = run(
        "assess",
        "--case",
        "july",
        "--sampler",
        engine.settings.sampler,
        "--seed",
        "4",
        "--json",
        "--db",
        str(db),
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["scenario"]["n_signals"] == n - 1
    shown = json.loads(run("cases", "show", "july", "--db", str(db), "--json").stdout)
    latest = shown["latest_assessment"]
    assert latest["summary"] == printed
    assert latest["seed"] == 4 and latest["signal_ids"] == list(range(2, n + 1))
    text = run("cases", "show", "july", "--db", str(db)).stdout
    assert "latest assessment" in text and "seed 4" in text


def test_foreign_db_file_is_refused_untouched(tmp_path):
    path = tmp_path / "thesis.docx"
    path.write_bytes(b"PK\x03\x04 not a database" * 50)
    before = path.read_bytes()
    for args in (["cases", "list"], ["cases", "new", "x", "--from", "july-1914"]):
        result = run(*args, "--db", str(path))
        assert result.exit_code == 2
        assert "not a SQLite database" in result.stderr
    assert path.read_bytes() == before


def test_an_unreliable_assessment_is_flagged_in_show(engine, db):
    import dataclasses

    from beliefs.cases.service import case_for_assess
    from beliefs.runs.assessment import assess_signals

    timeline, catalog, signals, record = case_for_assess("july", str(db))
    good = assess_signals(timeline, catalog, signals, seed=2, engine=engine)
    diag = dataclasses.replace(good.posterior.diagnostics, problems=("R-hat 1.200 > 1.01",))
    bad = dataclasses.replace(good, posterior=dataclasses.replace(good.posterior, diagnostics=diag))
    record(bad)
    text = run("cases", "show", "july", "--db", str(db)).stdout
    assert "UNRELIABLE" in text and "R-hat 1.200" in text
    latest = json.loads(run("cases", "show", "july", "--db", str(db), "--json").stdout)["latest_assessment"]
    assert latest["reliable"] is False
    assert latest["summary"]["diagnostics"]["problems"] == ["R-hat 1.200 > 1.01"]


def test_import_needs_a_name_when_the_file_name_is_not_one(db, tmp_path):
    odd = tmp_path / "my case (v2).toml"
    odd.write_text(bundled_timelines()["munich-1938"].read_text(encoding="utf-8"), encoding="utf-8")
    refused = run("cases", "import", str(odd), "--db", str(db))
    assert refused.exit_code == 2 and "--name" in refused.stderr
    assert run("cases", "import", str(odd), "--name", "munich", "--db", str(db)).exit_code == 0


def test_signal_add_json_gives_the_id_and_a_not_seen_signal_says_so(db):
    added = run(
        "signal", "add", "july", "--kind", "mobilization", "--grade", "B2", "--date", "1914-08-06",
        "--actor", "Germany", "--not-seen", "--json", "--db", str(db),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    data = json.loads(added.stdout)
    assert data["case"] == "july" and isinstance(data["signal_id"], int)
    said = run(
        "signal", "add", "july", "--kind", "mobilization", "--grade", "B2", "--date", "1914-08-07",
        "--actor", "Germany", "--not-seen", "--db", str(db),
    )  # fmt: skip
    assert f"added signal {data['signal_id'] + 1} to case july: mobilization not seen by Germany, 1914-08-07" in said.stdout
