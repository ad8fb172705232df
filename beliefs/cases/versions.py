"""Versions of a case's signal log, and noticing changes made by other processes.

A case's **log version** is the number of events in its log: signals entered,
retractions recorded and actor mappings made (:mod:`beliefs.cases.actor_map`). The log is append-only (triggers forbid UPDATE and
DELETE), so the version only grows, and any change another process makes to
the log changes it. A writer that computed its change from version ``v``
passes ``expected_version=v``; the store compares it *inside* the write
transaction (``BEGIN IMMEDIATE`` holds the write lock, so nothing can slip in
between the check and the write) and refuses a stale write with
:class:`StaleLogError`. A successful write of one event makes the version
``v + 1``.

:class:`FileWatch` tells cheaply whether the file may have changed since it
last looked; the caller then compares log versions to know whether its case
changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from beliefs.errors import BeliefsError

#: The number of events (signals, retractions, actor mappings) in one case's log.
LOG_VERSION_SQL = (
    "SELECT (SELECT count(*) FROM signals WHERE case_id = :c)"
    " + (SELECT count(*) FROM retractions r JOIN signals s ON s.id = r.signal_id WHERE s.case_id = :c)"
    " + (SELECT count(*) FROM actor_mappings WHERE case_id = :c)"
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


class FileWatch:
    """Notices, cheaply, that some connection (this process or another) may have committed to ``path``.

    It compares the size and modification time of the database file and of
    its write-ahead log (every commit in WAL mode appends to the log; a
    checkpoint rewrites the file) with what it saw last. It holds no SQLite
    connection: a long-lived connection polling ``PRAGMA data_version`` would
    lose its file locks whenever anything in the process opens and closes the
    database file itself (POSIX advisory locks are per process), after which
    another process may delete the write-ahead log under it. A false alarm
    costs one log-version query; a missing file is not an error.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._seen = self._stamp()

    def _stamp(self) -> tuple[tuple[int, int] | None, ...]:
        out: list[tuple[int, int] | None] = []
        for p in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = p.stat()
                out.append((st.st_size, st.st_mtime_ns))
            except OSError:
                out.append(None)
        return tuple(out)

    def changed(self) -> bool:
        """Whether the file or its log changed since the last call (or since creation)."""
        now = self._stamp()
        if now == self._seen:
            return False
        self._seen = now
        return True
