"""Versions of a case's signal log, and noticing changes made by other processes.

A case's **log version** is the number of events in its log: signals entered
plus retractions recorded. The log is append-only (triggers forbid UPDATE and
DELETE), so the version only grows, and any change another process makes to
the log changes it. A writer that computed its change from version ``v``
passes ``expected_version=v``; the store compares it *inside* the write
transaction (``BEGIN IMMEDIATE`` holds the write lock, so nothing can slip in
between the check and the write) and refuses a stale write with
:class:`StaleLogError`. A successful write of one event makes the version
``v + 1``.

:class:`DataVersionWatch` tells cheaply whether *any* other connection has
committed to the file since it last looked (``PRAGMA data_version``, which
only changes for a connection that stays open); the caller then compares log
versions to know whether its case changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from beliefs.errors import BeliefsError

#: The number of events (signals and retractions) in one case's log.
LOG_VERSION_SQL = (
    "SELECT (SELECT count(*) FROM signals WHERE case_id = :c)"
    " + (SELECT count(*) FROM retractions r JOIN signals s ON s.id = r.signal_id WHERE s.case_id = :c)"
)


class StaleLogError(BeliefsError):
    """A write computed from an older version of the case's log than the one on disk."""

    def __init__(self, name: str, expected: int, actual: int) -> None:
        self.name = name
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"case '{name}' changed since it was read (log version {actual}, not {expected}): "
            "nothing was written; reload the case and try again"
        )


def log_version(conn: sqlite3.Connection, case_id: int) -> int:
    """The log version of the case with row id ``case_id`` (call inside a transaction)."""
    return int(conn.execute(LOG_VERSION_SQL, {"c": case_id}).fetchone()[0])


def check_version(conn: sqlite3.Connection, name: str, case_id: int, expected: int | None) -> None:
    """Raise :class:`StaleLogError` unless the case's log is at ``expected`` (None: no check)."""
    if expected is None:
        return
    actual = log_version(conn, case_id)
    if actual != expected:
        raise StaleLogError(name, expected, actual)


class DataVersionWatch:
    """One long-lived read connection that notices commits by any other connection to ``path``.

    ``changed()`` costs one ``PRAGMA data_version`` (microseconds); it is true
    once after each batch of commits made through other connections, including
    other processes. A missing file is not an error: nothing has changed yet.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._seen: int | None = None
        self._connect()

    def _connect(self) -> None:
        if self._conn is not None or not self.path.exists():
            return
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self._seen = self._version()

    def _version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """Whether another connection committed since the last call (or since opening)."""
        if self._conn is None:
            self._connect()
            return self._conn is not None  # the file appeared
        try:
            now = self._version()
        except sqlite3.Error:
            return False
        if now == self._seen:
            return False
        self._seen = now
        return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
