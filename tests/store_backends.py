"""Another program's connection to a store on either backend (the sqlite3 shell, psql), for the
tests of what the database itself refuses (tests/cases/conftest.py has the ``store_db`` fixture)."""

from __future__ import annotations

import sqlite3


def raw_sql(db: str, sql: str) -> None:
    """Run ``sql`` on a connection of its own, as another program (sqlite3 shell, psql) would; commits."""
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]
        return
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(sql)
    finally:
        conn.close()


def raw_rows(db: str, sql: str) -> list[tuple]:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]  # type: ignore[arg-type]
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def refused_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (sqlite3.DatabaseError, psycopg.Error)
