"""``beliefs tui``: registered through the ``beliefs.commands`` entry point.

``beliefs`` never imports :mod:`tui`; this module adds the command to the
Typer app when ``beliefs.cli.main`` loads the entry-point group. Everything heavy
(Textual, the app) is imported inside the command.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from beliefs.cli.app import DB_HELP, ENGINE_HELP, MAX_SEED, SEED_HELP, guarded


def register(app: typer.Typer) -> None:
    """Add the ``tui`` command to ``app``."""

    @app.command()
    @guarded
    def tui(
        timeline: Annotated[
            str | None, typer.Argument(help="Timeline file or bundled name (july-1914) to open and replay.")
        ] = None,
        case: Annotated[
            str | None, typer.Option("--case", help="Open a stored case (changes are saved to it).")
        ] = None,
        db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
        seed: Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)] = 0,
        engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "auto",
        sampler: Annotated[str, typer.Option("--sampler", help="NUTS sampler: nutpie or pymc.")] = "nutpie",
    ) -> None:
        """The analyst's terminal UI: enter signals, watch beliefs and the recommendation move, replay."""
        from beliefs.cli.main import settings_for
        from beliefs.errors import BeliefsError
        from beliefs.runs.engines import set_default_settings

        set_default_settings(settings_for(sampler, engine))
        from tui.cases import CaseLink

        cases = CaseLink(db)
        if timeline is not None and case is not None:
            raise BeliefsError("give a TIMELINE or --case NAME, not both")
        session = None  # no TIMELINE and no case: the open screen
        if case is not None:
            session = cases.open(case, seed=seed)
        elif timeline is not None:
            from beliefs.timeline import load_timeline
            from tui.session import Session

            tl, catalog = load_timeline(timeline)
            session = Session.from_timeline(tl, catalog, seed=seed)
        from tui.app import BeliefsApp
        from tui.theme import config_file

        try:
            # Arguments are checked first; then, without a terminal, Textual would draw into a file forever.
            if not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise BeliefsError(
                    "`beliefs tui` needs a terminal (its input or output is redirected); "
                    "in scripts use `beliefs assess`, `replay` or `cases`"
                )
            BeliefsApp(session, cases=cases, seed=seed, config=config_file()).run()
        finally:
            cases.close()
