"""A briefing to hand over: one run's results gathered for ``beliefs report``.

:func:`analyse` replays a timeline (or a stored case) once, so the report's
trajectory, final recommendation and evidence come from the same draws and
the same seed. :func:`as_of` cuts a timeline to the signals known on a date,
for a "then and now" comparison. :func:`report_context` turns one or two
analyses into the plain data the HTML template renders, through each side's
:class:`Findings` (what the briefing says, typed, read off the final
assessment); it computes nothing that the JSON outputs do not already state,
so the briefing and ``assess --json`` always agree. Writing the page is
:mod:`beliefs.runs.briefing_files`'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beliefs.catalog import AdversaryKind, AllyKind, Catalog, bundled_catalog_path
from beliefs.errors import BeliefsError
from beliefs.runs.numbering import number
from beliefs.runs.replay_steps import signal_json
from beliefs.timeline import Outcome, Scenario, Signal, Timeline

if TYPE_CHECKING:
    from beliefs.evidence.record import EvidenceRecord, Reading
    from beliefs.runs.assessment import Assessment
    from beliefs.runs.ledger import Ledger
    from beliefs.runs.replay_steps import Replay
    from models.engine import Engine


@dataclass(frozen=True)
class Analysis:
    """One side of a briefing: a timeline, its replay and where it came from."""

    label: str
    timeline: Timeline
    catalog: Catalog
    replay: Replay
    origin: dict[str, Any]
    signal_ids: tuple[int | None, ...] = field(default=())

    @functools.cached_property
    def findings(self) -> Findings:
        """What this side of the briefing says (:class:`Findings`), read once."""
        return Findings.of(self)

    @property
    def final(self) -> dict[str, Any]:
        """``assess --json`` of the last step (recommendation, posterior), with its evidence ledger."""
        return self.findings.final


@dataclass(frozen=True)
class Findings:
    """What one side of a briefing says, read off its replay's final assessment and evidence record.

    Typed throughout; :meth:`to_dict` is the plain data the template renders
    (the edge), and says nothing the JSON outputs do not already state.
    """

    label: str
    scenario: Scenario
    #: The catalog the log was read against.
    catalog: Catalog
    outcome: Outcome | None
    #: The replay: the trajectory, and its last step, the assessment the briefing reports on.
    replay: Replay
    #: The final assessment's evidence ledger, the one ``explain`` prints (no re-sampling: a
    #: report whose leave-one-out weights are not trusted is flagged); None without signals.
    ledger: Ledger | None
    #: How each signal of the log was read (who acted, how it counted), in the log's order.
    readings: tuple[Reading, ...]
    #: Each signal's stored id (a stored case), or () (a timeline file: positions are shown).
    signal_ids: tuple[int | None, ...]
    #: The actors no role claims (a stored case's, from an older version): (adversary, ally) signals.
    unresolved: dict[str, tuple[int, int]]
    #: The catalog's kinds the log uses, in the catalog's order.
    kinds: tuple[AdversaryKind | AllyKind, ...]
    #: The one line on the reciprocity rules in force and what they read.
    reciprocity: str
    origin: dict[str, Any]
    catalog_origin: dict[str, Any]

    @property
    def assessment(self) -> Assessment:
        return self.replay.final

    @classmethod
    def of(cls, a: Analysis) -> Findings:
        from beliefs.evidence.reciprocity import line
        from beliefs.runs.ledger import evidence

        final = a.replay.final
        record = _record(a)
        used = {s.kind for s in a.timeline.signals}
        return cls(
            label=a.label,
            scenario=a.timeline.scenario,
            catalog=a.catalog,
            outcome=a.timeline.outcome,
            replay=a.replay,
            ledger=evidence(final) if final.catalog is not None and final.signals else None,
            readings=record.readings,
            signal_ids=a.signal_ids,
            unresolved=record.unresolved(),
            kinds=tuple(kind for kind in a.catalog.kinds if kind.id in used),
            reciprocity=line(record.reciprocity_summary(a.catalog)),
            origin=a.origin,
            catalog_origin=_catalog_origin(a.catalog),
        )

    @functools.cached_property
    def final(self) -> dict[str, Any]:
        """``assess --json`` of the final assessment, with its evidence ledger."""
        final = self.assessment
        out = final.to_json()
        if self.ledger is not None:
            ids = list(self.signal_ids) if len(self.signal_ids) == len(final.signals) else None
            out["evidence"] = self.ledger.to_json(ids)  # type: ignore[arg-type]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything the template shows of this side, as plain data."""
        ids = self.signal_ids or (None,) * len(self.readings)
        return {
            "label": self.label,
            "scenario": self.scenario.model_dump(mode="json"),
            "outcome": None if self.outcome is None else self.outcome.model_dump(mode="json"),
            "final": self.final,
            "replay": self.replay.to_json(),
            "signals": [
                _signal_row(r, sid, ids, self.catalog) for r, sid in zip(self.readings, ids, strict=False)
            ],
            "who_acted": _who_acted(self.unresolved, self.origin.get("case")),
            "kinds": [_kind_row(kind) for kind in self.kinds],
            "reciprocity": self.reciprocity,
            "payoffs": self.assessment.payoffs.to_json(),
            "origin": self.origin,
            "catalog": self.catalog_origin,
        }


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def log_sha256(timeline: Timeline) -> str:
    """A content hash of a scenario and its signal log (for a case, which has no file)."""
    body = {
        "scenario": timeline.scenario.model_dump(mode="json"),
        "payoffs": timeline.payoffs.model_dump(mode="json"),
        "signals": [signal_json(s) for s in timeline.signals],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def as_of(timeline: Timeline, date: dt.date) -> Timeline:
    """The timeline as it stood on ``date``: only the signals dated on or before it."""
    kept = [s for s in timeline.signals if s.date <= date]
    return timeline.with_signals(kept)


def analyse(
    timeline: Timeline,
    catalog: Catalog,
    *,
    label: str,
    origin: dict[str, Any],
    seed: int = 0,
    engine: Engine | None = None,
    signal_ids: tuple[int | None, ...] = (),
) -> Analysis:
    """Replay ``timeline`` once (step 0 = the prior) and keep everything a report shows."""
    from beliefs.runs.replay_steps import replay

    if not timeline.signals:
        raise BeliefsError(f"{label}: no signals to report on")
    result = replay(timeline, catalog, seed=seed, engine=engine)
    return Analysis(label, timeline, catalog, result, origin, signal_ids)


def _catalog_origin(catalog: Catalog) -> dict[str, Any]:
    path = catalog.source or str(bundled_catalog_path())
    bundled = Path(path).resolve() == bundled_catalog_path().resolve()
    return {
        "path": "bundled" if bundled else path,
        "digest": catalog.digest,
        "spiral_rule": catalog.spiral.describe(),
    }


def _kind_row(kind: AdversaryKind | AllyKind) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": kind.id,
        "label": kind.label,
        "about": kind.about,
        "rationale": kind.rationale,
    }
    if isinstance(kind, AdversaryKind):
        e, s = kind.given_expansionist, kind.given_status_quo
        row["likelihood"] = (
            f"seen | expansionist ~ Beta({e.alpha:g}, {e.beta:g}) (mean {e.mean:.2f}); "
            f"seen | status quo ~ Beta({s.alpha:g}, {s.beta:g}) (mean {s.mean:.2f})"
            + ("; military (blurred by the security dilemma)" if kind.military else "")
        )
    else:
        sign = "raises" if kind.direction == 1 else "lowers"
        row["likelihood"] = f"{sign} ally {kind.axis}, diagnosticity {kind.delta:g}"
    return row


def _record(a: Analysis) -> EvidenceRecord:
    """How the replay read the whole log (its last step's evidence record)."""
    record = a.replay.final.record
    if record is None:  # pragma: no cover - every assessment of a replay carries its record
        raise BeliefsError(f"{a.label}: the replay carries no evidence record")
    return record


def _signal_row(r: Reading, sid: int | None, ids: tuple[int | None, ...], catalog: Catalog) -> dict[str, Any]:
    """A signal as plain data, with who acted and how it was counted (``attribution.reading``)."""
    i, sig = r.index, r.signal
    row = signal_json(sig)
    row["index"] = i
    row["position"] = i + 1
    row["signal_id"] = sid
    row["number"] = number(i, ids)
    kind = catalog.by_id.get(sig.kind)
    row["about"] = kind.about if kind is not None else ""
    row["attribution"] = {**r.attribution.to_json(), "reading": r.attribution.describe()}
    if r.reaction is not None:
        row["reaction"] = r.reaction.to_json()
    if r.reciprocation is not None:
        row["reciprocation"] = r.reciprocation.to_json()
    return row


def _who_acted(counts: dict[str, tuple[int, int]], case: Any) -> dict[str, Any]:
    """The actors no role claims: how each counts, how to map it."""
    from beliefs.evidence.attribution import MAP_COMMAND, unresolved_reading

    return {
        "unresolved": [
            {
                "actor": name,
                "adversary_signals": adv,
                "ally_signals": ally,
                "reading": unresolved_reading(adv, ally),
            }
            for name, (adv, ally) in counts.items()
        ],
        "map_command": MAP_COMMAND.replace("CASE", str(case)) if case else MAP_COMMAND,
        "list_command": f"beliefs cases actors {case}" if case else None,
    }


def _key(sig: Signal) -> tuple[str, str, str, str]:
    return (sig.date.isoformat(), sig.kind, sig.actor, sig.grade)


def difference(a: Analysis, b: Analysis) -> dict[str, list[dict[str, Any]]]:
    """The reports that only one side has (matched on date, kind, actor and grade)."""
    ka = {_key(s) for s in a.timeline.signals if not s.retracted}
    kb = {_key(s) for s in b.timeline.signals if not s.retracted}
    return {
        "only_first": [signal_json(s) for s in a.timeline.signals if not s.retracted and _key(s) not in kb],
        "only_second": [signal_json(s) for s in b.timeline.signals if not s.retracted and _key(s) not in ka],
    }


def side(a: Analysis) -> dict[str, Any]:
    """Everything the template shows of one analysis, as plain data (:meth:`Findings.to_dict`)."""
    return a.findings.to_dict()


def report_context(
    primary: Analysis,
    *,
    other: Analysis | None = None,
    sensitivity: dict[str, Any] | None = None,
    seed: int = 0,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The plain data of a briefing (what :mod:`beliefs.render.report_html` renders)."""
    try:
        version = metadata.version("beliefs")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        version = "unknown"
    when = now or dt.datetime.now(dt.UTC)
    return {
        "primary": side(primary),
        "other": None if other is None else side(other),
        "difference": None if other is None else difference(primary, other),
        "sensitivity": sensitivity,
        "provenance": {
            "beliefs_version": version,
            "seed": seed,
            "generated": when.strftime("%Y-%m-%d %H:%M UTC"),
        },
    }
