"""Opening a case database file safely: which paths are files, creating one, soundness, disk errors.

* ``--db`` must name a real file (:func:`check_db_path`): SQLite's ``:memory:``,
  temporary databases and ``file:`` URIs would silently lose the cases.
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
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from beliefs.cases.schema import migrate
from beliefs.errors import BeliefsError, StorageError


def check_db_path(path: Path | str) -> Path:
    """``--db`` must name a file: not SQLite's in-memory or temporary databases, not a URI."""
    text = str(path)
    if not text.strip():
        raise BeliefsError("--db: the case database path is empty; give a file path")
    if text.startswith(":") or text.lower().startswith("file:") or text != text.strip():
        raise BeliefsError(
            f"--db {text!r}: give the path of a file (SQLite's special names such as ':memory:', "
            "'file:' URIs and names with surrounding spaces are refused: the cases would not be kept)"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BeliefsError(f"--db {text!r}: control characters are not allowed in the path")
    return Path(text)


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
    return StorageError(f"{path}: {reason} ({exc}); nothing was written")


def create_database(path: Path, busy_timeout: float) -> None:
    """Make a new, complete case database at ``path``, safe against a concurrent creator.

    The schema is built in a private temporary file in the same folder, which is
    then linked into place: ``link`` never replaces, so of two processes creating
    the same database one wins and the other uses the winner's file. Nobody ever
    sees a half-made database. (An empty file already at ``path`` is not
    replaced: it is migrated in place, under the write lock, like an old database.)
    """
    import os
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
    if path.exists() and not path.is_file():
        raise BeliefsError(f"{path}: not a regular file (a device, pipe or socket), so not a case database")
    if not path.exists() or path.stat().st_size == 0:
        return
    # Read the header through SQLite, read-only, never with a plain open(): closing any
    # descriptor of a file drops every POSIX lock this process holds on it, so a plain
    # read beside an open CaseStore would let another process delete the WAL under it.
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.OperationalError as exc:
        if "not a database" in str(exc) or "file is encrypted" in str(exc):
            raise _foreign(path, exc) from None
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
