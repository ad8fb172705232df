"""Where a case store lives: the one reading of a ``--db`` value.

:func:`parse_db` is the only place a ``--db`` value is interpreted. It returns
a typed location:

* :class:`SqlitePath`: a plain file path, the SQLite case database;
* :class:`ServerUrl`: ``postgresql://`` or ``postgres://`` (refused by this
  build: :func:`sqlite_path` says so, exit 2).

Everything else that looks like a URL (``http://``, ``sqlite://``, any
``scheme://``) and SQLite's special names (``:memory:``, ``file:`` URIs) is
refused here, so that no such value ever becomes a folder called
``postgresql:`` with a new database inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from beliefs.errors import BeliefsError

#: ``scheme://`` at the start of a value (RFC 3986 scheme characters).
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
#: ``scheme:/...`` or a bare ``scheme:``: what ``Path("postgresql://h/db")`` turns into.
_SCHEME_FOLDER = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(/|$)")
SERVER_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class SqlitePath:
    """A SQLite case database file."""

    path: Path


@dataclass(frozen=True)
class ServerUrl:
    """A database server; ``url`` holds any password, ``shown`` never does."""

    scheme: str
    url: str
    shown: str


def _shown(url: str) -> str:
    """The URL with its password (if any) replaced by ``***``, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{netloc}").geturl()


def parse_db(value: str | Path) -> SqlitePath | ServerUrl:
    """The location a ``--db`` value names; :class:`BeliefsError` (exit 2) for anything else."""
    text = str(value)
    if isinstance(value, str):
        match = _URL.match(text)
        if match:
            scheme = match.group(1).lower()
            if scheme in SERVER_SCHEMES:
                return ServerUrl(scheme, text, _shown(text))
            raise BeliefsError(
                f"--db {_shown(text)!r}: '{match.group(1)}://' is not a kind of case store this build "
                "knows; give the path of a file (or postgresql://...)"
            )
    if _SCHEME_FOLDER.match(text):  # a URL whose '//' a Path already collapsed
        raise BeliefsError(
            f"--db {text!r}: looks like a URL, not a file path (its first folder would be "
            f"{text.split('/', 1)[0]!r}); give the path of a file"
        )
    if not text.strip():
        raise BeliefsError("--db: the case database path is empty; give a file path")
    if text.startswith(":") or text.lower().startswith("file:") or text != text.strip():
        raise BeliefsError(
            f"--db {text!r}: give the path of a file (SQLite's special names such as ':memory:', "
            "'file:' URIs and names with surrounding spaces are refused: the cases would not be kept)"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BeliefsError(f"--db {text!r}: control characters are not allowed in the path")
    return SqlitePath(Path(text))


def sqlite_path(value: str | Path) -> Path:
    """The file of a SQLite store; a server URL is refused (this build has no server stores)."""
    location = parse_db(value)
    if isinstance(location, ServerUrl):
        raise BeliefsError(
            f"--db {location.shown!r}: PostgreSQL stores are not supported by this build; "
            "give the path of a case database file"
        )
    return location.path
