"""A briefing to hand over: one run's results gathered for ``beliefs report``.

:func:`analyse` replays a timeline (or a stored case) once, so the report's
trajectory, final recommendation and evidence come from the same draws and
the same seed. :func:`as_of` cuts a timeline to the signals known on a date,
for a "then and now" comparison. :func:`report_context` turns one or two
analyses into the plain data the HTML template renders; it computes nothing
that the JSON outputs do not already state, so the briefing and
``assess --json`` always agree.
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

from beliefs.catalog import AdversaryKind, Catalog, bundled_catalog_path
from beliefs.errors import BeliefsError
from beliefs.runs.numbering import number
from beliefs.runs.replay_steps import signal_json
from beliefs.timeline import Signal, Timeline

GENERATOR_MARK = b'<meta name="generator" content="beliefs'

if TYPE_CHECKING:
    from beliefs.evidence.record import EvidenceRecord
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
    def final(self) -> dict[str, Any]:
        """``assess --json`` of the last step (recommendation, posterior), with its evidence ledger.

        The ledger is the one ``explain`` prints (no re-sampling: a report whose
        leave-one-out weights are not trusted is flagged), each report with who
        acted and how it was counted.
        """
        from beliefs.runs.ledger import evidence

        out = self.replay.final.to_json()
        final = self.replay.final
        if final.catalog is not None and final.signals:
            ids = list(self.signal_ids) if len(self.signal_ids) == len(final.signals) else None
            out["evidence"] = evidence(final).to_json(ids)  # type: ignore[arg-type]
        return out


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
    return {"path": "bundled" if bundled else path, "digest": catalog.digest, "spiral_rule": catalog.spiral.describe()}


def _kinds_used(a: Analysis) -> list[dict[str, Any]]:
    used = {s.kind for s in a.timeline.signals}
    rows = []
    for kind in a.catalog.kinds:
        if kind.id not in used:
            continue
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
        rows.append(row)
    return rows


def _record(a: Analysis) -> EvidenceRecord:
    """How the replay read the whole log (its last step's evidence record)."""
    record = a.replay.final.record
    if record is None:  # pragma: no cover - every assessment of a replay carries its record
        raise BeliefsError(f"{a.label}: the replay carries no evidence record")
    return record


def _signals(a: Analysis) -> list[dict[str, Any]]:
    """Every signal as plain data, with who acted and how it was counted (``attribution.reading``)."""
    ids = a.signal_ids or (None,) * len(a.timeline.signals)
    rows = []
    for r, sid in zip(_record(a).readings, ids, strict=False):
        i, sig = r.index, r.signal
        row = signal_json(sig)
        row["index"] = i
        row["position"] = i + 1
        row["signal_id"] = sid
        row["number"] = number(i, ids)
        kind = a.catalog.by_id.get(sig.kind)
        row["about"] = kind.about if kind is not None else ""
        row["attribution"] = {**r.attribution.to_json(), "reading": r.attribution.describe()}
        if r.reaction is not None:
            row["reaction"] = r.reaction.to_json()
        if r.reciprocation is not None:
            row["reciprocation"] = r.reciprocation.to_json()
        rows.append(row)
    return rows


def _reciprocity(a: Analysis) -> str:
    """The one line on the reciprocity rules in force and what they read (the assumptions section)."""
    from beliefs.evidence.reciprocity import line

    return line(_record(a).reciprocity_summary(a.catalog))


def _who_acted(a: Analysis) -> dict[str, Any]:
    """The actors no role claims (a stored case's, from an older version): how each counts, how to map it."""
    from beliefs.evidence.attribution import MAP_COMMAND, unresolved_reading

    counts = _record(a).unresolved()
    case = a.origin.get("case")
    return {
        "unresolved": [
            {"actor": name, "adversary_signals": adv, "ally_signals": ally, "reading": unresolved_reading(adv, ally)}
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
    """Everything the template shows of one analysis, as plain data."""
    tl = a.timeline
    final = a.final
    payoffs = a.replay.final.payoffs.to_json()
    return {
        "label": a.label,
        "scenario": tl.scenario.model_dump(mode="json"),
        "outcome": None if tl.outcome is None else tl.outcome.model_dump(mode="json"),
        "final": final,
        "replay": a.replay.to_json(),
        "signals": _signals(a),
        "who_acted": _who_acted(a),
        "kinds": _kinds_used(a),
        "reciprocity": _reciprocity(a),
        "payoffs": payoffs,
        "origin": a.origin,
        "catalog": _catalog_origin(a.catalog),
    }


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


def check_output(path: Path, suffix: str, force: bool, *, database: Path | str | None = None) -> None:
    """Refuse, before any work, an output that cannot or should not be written (:mod:`beliefs.outfile`)."""
    from beliefs.outfile import check_target

    if path.suffix.lower() != suffix:
        raise BeliefsError(f"{path}: the file name must end in {suffix}")
    check_target(path, database=database)
    if path.exists() and not force:
        head = path.read_bytes()[:4096]
        ours = GENERATOR_MARK in head or (suffix == ".pdf" and head.startswith(b"%PDF"))
        if not ours:
            raise BeliefsError(f"{path}: exists and is not a beliefs report; use --force to replace it")


def write_briefing(path: Path, html: str, *, private: bool = False) -> None:
    """The briefing, whole or not at all: private (0600) for a stored case, else the umask (:mod:`beliefs.outfile`)."""
    from beliefs.outfile import write_text

    write_text(path, html, private=private)


def briefing_html(
    timeline: Timeline, catalog: Catalog, *, label: str, origin: dict[str, Any], seed: int = 0, engine: Engine | None = None
) -> str:
    """The whole briefing page of ``timeline`` (what ``beliefs report`` writes, without options)."""
    from beliefs.render.report_html import render_report

    return render_report(report_context(analyse(timeline, catalog, label=label, origin=origin, seed=seed, engine=engine), seed=seed))
