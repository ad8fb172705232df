"""The case store's methods that record actor mappings (:mod:`beliefs.cases.actor_map`).

A mix-in of :class:`beliefs.cases.store.CaseStore`, kept apart so that the
store module stays about the log itself: each call is one write transaction,
checked against the log version like every other write.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from beliefs.cases.actor_map import ActorMapping, record_mapping
from beliefs.cases.records import now
from beliefs.cases.versions import check_version
from beliefs.catalog import Catalog
from beliefs.text import STORED


class ActorMappingMethods:
    """``map_actor`` and ``map_actors``; the class using it provides ``_write`` and ``_case_row``."""

    def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _case_row(self, conn: sqlite3.Connection, name: str) -> tuple[Any, ...]:
        raise NotImplementedError

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
    ) -> ActorMapping:
        """Record that ``actor`` (as the log writes it) is ``target``'s (None: undo its mapping); see actor_map."""
        request = (actor, target, attribution, basis)
        return self.map_actors(name, [request], mapped_by=mapped_by, expected_version=expected_version)[0]

    def map_actors(
        self,
        name: str,
        requests: list[tuple[str, str | None, float | None, str]],
        *,
        mapped_by: str = "cli",
        expected_version: int | None = None,
    ) -> list[ActorMapping]:
        """Several mappings (actor, target, attribution, basis) in one transaction: all are written, or none."""
        with self._write() as conn:
            case_id, scen, cat, *_ = self._case_row(conn, name)
            check_version(conn, name, case_id, expected_version)
            ally_kinds = {k.id for k in Catalog.model_validate_json(cat, context=STORED).ally}
            at = now()
            done = [record_mapping(conn, name, case_id, scen, ally_kinds, r, at, mapped_by) for r in requests]
            conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (at, case_id))
        return done

