"""Where a case store lives: the one reading of a ``--db`` value.

:func:`parse_db` is the only place a ``--db`` value is interpreted. It returns
a typed location:

* :class:`SqlitePath`: a plain file path, the SQLite case database;
* :class:`ServerUrl`: ``postgresql://`` or ``postgres://``, a PostgreSQL
  store (libpq's syntax: ``sslmode``, ``PGPASSFILE``/``~/.pgpass`` and the
  ``PG*`` environment variables all apply; :mod:`beliefs.cases.pg`).

``BELIEFS_DB`` gives the value when ``--db`` is not given. Passwords never
leave this module: :func:`mask_url` is what every message shows.

Everything else that looks like a URL (``http://``, ``sqlite://``, any
``scheme://``) and SQLite's special names (``:memory:``, ``file:`` URIs) is
refused here, so that no such value ever becomes a folder called
``postgresql:`` with a new database inside.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from beliefs.errors import BeliefsError

#: ``scheme://`` at the start of a value (RFC 3986 scheme characters).
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
#: ``scheme:/...`` or a bare ``scheme:``: what ``Path("postgresql://h/db")`` turns into.
_SCHEME_FOLDER = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(/|$)")
SERVER_SCHEMES = ("postgresql", "postgres")
PG_SCHEMES = ("postgresql://", "postgres://")


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


def is_pg_url(value: str | Path | None) -> bool:
    """Whether ``value`` is a PostgreSQL connection URL."""
    return isinstance(value, str) and value.strip().lower().startswith(PG_SCHEMES)


def env_db() -> str | None:
    """``BELIEFS_DB``, when set and not empty."""
    value = os.environ.get("BELIEFS_DB", "").strip()
    return value or None


_NETLOC_PASSWORD = re.compile(r"^(?P<scheme>[a-z]+://)(?P<user>[^:@/]*):(?P<pw>[^@/]*)@", re.I)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.I)


def mask_url(url: str) -> str:
    """``url`` with any password (in the user part or a ``password=`` parameter) shown as ``***``."""
    out = _NETLOC_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", url.strip(), count=1)
    return _QUERY_PASSWORD.sub(r"\1***", out)


_ANY_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:@/\s\"']*):[^@\s\"']*@", re.I)
_ANY_PASSWORD_PARAM = re.compile(r"(password\s*=\s*)[^&\s\"']+", re.I)


def mask_secrets(text: str) -> str:
    """``text`` (a driver's message, say) with every password of a URL or ``password=`` shown as ``***``."""
    return _ANY_PASSWORD_PARAM.sub(r"\1***", _ANY_URL_PASSWORD.sub(r"\1:***@", text))


def shown(db: str | Path) -> str:
    """How a ``--db`` value is named in messages: a path as it is, a URL masked."""
    return mask_url(str(db)) if is_pg_url(db) else str(db)


def _shown(url: str) -> str:
    return mask_url(url)


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
    """The file of a SQLite store; a server URL is refused here (:func:`beliefs.cases.service.open_store` opens those)."""
    location = parse_db(value)
    if isinstance(location, ServerUrl):
        raise BeliefsError(
            f"--db {location.shown!r}: a PostgreSQL store is not a file; this command needs the path of a "
            "case database file"
        )
    return location.path
