"""The store's own rules (its triggers), and the check at open that they are all there, unaltered.

The append-only rules live in the database file as triggers (see
:mod:`beliefs.cases.schema`), so that they hold for every connection. A
program with write access can still drop or rewrite a trigger; a store whose
rules were removed would then keep going as if nothing had happened. So every
open compares the file's triggers with the ones this build's migrations make
(by name and by SQL, whitespace aside), before writing anything: a missing,
altered or unknown trigger is refused with a message naming it (exit 2), and
the file is left untouched.

The expected triggers of schema version ``v`` are read from a fresh in-memory
database migrated to ``v`` (once per process and version): the migrations are
the one definition of the rules, nothing here repeats them.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path

from beliefs.cases.schema import migrate
from beliefs.errors import BeliefsError


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def _triggers(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    return {name: _normal(sql or "") for name, sql in rows}


@functools.cache
def expected_triggers(version: int) -> dict[str, str]:
    """The triggers (name -> normalised SQL) of a database this build migrated to ``version``."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, Path(":memory:"), upto=version)
        return _triggers(conn)
    finally:
        conn.close()


def check_rules(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse (exit 2, nothing written) a database whose triggers differ from its version's rules.

    The version and the triggers are read in one snapshot (a concurrent migration is seen
    before or after, never half way). ``conn`` must be in autocommit mode.
    """
    conn.execute("BEGIN")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        found = _triggers(conn)
    finally:
        conn.execute("COMMIT")
    if version == 0:
        return  # a new, empty database: the migrations are about to make them
    expected = expected_triggers(version)
    missing = sorted(set(expected) - set(found))
    altered = sorted(n for n in set(expected) & set(found) if found[n] != expected[n])
    unknown = sorted(set(found) - set(expected))
    if not (missing or altered or unknown):
        return
    said = [
        f"{what}: {', '.join(names)}"
        for what, names in (("missing", missing), ("altered", altered), ("not its own", unknown))
        if names
    ]
    raise BeliefsError(
        f"{path}: the case database's own rules (its append-only triggers) were changed by another "
        f"program ({'; '.join(said)}), so its log can no longer be trusted to be complete and "
        "unaltered; it was left untouched. Restore it from a backup."
    )
