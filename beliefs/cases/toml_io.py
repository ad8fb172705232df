"""Writing a stored case back out as a timeline TOML (and its catalog, if its own).

The export is a timeline file that ``beliefs assess`` and ``beliefs cases
import`` accept: the scenario, payoff overrides, outcome, and every signal of
the log, retracted ones kept with ``retracted = true``. Signals are written in
date order (timeline files require it); signals with the same date keep their
entry order. A case whose catalog is not the bundled one needs the catalog
written next to the timeline: ``scenario.catalog`` then names that file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from beliefs.errors import BeliefsError
from beliefs.text import data_text

if TYPE_CHECKING:
    from beliefs.cases.records import Case
    from beliefs.catalog import Catalog


def case_to_toml(case: Case, catalog_file: str | None = None) -> str:
    """The timeline TOML text of ``case``; ``catalog_file`` is where its own catalog goes."""
    from beliefs.cases.records import is_bundled_catalog

    tl = case.timeline
    scenario = tl.scenario.model_dump(mode="json", exclude_none=True)
    scenario.pop("catalog", None)
    if not is_bundled_catalog(case.catalog):
        if catalog_file is None:
            raise BeliefsError(
                f"case '{case.name}' uses its own signal catalog (not the bundled one); "
                "export with -o FILE so the catalog can be written next to it"
            )
        scenario["catalog"] = catalog_file
    doc: dict[str, Any] = {"scenario": scenario}
    payoffs = tl.payoffs.model_dump(mode="json", exclude_none=True)
    if payoffs:
        doc["payoffs"] = payoffs
    ordered = sorted(tl.signals, key=lambda s: s.date)  # stable: same-day signals keep entry order
    doc["signals"] = [_signal_table(s) for s in ordered]
    if tl.outcome is not None:
        doc["outcome"] = tl.outcome.toml_table()
    # The origin is a file name, and file names may hold newlines: quoted and escaped,
    # it can never end the comment line and smuggle TOML in.
    origin = json.dumps(case.origin or "unknown", ensure_ascii=True)
    head = f"{EXPORT_MARK} '{case.name}' (origin: {origin}).\n"
    return data_text(head + tomli_w.dumps(doc))


def _signal_table(sig: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "date": sig.date,
        "kind": sig.kind,
        "actor": sig.actor,
        "grade": sig.grade,
        "note": sig.note,
    }
    if sig.source is not None:
        out["source"] = sig.source
    if sig.channel is not None:
        out["channel"] = sig.channel
    if sig.retracted:
        out["retracted"] = True
    if not sig.observed:
        out["observed"] = False
    return out


def catalog_to_toml(catalog: Catalog) -> str:
    """A catalog TOML that :func:`beliefs.catalog.load_catalog` reads back to the same digest."""
    data = catalog.model_dump(mode="json", exclude={"source"})
    return CATALOG_MARK + "\n" + tomli_w.dumps(data)


#: The first line of every file `cases export` writes: what it may overwrite without --force.
EXPORT_MARK = "# Exported from beliefs case"
CATALOG_MARK = "# Signal catalog exported by beliefs."


def check_export_target(path: Path, mark: str, force: bool) -> None:
    """Refuse, before any work, to write where we may not: a missing or read-only folder, a
    directory, or an existing file that `cases export` did not write (unless ``force``)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BeliefsError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise BeliefsError(f"{path}: is a directory")
    if path.exists() and not path.is_file():  # /dev/null, a pipe: never replaced by a rename
        raise BeliefsError(f"{path}: not a regular file; nothing was written")
    if not os.access(folder, os.W_OK):
        raise BeliefsError(f"{path}: the folder {folder} is not writable")
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
    """Write ``text`` to ``path`` via a temporary file and a rename: all or nothing; private (0600),
    as everything that comes from the case store (:mod:`beliefs.outfiles`)."""
    path = Path(path)
    if path.is_dir():
        raise BeliefsError(f"{path}: is a directory")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BeliefsError(f"{path}: the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
