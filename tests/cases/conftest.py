"""Fixtures of the case-store tests.

``store_db`` is a ``--db`` value for the store's promises on both backends: a
fresh SQLite file or a fresh database on the session's PostgreSQL server.
``july_db`` is a SQLite file holding July 1914 with one signal added and
retracted (every table of a case has a row), for the tests that edit the file
behind the store's back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from beliefs.cases.store import CaseStore
from beliefs.timeline import Signal

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def store_db(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "cases.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def july_db(tmp_path: Path, july) -> Path:
    path = tmp_path / "cases.db"
    tl, catalog = july
    with CaseStore(path) as store:
        store.create_case("july", tl, catalog)
        sid = store.add_signal("july", Signal(date=dt.date(1914, 8, 2), kind="ultimatum", grade="B2"))
        store.retract_signal("july", sid, "test")
    return path
