"""The TUI's link to the case store (:mod:`beliefs.cases.store`) and to TOML export.

Every change to a case is committed to SQLite *before* the posterior is
recomputed (the store commits before ``add_signal`` returns), so a crash
never loses entered work. A timeline opened without a case can be saved as
one. The store is opened per operation and closed again, so another process
(``beliefs signal add``) can write between two TUI edits; every write passes
the log version the session was computed from, and the store refuses it
(:class:`~beliefs.cases.versions.StaleLogError`) if the case changed since.
:meth:`CaseLink.changed` tells, cheaply, whether it did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beliefs.cases.interface import Store
from beliefs.cases.location import env_db, is_pg_url, shown
from beliefs.cases.records import Case
from beliefs.cases.watch import Watch, open_watch
from beliefs.catalog import Catalog
from beliefs.text import printable
from beliefs.timeline import Signal, Timeline, load_timeline
from tui.session import Session


def _db(db: str | Path | None) -> str | Path:
    db = env_db() if db is None else db
    if db is not None:
        return str(db) if is_pg_url(db) else Path(db)
    from beliefs.cli.app import default_db

    return default_db()


class CaseLink:
    """Read and write cases in one case store (a SQLite file or a PostgreSQL database)."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.db = _db(db)
        #: how the store is named on screen (a URL without its password)
        self.where = shown(self.db)
        self._watch: Watch | None = None

    def _store(self, *, create: bool = False) -> Store:
        """The store; only saving a new case creates it (a file 0600, see beliefs.cases.privacy)."""
        from beliefs.cases.service import open_store

        return open_store(self.db, create=create)

    def open(self, name: str, *, seed: int = 0) -> Session:
        """A session on the stored case ``name`` (all its signals, retracted ones flagged)."""
        from beliefs.cases.service import open_store

        with open_store(self.db, case=name) as store:
            case = store.load_case(name)
        session = Session.from_timeline(case.timeline, case.catalog, seed=seed)
        session.case = name
        _take(session, case)
        return session

    def changed(self, session: Session) -> bool:
        """Whether the session's case changed on disk since it was read (another process wrote).

        Looks at the file's size and time (:class:`~beliefs.cases.versions.FileWatch`), or
        listens to PostgreSQL's notifications (:class:`~beliefs.cases.pg.notify.PgWatch`);
        only when they say so does it open the store to compare log versions.
        """
        if session.case is None:
            return False
        if self._watch is None:
            self._watch = open_watch(self.db)
        if not self._watch.changed():
            return False
        with self._store() as store:
            return store.log_version(session.case) != session.version

    def reload(self, session: Session) -> tuple[int, int]:
        """Read the case's log again; returns (signals added, signals retracted) since the session read it."""
        assert session.case is not None
        with self._store() as store:
            case = store.load_case(session.case)
        reasons, entries = _details(case)
        take_scenario(session, case)
        return session.replace_log(
            list(case.timeline.signals), list(case.signal_ids), case.version, reasons, entries
        )

    def map_actors(self, session: Session, pairs: list[tuple[str, str]]) -> list[Any]:
        """Commit actor mappings (one transaction, at the session's log version), then follow the case.

        Refused whole (nothing written) if any is refused, or
        (:class:`~beliefs.cases.versions.StaleLogError`) if the case changed since the session read it.
        """
        assert session.case is not None
        requests: list[tuple[str, str | None, float | None, str]] = [(a, t, None, "") for a, t in pairs]
        with self._store() as store:
            done = store.map_actors(session.case, requests, mapped_by="tui", expected_version=session.version)
        self.reload(session)
        return done

    def close(self) -> None:
        close = getattr(self._watch, "close", None)
        if close is not None:
            close()
        self._watch = None

    def names(self) -> list[str]:
        return [c.name for c in self.summaries()]

    def summaries(self) -> list[Any]:
        """The stored cases (``CaseSummary``: name, title, n_signals...); none if there is no database."""
        if isinstance(self.db, Path) and not self.db.exists():
            return []
        with self._store() as store:
            return list(store.list_cases())

    def add(self, session: Session, signal: Signal) -> None:
        """Commit ``signal`` to the session's case (if it has one), then add it to the session."""
        signal_id = None
        if session.case is not None:
            with self._store() as store:
                signal_id = store.add_signal(
                    session.case, signal, entered_by="tui", expected_version=session.version
                )
            session.version = None if session.version is None else session.version + 1
        session.add(signal, signal_id)

    def retract(self, session: Session, index: int, reason: str) -> None:
        """Commit the retraction of signal ``index`` (if in a case), then flag it in the session."""
        if session.case is not None:
            with self._store() as store:
                store.retract_signal(
                    session.case,
                    session.signal_ids[index],
                    reason,
                    retracted_by="tui",
                    expected_version=session.version,
                )
            session.version = None if session.version is None else session.version + 1
        session.retract(index, reason)

    def save_as(self, session: Session, name: str) -> None:
        """Store the session's timeline and signals as a new case ``name`` (with the retraction reasons typed) and follow it."""
        with self._store(create=True) as store:
            store.create_case(
                name,
                session.timeline_now(),
                session.catalog,
                entered_by="tui",
                retraction_reasons=session.reasons,
            )
            case = store.load_case(name)
        session.case = name
        session.unsaved = 0
        _take(session, case)

    def record(self, session: Session, assessment: Any) -> None:
        """Store the assessment of the whole (current) log in the case's history.

        Refused by the store (StaleLogError) if the log changed since the session read it.
        """
        if session.case is None:
            return
        active = [sid for sid, s in zip(session.signal_ids, session.signals, strict=True) if not s.retracted]
        with self._store() as store:
            store.record_assessment(
                session.case, assessment, signal_ids=active, expected_version=session.version
            )

    def export(self, session: Session, path: str | Path) -> Path:
        """Write the case (or timeline) as timeline TOML to ``path``, all or nothing; check it reads back.

        A catalog of its own is kept: the export names the catalog file it came
        from (relative to the exported file) while that file still holds the same
        catalog, else the catalog is written beside the export as ``STEM.catalog.toml``.
        """
        from beliefs.cases.records import is_bundled_catalog
        from beliefs.cases.toml_io import catalog_to_toml, timeline_to_toml, write_atomic
        from beliefs.outfile import check_target

        path = Path(path).expanduser()
        check_target(path, database=self.db)
        catalog_ref, write_catalog = (None, False)
        if not is_bundled_catalog(session.catalog):
            catalog_ref, write_catalog = catalog_reference(session.catalog, path)
        if session.case is not None:
            with self._store() as store:
                text = store.export_toml(session.case, catalog_ref)
        else:
            text = timeline_to_toml(
                session_timeline(session),
                catalog_ref,
                head=f"# Exported from the beliefs TUI ({printable(session.timeline.source or session.timeline.name or 'timeline')}).",
            )
        if write_catalog:
            assert catalog_ref is not None
            check_target(path.parent / catalog_ref, database=self.db)
            write_atomic(path.parent / catalog_ref, catalog_to_toml(session.catalog))
        write_atomic(path, text)
        load_timeline(path)  # raises InputError if what we wrote would not load
        return path


def catalog_reference(catalog: Catalog, out: Path) -> tuple[str, bool]:
    """How an export at ``out`` names ``catalog``, and whether that file must be written."""
    import os

    from beliefs.catalog import load_catalog
    from beliefs.errors import BeliefsError

    source = Path(catalog.source) if catalog.source else None
    if source is not None and source.is_file():
        try:
            same = load_catalog(source).digest == catalog.digest
        except BeliefsError:
            same = False
        if same:
            return os.path.relpath(source.resolve(), out.parent.resolve()), False
    name = f"{out.stem}.catalog.toml"
    if (out.parent / name).exists():
        raise BeliefsError(f"{out.parent / name} exists already: export to another file name")
    return name, True


def session_timeline(session: Session) -> Timeline:
    """The session's timeline now, each retraction typed in it carrying its reason (by the TUI)."""
    from beliefs.timeline import Retraction

    signals = [
        sig.model_copy(update={"retraction": Retraction(reason=session.reasons[i], by="tui")})
        if sig.retracted and session.reasons.get(i, "").strip()
        else sig
        for i, sig in enumerate(session.signals)
    ]
    return session.timeline.with_signals(signals)


def _details(case: Case) -> tuple[dict[int, str], dict[int, tuple[str, str, str]]]:
    reasons = {i: e.retraction_reason for i, e in enumerate(case.log) if e.retraction_reason}
    entries = {i: (e.entered_at, e.writer, e.origin) for i, e in enumerate(case.log)}
    return reasons, entries


def take_scenario(session: Session, case: Case) -> bool:
    """Follow the case's scenario (its actor mappings changed: the attribution of signals did too).

    The cached results are keyed by the signal prefix, not the scenario, so they
    are dropped and every step is computed again. Returns whether it changed.
    """
    if case.timeline.scenario == session.timeline.scenario:
        return False
    session.timeline = session.timeline.model_copy(update={"scenario": case.timeline.scenario})
    session.cache.clear()
    return True


def _take(session: Session, case: Case) -> None:
    """Point the session at the stored ``case``: ids, version, reasons, who entered what."""
    session.signal_ids = list(case.signal_ids)
    session.version = case.version
    session.reasons, session.entries = _details(case)
