"""Mapping the free-text actors of stored cases: `cases actors`, `cases map-actor`, the store.

A case stored before attribution (no aliases, no third parties, free-text
actors) is mapped actor by actor; each mapping is an append-only event of
the case's log, survives reopening, changes the encoded attribution weights,
and a refused one writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from beliefs.cases.store import CaseStore, StaleLogError
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import BeliefsError
from beliefs.evidence.encode import encode, evidence_record
from beliefs.text import STORED
from beliefs.timeline import Signal

_load_command_modules()
runner = CliRunner()

#: Free-text actors of an older version: two adversary-kind, one with an escape sequence in it.
OLD_ACTORS = (("the Kaiser's court", "coercive_threat"), ("Berlin press", "coercive_threat"),
              ("Berlin press", "ultimatum"), ("Wien\x1b[2J", "coercive_threat"))  # fmt: skip


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def old_case(tmp_path: Path, july) -> Path:
    """july-1914 as an older version stored it: no aliases, no third parties, free-text actors."""
    db = tmp_path / "cases.db"
    tl, cat = july
    bare = tl.scenario.model_copy(update={"aliases": type(tl.scenario.aliases)(), "actors": {}})
    with CaseStore(db, create=True) as store:
        store.create_case("old", tl.model_copy(update={"scenario": bare}), cat)
        for day, (actor, kind) in enumerate(OLD_ACTORS, start=5):
            raw = {"date": dt.date(1914, 8, day), "kind": kind, "grade": "B2", "actor": actor}
            store.add_signal("old", Signal.model_validate(raw, context=STORED))
    return db


def _rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT actor, role, name, attribution FROM actor_mappings ORDER BY id").fetchall()
    finally:
        conn.close()


def _actors(db: Path) -> dict[str, dict]:
    result = run("cases", "actors", "old", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    return {r["actor"]: r for r in json.loads(result.stdout)["actors"]}


def test_actors_lists_each_actor_with_its_resolution_and_count(old_case: Path) -> None:
    rows = _actors(old_case)
    assert rows["Germany"]["role"] == "adversary" and rows["Germany"]["reading"] == "adversary's own act"
    assert rows["Berlin press"]["signals"] == 2 and rows["Berlin press"]["role"] == "unresolved"
    assert rows["Berlin press"]["reading"].endswith("counted as the adversary's own act until it is mapped")
    # July 1914's ally kinds by Russia: counted for the ally whoever acted, and said so.
    assert rows["Russia"]["role"] == "unresolved" and rows["Russia"]["ally_kind"] == rows["Russia"]["signals"] > 0
    assert "an ally kind, counted for the ally" in rows["Russia"]["reading"]
    text = run("cases", "actors", "old", "--db", str(old_case))
    assert text.exit_code == 0 and "\x1b" not in text.stdout and "Wien\\x1b[2J" in text.stdout
    assert "beliefs cases map-actor old ACTOR --to" in " ".join(text.stdout.split())


def test_map_actor_records_an_alias_that_survives_reopening_and_changes_the_weights(old_case: Path) -> None:
    with CaseStore(old_case) as store:
        before = store.load_case("old")
    enc0 = encode(before.timeline, before.catalog)
    assert np.all(enc0.adversary_attribution[-4:] == 1.0)  # unresolved: the adversary's own, as before

    made = run("cases", "map-actor", "old", "berlin  PRESS", "--to", "Berlin press", "--attribution", "0.3",
               "--basis", "semi-official press", "--db", str(old_case))  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "case old" in made.stdout and "'Berlin press' -> third party Berlin press" in made.stdout
    ally = run("cases", "map-actor", "old", "the Kaiser's court", "--to", "ally", "--db", str(old_case))
    assert ally.exit_code == 0, ally.output

    with CaseStore(old_case) as store:  # a new connection: what is on disk
        case = store.load_case("old")
        assert case.version == before.version + 2
    s = case.timeline.scenario
    assert s.aliases.ally == ["the Kaiser's court"] and s.actors["Berlin press"].attribution == 0.3
    assert [e.signal.actor for e in case.log] == [e.signal.actor for e in before.log]  # signals keep their words
    enc = encode(case.timeline, case.catalog)
    # The Kaiser's court is now the ally's: context, out of the adversary likelihood; Berlin press at 0.3.
    assert len(enc.adversary_kind) == len(enc0.adversary_kind) - 1
    assert list(enc.adversary_attribution[-3:]) == [0.3, 0.3, 1.0]
    att = evidence_record(s, case.timeline.signals, case.catalog).attribution_summary()
    assert "Berlin press" not in att["unresolved_actors"] and "Wien\x1b[2J" in att["unresolved_actors"]

    undo = run("cases", "map-actor", "old", "Berlin press", "--unmap", "--db", str(old_case))
    assert undo.exit_code == 0, undo.output
    with CaseStore(old_case) as store:
        again = store.load_case("old")
    assert "Berlin press" not in again.timeline.scenario.actors
    assert np.all(encode(again.timeline, again.catalog).adversary_attribution[-3:] == 1.0)
    assert [r[1] for r in _rows(old_case)] == ["third_party", "ally", "unmapped"]  # the history keeps all three


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("Berlin press", "--to", "martians"), "unknown role 'martians' for 'Berlin press'"),
        (("Nobody", "--to", "ally"), "no signal has the actor 'Nobody'"),
        (("Germany", "--to", "ally"), "'Germany' is already the scenario's adversary"),
        (("Berlin press", "--to", "New party", "--attribution", "1.5"), "--attribution must be between 0 and 1"),
        (("Berlin press", "--to", "Evil\x1b]0;x\x07", "--attribution", "0.5"), "control character U+001B"),
        (("France", "--to", "adversary"), "'France' has signals of ally kinds"),
        (("Berlin press", "--unmap"), "'Berlin press' is not mapped"),
        (("Berlin press",), "give either --to ROLE or --unmap"),
    ],
)
def test_a_refused_mapping_exits_2_naming_case_and_actor_and_writes_nothing(old_case: Path, args, says) -> None:
    with CaseStore(old_case) as store:
        version = store.log_version("old")
    before = old_case.read_bytes(), _rows(old_case)
    result = run("cases", "map-actor", "old", *args, "--db", str(old_case))
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert says in message and "case 'old'" in message and "nothing was written" in message
    assert "\x1b" not in result.output
    assert _rows(old_case) == before[1] == []
    with CaseStore(old_case) as store:
        assert store.log_version("old") == version


def test_a_stale_mapping_is_refused_and_the_table_is_append_only(old_case: Path) -> None:
    with CaseStore(old_case) as store:
        version = store.log_version("old")
        store.map_actor("old", "the Kaiser's court", "adversary", expected_version=version)
        with pytest.raises(StaleLogError):
            store.map_actor("old", "Berlin press", "adversary", expected_version=version)
        # A created third party cannot lose its maker while another actor still maps to it.
        store.map_actor("old", "Berlin press", "Press", attribution=0.2)
        store.map_actor("old", "Wien\x1b[2J", "press")
        with pytest.raises(BeliefsError, match="still map to: unmap those first"):
            store.map_actor("old", "Berlin press", None)
        with pytest.raises(BeliefsError, match="creates a new third party, and 'press' is already the third party"):
            store.map_actor("old", "Austria-Hungary", "press", attribution=0.5)
    assert [r[0] for r in _rows(old_case)] == ["the Kaiser's court", "Berlin press", "Wien\x1b[2J"]
    conn = sqlite3.connect(old_case)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE actor_mappings SET role = 'ally'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM actor_mappings")
    conn.close()
    deleted = run("cases", "delete", "old", "--yes", "--db", str(old_case))
    assert deleted.exit_code == 0, deleted.output
    assert _rows(old_case) == []


def test_a_third_party_made_by_a_mapping_owns_its_name(old_case: Path) -> None:
    """The court's signals resolve to the party named after them: mapping them too would give one name two roles."""
    with CaseStore(old_case) as store:
        store.map_actor("old", "Berlin press", "The Kaiser's  court", attribution=0.4)
        with pytest.raises(BeliefsError, match="'the Kaiser's court' is already the third party The Kaiser's court"):
            store.map_actor("old", "the Kaiser's court", "adversary")
        case = store.load_case("old")
    att = evidence_record(case.timeline.scenario, case.timeline.signals, case.catalog).attribution_summary()
    assert "the Kaiser's court" not in att["unresolved_actors"] and att["counts"]["third_party"] == 3  # the court once, the press twice


def test_a_mapped_case_exports_its_mappings_as_aliases_and_imports_back(old_case: Path, tmp_path: Path) -> None:
    with CaseStore(old_case) as store:
        store.map_actor("old", "the Kaiser's court", "Germany")
        store.map_actor("old", "Berlin press", "Berlin press", attribution=0.3, basis="semi-official")
        store.map_actor("old", "France", "ally")
    out = tmp_path / "old.toml"
    exported = run("cases", "export", "old", "-o", str(out), "--db", str(old_case))
    assert exported.exit_code == 0, exported.output
    text = out.read_text()
    assert "the Kaiser's court" in text and '[scenario.actors."Berlin press"]' in text
    shown = run("cases", "show", "old", "--db", str(old_case))
    assert shown.exit_code == 0 and "actor mapping #3" in shown.stdout and "'France' -> ally" in shown.stdout


def test_assess_warns_per_kind_and_stops_warning_once_mapped(old_case: Path) -> None:
    """The warning says how each unresolved actor is counted, by kind: ally kinds never 'as the adversary's'."""
    args = ("assess", "--case", "old", "--db", str(old_case), "--json", "--engine", "importance")
    first = run(*args)
    assert first.exit_code == 0, first.output
    warning = " ".join(first.stderr.split())
    assert first.stderr.count("warning:") == 1
    assert "'Russia' (3 ally-kind signals counted for the ally, as ally kinds are whoever acted)" in warning
    # France also mobilised (an adversary kind): each kind is said as it counts.
    assert ("'France' (1 adversary-kind signal counted as the adversary's own act; "
            "2 ally-kind signals counted for the ally, as ally kinds are whoever acted)") in warning
    assert "'Berlin press' (2 adversary-kind signals counted as the adversary's own acts)" in warning
    assert "beliefs cases map-actor old ACTOR --to" in warning and "\x1b" not in first.stderr
    with CaseStore(old_case) as store:
        for actor, role in (("France", "ally"), ("Russia", "ally"), ("Austria-Hungary", "adversary"),
                            ("the Kaiser's court", "adversary"), ("Berlin press", "adversary"),
                            ("Wien\x1b[2J", "adversary")):  # fmt: skip
            store.map_actor("old", actor, role)
    second = run(*args)
    assert second.exit_code == 0, second.output
    assert "warning:" not in second.stderr and json.loads(second.stdout)["attribution"]["unresolved_actors"] == []
