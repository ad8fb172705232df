"""What a ``--db`` value may be, and what opening it may write: URLs are understood or refused
(never a folder called ``postgresql:``), a dangling symlink is refused, read-only commands
create nothing (not even in an empty file), a refused import leaves no database, a file this
process cannot write is read read-only, and a full disk says so with the path (issue 24,
items 5, 6, 18 and 20)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cases import dbfile
from beliefs.cases.location import ServerUrl, SqlitePath, parse_db
from beliefs.cases.store import CaseStore
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import EXIT_BAD_INPUT, EXIT_IO, BeliefsError, StorageError

_load_command_modules()
runner = CliRunner()

READS = [["cases", "list"], ["cases", "show", "c"], ["assess", "--case", "c", "--engine", "importance"]]
WRITES = [
    ["cases", "new", "m", "--from", "morocco-1905"],
    ["cases", "import", "morocco-1905"],
    ["signal", "add", "c", "--kind", "ultimatum", "--grade", "B2", "--date", "1905-04-01"],
]


def run(*args: str):
    return runner.invoke(app, list(args))


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_parse_db_types_each_location():
    assert parse_db("cases.db") == SqlitePath(Path("cases.db"))
    assert parse_db(Path("/a/b.db")) == SqlitePath(Path("/a/b.db"))
    url = parse_db("postgresql://analyst:s3cret@db.example/cases")
    assert isinstance(url, ServerUrl) and url.scheme == "postgresql"
    assert url.url.endswith("s3cret@db.example/cases") and "s3cret" not in url.shown
    assert parse_db("POSTGRES://h/db") == ServerUrl("postgres", "POSTGRES://h/db", "POSTGRES://h/db")
    for bad in ["http://h/x.db", "sqlite:///x.db", "file:x.db", ":memory:", "", " x.db", "a\nb.db"]:
        with pytest.raises(BeliefsError):
            parse_db(bad)
    with pytest.raises(BeliefsError, match="looks like a URL"):  # what Path() makes of a URL
        parse_db(Path("postgresql://h/db"))


@pytest.mark.parametrize(
    "url",
    ["postgresql://127.0.0.1:1/db", "postgres://analyst:s3cret@127.0.0.1:1/db", "http://host/x.db", "sqlite:///x.db"],
)
@pytest.mark.parametrize("args", [*READS, *WRITES], ids=lambda a: " ".join(a[:2]))
def test_a_url_is_understood_or_refused_and_creates_nothing(tmp_path, monkeypatch, url, args):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*args, "--db", url])
    if url.startswith("postgres"):  # understood: a server store, here one that does not answer
        assert result.exit_code in (EXIT_BAD_INPUT, EXIT_IO), result.output
        assert "127.0.0.1" in result.stderr and "Traceback" not in result.output
    else:
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert "is not a kind of case store" in result.stderr
    assert "s3cret" not in result.output
    assert _tree(tmp_path) == []  # no folder called 'postgresql:', no database


def test_the_sqlite_store_refuses_a_server_url():
    with pytest.raises(BeliefsError, match="PostgreSQL store is not a file"):
        CaseStore("postgresql://host/db")


@pytest.mark.parametrize("args", WRITES[:2], ids=["new", "import"])
def test_a_dangling_symlink_is_refused_and_nothing_is_created(tmp_path, args):
    old = os.umask(0o022)
    try:
        link = tmp_path / "cases.db"
        link.symlink_to(tmp_path / "target.db")
        result = runner.invoke(app, [*args, "--db", str(link)])
    finally:
        os.umask(old)
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "symbolic link" in result.stderr and "target.db" in result.stderr
    assert _tree(tmp_path) == ["cases.db"] and not link.exists()  # the link alone, still dangling


def test_a_symlink_to_an_existing_database_is_used(tmp_path):
    real = tmp_path / "real.db"
    assert run("cases", "new", "c", "--from", "morocco-1905", "--db", str(real)).exit_code == 0
    link = tmp_path / "link.db"
    link.symlink_to(real)
    result = run("cases", "list", "--db", str(link))
    assert result.exit_code == 0 and "c" in result.stdout
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "args", [*READS, WRITES[2], ["cases", "delete", "c", "--yes"]], ids=lambda a: " ".join(a[:2])
)
def test_read_commands_on_an_empty_file_write_nothing(tmp_path, args):
    empty = tmp_path / "empty.db"
    empty.touch()
    result = runner.invoke(app, [*args, "--db", str(empty)])
    if args[:2] == ["cases", "list"]:
        assert result.exit_code == 0 and "no cases yet" in result.stdout
    else:
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert str(empty) in result.stderr
    assert empty.stat().st_size == 0 and _tree(tmp_path) == ["empty.db"]


def test_a_write_to_an_empty_file_makes_it_a_database(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    assert run("cases", "new", "m", "--from", "morocco-1905", "--db", str(empty)).exit_code == 0
    assert run("cases", "show", "m", "--db", str(empty)).exit_code == 0


@pytest.mark.parametrize("bad", ["binary.toml", "missing.toml", "invalid.toml"])
def test_a_refused_import_leaves_no_database(tmp_path, bad):
    (tmp_path / "binary.toml").write_bytes(b"\x00\x01\xff" * 50)
    (tmp_path / "invalid.toml").write_text('[scenario]\ntitle = "t"\n')
    new = tmp_path / "sub" / "new.db"
    result = run("cases", "import", str(tmp_path / bad), "--db", str(new))
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert not new.exists() and not new.parent.exists()
    result = run("cases", "new", "n", "--from", str(tmp_path / bad), "--db", str(new))
    assert result.exit_code == EXIT_BAD_INPUT and not new.parent.exists()


def test_a_refused_name_creates_no_database(tmp_path, july):
    new = tmp_path / "new.db"
    with CaseStore(new) as store, pytest.raises(BeliefsError):
        store.create_case("bad name", *july)
    assert not new.exists()


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """A database whose folder (and file) this process may not write: as root, the permission
    bits would not stop us, so the store's own question is answered for it."""
    db = tmp_path / "ro" / "cases.db"
    assert run("cases", "new", "c", "--from", "morocco-1905", "--db", str(db)).exit_code == 0
    real_access = os.access

    def access(path, mode, **kw):  # type: ignore[no-untyped-def]
        if Path(path).resolve().is_relative_to(db.parent.resolve()) and mode & os.W_OK:
            return False
        return real_access(path, mode, **kw)

    monkeypatch.setattr(dbfile.os, "access", access)
    return db


def test_a_database_in_a_read_only_folder_can_be_read(read_only_folder):
    db = read_only_folder
    before = (db.read_bytes(), _tree(db.parent))
    for args in (["cases", "list"], ["cases", "show", "c"], ["cases", "show", "c", "--json"]):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert "readonly" not in result.output
    # read without creating the -wal and -shm files SQLite would need in a writable folder
    assert (db.read_bytes(), _tree(db.parent)) == before
    result = run(
        "signal", "add", "c", "--kind", "ultimatum", "--grade", "B2", "--date", "1905-04-01", "--db", str(db)
    )
    assert result.exit_code == EXIT_IO and "read-only" in result.stderr and str(db) in result.stderr
    assert (db.read_bytes(), _tree(db.parent)) == before


def test_a_log_without_its_index_in_a_read_only_folder_says_why(read_only_folder):
    wal = read_only_folder.with_name("cases.db-wal")
    wal.write_bytes(b"")
    result = run("cases", "list", "--db", str(read_only_folder))
    assert (
        result.exit_code == EXIT_IO and "write-ahead log" in result.stderr and "cases.db-shm" in result.stderr
    )


def test_an_old_database_that_cannot_be_upgraded_says_so(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    from beliefs.cases.schema import migrate

    migrate(conn, db, upto=5)
    conn.close()
    monkeypatch.setattr(dbfile, "writable", lambda path: False)
    result = run("cases", "list", "--db", str(db))
    assert result.exit_code == EXIT_IO and "must be upgraded" in result.stderr and str(db) in result.stderr


def test_a_full_database_exits_74_naming_it(tmp_path, july):
    db = tmp_path / "cases.db"
    store = CaseStore(db)
    store.list_cases()
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite: "database or disk is full"
    with pytest.raises(StorageError, match="full") as err:
        store.create_case("j", *july)
    store.close()
    assert err.value.exit_code == EXIT_IO and str(db) in str(err.value)


def test_an_io_error_on_a_full_disk_says_the_disk_is_full(tmp_path, monkeypatch):
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode = sqlite3.SQLITE_IOERR_WRITE  # type: ignore[attr-defined]
    monkeypatch.setattr(dbfile.shutil, "disk_usage", lambda path: _Usage(4096))
    refused = dbfile.storage_error(exc, tmp_path / "cases.db")
    assert refused is not None and refused.exit_code == EXIT_IO
    assert "the disk is full (4,096 bytes free)" in str(refused) and str(tmp_path / "cases.db") in str(
        refused
    )


def test_a_disk_error_while_probing_the_file_is_74_not_2(tmp_path, monkeypatch):
    db = tmp_path / "cases.db"
    assert run("cases", "new", "c", "--from", "morocco-1905", "--db", str(db)).exit_code == 0

    def failing(*a, **k):  # type: ignore[no-untyped-def]
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorcode = sqlite3.SQLITE_IOERR_READ  # type: ignore[attr-defined]
        raise exc

    monkeypatch.setattr(dbfile.sqlite3, "connect", failing)
    result = run("cases", "list", "--db", str(db))
    assert result.exit_code == EXIT_IO and str(db) in result.stderr


class _Usage:
    def __init__(self, free: int) -> None:
        self.free = free
