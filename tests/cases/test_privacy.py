"""Case databases are private (0600 file, 0700 new folders), a looser one is reported once,
and looking for a case that does not exist creates nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cases import privacy
from beliefs.cases.store import CaseStore
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import NotFoundError
from beliefs.timeline import load_timeline

_load_command_modules()
runner = CliRunner()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)  # the usual default: files 0644, folders 0755
    yield
    os.umask(old)


def test_new_database_and_its_folders_are_private(tmp_path, loose_umask):
    db = tmp_path / "data" / "beliefs" / "cases.db"
    result = runner.invoke(app, ["cases", "new", "m", "--from", "morocco-1905", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    with CaseStore(db) as store:  # WAL and shared-memory files take the database's mode
        store.add_signal("m", load_timeline("morocco-1905")[0].signals[0])
        for extra in ("-wal", "-shm"):
            side = Path(str(db) + extra)
            if side.exists():
                assert mode(side) == 0o600, extra


def test_default_location_is_private(tmp_path, loose_umask, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    result = runner.invoke(app, ["cases", "new", "m", "--from", "morocco-1905"])
    assert result.exit_code == 0, result.output
    db = tmp_path / "xdg" / "beliefs" / "cases.db"
    assert mode(db) == 0o600 and mode(db.parent) == 0o700


def test_an_existing_loose_database_is_used_and_reported_once(tmp_path, monkeypatch):
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.list_cases()  # the first read creates the file
    os.chmod(db, 0o644)
    said: list[str] = []
    monkeypatch.setattr(privacy, "report", said.append)
    monkeypatch.setattr(privacy, "_reported", set())
    for _ in range(3):
        CaseStore(db).close()
    assert len(said) == 1 and "mode 0644" in said[0] and f"chmod 600 {db}" in said[0]
    assert mode(db) == 0o644  # reported, not changed behind the analyst's back


def test_the_warning_reaches_stderr_once_per_command(tmp_path, monkeypatch):
    db = tmp_path / "cases.db"
    assert runner.invoke(app, ["cases", "new", "m", "--from", "morocco-1905", "--db", str(db)]).exit_code == 0
    os.chmod(db, 0o640)
    monkeypatch.setattr(privacy, "_reported", set())
    result = runner.invoke(app, ["cases", "show", "m", "--db", str(db)])
    assert result.exit_code == 0
    assert result.stderr.count("readable or writable by other users (mode 0640)") == 1
    assert "readable" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["cases", "show", "absent"],
        ["cases", "export", "absent"],
        ["assess", "--case", "absent"],
        ["signal", "add", "absent", "--kind", "mobilization", "--grade", "B2", "--date", "1906-01-01"],
        ["signal", "retract", "absent", "1", "--reason", "r"],
        ["tui", "--case", "absent"],
    ],
)
def test_a_missing_case_creates_nothing(tmp_path, args, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for extra in ([], ["--db", str(tmp_path / "sub" / "cases.db")]):
        result = runner.invoke(app, args + extra)
        assert result.exit_code == 2, result.output
        assert "no case called 'absent'" in result.stderr and "nothing was created" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cases_list_without_a_database_creates_none(tmp_path):
    db = tmp_path / "cases.db"
    result = runner.invoke(app, ["cases", "list", "--db", str(db)])
    assert result.exit_code == 0 and "no cases yet" in result.stdout
    assert not db.exists()


def test_store_refuses_to_create_when_asked_not_to(tmp_path):
    with pytest.raises(NotFoundError, match="nothing was created"):
        CaseStore(tmp_path / "x.db", create=False)
    assert not (tmp_path / "x.db").exists()
