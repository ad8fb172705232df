"""A PostgreSQL connection that speaks the store's SQL, and the server's errors as messages.

The store's row code (:mod:`beliefs.cases.rows`, :mod:`beliefs.cases.versions`,
:mod:`beliefs.cases.actor_map`) is written once, with SQLite's ``?`` and
``:name`` parameters and ``cursor.lastrowid``. :class:`PgConn` runs the same
statements on psycopg: parameters become ``%s``/``%(name)s`` and an INSERT
returns its new id (``RETURNING id``), so no query is written twice.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

from beliefs.cases.location import mask_secrets
from beliefs.errors import BeliefsError, StorageError

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def translate(sql: str) -> str:
    """SQLite's parameter marks as psycopg's (the store's SQL has no ``?`` or ``:x`` in literals)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%").replace("?", "%s"))


class PgCursor:
    """The part of a sqlite3 cursor the store uses."""

    def __init__(self, cur: psycopg.Cursor[Any], insert: bool) -> None:
        self._cur = cur
        self.rowcount = cur.rowcount
        self.lastrowid: int | None = None
        if insert:
            row = cur.fetchone()
            self.lastrowid = None if row is None else int(row[0])

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur.fetchall())


class PgConn:
    """The part of a sqlite3 connection the store uses, on a psycopg connection."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        query = translate(sql)
        insert = query.lstrip().upper().startswith("INSERT") and "RETURNING" not in query.upper()
        if insert:
            query += " RETURNING id"
        cur = self.raw.cursor()
        cur.execute(query, params or None)
        return PgCursor(cur, insert)


def _first_line(exc: BaseException) -> str:
    return mask_secrets((str(exc).strip().splitlines() or [type(exc).__name__])[0])


#: Words of libpq's messages that say the server (not the connection string) is the problem.
_SERVER_WORDS = ("connection to server", "server closed", "terminating connection", "timeout", "timed out",
                 "could not", "shutting down", "starting up", "recovery", "consuming input failed",
                 "the connection is lost", "connection is closed")  # fmt: skip


@contextlib.contextmanager
def pg_errors(where: str, user: str, *, connecting: bool = False) -> Iterator[None]:
    """The server's refusals as messages naming the database (exit 2; 74 when it cannot be reached).

    ``where`` is the URL without its password; any password in the driver's
    message is masked too (:func:`~beliefs.cases.location.mask_secrets`).
    """
    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        raise BeliefsError(
            f"{where}: the database role '{user}' lacks the right to do this ({_first_line(exc)}); "
            "nothing was written (docs/teams.md: reader, analyst, owner)"
        ) from None
    except (psycopg.errors.RaiseException, psycopg.IntegrityError) as exc:
        raise BeliefsError(
            f"{where}: refused by the case database's rules: {_first_line(exc)}; nothing was written"
        ) from None
    except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled) as exc:
        raise BeliefsError(
            f"{where}: the case database is busy: another writer held it too long ({_first_line(exc)}); "
            "nothing was written, try again"
        ) from None
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        said = _first_line(exc)
        if connecting and not any(w.lower() in said.lower() for w in _SERVER_WORDS):
            raise BeliefsError(
                f"{where}: bad PostgreSQL connection string ({said}); nothing was written"
            ) from None
        if connecting:
            raise StorageError(
                f"{where}: cannot reach the PostgreSQL server ({said}); nothing was read or written"
            ) from None
        raise StorageError(
            f"{where}: the PostgreSQL server dropped the connection ({said}); a write it had not "
            "acknowledged is stored whole or not at all (`beliefs cases show` tells which)"
        ) from None
    except psycopg.Error as exc:
        raise BeliefsError(f"{where}: case database error: {_first_line(exc)}") from None
