"""The one interface of a case store, whichever backend holds the cases.

Everything outside :mod:`beliefs.cases` (the CLI, ``assess --case``, the report,
the Python API, the TUI) uses a store through :class:`Store` only, opened by
:func:`beliefs.cases.service.open_store`; it never knows whether the cases are
in a SQLite file (:class:`beliefs.cases.store.CaseStore`, the default) or a
PostgreSQL database (:class:`beliefs.cases.pg.store.PgCaseStore`). Both keep
the same promises (append-only log enforced by the database, atomic
assessments, stale writes refused, ids never reused).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from beliefs.cases.actor_map import ActorMapping
    from beliefs.cases.records import Case, CaseSummary
    from beliefs.catalog import Catalog
    from beliefs.runs.assessment import Assessment
    from beliefs.timeline import Signal, Timeline
    from models.engine import SamplerSettings


class Store(Protocol):
    """What callers may do with a case store."""

    @property
    def path(self) -> Path | str:
        """How the store is named in messages (a file path, or a URL without its password)."""
        ...

    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...

    def create_case(
        self,
        name: str,
        timeline: Timeline,
        catalog: Catalog,
        *,
        entered_by: str = "cli",
        origin: str = "",
        retraction_reasons: Mapping[int, str] | None = None,
    ) -> None: ...
    def case_size(self, name: str) -> tuple[int, int]: ...
    def delete_case(self, name: str) -> tuple[int, int]: ...
    def list_cases(self) -> list[CaseSummary]: ...
    def load_case(self, name: str) -> Case: ...
    def log_version(self, name: str) -> int: ...
    def add_signal(
        self,
        name: str,
        signal: Signal,
        entered_by: str = "cli",
        origin: str = "",
        *,
        expected_version: int | None = None,
    ) -> int: ...
    def retract_signal(
        self,
        name: str,
        signal_id: int,
        reason: str,
        retracted_by: str = "cli",
        *,
        expected_version: int | None = None,
    ) -> None: ...
    def record_assessment(
        self,
        name: str,
        assessment: Assessment,
        settings: SamplerSettings | None = None,
        *,
        signal_ids: list[int] | None = None,
        expected_version: int | None = None,
        summary: dict[str, Any] | None = None,
    ) -> int: ...
    def assessments(self, name: str) -> list[dict[str, Any]]: ...
    def map_actor(
        self,
        name: str,
        actor: str,
        target: str | None,
        *,
        attribution: float | None = None,
        basis: str = "",
        mapped_by: str = "cli",
        expected_version: int | None = None,
    ) -> ActorMapping: ...
    def map_actors(
        self,
        name: str,
        requests: list[tuple[str, str | None, float | None, str]],
        *,
        mapped_by: str = "cli",
        expected_version: int | None = None,
    ) -> list[ActorMapping]: ...
    def integrity_check(self) -> str: ...
    def export_toml(self, name: str, catalog_file: str | None = None) -> str: ...
    def import_toml(
        self, path: Path | str, name: str | None = None, *, entered_by: str = "import"
    ) -> str: ...
