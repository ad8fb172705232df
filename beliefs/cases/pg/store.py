"""The case store in a PostgreSQL database: the same store, the server keeping its rules.

:class:`PgCaseStore` is :class:`beliefs.cases.store.CaseStore` with another
connection underneath: every method (create, add, retract, map, assess,
delete, load) runs the same statements (:class:`~beliefs.cases.pg.conn.PgConn`
adapts them), so both backends behave alike by construction. What differs:

* a write is one transaction that first takes an advisory lock
  (:data:`~beliefs.cases.pg.schema.WRITE_LOCK`): writers are serialised, as
  SQLite's write lock serialises them, so the log-version check and the write
  cannot be split by another writer (stale writes refused, nothing lost or twice);
* a read is one ``REPEATABLE READ`` snapshot;
* the server's refusals (no right, a rule, a lost connection) become
  messages naming the database without its password (:func:`~beliefs.cases.pg.conn.pg_errors`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any, cast

import psycopg

from beliefs.cases.location import mask_url
from beliefs.cases.pg.conn import PgConn, pg_errors
from beliefs.cases.pg.schema import WRITE_LOCK, init_roles, migrate
from beliefs.cases.records import Case
from beliefs.cases.store import BUSY_TIMEOUT, CaseStore
from beliefs.errors import NotFoundError

#: Seconds to wait for the server to answer a connection.
CONNECT_TIMEOUT = 10


def connect(url: str, *, busy_timeout: float = BUSY_TIMEOUT) -> psycopg.Connection[Any]:
    """An autocommit connection; a write waits at most ``busy_timeout`` s for another writer's lock."""
    ms = int(busy_timeout * 1000)
    try:
        user = str(psycopg.conninfo.conninfo_to_dict(url).get("user") or "(libpq's default user)")
    except psycopg.Error:
        user = "(unknown)"
    with pg_errors(mask_url(url), user, connecting=True):
        return psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            options=f"-c lock_timeout={ms} -c idle_in_transaction_session_timeout=60000",
            application_name="beliefs",
        )


class PgCaseStore(CaseStore):
    """A case store in a PostgreSQL database (``postgresql://`` URL, libpq's conventions)."""

    def __init__(self, url: str, *, busy_timeout: float = BUSY_TIMEOUT, create: bool = True):
        self.url = url
        self.path = mask_url(url)  # type: ignore[assignment]  # what messages show: never the password
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._raw = connect(url, busy_timeout=busy_timeout)
        self.user = str(self._raw.info.user)
        try:
            with self._errors():
                version = migrate(self._raw, str(self.path), create)
            if version < 0:
                raise NotFoundError(
                    f"there is no case database at {self.path} yet (`beliefs cases new NAME --from TIMELINE` "
                    "creates it); nothing was created"
                )
        except BaseException:
            self._raw.close()
            raise
        self._conn_ = cast(sqlite3.Connection, PgConn(self._raw))  # the store's SQL, run by psycopg

    def _connect(self) -> sqlite3.Connection:
        """The connection (opened in ``__init__``: a server store has no file to create lazily)."""
        assert self._conn_ is not None
        return self._conn_

    def close(self) -> None:
        with self._lock:
            self._raw.close()

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return pg_errors(str(self.path), self.user)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction holding the store's write lock, committed when the block ends."""
        with self._lock, self._errors(), self._raw.transaction():
            self._raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield self._conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        with self._lock, self._errors(), self._raw.transaction():
            self._raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield self._conn

    def load_case(self, name: str) -> Case:
        """The case as :meth:`CaseStore.load_case` reads it, each signal with the database users who wrote it."""
        case = super().load_case(name)
        with self._read() as conn:
            users = {
                row[0]: (row[1], row[2])
                for row in conn.execute(
                    "SELECT s.id, s.db_user, r.db_user FROM signals s LEFT JOIN retractions r ON r.signal_id = s.id"
                    " JOIN cases c ON c.id = s.case_id WHERE c.name = ?",
                    (name,),
                )
            }
        log = [
            dataclasses.replace(
                e, db_user=users.get(e.id, (None,))[0], retracted_db_user=users.get(e.id, (None, None))[1]
            )
            for e in case.log
        ]
        return dataclasses.replace(case, log=log)

    def init_roles(self) -> list[str]:
        """Create the reader, analyst and owner roles and grant their rights (:func:`~beliefs.cases.pg.schema.init_roles`)."""
        with self._lock:
            return init_roles(self._raw, str(self.path))

    def integrity_check(self) -> str:
        """ "ok" when the server answers and the store's tables are there (PostgreSQL checks its own pages)."""
        with self._read() as conn:
            conn.execute("SELECT count(*) FROM cases").fetchone()
        return "ok"
