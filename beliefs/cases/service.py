"""Assessing a stored case: what ``beliefs assess --case NAME`` (and the TUI) call.

:func:`case_for_assess` loads a case and returns, with its timeline, catalog
and signals, a callback that stores the finished assessment in the case's
history, with the ids of the signals it used.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from beliefs.cases.interface import Store
from beliefs.cases.location import env_db, is_pg_url
from beliefs.cases.store import CaseStore
from beliefs.catalog import Catalog
from beliefs.interrupts import storing
from beliefs.text import quoted
from beliefs.timeline import Signal, Timeline

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment


def default_db() -> Path:
    """``$XDG_DATA_HOME/beliefs/cases.db`` (``~/.local/share`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "beliefs" / "cases.db"


def database_file(db: str | Path | None) -> Path | None:
    """The SQLite file ``db`` names (what an output must never replace); None for a server store."""
    db = env_db() if db is None else db
    if is_pg_url(db):
        return None
    return default_db() if db is None else Path(db)


def open_store(db: str | Path | None, *, case: str | None = None, create: bool | None = None) -> Store:
    """The case store at ``db`` (default: ``$BELIEFS_DB``, else ``$XDG_DATA_HOME/beliefs/cases.db``).

    A ``postgresql://`` URL opens a PostgreSQL store, anything else a SQLite
    file (:mod:`beliefs.cases.location`); callers see only :class:`Store`.

    ``case``: the caller looks for this existing case, so a missing database is
    a :class:`NotFoundError` naming it, and no file is created. ``create``
    (default: true unless ``case`` is given) whether a missing database is made.
    """
    from beliefs.cases.dbfile import check_db_path, is_missing
    from beliefs.errors import CaseNotFoundError, NotFoundError

    db = env_db() if db is None else db
    create = case is None if create is None else create
    if is_pg_url(db):
        from beliefs.cases.pg.store import PgCaseStore

        try:
            return PgCaseStore(str(db), create=create)
        except CaseNotFoundError:
            raise
        except NotFoundError as exc:
            if case is None:
                raise
            raise CaseNotFoundError(f"no case called '{case}': {exc}") from None
    path = check_db_path(default_db() if db is None else db)
    if not create and case is not None and is_missing(path) and not path.is_symlink():
        raise CaseNotFoundError(
            f"no case called {quoted(case)}: there is no case database at {path} yet "
            "(`beliefs cases new NAME --from TIMELINE` creates it); nothing was created"
        )
    return CaseStore(path, create=create)


def case_for_assess(
    name: str, db: str | Path | None
) -> tuple[Timeline, Catalog, list[Signal], Callable[[Assessment], int]]:
    """The case's timeline, catalog, signals (retracted ones flagged) and a recorder."""
    store = open_store(db, case=name)
    try:
        case = store.load_case(name)
    finally:
        store.close()
    active_ids = [
        sid for sid, s in zip(case.signal_ids, case.timeline.signals, strict=True) if not s.retracted
    ]

    def record(assessment: Assessment) -> int:
        # Only a finished run is stored: refuse after an interrupt, and let none cut the write.
        with storing("the assessment"), open_store(db, case=name) as st:
            return st.record_assessment(name, assessment, signal_ids=active_ids)

    return case.timeline, case.catalog, list(case.timeline.signals), record
