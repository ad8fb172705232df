"""A case database file's connection: opened on first use, one lock, one transaction at a time.

:class:`CaseFile` is the base of :class:`beliefs.cases.store.CaseStore`: it
opens (and first creates, private) the SQLite file when the first read or
write needs it, serialises this process's threads on one connection, and
gives the store its two kinds of transaction: ``_write`` (``BEGIN
IMMEDIATE``, committed and on disk when the block ends, rolled back on any
error) and ``_read`` (one consistent snapshot for several SELECTs), with the
disk's refusals turned into clear errors (:func:`beliefs.cases.dbfile.db_errors`).
``_case_row`` finds a case by name, or says which names are close.
"""

from __future__ import annotations

import contextlib
import difflib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from beliefs.cases.dbfile import (
    check_db_path,
    check_file,
    create_database,
    db_errors,
    is_missing,
    open_database,
)
from beliefs.cases.privacy import check_private
from beliefs.cases.schema import rollback
from beliefs.errors import BeliefsError, CaseNotFoundError, NotFoundError
from beliefs.text import quoted

#: Seconds a write waits for another process's write before giving up.
BUSY_TIMEOUT = 10.0


class CaseFile:
    """A case database file's one connection and its transactions. Thread-safe; several processes may share the file."""

    def __init__(self, path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT, create: bool = True):
        """Open the database at ``path``; ``create=False``: a missing file is a :class:`NotFoundError`.

        A missing (or zero-byte) file is created by the first read or write, not
        here: whatever is refused before that (a bad file to import, a bad name)
        leaves no database behind. A new file is created private (0600, its new
        folders 0700); an existing one that others may read is used and reported
        once (:mod:`beliefs.cases.privacy`). A file this process may not write is
        read read-only (:func:`beliefs.cases.dbfile.open_database`).
        """
        self.path = check_db_path(path)
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._conn_: sqlite3.Connection | None = None
        check_file(self.path)
        if is_missing(self.path):
            if not create:
                empty = self.path.exists()
                raise NotFoundError(
                    f"there is no case database at {self.path} yet"
                    + (" (an empty file)" if empty else "")
                    + " (`beliefs cases new NAME --from TIMELINE` creates it); "
                    + ("nothing was written into it" if empty else "nothing was created")
                )
            return  # made by the first transaction: a command refused before it writes no file
        self._connect()

    def _connect(self) -> sqlite3.Connection:
        """The connection, opening (and first creating, if missing) the database."""
        with self._lock:
            if self._conn_ is None:
                with self._errors():
                    if not self.path.exists():
                        create_database(self.path, self.busy_timeout)
                    self._conn_ = open_database(self.path, self.busy_timeout)
                check_private(self.path)
            return self._conn_

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._connect()

    # -- plumbing ---------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn_ is not None:
                self._conn_.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return db_errors(self.path, self.busy_timeout)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (and on disk) when the block ends."""
        with self._lock, self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                rollback(self._conn)
                raise

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        with self._lock, self._errors():
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def _case_row(self, conn: sqlite3.Connection, name: str) -> tuple[Any, ...]:
        row = conn.execute(
            "SELECT id, scenario_json, catalog_json, catalog_digest, origin, created_at, updated_at, deleting "
            "FROM cases WHERE name = ?",
            (name,),
        ).fetchone()
        if row is not None and row[7]:
            raise BeliefsError(
                f"case '{name}' in {self.path} is half deleted (by another program); "
                f"finish with `beliefs cases delete {name}`"
            )
        if row is None:
            names = [r[0] for r in conn.execute("SELECT name FROM cases ORDER BY name")]
            hint = difflib.get_close_matches(name, names, n=3)
            raise CaseNotFoundError(
                f"no case called {quoted(name)} in {self.path}"
                + (f"; did you mean {', '.join(hint)}?" if hint else "")
                + ("" if names else " (the database has no cases yet: `beliefs cases new`)")
            )
        return tuple(row[:7])
