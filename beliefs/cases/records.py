"""What the case store hands out: cases, their summaries and logged signals.

Plain frozen dataclasses built by :class:`beliefs.cases.store.CaseStore`, plus the
checks applied before anything is written (case names, signal kinds).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from beliefs.catalog import Catalog, bundled_catalog_path, load_catalog
from beliefs.errors import BeliefsError
from beliefs.text import quoted
from beliefs.timeline import Signal, Timeline

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")  # \Z: no trailing newline slips through


def validate_name(name: str) -> str:
    """A case name: 1-64 letters, digits, '_', '.', '-', starting with a letter or digit."""
    if not NAME_RE.match(name):
        raise BeliefsError(
            f"bad case name {quoted(name)}: use 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return name


def now() -> str:
    """The current UTC time, ISO 8601 with microseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class CaseSummary:
    """One line of ``cases list``."""

    name: str
    title: str
    n_signals: int  # active (not retracted)
    n_retracted: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class LoggedSignal:
    """A signal as the log holds it: who entered it, when, and its retraction."""

    id: int
    signal: Signal
    entered_at: str
    entered_by: str
    origin: str
    retraction_reason: str | None = None
    retracted_at: str | None = None
    retracted_by: str | None = None
    #: the database user who wrote the row, as the server recorded it (PostgreSQL; None in a SQLite file)
    db_user: str | None = None
    retracted_db_user: str | None = None

    def to_json(self) -> dict[str, Any]:
        users = {"db_user": self.db_user, "retracted_db_user": self.retracted_db_user} if self.db_user else {}
        return {
            "id": self.id,
            **self.signal.model_dump(mode="json", exclude={"retraction"}),
            "entered_at": self.entered_at,
            "entered_by": self.entered_by,
            "origin": self.origin,
            "retraction_reason": self.retraction_reason,
            "retracted_at": self.retracted_at,
            "retracted_by": self.retracted_by,
            **users,
        }

    @property
    def writer(self) -> str:
        """Who entered it: the database user when the store records one, else what the client said."""
        return f"{self.entered_by} (database user {self.db_user})" if self.db_user else self.entered_by


def writers(case: Case) -> str:
    """The database users who wrote a case's signals, with their counts ("" when the store records none)."""
    counts: dict[str, int] = {}
    for e in case.log:
        if e.db_user:
            counts[e.db_user] = counts.get(e.db_user, 0) + 1
    return ", ".join(f"{user} ({n} signal{'s' if n != 1 else ''})" for user, n in sorted(counts.items()))


@dataclass(frozen=True)
class Case:
    """A stored case: its timeline (retracted signals flagged), catalog and log."""

    name: str
    timeline: Timeline
    catalog: Catalog
    signal_ids: list[int]  # parallel to timeline.signals
    latest_assessment: dict[str, Any] | None
    log: list[LoggedSignal]
    origin: str
    created_at: str
    updated_at: str
    version: int = 0  # the log version when loaded (beliefs.cases.versions)
    #: every actor mapping event, oldest first (beliefs.cases.actor_map); those in force are scenario aliases
    actor_mappings: list[Any] = field(default_factory=list)


def check_kind(signal: Signal, catalog: Catalog) -> None:
    """Refuse a signal whose kind is not in the case's catalog."""
    if signal.kind not in catalog.by_id:
        import difflib

        close = difflib.get_close_matches(signal.kind, list(catalog.by_id), n=3)
        raise BeliefsError(
            f"unknown kind '{signal.kind}'"
            + (f"; did you mean {', '.join(close)}?" if close else "")
            + f" (`beliefs catalog` lists all {len(catalog.kinds)})"
        )


#: The columns :func:`assessment_dict` reads, in order.
ASSESSMENT_SELECT = (
    "SELECT id, at, n_signals, signal_ids_json, summary_json, model_version, catalog_digest,"
    " inputs_digest, settings_json, seed, diagnostics_json, reliable FROM assessments"
)


def is_bundled_catalog(catalog: Catalog) -> bool:
    """Whether ``catalog`` has the bundled catalog's content."""
    return catalog.digest == load_catalog(bundled_catalog_path()).digest


def assessment_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row[0],
        "at": row[1],
        "n_signals": row[2],
        "signal_ids": None if row[3] is None else json.loads(row[3]),
        "summary": json.loads(row[4]),
        "model_version": row[5],
        "catalog_digest": row[6],
        "inputs_digest": row[7],
        "settings": json.loads(row[8]),
        "seed": row[9],
        "diagnostics": json.loads(row[10]),
        "reliable": bool(row[11]),
    }


def case_json(case: Case) -> dict[str, Any]:
    """The ``cases show --json`` object."""
    tl = case.timeline
    return {
        "name": case.name,
        "origin": case.origin,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "scenario": tl.scenario.model_dump(mode="json", exclude={"catalog"}),
        "payoffs": tl.payoffs.model_dump(mode="json", exclude_none=True),
        "catalog": {
            "digest": case.catalog.digest,
            "source": case.catalog.source,
            "kinds": len(case.catalog.kinds),
        },
        "signals": [e.to_json() for e in case.log],
        "actor_mappings": [m.to_json() for m in case.actor_mappings],
        "latest_assessment": case.latest_assessment,
    }
