"""The `beliefs` command line (docs/reference/cli.md).

This module holds the core commands (assess, validate, catalog, timelines)
and imports the modules that add the others. Heavy imports (PyMC) happen
inside commands, never at start-up.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Annotated, Any

import typer

from beliefs.cli.app import (
    ENGINE_HELP,
    MAX_SEED,
    SEED_HELP,
    app,
    console,
    engine_status,
    guarded,
    print_json,
    safe_markup,
)
from models import SAMPLERS

if TYPE_CHECKING:
    from beliefs.api.inputs import Crisis
    from models.engine import SamplerSettings

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON object (`beliefs schema NAME` prints its JSON Schema).")
]
SeedOpt = Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)]
SamplerOpt = Annotated[
    str,
    typer.Option(
        "--sampler", help=f"NUTS sampler: {' or '.join(SAMPLERS)} (see README for when each is faster)."
    ),
]
EngineOpt = Annotated[str, typer.Option("--engine", help=ENGINE_HELP)]


TimelineArg = Annotated[str | None, typer.Argument(help="Timeline file or bundled name (july-1914).")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Case database.")]
ExplainTermsOpt = Annotated[
    bool,
    typer.Option("--explain-terms", help="After the output, define the terms it uses (MCSE, HDI, EVPI...)."),
]


def print_with_terms(view: Any, explain_terms: bool) -> None:
    """Print ``view``; with ``explain_terms``, then the glossary entries (beliefs.render.glossary) of the terms it used."""
    if not explain_terms:
        console.print(view)
        return
    with console.capture() as cap:
        console.print(view)
    shown = cap.get()
    sys.stdout.write(shown)
    from rich.text import Text

    from beliefs.render.glossary import terms_in

    terms = Text("\nTerms used above (docs/glossary.md):\n", style="bold")
    for t in terms_in(Text.from_ansi(shown).plain):
        terms.append(f"  {t.name}", style="bold")
        terms.append(f": {t.meaning}\n")
    console.print(terms)


def crisis_of(timeline: str | None, case: str | None, db: str | None) -> Crisis | str:
    """What a command works on: TIMELINE or the stored case --case NAME (exactly one of them)."""
    from beliefs.api import inputs
    from beliefs.errors import ArgumentError

    if (timeline is None) == (case is None):
        raise ArgumentError("TIMELINE / --case", "give a TIMELINE or --case NAME (one of them)")
    if case is not None:
        return inputs.open_case(case, db)
    assert timeline is not None
    return timeline


def settings_for(sampler: str = "nutpie", engine: str = "auto") -> SamplerSettings:
    from beliefs.api.run import sampler_settings

    return sampler_settings(sampler, engine)


@app.command()
@guarded
def assess(
    timeline: TimelineArg = None,
    case: Annotated[str | None, typer.Option("--case", help="Assess a stored case instead.")] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
    seed: SeedOpt = 0,
    sampler: SamplerOpt = "pymc",
    engine: EngineOpt = "auto",
    explain_terms: ExplainTermsOpt = False,
) -> None:
    """Posterior and recommendation after all signals."""
    from beliefs.api import run

    crisis = crisis_of(timeline, case, db)
    from beliefs.runs.engines import shared_engine

    with engine_status(shared_engine(settings_for(sampler, engine)), machine_output=json_out):
        result = run.assess(crisis, seed=seed, sampler=sampler, engine=engine)
    from beliefs.cli.app import warn_unresolved_actors

    warn_unresolved_actors(result.assessment, case)
    if json_out:
        print_json(result.to_dict())
    else:
        from beliefs.render.tables import assessment_view

        print_with_terms(assessment_view(result.assessment), explain_terms)


@app.command()
@guarded
def validate(
    timeline: Annotated[str, typer.Argument(help="Timeline file or bundled name.")],
) -> None:
    """Exit 0 if the timeline (and its catalog) is valid, else list every problem."""
    from beliefs.text import shorten
    from beliefs.timeline import load_timeline

    tl, catalog = load_timeline(timeline)
    console.print(
        f"[green]valid[/]: {safe_markup(shorten(tl.scenario.title, 200))} -- {len(tl.signals)} signals, "
        f"catalog {safe_markup(catalog.source)} ({len(catalog.kinds)} kinds)",
        highlight=False,
    )


@app.command()
@guarded
def catalog(
    json_out: JsonOpt = False,
    path: Annotated[str | None, typer.Option("--path", help="A catalog file (default: bundled).")] = None,
) -> None:
    """List the signal kinds of the catalog."""
    from beliefs.catalog import load_catalog

    cat = load_catalog(path)
    if json_out:
        print_json(cat.model_dump(mode="json"))
    else:
        from beliefs.render.tables import catalog_view

        console.print(catalog_view(cat, console.layout_width))


@app.command()
@guarded
def timelines(json_out: JsonOpt = False) -> None:
    """List the bundled crisis timelines."""
    from rich.table import Table

    from beliefs.text import literal
    from beliefs.timeline import bundled_summaries

    rows = bundled_summaries()
    if json_out:
        print_json(rows)
        return
    table = Table(title="Bundled timelines", title_justify="left", box=None, padding=(0, 1))
    for col in ("name", "title", "polarity", "signals", "from", "to"):
        table.add_column(col, no_wrap=col != "title", ratio=1 if col == "title" else None)
    for r in rows:
        table.add_row(
            *(literal(r[k] or "") for k in ("name", "title", "polarity", "n_signals", "first", "last"))
        )
    console.print(table)


def _load_command_modules() -> None:
    """Import the modules that add commands, and plug-ins of other packages."""
    import importlib
    import pkgutil

    import beliefs.cli

    for mod in pkgutil.iter_modules(beliefs.cli.__path__):
        if mod.name not in ("app", "main", "__main__"):
            importlib.import_module(f"beliefs.cli.{mod.name}")
    for ep in entry_points(group="beliefs.commands"):
        ep.load()(app)


def main() -> None:
    """Console-script entry point."""
    from beliefs.interrupts import exit_on_stop_signal

    # Outside a command (parsing arguments, loading modules, after the command has
    # finished) a stop signal ends the process at once; inside, the command's own
    # handler takes over (:func:`beliefs.cli.app.guarded`).
    exit_on_stop_signal()
    from beliefs.cli.streams import run_guarded

    def run() -> None:
        _load_command_modules()
        app()

    # One rule for stdout and stderr failing (closed, full, a pipe whose reader left):
    # exit 74 (141 for a broken pipe), never a traceback (beliefs.cli.streams).
    run_guarded(run)


if __name__ == "__main__":
    main()
