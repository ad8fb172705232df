"""Writing a case or a timeline out as a timeline TOML (and its catalog, if its own).

:func:`timeline_to_toml` is the one timeline writer: ``cases export``, the
TUI's ``e`` (a case or a bare timeline) and the store's ``export_toml`` all
use it. The export is a timeline file that ``beliefs assess`` and ``beliefs
cases import`` accept: the scenario, payoff overrides, outcome, and every
signal of the log with every field that differs from its default (absences
keep ``observed = false``), retracted ones kept with ``retracted = true`` and
their ``[signals.retraction]`` (reason, by whom, when). Signals are written in
date order (timeline files require it); signals with the same date keep their
entry order. A case whose catalog is not the bundled one needs the catalog
written next to the timeline: ``scenario.catalog`` then names that file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from beliefs.errors import BeliefsError
from beliefs.text import data_text
from beliefs.timeline import Signal

if TYPE_CHECKING:
    from beliefs.cases.records import Case
    from beliefs.catalog import Catalog
    from beliefs.timeline import Timeline


def case_to_toml(case: Case, catalog_file: str | None = None) -> str:
    """The timeline TOML text of ``case``; ``catalog_file`` is where its own catalog goes.

    Each retracted signal carries its retraction from the log: reason, who and when.
    """
    from beliefs.cases.records import is_bundled_catalog
    from beliefs.timeline import Retraction

    if not is_bundled_catalog(case.catalog) and catalog_file is None:
        raise BeliefsError(
            f"case '{case.name}' uses its own signal catalog (not the bundled one); "
            "export with -o FILE so the catalog can be written next to it"
        )
    signals = [
        e.signal.model_copy(
            update={
                "retraction": Retraction(
                    reason=e.retraction_reason, by=e.retracted_by or "", at=e.retracted_at or ""
                )
            }
        )
        if e.signal.retracted and e.retraction_reason
        else e.signal
        for e in case.log
    ]
    # The origin is a file name, and file names may hold newlines: quoted and escaped,
    # it can never end the comment line and smuggle TOML in.
    origin = json.dumps(case.origin or "unknown", ensure_ascii=True)
    head = f"{EXPORT_MARK} '{case.name}' (origin: {origin})."
    return timeline_to_toml(case.timeline.with_signals(signals), catalog_file, head=head)


def timeline_to_toml(timeline: Timeline, catalog_file: str | None = None, *, head: str = "") -> str:
    """The one timeline writer: a timeline as TOML that ``load_timeline`` reads back to the same timeline.

    Every export goes through it (``cases export``, the TUI's ``e``, a case or a
    bare timeline), so no field is ever written by one and forgotten by another.
    ``catalog_file``: the file that holds the timeline's own catalog (None: the
    bundled one). ``head``: a comment line put first.
    """
    scenario = timeline.scenario.model_dump(mode="json", exclude_none=True)
    scenario.pop("catalog", None)
    if catalog_file is not None:
        scenario["catalog"] = catalog_file
    doc: dict[str, Any] = {"scenario": scenario}
    payoffs = timeline.payoffs.model_dump(mode="json", exclude_none=True)
    if payoffs:
        doc["payoffs"] = payoffs
    ordered = sorted(timeline.signals, key=lambda s: s.date)  # stable: same-day signals keep entry order
    doc["signals"] = [signal_table(s) for s in ordered]
    if timeline.outcome is not None:
        doc["outcome"] = timeline.outcome.toml_table()
    return data_text((head + "\n" if head else "") + tomli_w.dumps(doc))


def signal_table(sig: Signal) -> dict[str, Any]:
    """A signal as its ``[[signals]]`` table: every field that differs from its default.

    Written from the model's own fields, so a field added to :class:`Signal`
    is exported without anyone remembering to.
    """
    out: dict[str, Any] = {
        "date": sig.date,
        "kind": sig.kind,
        "actor": sig.actor,
        "grade": sig.grade,
        "note": sig.note,
    }
    for field, info in Signal.model_fields.items():
        value = getattr(sig, field)
        if field in out or value == info.get_default(call_default_factory=True):
            continue
        out[field] = value.model_dump(mode="json", exclude_defaults=True) if field == "retraction" else value
    return out


def unrecorded_reason(origin: str) -> str:
    """The reason stored for a signal whose file says ``retracted = true`` and no more (an older export)."""
    return f"no reason recorded: {origin} marks it retracted without one"


def catalog_to_toml(catalog: Catalog) -> str:
    """A catalog TOML that :func:`beliefs.catalog.load_catalog` reads back to the same digest."""
    data = catalog.model_dump(mode="json", exclude={"source"})
    return CATALOG_MARK + "\n" + tomli_w.dumps(data)


#: The first line of every file `cases export` writes: what it may overwrite without --force.
EXPORT_MARK = "# Exported from beliefs case"
CATALOG_MARK = "# Signal catalog exported by beliefs."


def check_export_target(path: Path, mark: str, force: bool, *, database: Path | str | None = None) -> None:
    """Refuse, before any work, to write where we may not (:func:`beliefs.outfile.check_target`:
    a missing or read-only folder, a directory, the case ``database`` itself), or over an
    existing file that `cases export` did not write (unless ``force``)."""
    from beliefs.outfile import check_target

    path = Path(path)
    check_target(path, database=database)
    if path.exists() and not force:
        try:
            with path.open("rb") as fh:
                head = fh.read(len(mark.encode()))
        except OSError:
            head = b""
        if head != mark.encode():
            raise BeliefsError(
                f"{path}: exists and was not written by `beliefs cases export`; "
                "nothing was written (use --force to replace it)"
            )


def import_problems(text: str, catalog: Catalog, path: Path) -> str | None:
    """Why `cases import` would refuse this export, or None when it imports.

    Too large is refused outright (:func:`check_import_size`). Values an older
    version stored without today's rules (a control character, an over-long
    note) are reported, not dropped: the export is still written, so the data
    can be recovered, and the caller says what to fix before importing it.
    """
    import tomllib

    from beliefs.errors import InputError
    from beliefs.timeline import validate_timeline

    check_import_size(text, path)
    try:
        validate_timeline(tomllib.loads(text), str(path), catalog=catalog)
    except InputError as exc:
        return exc.render()
    return None


def import_limit() -> int:
    """The largest file `cases import` reads (bytes)."""
    from beliefs.tomlfile import MAX_FILE_BYTES

    return MAX_FILE_BYTES


def check_import_size(text: str, path: Path) -> None:
    """Refuse to write an export that `cases import` would refuse as too large.

    Cannot happen for a case within today's limits; a case stored by an older
    version without them could exceed it.
    """
    size, limit = len(text.encode("utf-8")), import_limit()
    if size > limit:
        raise BeliefsError(
            f"{path}: the export would be {size:,} bytes, over the {limit:,}-byte limit of "
            "`cases import`; nothing was written"
        )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, private (0600): :func:`beliefs.outfile.write_text`."""
    from beliefs.outfile import write_text

    write_text(Path(path), text, private=True)  # from the case store
