"""The signal field ``channel``: validation, the one-letter-per-channel rule, the case
store (migration, round trip, ``signal add --channel``) and the tables that show it."""

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
from beliefs.channels import channel_key, letter_conflicts
from beliefs.errors import BeliefsError, InputError
from beliefs.render.replay_table import CSV_COLUMNS
from beliefs.runs.replay_steps import signal_json
from beliefs.timeline import Signal, load_timeline

SCENARIO = scenario_toml()


def _signal(date: str, grade: str, channel: str | None, kind: str = "ultimatum", extra: str = "") -> str:
    line = f'channel = "{channel}"\n' if channel is not None else ""
    return f'\n[[signals]]\ndate = {date}\nkind = "{kind}"\ngrade = "{grade}"\n{line}{extra}'


def _write(tmp_path: Path, *signals: str) -> Path:
    path = tmp_path / "tl.toml"
    path.write_text(SCENARIO + "".join(signals), encoding="utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", *args], capture_output=True, text=True, timeout=120
    )


# -- the field ---------------------------------------------------------------------


def test_channel_is_optional_stripped_and_one_line():
    assert Signal(date=dt.date(1914, 7, 1), kind="ultimatum", grade="B2").channel is None
    sig = Signal(date=dt.date(1914, 7, 1), kind="ultimatum", grade="B2", channel="  Goschen telegrams ")
    assert sig.channel == "Goschen telegrams"
    assert Signal(date=dt.date(1914, 7, 1), kind="ultimatum", grade="B2", channel="   ").channel is None
    for bad in ("Goschen\ntelegrams", "Berlin\x1b[31m press", "a\u202eb", "x" * 81):
        with pytest.raises(ValueError, match="channel"):
            Signal(date=dt.date(1914, 7, 1), kind="ultimatum", grade="B2", channel=bad)


def test_channel_identity_ignores_case_and_spacing():
    assert channel_key("Berlin  press") == channel_key("berlin PRESS") == "berlin press"
    assert channel_key(None) is None


def test_letter_conflicts_names_the_first_report_of_the_channel():
    day = dt.date(1914, 7, 1)
    sigs = [
        Signal(date=day, kind="ultimatum", grade="B2", channel="Goschen"),
        Signal(date=day, kind="ultimatum", grade="C2", channel="Lichnowsky"),
        Signal(date=day, kind="ultimatum", grade="B5", channel="goschen"),  # same letter: fine
        Signal(date=day, kind="ultimatum", grade="C1", channel="Goschen "),  # another letter
        Signal(date=day, kind="ultimatum", grade="A1", channel="Goschen", retracted=True),  # does not count
        Signal(date=day, kind="ultimatum", grade="A1"),  # no channel: its own
    ]
    assert letter_conflicts(sigs) == [(3, 0)]


def test_a_timeline_with_channels_loads(tmp_path):
    path = _write(
        tmp_path,
        _signal("1914-07-23", "B2", "Goschen telegrams"),
        _signal("1914-07-24", "B1", "goschen telegrams"),
        _signal("1914-07-25", "C3", None),
    )
    tl, _ = load_timeline(path)
    assert [s.channel for s in tl.signals] == ["Goschen telegrams", "goschen telegrams", None]
    assert tl.channels == ["Goschen telegrams"]


def test_two_letters_on_one_channel_name_both_signals(tmp_path):
    path = _write(
        tmp_path,
        _signal("1914-07-23", "B2", "Goschen telegrams"),
        _signal("1914-07-24", "C2", "Berlin press"),
        _signal("1914-07-25", "C1", "Goschen telegrams"),
    )
    with pytest.raises(InputError) as err:
        load_timeline(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.entry, problem.field) == (str(path), "signals[2]", "channel")
    assert "signals[0]" in problem.message and "B2" in problem.message and "C1" in problem.message
    out = _run("assess", str(path))
    assert out.returncode == 2
    assert f"{path}: signals[2], channel: channel 'Goschen telegrams'" in out.stderr


def test_a_multi_line_channel_is_exit_2_naming_the_field(tmp_path):
    path = _write(tmp_path, _signal("1914-07-23", "B2", "Goschen\\ntelegrams"))
    out = _run("assess", str(path))
    assert out.returncode == 2
    assert f"{path}: signals[0], channel: must be a single line" in out.stderr


def test_a_retracted_report_does_not_fix_the_letter(tmp_path):
    path = _write(
        tmp_path,
        _signal("1914-07-23", "B2", "Goschen", extra="retracted = true\n"),
        _signal("1914-07-24", "C2", "Goschen"),
    )
    tl, _ = load_timeline(path)
    assert tl.signals[1].grade == "C2"


# -- the case store ----------------------------------------------------------------


def test_store_round_trip_keeps_channels(tmp_path):
    path = _write(
        tmp_path,
        _signal("1914-07-23", "B2", "Goschen telegrams"),
        _signal("1914-07-24", "C3", None),
    )
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.import_toml(path, name="c")
        sid = store.add_signal(
            "c", Signal(date=dt.date(1914, 7, 26), kind="mobilization", grade="B4", channel="Goschen telegrams")
        )
        exported = store.export_toml("c")
        again = tmp_path / "again.toml"
        again.write_text(exported, encoding="utf-8")
        store.import_toml(again, name="c2")
        case, copy = store.load_case("c"), store.load_case("c2")
    assert 'channel = "Goschen telegrams"' in exported
    assert [s.channel for s in case.timeline.signals] == ["Goschen telegrams", None, "Goschen telegrams"]
    assert [s.channel for s in copy.timeline.signals] == [s.channel for s in case.timeline.signals]
    assert case.log[-1].id == sid and case.log[-1].to_json()["channel"] == "Goschen telegrams"


def test_store_refuses_a_second_letter_on_a_channel_and_writes_nothing(tmp_path):
    db = tmp_path / "cases.db"
    path = _write(tmp_path, _signal("1914-07-23", "B2", "Goschen telegrams"))
    with CaseStore(db) as store:
        store.import_toml(path, name="c")
        with pytest.raises(BeliefsError, match=r"graded B by signal 1 \(1914-07-23, ultimatum\)"):
            store.add_signal("c", Signal(date=dt.date(1914, 7, 26), kind="ultimatum", grade="A1", channel="GOSCHEN telegrams"))
        assert len(store.load_case("c").log) == 1
        store.retract_signal("c", 1, "misattributed")
        store.add_signal("c", Signal(date=dt.date(1914, 7, 26), kind="ultimatum", grade="A1", channel="Goschen telegrams"))


def test_signal_add_channel_from_the_cli(tmp_path):
    db = str(tmp_path / "cases.db")
    path = _write(tmp_path, _signal("1914-07-23", "B2", "Goschen telegrams"))
    assert _run("cases", "import", str(path), "--name", "c", "--db", db).returncode == 0
    ok = _run("signal", "add", "c", "--kind", "mobilization", "--grade", "B3", "--date", "1914-07-25",
              "--channel", "Goschen telegrams", "--db", db)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    bad = _run("signal", "add", "c", "--kind", "mobilization", "--grade", "C3", "--date", "1914-07-26",
               "--channel", "Goschen telegrams", "--db", db)  # fmt: skip
    assert bad.returncode == 2 and "graded B by signal 1" in bad.stderr
    two_lines = _run("signal", "add", "c", "--kind", "mobilization", "--grade", "C3", "--date", "1914-07-26",
                     "--channel", "a\nb", "--db", db)  # fmt: skip
    assert two_lines.returncode == 2 and "--channel" in two_lines.stderr
    shown = _run("cases", "show", "c", "--json", "--db", db)
    assert [s["channel"] for s in json.loads(shown.stdout)["signals"]] == ["Goschen telegrams"] * 2
    table = _run("cases", "show", "c", "--db", db)
    assert "channel" in table.stdout and "Goschen" in table.stdout


def test_a_version_2_database_gains_the_channel_column(july, tmp_path):
    tl, catalog = july
    db = tmp_path / "cases.db"
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, db, upto=2) == 2
    assert "channel" not in {r[1] for r in conn.execute("PRAGMA table_info(signals)")}
    scenario = {"scenario": tl.scenario.model_dump(mode="json"), "payoffs": {}, "outcome": None}
    conn.execute(
        "INSERT INTO cases VALUES (1, 'old', ?, ?, ?, 'v2', '2026-01-01', '2026-01-01')",
        (json.dumps(scenario), catalog.model_dump_json(), catalog.digest),
    )
    conn.execute(
        "INSERT INTO signals VALUES (1, 1, '1914-07-23', 'ultimatum', 'A-H', 'B2', 'old signal', NULL,"
        " '2026-01-01', 'v2', 'v2')"
    )
    conn.close()
    with CaseStore(db) as store:
        store.add_signal("old", Signal(date=dt.date(1914, 7, 24), kind="ultimatum", grade="B2", channel="press"))
        case = store.load_case("old")
    assert [s.channel for s in case.timeline.signals] == [None, "press"]
    assert case.timeline.signals[0].note == "old signal"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3
    conn.close()


# -- tables ------------------------------------------------------------------------


def test_replay_rows_carry_the_channel():
    sig = Signal(date=dt.date(1914, 7, 1), kind="ultimatum", grade="B2", channel="Berlin press")
    assert signal_json(sig)["channel"] == "Berlin press"
    assert CSV_COLUMNS.index("channel") == CSV_COLUMNS.index("grade") + 1
