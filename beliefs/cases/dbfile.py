"""Opening a case database file safely: which paths are files, creating one, soundness, disk errors.

* ``--db`` must name a real file (:func:`check_db_path`, read by
  :mod:`beliefs.cases.location`): SQLite's ``:memory:``, temporary databases,
  ``file:`` URIs and ``scheme://`` values are refused.
* A file that is not SQLite is refused on its header, read by SQLite read-only
  (:func:`check_file`); a damaged one by ``PRAGMA quick_check`` (:func:`check_sound`).
* A new database is built in a temporary file and linked into place
  (:func:`create_database`): safe when two processes create it at once.
* What the disk refuses (full, read-only, permissions, I/O errors) becomes a
  :class:`StorageError` naming the path (exit 74), not an "internal error"
  (:func:`db_errors`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from beliefs.cases.rules import check_rules
from beliefs.cases.schema import SCHEMA_VERSION, check_identity, migrate
from beliefs.errors import BeliefsError, StorageError


def check_db_path(path: Path | str) -> Path:
    """``--db`` must name a file (:func:`beliefs.cases.location.sqlite_path` reads it)."""
    from beliefs.cases.location import sqlite_path

    return sqlite_path(path)


def storage_error(exc: sqlite3.Error, path: Path) -> StorageError | None:
    """A :class:`StorageError` (exit 74) when SQLite says the disk refused, else None."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    reason = {
        sqlite3.SQLITE_FULL: "the disk (or the file-size limit) is full",
        sqlite3.SQLITE_READONLY: "the file or its folder is read-only",
        sqlite3.SQLITE_IOERR: "the disk reported an I/O error (full, a size limit, or failing)",
        sqlite3.SQLITE_CANTOPEN: "cannot open or create the file (permissions, or a read-only folder)",
        sqlite3.SQLITE_PERM: "permission denied",
    }.get(primary)  # type: ignore[arg-type]
    if reason is None:
        return None
    if primary in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        free = _free_bytes(path)
        if free is not None and free < FULL_BELOW:
            reason = f"the disk is full ({free:,} bytes free)"
    return StorageError(f"{path}: {reason} ({exc}); nothing was written")


#: Free bytes under which an I/O error is reported as a full disk.
FULL_BELOW = 1 << 20


def _free_bytes(path: Path) -> int | None:
    with contextlib.suppress(OSError):
        return shutil.disk_usage(path.resolve().parent).free
    return None


def create_database(path: Path, busy_timeout: float) -> None:
    """Make a new, complete case database at ``path``, safe against a concurrent creator.

    The schema is built in a private temporary file in the same folder, which is
    then linked into place: ``link`` never replaces, so of two processes creating
    the same database one wins and the other uses the winner's file. Nobody ever
    sees a half-made database. (An empty file already at ``path`` is not
    replaced: it is migrated in place, under the write lock, like an old database.)
    """
    import tempfile

    from beliefs.cases.privacy import make_private_folder

    folder = path.parent
    make_private_folder(folder)  # 0700, missing parents too; the file is mkstemp's 0600
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=folder)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp, timeout=busy_timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, Path(tmp))
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # a file system without hard links: rename, unless someone was faster
            if not path.exists():
                os.rename(tmp, path)
    finally:
        for leftover in (tmp, tmp + "-wal", tmp + "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def is_missing(path: Path) -> bool:
    """No database yet: no file, or an empty (zero-byte) one (read commands write nothing into it)."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def writable(path: Path) -> bool:
    """Whether this process may write the file and its folder (SQLite's -wal and -shm live there)."""
    real = path.resolve()
    return os.access(real, os.W_OK) and os.access(real.parent, os.W_OK | os.X_OK)


def read_only_uri(path: Path) -> str:
    """The URI that reads ``path`` without writing anything, even in a folder this process cannot write.

    Where the folder is writable, or the write-ahead log and its index are there, plain
    ``mode=ro``. In a read-only folder with no write-ahead log (a cleanly closed database),
    SQLite cannot make the shared-memory index that a WAL database needs: the file is then
    read as it is (``immutable=1``: everything committed is in it, and nobody can start a
    write-ahead log there). A log without its index cannot be read from such a folder: said.
    """
    real = path.resolve()
    uri = f"{real.as_uri()}?mode=ro"
    wal, shm = (real.with_name(real.name + ext) for ext in ("-wal", "-shm"))
    if writable(path) or (wal.exists() and shm.exists()):
        return uri
    if wal.exists():
        raise StorageError(
            f"{path}: cannot be read from this read-only folder: its write-ahead log ({wal.name}) holds "
            f"commits that SQLite reads only with an index file ({shm.name}) it cannot create here; open it "
            "once as a user who can write the folder. Nothing was written"
        )
    return uri + "&immutable=1"


def open_database(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A connection to the existing database at ``path``, checked before anything is written.

    Refused untouched: a foreign, newer or damaged file, and one whose rules (triggers) are
    missing or altered (:func:`beliefs.cases.rules.check_rules`). A file this process may not
    write is opened read-only (reads work, a write exits 74 "read-only"); one that would first
    need a migration cannot be read then, and says so.
    """
    rw = writable(path)
    if rw:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    else:
        uri = read_only_uri(path)
        conn = sqlite3.connect(
            uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    try:
        version = check_identity(conn, path)
        check_sound(conn, path)
        check_rules(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        if rw:
            set_wal(conn)
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn, path)
        elif version < SCHEMA_VERSION:
            raise StorageError(
                f"{path}: schema version {version} must be upgraded to {SCHEMA_VERSION} before this beliefs "
                "can read it, and the file or its folder is read-only; nothing was written"
            )
    except BaseException:
        conn.close()
        raise
    return conn


def set_wal(conn: sqlite3.Connection) -> None:
    """WAL journal mode (a no-op when the file already has it, the usual case)."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")


def check_sound(conn: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check``: refuse a damaged database before writing to it."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        raise BeliefsError(
            f"{path}: the case database is damaged (quick_check: {'; '.join(rows)[:300]}); it was left "
            "untouched. Restore it from a backup, or try `sqlite3 FILE .recover`."
        )


def check_file(path: Path) -> None:
    """Refuse a path that is not (or cannot become) a SQLite file, before opening it."""
    if path.is_dir():
        raise BeliefsError(f"{path}: is a directory, not a case database")
    if path.is_symlink() and not path.exists():
        raise BeliefsError(
            f"{path}: a symbolic link to {os.readlink(path)}, which does not exist; a new database is not "
            "created through a link (it would not be where --db says, and a link planted in a shared folder "
            "could choose where your cases go): give the link's target as --db, or remove the link"
        )
    if path.exists() and not path.is_file():
        raise BeliefsError(f"{path}: not a regular file (a device, pipe or socket), so not a case database")
    if not path.exists() or path.stat().st_size == 0:
        return
    # Read the header through SQLite, read-only, never with a plain open(): closing any
    # descriptor of a file drops every POSIX lock this process holds on it, so a plain
    # read beside an open CaseStore would let another process delete the WAL under it.
    try:
        probe = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.OperationalError as exc:
        if "not a database" in str(exc) or "file is encrypted" in str(exc):
            raise _foreign(path, exc) from None
        refused = storage_error(exc, path)
        if refused is not None:
            raise refused from None
        raise BeliefsError(f"{path}: cannot read the case database: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise _foreign(path, exc) from None


def _foreign(path: Path, exc: Exception) -> BeliefsError:
    return BeliefsError(
        f"{path}: not a SQLite database that can be read (damaged or not a database: {exc}), "
        "so not a beliefs case database; it was left untouched (give another --db PATH)"
    )


@contextlib.contextmanager
def db_errors(path: Path, busy_timeout: float) -> Iterator[None]:
    """SQLite's and the OS's errors as messages naming the file (exit 2, or 74 when the disk refused)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        refused = storage_error(exc, path)
        if refused is not None:
            raise refused from None
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise BeliefsError(
                f"{path}: the case database is busy/locked by another process "
                f"(waited {busy_timeout:g} s); try again"
            ) from None
        raise BeliefsError(f"{path}: case database error: {msg}") from None
    except sqlite3.IntegrityError as exc:  # a trigger or constraint of the store said no
        raise BeliefsError(
            f"{path}: refused by the case database's rules: {exc}; nothing was written"
        ) from None
    except sqlite3.DatabaseError as exc:
        refused = storage_error(exc, path)
        if refused is not None:
            raise refused from None
        raise BeliefsError(
            f"{path}: the case database is damaged or not a database ({exc}); it was left untouched"
        ) from None
    except OSError as exc:
        raise StorageError(f"{path}: {exc.strerror or exc}; nothing was written") from None
