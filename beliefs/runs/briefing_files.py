"""A briefing's files: refusing an output before any work, writing the page whole or not at all.

What the briefing says is :mod:`beliefs.runs.briefing`'s; the page is drawn by
:mod:`beliefs.render.report_html` and printed to PDF by :mod:`beliefs.render.browser`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from beliefs.errors import BeliefsError

if TYPE_CHECKING:
    from beliefs.catalog import Catalog
    from beliefs.timeline import Timeline
    from models.engine import Engine

#: How a file that a briefing wrote begins (the page's generator tag): only such a file is replaced without --force.
GENERATOR_MARK = b'<meta name="generator" content="beliefs'


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
    timeline: Timeline,
    catalog: Catalog,
    *,
    label: str,
    origin: dict[str, Any],
    seed: int = 0,
    engine: Engine | None = None,
) -> str:
    """The whole briefing page of ``timeline`` (what ``beliefs report`` writes, without options)."""
    from beliefs.render.report_html import render_report
    from beliefs.runs.briefing import analyse, report_context

    return render_report(
        report_context(
            analyse(timeline, catalog, label=label, origin=origin, seed=seed, engine=engine), seed=seed
        )
    )
