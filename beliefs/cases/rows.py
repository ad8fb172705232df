"""The case store's rows: reading a case's rows back into records, writing signal and assessment rows.

:class:`beliefs.cases.store.CaseStore` owns the connection and the
transactions; this module only turns rows into validated records and
records into rows. Rows are validated as *stored* data: text written by an
older version is kept as it is and escaped when shown (:mod:`beliefs.text`).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from beliefs.cases.actor_map import ActorMapping, apply_mappings
from beliefs.cases.records import Case, LoggedSignal, assessment_dict
from beliefs.catalog import Catalog
from beliefs.channels import letter_conflicts, letter_message
from beliefs.errors import BeliefsError
from beliefs.text import STORED
from beliefs.timeline import Signal, Timeline

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment
    from models.engine import SamplerSettings

#: The signal fields that ``load_case`` selects, in order.
SIGNAL_FIELDS = ("date", "kind", "actor", "grade", "note", "source")


def case_from_rows(
    path: Path,
    name: str,
    case_row: tuple[Any, ...],
    rows: list[Any],
    latest: Any,
    version: int,
    mappings: list[ActorMapping] | None = None,
) -> Case:
    """The :class:`Case` of a case row, its signal rows (entry order), latest assessment row and actor mappings.

    The mappings in force become aliases of their roles in the case's scenario
    (:func:`beliefs.cases.actor_map.apply_mappings`).
    """
    _case_id, scen, cat, digest, origin, created, updated = case_row
    try:
        catalog = Catalog.model_validate_json(cat, context=STORED)
        log = [
            LoggedSignal(
                id=r[0],
                signal=Signal.model_validate(
                    dict(zip(SIGNAL_FIELDS, r[1:7], strict=True))
                    | {"channel": r[12], "retracted": r[10] is not None, "observed": r[13] == 1},
                    context=STORED,
                ),
                entered_at=r[7],
                entered_by=r[8],
                origin=r[9],
                retraction_reason=r[10],
                retracted_at=r[11],
                retracted_by=r[14],
            )
            for r in rows
        ]
        parts = json.loads(scen)
        timeline = Timeline.model_validate(
            {**parts, "signals": [e.signal for e in log], "source": f"case:{name}", "name": name},
            context=STORED,
        )
        timeline = timeline.model_copy(update={"scenario": apply_mappings(timeline.scenario, mappings or [])})
    except (ValidationError, ValueError, KeyError) as exc:
        raise BeliefsError(f"{path}: case '{name}' is damaged: {exc}") from None
    if catalog.digest != digest:
        raise BeliefsError(f"{path}: case '{name}': the catalog snapshot does not match its digest")
    return Case(
        name=name,
        timeline=timeline,
        catalog=catalog,
        signal_ids=[e.id for e in log],
        latest_assessment=assessment_dict(latest) if latest else None,
        log=log,
        origin=origin,
        created_at=created,
        updated_at=updated,
        version=version,
        actor_mappings=list(mappings or []),
    )


def _assessment_json(
    assessment: Assessment, settings: SamplerSettings | None
) -> tuple[dict[str, object], dict[str, Any]]:
    """The settings and diagnostics an assessment row keeps (what reproduces it)."""
    diag = assessment.posterior.diagnostics
    settings_json: dict[str, object] = (
        {
            "sampler": settings.sampler,
            "chains": settings.chains,
            "draws": settings.draws,
            "tune": settings.tune,
            "method": settings.method,
        }
        if settings is not None
        else {"sampler": diag.sampler, "chains": diag.chains, "draws": diag.draws, "tune": diag.tune}
    )
    settings_json["engine"] = diag.method  # the engine that actually ran (after any fallback)
    diag_json = {**diag.to_json(), "tune": diag.tune, "seed": diag.seed, "mcse": diag.mcse}
    return settings_json, diag_json


def insert_assessment(
    conn: sqlite3.Connection,
    case_id: Any,
    catalog_digest: str,
    at: str,
    assessment: Assessment,
    settings: SamplerSettings | None,
    signal_ids: list[int] | None,
    summary: dict[str, Any] | None,
) -> int:
    """Write one assessment row: the JSON shown, and everything needed to reproduce it."""
    from beliefs.runs.assessment import MODEL_VERSION

    settings_json, diag_json = _assessment_json(assessment, settings)
    cur = conn.execute(
        "INSERT INTO assessments (case_id, at, n_signals, signal_ids_json, summary_json, model_version,"
        " catalog_digest, inputs_digest, settings_json, seed, diagnostics_json, reliable)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            at,
            assessment.n_signals,
            None if signal_ids is None else json.dumps(signal_ids),
            json.dumps(assessment.to_json() if summary is None else summary),
            MODEL_VERSION,
            catalog_digest,
            assessment.inputs.digest(),
            json.dumps(settings_json),
            assessment.posterior.diagnostics.seed,
            json.dumps(diag_json),
            int(assessment.reliable),
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def insert_signal(
    conn: sqlite3.Connection, case_id: Any, sig: Signal, at: str, entered_by: str, origin: str
) -> int:
    cur = conn.execute(
        "INSERT INTO signals (case_id, date, kind, actor, grade, note, source, channel, entered_at, entered_by,"
        " origin, observed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, sig.date.isoformat(), sig.kind, sig.actor, sig.grade, sig.note, sig.source, sig.channel,
         at, entered_by, origin, int(sig.observed)),
    )  # fmt: skip
    assert cur.lastrowid is not None
    return cur.lastrowid


def check_channel(conn: sqlite3.Connection, case_id: Any, name: str, signal: Signal) -> None:
    """Refuse a signal whose channel already carries another reliability letter."""
    if signal.channel is None:
        return
    rows = conn.execute(
        "SELECT s.id, s.date, s.kind, s.grade, s.channel FROM signals s"
        " LEFT JOIN retractions r ON r.signal_id = s.id"
        " WHERE s.case_id = ? AND s.channel IS NOT NULL AND r.id IS NULL ORDER BY s.id",
        (case_id,),
    ).fetchall()
    earlier = [Signal(date=r[1], kind=r[2], grade=r[3], channel=r[4]) for r in rows]
    for i, j in letter_conflicts([*earlier, signal]):
        if i != len(earlier):
            continue
        sid, date, kind = rows[j][0], rows[j][1], rows[j][2]
        msg = letter_message(signal.channel, signal.grade, rows[j][3], f"signal {sid} ({date}, {kind})")
        raise BeliefsError(f"case '{name}': new signal ({signal.date}, {signal.kind}), channel: {msg}")
