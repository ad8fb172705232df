"""The case store: an analyst's working cases in one SQLite file.

A case is a scenario (from a timeline), a snapshot of its signal catalog and
an append-only signal log. Retracting a signal is an event in its own table;
nothing in the log is ever updated or deleted (triggers enforce it, see
:mod:`beliefs.cases.schema`). Every assessment is stored with the model
version, catalog digest, inputs digest, sampler settings, seed and diagnostics
so that it can be traced and reproduced.

Durability: every write is its own ``BEGIN IMMEDIATE`` transaction, committed
(``synchronous=FULL``, WAL) before the method returns, so a signal is on disk
before any computation starts. Writers from several processes are serialised
by SQLite; a writer waits at most ``busy_timeout`` seconds and then gets a
:class:`BeliefsError` saying the database is busy.

>>> store = CaseStore(tmp_path / "cases.db")                # doctest: +SKIP
>>> store.create_case("july", *load_timeline("july-1914"))  # doctest: +SKIP
>>> store.add_signal("july", Signal(date=..., kind="ultimatum", grade="B2"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beliefs.cases.actor_map import read_mappings
from beliefs.cases.actor_store import ActorMappingMethods
from beliefs.cases.connection import BUSY_TIMEOUT, CaseFile
from beliefs.cases.records import (
    ASSESSMENT_SELECT,
    NAME_RE,
    Case,
    CaseSummary,
    LoggedSignal,
    assessment_dict,
    check_kind,
    is_bundled_catalog,
    now,
    validate_name,
)
from beliefs.cases.rows import case_from_rows, check_channel, insert_assessment, insert_signal
from beliefs.cases.versions import StaleLogError, check_version, log_version
from beliefs.catalog import Catalog
from beliefs.channels import letter_conflicts, letter_message
from beliefs.errors import BeliefsError, NotFoundError
from beliefs.text import STORED, check_text
from beliefs.timeline import MAX_SIGNALS, Signal, Timeline

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment
    from models.engine import SamplerSettings

__all__ = [
    "BUSY_TIMEOUT",
    "NAME_RE",
    "Case",
    "CaseStore",
    "CaseSummary",
    "LoggedSignal",
    "StaleLogError",
    "check_kind",
    "is_bundled_catalog",
    "validate_name",
]  # fmt: skip


class CaseStore(CaseFile, ActorMappingMethods):
    """One case database file: its cases, their signal logs and assessments."""

    # -- cases ------------------------------------------------------------------

    def create_case(
        self,
        name: str,
        timeline: Timeline,
        catalog: Catalog,
        *,
        entered_by: str = "cli",
        origin: str = "",
        retraction_reasons: Mapping[int, str] | None = None,
    ) -> None:
        """A new case from a timeline; its signals (retracted ones too) start the log.

        ``retraction_reasons`` maps the index of a retracted signal to the reason
        given for it. Otherwise a signal's own ``retraction`` (an export's) is
        restored as it was: reason, who and when. A signal marked ``retracted``
        with neither gets a reason that says so (:func:`beliefs.cases.toml_io.unrecorded_reason`).
        """
        from beliefs.cases.toml_io import unrecorded_reason

        reasons = dict(retraction_reasons or {})
        validate_name(name)
        for sig in timeline.signals:
            check_kind(sig, catalog)
        for i, j in letter_conflicts(timeline.signals):
            old = timeline.signals[j]
            msg = letter_message(
                str(timeline.signals[i].channel), timeline.signals[i].grade, old.grade, f"signals[{j}]"
            )
            raise BeliefsError(f"{timeline.source or timeline.name}: signals[{i}], channel: {msg}")
        scenario = timeline.scenario.model_copy(update={"catalog": None})
        scenario_json = json.dumps(
            {
                "scenario": scenario.model_dump(mode="json"),
                "payoffs": timeline.payoffs.model_dump(mode="json", exclude_none=True),
                "outcome": timeline.outcome.model_dump(mode="json") if timeline.outcome else None,
            }
        )
        origin = origin or timeline.source or timeline.name
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM cases WHERE name = ?", (name,)).fetchone():
                raise BeliefsError(
                    f"a case called '{name}' already exists in {self.path}; choose another name"
                )
            at = now()
            cur = conn.execute(
                "INSERT INTO cases (name, scenario_json, catalog_json, catalog_digest, origin, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, scenario_json, catalog.model_dump_json(), catalog.digest, origin, at, at),
            )
            case_id = cur.lastrowid
            for i, sig in enumerate(timeline.signals):
                sid = insert_signal(conn, case_id, sig, at, entered_by, origin)
                if sig.retracted:
                    kept = sig.retraction
                    reason = reasons.get(i, "").strip() or (
                        kept.reason if kept else unrecorded_reason(origin)
                    )
                    conn.execute(
                        "INSERT INTO retractions (signal_id, reason, at, retracted_by) VALUES (?, ?, ?, ?)",
                        (sid, reason, (kept and kept.at) or at, (kept and kept.by) or entered_by),
                    )

    def case_size(self, name: str) -> tuple[int, int]:
        """(signals, assessments) of a case, even a half-deleted one."""
        with self._read() as conn:
            row = conn.execute("SELECT id FROM cases WHERE name = ?", (name,)).fetchone()
            if row is None:
                self._case_row(conn, name)  # raises NotFoundError with suggestions
            return tuple(  # type: ignore[return-value]
                conn.execute(f"SELECT count(*) FROM {table} WHERE case_id = ?", (row[0],)).fetchone()[0]
                for table in ("signals", "assessments")
            )

    def delete_case(self, name: str) -> tuple[int, int]:
        """Delete a case with its whole log and assessments, in one transaction.

        The only way signals ever leave the database: the case is marked as
        being deleted first, which is what the append-only triggers let through.
        Returns (signals, assessments) deleted.
        """
        with self._write() as conn:
            row = conn.execute("SELECT id FROM cases WHERE name = ?", (name,)).fetchone()
            if row is None:
                self._case_row(conn, name)  # raises NotFoundError with suggestions
            case_id = row[0]
            conn.execute("UPDATE cases SET deleting = 1 WHERE id = ?", (case_id,))
            conn.execute(
                "DELETE FROM retractions WHERE signal_id IN (SELECT id FROM signals WHERE case_id = ?)",
                (case_id,),
            )
            n_signals = conn.execute("DELETE FROM signals WHERE case_id = ?", (case_id,)).rowcount
            n_assessments = conn.execute("DELETE FROM assessments WHERE case_id = ?", (case_id,)).rowcount
            conn.execute("DELETE FROM actor_mappings WHERE case_id = ?", (case_id,))
            conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
        return n_signals, n_assessments

    def list_cases(self) -> list[CaseSummary]:
        """Every case, by name."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT c.name, c.scenario_json, c.created_at, c.updated_at,"
                " (SELECT count(*) FROM signals s WHERE s.case_id = c.id),"
                " (SELECT count(*) FROM signals s JOIN retractions r ON r.signal_id = s.id"
                "  WHERE s.case_id = c.id)"
                " FROM cases c ORDER BY c.name"
            ).fetchall()
        return [
            CaseSummary(
                name=r[0],
                title=json.loads(r[1])["scenario"]["title"],
                n_signals=r[4] - r[5],
                n_retracted=r[5],
                created_at=r[2],
                updated_at=r[3],
            )
            for r in rows
        ]

    def load_case(self, name: str) -> Case:
        """The case, its whole signal log in entry order, and its latest assessment."""
        with self._read() as conn:
            case_id, scen, cat, digest, origin, created, updated = self._case_row(conn, name)
            rows = conn.execute(
                "SELECT s.id, s.date, s.kind, s.actor, s.grade, s.note, s.source, s.entered_at,"
                " s.entered_by, s.origin, r.reason, r.at, s.channel, s.observed, r.retracted_by"
                " FROM signals s LEFT JOIN retractions r ON r.signal_id = s.id"
                " WHERE s.case_id = ? ORDER BY s.id",
                (case_id,),
            ).fetchall()
            latest = conn.execute(
                ASSESSMENT_SELECT + " WHERE case_id = ? ORDER BY id DESC LIMIT 1",
                (case_id,),
            ).fetchone()
            version = log_version(conn, case_id)
            mappings = read_mappings(conn, case_id)
        return case_from_rows(
            self.path,
            name,
            (case_id, scen, cat, digest, origin, created, updated),
            rows,
            latest,
            version,
            mappings,
        )

    # -- the signal log ---------------------------------------------------------

    def log_version(self, name: str) -> int:
        """The case's log version: signals plus retractions (see :mod:`beliefs.cases.versions`)."""
        with self._read() as conn:
            return log_version(conn, self._case_row(conn, name)[0])

    def add_signal(
        self,
        name: str,
        signal: Signal,
        entered_by: str = "cli",
        origin: str = "",
        *,
        expected_version: int | None = None,
    ) -> int:
        """Append a signal to the case's log; committed to disk when this returns its id.

        With ``expected_version``, refuse (:class:`StaleLogError`, nothing written)
        unless the log is still at that version; it is then one more.
        """
        if signal.retracted:
            raise BeliefsError("a new signal cannot be retracted already: add it, then retract it")
        self._check_actor(name, signal)
        with self._write() as conn:
            case_id, _, cat, *_ = self._case_row(conn, name)
            check_version(conn, name, case_id, expected_version)
            check_kind(signal, Catalog.model_validate_json(cat, context=STORED))
            check_channel(conn, case_id, name, signal)
            n = conn.execute("SELECT count(*) FROM signals WHERE case_id = ?", (case_id,)).fetchone()[0]
            if n >= MAX_SIGNALS:
                raise BeliefsError(f"case '{name}' has {n:,} signals; the limit is {MAX_SIGNALS:,}")
            at = now()
            sid = insert_signal(conn, case_id, signal, at, entered_by, origin)
            conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (at, case_id))
        return sid

    def _check_actor(self, name: str, signal: Signal) -> None:
        """An ally kind is the ally's conduct: the store refuses it as another role's act, for every caller
        (the rule `cases import` applies, so a case's export always reads back). An actor no role claims
        is kept, as older cases hold them, for `cases map-actor` to resolve."""
        from beliefs.catalog import AdversaryKind
        from beliefs.evidence.attribution import Actors

        if not signal.actor:
            return
        case = self.load_case(name)
        kind = case.catalog.by_id.get(signal.kind)
        if kind is None or isinstance(kind, AdversaryKind):
            return
        att = Actors(case.timeline.scenario).resolve(signal.actor, False)
        if att.role not in ("ally", "unnamed", "unresolved"):
            raise BeliefsError(
                f"actor: '{signal.actor.strip()}' is the {att.role.replace('_', ' ')}, but '{signal.kind}' is an "
                "ally kind (the ally's conduct); nothing was written"
            )

    def retract_signal(
        self,
        name: str,
        signal_id: int,
        reason: str,
        retracted_by: str = "cli",
        *,
        expected_version: int | None = None,
    ) -> None:
        """Record that a signal is withdrawn; it stays in the log, flagged (``expected_version``: as add_signal)."""
        if not reason.strip():
            raise BeliefsError("a retraction needs a reason (--reason)")
        try:
            check_text(reason.strip())
        except ValueError as exc:
            raise BeliefsError(f"the retraction reason {exc}") from None
        with self._write() as conn:
            case_id = self._case_row(conn, name)[0]
            check_version(conn, name, case_id, expected_version)
            row = conn.execute("SELECT case_id FROM signals WHERE id = ?", (signal_id,)).fetchone()
            if row is None or row[0] != case_id:
                raise NotFoundError(
                    f"case '{name}' has no signal with id {signal_id} (`beliefs cases show {name}`)"
                )
            if conn.execute("SELECT 1 FROM retractions WHERE signal_id = ?", (signal_id,)).fetchone():
                raise BeliefsError(f"signal {signal_id} of case '{name}' is already retracted")
            at = now()
            conn.execute(
                "INSERT INTO retractions (signal_id, reason, at, retracted_by) VALUES (?, ?, ?, ?)",
                (signal_id, reason.strip(), at, retracted_by),
            )
            conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (at, case_id))

    # -- assessments ------------------------------------------------------------

    def record_assessment(
        self,
        name: str,
        assessment: Assessment,
        settings: SamplerSettings | None = None,
        *,
        signal_ids: list[int] | None = None,
        expected_version: int | None = None,
        summary: dict[str, Any] | None = None,
    ) -> int:
        """Store an assessment of the case with everything needed to reproduce it.

        With ``expected_version``, refuse (:class:`StaleLogError`) an assessment
        computed from a log that has changed since. ``summary`` is the JSON to
        keep (default ``assessment.to_json()``; the API passes what it printed,
        evidence ledger included).
        """
        with self._write() as conn:
            case_id, _, _, digest, *_ = self._case_row(conn, name)
            check_version(conn, name, case_id, expected_version)
            at = now()
            row_id = insert_assessment(conn, case_id, digest, at, assessment, settings, signal_ids, summary)
            conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (at, case_id))
            return row_id

    def assessments(self, name: str) -> list[dict[str, Any]]:
        """Every stored assessment of the case, oldest first."""
        with self._read() as conn:
            case_id = self._case_row(conn, name)[0]
            rows = conn.execute(
                ASSESSMENT_SELECT + " WHERE case_id = ? ORDER BY id",
                (case_id,),
            ).fetchall()
        return [assessment_dict(r) for r in rows]

    # -- checks -----------------------------------------------------------------

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: "ok" when the file is sound."""
        with self._lock, self._errors():
            return "; ".join(r[0] for r in self._conn.execute("PRAGMA integrity_check"))

    # -- TOML -------------------------------------------------------------------

    def export_toml(self, name: str, catalog_file: str | None = None) -> str:
        """The case as a timeline TOML (see :mod:`beliefs.cases.toml_io`)."""
        from beliefs.cases.toml_io import case_to_toml

        return case_to_toml(self.load_case(name), catalog_file)

    def import_toml(self, path: Path | str, name: str | None = None, *, entered_by: str = "import") -> str:
        """A new case from a timeline file (or bundled name); returns the case name."""
        from beliefs.timeline import load_timeline

        timeline, catalog = load_timeline(path, strict=False)
        if name is None:
            name = Path(str(path)).stem
            if not NAME_RE.match(name):
                raise BeliefsError(f"the file name {name!r} is not a valid case name; give --name NAME")
        self.create_case(name, timeline, catalog, entered_by=entered_by, origin=str(path))
        return name
