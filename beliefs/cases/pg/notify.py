"""Hearing, at once, that another analyst wrote to a PostgreSQL case (LISTEN/NOTIFY).

Every insert into the log's tables notifies the ``beliefs_log`` channel with
its case id (a trigger: whoever writes, ``psql`` included). :class:`PgWatch`
holds one listening connection and answers :meth:`changed` without a query;
the TUI asks it at each tick, as it asks :class:`~beliefs.cases.versions.FileWatch`
of a SQLite file, and then compares log versions as before.
"""

from __future__ import annotations

from typing import Any

import psycopg

from beliefs.cases.pg.schema import CHANNEL
from beliefs.cases.pg.store import connect


class PgWatch:
    """Listens on the store's channel; ``changed()`` says whether anything was heard since the last call."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None
        self._listen()

    def _listen(self) -> None:
        try:
            self._conn = connect(self.url)
            self._conn.execute(f"LISTEN {CHANNEL}")  # type: ignore[arg-type]
        except Exception:
            self._conn = None  # the server is away: say "changed" at the next look, and listen again

    def changed(self) -> bool:
        """Whether a log write was notified since the last call (True after a lost connection: look again)."""
        if self._conn is None:
            self._listen()
            return True
        try:
            heard = False
            for _ in self._conn.notifies(timeout=0):
                heard = True
            return heard
        except psycopg.Error:
            self.close()
            return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
