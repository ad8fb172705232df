"""Which backend a ``--db`` value names, and how to print it without its secrets.

A value starting ``postgresql://`` or ``postgres://`` is a PostgreSQL
connection URL (libpq's syntax: ``sslmode``, ``PGPASSFILE``/``~/.pgpass`` and
the ``PG*`` environment variables all apply); anything else is the path of a
SQLite file. ``BELIEFS_DB`` gives the value when ``--db`` is not given.
Passwords never leave this module: :func:`mask_url` is what every message shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PG_SCHEMES = ("postgresql://", "postgres://")


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
