"""One fixture for the store's promises on both backends: ``store_db`` is a ``--db`` value,
a fresh SQLite file or a fresh database on the session's PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def store_db(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "cases.db")
    return request.getfixturevalue("pg_url")
