"""The PostgreSQL store against a real server (a throwaway cluster, tests/pg_cluster.py): roles and
who wrote what, the rules held against the owner's own psql session, concurrent writers, a server
that stops mid-stream or cannot be reached, passwords kept out of output, cases copied exactly."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from beliefs.cases.location import mask_secrets, mask_url
from beliefs.cases.service import open_store
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal

_load_command_modules()
runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
ADD = ("--kind", "mobilization", "--grade", "B2", "--date", "1914-08-01", "--actor", "Russia")


def run(*args: str):
    return runner.invoke(app, list(args))


def _user_url(superuser_url: str, user: str, password: str = "s3cret-pw") -> str:
    return superuser_url.replace("postgresql://postgres@", f"postgresql://{user}:{password}@")


@pytest.fixture
def team(pg_url, pg_cluster):
    """A store with the case 'july', its roles, and one login of each: reader1, analyst1, owner1."""
    assert run("cases", "new", "july", "--from", "july-1914", "--db", pg_url).exit_code == 0
    result = run("cases", "init-roles", "--db", pg_url)
    assert result.exit_code == 0, result.output
    for user, role in (("reader1", "reader"), ("analyst1", "analyst"), ("owner1", "owner")):
        pg_cluster.sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{user}') THEN "
            f"CREATE ROLE {user} LOGIN; END IF; END $$"
        )
        pg_cluster.sql(f"GRANT beliefs_{role} TO {user}")
    return {u: _user_url(pg_url, u) for u in ("reader1", "analyst1", "owner1")} | {"admin": pg_url}


def _count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM signals").fetchone()[0]


def test_a_reader_reads_but_its_signal_add_exits_2_and_writes_nothing(team):
    before = _count(team["admin"])
    assert run("cases", "show", "july", "--db", team["reader1"]).exit_code == 0
    result = run("signal", "add", "july", *ADD, "--db", team["reader1"])
    assert result.exit_code == 2, result.output
    assert "reader1" in result.output and "lacks the right" in result.output
    assert "s3cret-pw" not in result.output and "Traceback" not in result.output
    assert _count(team["admin"]) == before


def test_each_role_may_do_what_it_should_and_no_more(team):
    with open_store(team["analyst1"], case="july") as store:  # an actor the scenario does not know yet
        sid = str(
            store.add_signal(
                "july",
                Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B2", actor="Berlin press"),
            )
        )
    assert run("signal", "retract", "july", sid, "--reason", "dup", "--db", team["analyst1"]).exit_code == 0
    for refused in (
        ("cases", "new", "other", "--from", "july-1914", "--db", team["analyst1"]),
        ("cases", "delete", "july", "--yes", "--db", team["analyst1"]),
        ("cases", "map-actor", "july", "Berlin press", "--to", "adversary", "--db", team["analyst1"]),
    ):
        result = run(*refused)
        assert result.exit_code == 2 and "lacks the right" in result.output, (refused, result.output)
    mapped = run("cases", "map-actor", "july", "Berlin press", "--to", "adversary", "--db", team["owner1"])
    assert mapped.exit_code == 0, mapped.output
    assert run("cases", "new", "other", "--from", "july-1914", "--db", team["owner1"]).exit_code == 0
    assert run("cases", "delete", "other", "--yes", "--db", team["owner1"]).exit_code == 0


def test_every_row_records_its_database_user_shown_by_show_and_json(team):
    assert run("signal", "add", "july", *ADD, "--db", team["analyst1"]).exit_code == 0
    shown = run("cases", "show", "july", "--db", team["reader1"])
    assert "signals written by database users: analyst1 (1 signal), postgres (20 signals)" in shown.output
    data = json.loads(run("cases", "show", "july", "--json", "--db", team["reader1"]).stdout)
    assert data["signals"][-1]["db_user"] == "analyst1" and data["signals"][0]["db_user"] == "postgres"
    with psycopg.connect(team["analyst1"], autocommit=True) as conn:  # the client cannot claim another name
        conn.execute(
            "INSERT INTO signals (case_id, date, kind, actor, grade, note, entered_at, entered_by, origin, db_user)"
            " SELECT id, '1914-08-02', 'mobilization', 'Russia', 'B2', '', 'now', 'psql', 'psql', 'owner1' FROM cases"
        )
    data = json.loads(run("cases", "show", "july", "--json", "--db", team["reader1"]).stdout)
    assert data["signals"][-1]["db_user"] == "analyst1"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE signals SET grade = 'A1' WHERE id = 1",
        "DELETE FROM signals WHERE id = 1",
        "TRUNCATE signals CASCADE",
        "UPDATE cases SET scenario_json = '{}'",
        "UPDATE cases SET deleting = 1",  # marks it, but the case must go whole in the same transaction
    ],
)
def test_the_owners_own_psql_session_cannot_rewrite_the_log(team, sql):
    before = _count(team["admin"])
    # The store's owner role lacks the right or meets the rules; the tables' owner (here a superuser,
    # every right) meets the rules: triggers hold whatever the role.
    for who, says in (
        ("owner1", "permission denied|append-only|goes whole"),
        ("admin", "append-only|kept as created|goes whole"),
    ):
        with psycopg.connect(team[who], autocommit=True) as conn, pytest.raises(psycopg.Error, match=says):
            conn.execute(sql)  # type: ignore[arg-type]
    assert _count(team["admin"]) == before


WRITER = """
import sys, datetime as dt
from beliefs.cases.service import open_store
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal
url, tag = sys.argv[1], sys.argv[2]
for i in range(25):
    with open_store(url, case="july") as store:
        sig = Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B2", actor="Russia", note=f"{tag}-{i}")
        print(store.add_signal("july", sig, entered_by=tag), flush=True)
"""


def test_two_writers_adding_25_signals_each_at_once_lose_and_double_nothing(team):
    before = _count(team["admin"])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, team["analyst1"], tag], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        for tag in ("w1", "w2")
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    ids = [int(x) for out in outs for x in out.split()]
    assert len(ids) == 50 == len(set(ids))
    with open_store(team["reader1"], case="july") as store:
        case = store.load_case("july")
    notes = [e.signal.note for e in case.log if e.entered_by in ("w1", "w2")]
    assert sorted(notes) == sorted(f"{t}-{i}" for t in ("w1", "w2") for i in range(25))
    assert len(case.log) == before + 50 and case.signal_ids == sorted(case.signal_ids)


STREAM = """
import os, sys, time, datetime as dt
from beliefs.cases.service import open_store
from beliefs.errors import BeliefsError
from beliefs.errors import BeliefsError
from beliefs.timeline import Signal
url, stop = sys.argv[1], sys.argv[2]
for i in range(2000):  # bounded; the test says when to stop
    if os.path.exists(stop):
        break
    try:
        with open_store(url, case="july") as store:
            sid = store.add_signal("july", Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B2",
                                                  actor="Russia", note=f"s{i}"))
        print("ok", sid, flush=True)
    except BeliefsError as exc:
        print("refused", getattr(exc, "exit_code", 2), str(exc).replace(chr(10), " "), flush=True)
        time.sleep(0.05)
    time.sleep(0.01)
"""


def test_stopping_the_server_mid_stream_loses_no_acknowledged_signal(team, pg_cluster, tmp_path):
    stop = tmp_path / "stop"
    proc = subprocess.Popen(
        [sys.executable, "-c", STREAM, team["analyst1"], str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    lines: list[str] = []

    def read_until(what: str, n: int) -> None:
        while sum(line.startswith(what) for line in lines) < n:
            line = proc.stdout.readline()
            assert line, f"the writer ended early: {lines[-3:]}"
            lines.append(line)

    read_until("ok", 10)
    pg_cluster.stop("immediate")  # as a crash: no clean shutdown
    read_until("refused", 3)
    pg_cluster.start()
    read_until("ok", 15)  # the writer goes on once the server is back
    stop.touch()
    rest, _ = proc.communicate(timeout=180)
    lines += rest.splitlines()
    acked = {int(line.split()[1]) for line in lines if line.startswith("ok")}
    refused = [line for line in lines if line.startswith("refused")]
    assert proc.returncode == 0 and refused and len(acked) > 10
    assert all(line.split()[1] == "74" and "PostgreSQL server" in line for line in refused), refused[:3]
    assert not any("s3cret-pw" in line for line in lines)
    with open_store(team["admin"], case="july") as store:
        stored = set(store.load_case("july").signal_ids)
    assert acked <= stored


def test_an_unreachable_server_exits_74_with_a_message_and_no_password():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    url = f"postgresql://ana:hunter2@127.0.0.1:{port}/cases?connect_timeout=2"
    result = run("cases", "list", "--db", url)
    assert result.exit_code == 74, result.output
    assert "cannot reach the PostgreSQL server" in result.output
    assert "hunter2" not in result.output and "Traceback" not in result.output


PASSWORD = st.text(
    alphabet=st.characters(
        codec="ascii", categories=("L", "N", "P", "S"), exclude_characters="@/?#&%:\\\"' "
    ),
    min_size=8,
    max_size=40,
).map(lambda p: "pw" + p)


@given(user=st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True), password=PASSWORD)
def test_no_password_survives_masking_in_a_url_or_a_message(user, password):
    for url in (
        f"postgresql://{user}:{password}@db.example:5432/cases?sslmode=require",
        f"postgres://db.example/cases?user={user}&password={password}",
    ):
        assert password not in mask_url(url)
        assert password not in mask_secrets(f'invalid URI: "{url}" (at offset 3)')
        assert user in mask_url(url)


def test_passwords_are_masked_in_every_url_shown():
    assert mask_url("postgresql://ana:pa:ss@db.example:5432/c?sslmode=require") == (
        "postgresql://ana:***@db.example:5432/c?sslmode=require"
    )
    assert mask_url("postgres://db/c?user=ana&password=x1&sslmode=verify-full") == (
        "postgres://db/c?user=ana&password=***&sslmode=verify-full"
    )
    assert mask_url("postgresql://ana@db/c") == "postgresql://ana@db/c"


@pytest.mark.parametrize(
    ("url", "code", "says"),
    [
        ("postgresql://ana:hunter2@[bad", 2, "case database error"),
        ("postgresql://ana:hunter2@127.0.0.1:1/x?sslmode=bogus", 2, "bad PostgreSQL connection string"),
        ("postgresql://ana@127.0.0.1:1/x?bogus=1&password=hunter2", 2, "invalid URI query parameter"),
    ],
)
def test_a_bad_connection_string_exits_2_and_its_password_is_never_echoed(url, code, says):
    result = run("cases", "list", "--db", url)
    assert result.exit_code == code and says in result.output, result.output
    assert "hunter2" not in result.output and "Traceback" not in result.output


def test_a_writer_held_up_by_another_gives_up_with_busy_and_writes_nothing(pg_url):
    from beliefs.cases.pg.schema import WRITE_LOCK
    from beliefs.cases.pg.store import PgCaseStore

    assert run("cases", "new", "july", "--from", "july-1914", "--db", pg_url).exit_code == 0
    with psycopg.connect(pg_url) as holder:  # another writer, in the middle of a long transaction
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        with PgCaseStore(pg_url, busy_timeout=0.3) as store:
            before = store.log_version("july")  # readers are not held up
            with pytest.raises(BeliefsError, match="busy") as err:
                store.add_signal("july", Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B2"))
            assert getattr(err.value, "exit_code", 2) == 2
        holder.rollback()
    with open_store(pg_url) as store:
        assert store.log_version("july") == before


def test_the_python_api_opens_and_records_a_postgresql_case_and_a_reader_cannot_store(team, engine):
    import beliefs

    crisis = beliefs.open_case("july", team["analyst1"])
    assert "s3cret-pw" not in repr(crisis)
    result = beliefs.assess(crisis, seed=3)
    with open_store(team["reader1"], case="july") as store:
        stored = store.assessments("july")
    assert len(stored) == 1 and stored[0]["seed"] == 3
    assert stored[0]["summary"]["posterior"] == result.to_dict()["posterior"]
    refused = run("assess", "--case", "july", "--seed", "3", "--db", team["reader1"])
    assert refused.exit_code == 2 and "lacks the right" in refused.output, refused.output
    with open_store(team["admin"], case="july") as store:
        assert len(store.assessments("july")) == 1
