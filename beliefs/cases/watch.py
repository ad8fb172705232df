"""Noticing other writers' changes to a case store, whichever backend holds it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from beliefs.cases.location import is_pg_url
from beliefs.cases.versions import FileWatch


class Watch(Protocol):
    def changed(self) -> bool: ...


def open_watch(db: str | Path) -> Watch:
    """A PostgreSQL listener for a ``postgresql://`` URL, else a watch of the SQLite file."""
    if is_pg_url(db):
        from beliefs.cases.pg.notify import PgWatch

        return PgWatch(str(db))
    return FileWatch(db)
