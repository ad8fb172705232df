"""`beliefs report TIMELINE|--case NAME [-o FILE.html] [--pdf FILE.pdf] [--sensitivity] [--compare OTHER | --as-of DATE]`.

One self-contained HTML briefing (see :mod:`beliefs.render.report_html`): the
recommendation with its honesty, the belief over time, the ally, the options,
the evidence, what to watch, optional sensitivity, assumptions and
provenance. Output paths are checked before any computation; files are
written whole (temporary file, then rename) and an existing file is
replaced only when it is an earlier beliefs report or ``--force`` is given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from beliefs.cli.app import DB_HELP, MAX_SEED, SEED_HELP, app, err_console, guarded, safe_markup
from beliefs.errors import BeliefsError
from beliefs.interrupts import storing

if TYPE_CHECKING:
    from beliefs.runs.briefing import Analysis


def _database(db: str | None) -> Path | None:
    from beliefs.cases.service import database_file

    return database_file(db)


def _load(
    source: str | None, case: str | None, db: str | None
) -> tuple[Any, Any, dict[str, Any], tuple[int | None, ...]]:
    """(timeline, catalog, origin, signal ids) of a timeline file, bundled name or stored case."""
    from beliefs.runs.briefing import file_sha256, log_sha256
    from beliefs.timeline import load_timeline, resolve_timeline

    if case is not None:
        from beliefs.cases.service import open_store

        with open_store(db, case=case) as store:
            loaded = store.load_case(case)
        tl = loaded.timeline
        from beliefs.cases.records import writers

        origin = {"kind": "case", "name": case, "case": case, "sha256": log_sha256(tl)}
        if writers(loaded):  # a PostgreSQL store records the database user of every row
            origin["writers"] = writers(loaded)
        return tl, loaded.catalog, origin, tuple(loaded.signal_ids)
    assert source is not None
    tl, catalog = load_timeline(source)
    path, bundled = resolve_timeline(source)
    origin = {
        "kind": "bundled timeline" if bundled else "timeline",
        "name": source,
        "sha256": file_sha256(path),
    }
    return tl, catalog, origin, ()


def _analyse(
    tl: Any, catalog: Any, origin: dict[str, Any], ids: tuple[int | None, ...], seed: int, label: str
) -> Analysis:
    from beliefs.runs.briefing import analyse
    from beliefs.runs.engines import shared_engine

    return analyse(tl, catalog, label=label, origin=origin, seed=seed, engine=shared_engine(), signal_ids=ids)


@app.command()
@guarded
def report(
    timeline: Annotated[str | None, typer.Argument(help="Timeline file or bundled name (july-1914).")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Report on a stored case instead.")] = None,
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The HTML file (default: NAME-briefing.html).")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also print the page to FILE.pdf (needs Chromium).")
    ] = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Add the tornado and break-even values.")
    ] = False,
    compare: Annotated[
        str | None, typer.Option("--compare", help="A second timeline, shown side by side.")
    ] = None,
    compare_case: Annotated[
        str | None, typer.Option("--compare-case", help="A second stored case, side by side.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Compare with the same log as it stood on DATE (YYYY-MM-DD)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)] = 0,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file that is not a beliefs report.")
    ] = False,
) -> None:
    """A briefing to hand over: one self-contained HTML page (and PDF)."""
    from beliefs.render.report_html import render_report
    from beliefs.runs.briefing import as_of as cut
    from beliefs.runs.briefing import report_context

    if (timeline is None) == (case is None):
        raise BeliefsError("give a TIMELINE or --case NAME (one of them)")
    if sum(x is not None for x in (compare, compare_case, as_of)) > 1:
        raise BeliefsError("--compare, --compare-case and --as-of are exclusive: choose one")
    date = None
    if as_of is not None:
        try:
            date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise BeliefsError(f"--as-of {as_of!r}: not a date (YYYY-MM-DD)") from None
    name = case or Path(str(timeline)).stem
    output = output or Path(f"{name}-briefing.html")
    database = _database(db) if (case or compare_case) else None
    from beliefs.runs.briefing_files import check_output, write_briefing

    check_output(output, ".html", force, database=database)
    if pdf is not None:
        check_output(pdf, ".pdf", force, database=database)
        if pdf.resolve() == output.resolve():
            raise BeliefsError(f"{pdf}: the PDF and the HTML page cannot be the same file")
        from beliefs.render.browser import INSTALL_HINT, find_chromium

        if find_chromium() is None:
            raise BeliefsError(INSTALL_HINT)

    tl, catalog, origin, ids = _load(timeline, case, db)
    other = None
    if compare is not None or compare_case is not None:
        otl, ocat, oorigin, oids = _load(compare, compare_case, db)
        other = (otl, ocat, oorigin, oids, str(compare or compare_case))
    elif date is not None:
        then = cut(tl, date)
        if not then.signals:
            raise BeliefsError(f"--as-of {date}: no signal is dated on or before it")
        other = (
            then,
            catalog,
            {**origin, "name": f"{origin['name']} as of {date}"},
            ids[: len(then.signals)],
            f"as of {date}",
        )

    show = err_console.is_terminal
    status = err_console.status("replaying the timeline...") if show else None
    if status is not None:
        status.start()
    try:
        primary = _analyse(tl, catalog, origin, ids, seed, "now" if date is not None else name)
        second = None if other is None else _analyse(*other[:4], seed, other[4])
        sens = None
        if sensitivity:
            from beliefs.studies.sensitivity_analysis.analysis import quick_sensitivity

            sens = quick_sensitivity(primary.replay.final, tl, catalog)
    finally:
        if status is not None:
            status.stop()
    html = render_report(report_context(primary, other=second, sensitivity=sens, seed=seed))
    private = case is not None or compare_case is not None  # from the case store: 0600 (beliefs.outfile)
    with storing(f"the briefing {output}"):
        write_briefing(output, html, private=private)
    err_console.print(
        safe_markup(f"report written to {output} ({len(html.encode()) / 1024:.0f} KiB)"), highlight=False
    )
    if pdf is not None:
        from beliefs.render.browser import write_pdf

        write_pdf(output, pdf, private=private)
        err_console.print(safe_markup(f"PDF written to {pdf}"), highlight=False)
    if not primary.replay.final.reliable:
        err_console.print("[bold red]warning:[/] the run is unreliable; the report says so.", highlight=False)
