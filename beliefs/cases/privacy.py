"""Case databases are private: created readable by their owner only, like ssh and gpg files.

A new database is built in a ``mkstemp`` file (mode 0600) and linked into
place (:func:`beliefs.cases.dbfile.create_database`); SQLite gives its
``-wal`` and ``-shm`` files the database file's mode; folders created for it
get 0700 (:func:`make_private_folder`). An existing database with looser permissions is
used as it is, but reported once per process on stderr, with the command
that makes it private: the analyst decides, nothing is changed behind their
back.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from beliefs.errors import StorageError
from beliefs.text import printable

DIR_MODE = 0o700

_reported: set[str] = set()


def to_stderr(message: str) -> None:
    sys.stderr.write(printable(message) + "\n")
    sys.stderr.flush()


#: Where the looser-permissions warning goes (the TUI shows it as a notification instead).
report: Callable[[str], None] = to_stderr


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parent with mode 0700 (existing ones are left alone)."""
    missing: list[Path] = []
    here = folder
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, DIR_MODE)
        except FileExistsError:
            pass
        except OSError as exc:
            raise StorageError(f"{part}: cannot create the folder: {exc.strerror}") from None


def check_private(path: Path) -> str | None:
    """The warning for a database others may read or write (reported once per process), or None."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            key = str(path.resolve())
            if key in _reported:
                return None
            _reported.add(key)
            message = (
                f"warning: {path} is readable or writable by other users (mode {mode:04o}); "
                f"`chmod 600 {path}` makes it private"
            )
            report(message)
            return message
    return None
