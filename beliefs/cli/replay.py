"""`beliefs replay TIMELINE|--case NAME [--json|--csv] [--plot FILE.png] [--seed N]`.

Default output is a rich table with one row per step (step 0 = the prior),
a flip marker where the recommendation changes and an unreliable marker
where the sampler reports trouble; at the end the historical choice from the
timeline's ``[outcome]`` stands next to the final recommendation. The table
and the CSV are drawn by :mod:`beliefs.render.replay_table`. The progress bar
goes to stderr, so ``--json`` and ``--csv`` stdout stay clean.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from beliefs.cli.app import (
    ENGINE_HELP,
    MAX_SEED,
    SEED_HELP,
    app,
    console,
    engine_status,
    err_console,
    guarded,
    print_json,
    safe_markup,
)

if TYPE_CHECKING:
    from beliefs.api.inputs import Crisis
    from beliefs.api.results import ReplayResult
    from models.engine import SamplerSettings


@app.command()
@guarded
def replay(
    timeline: Annotated[str | None, typer.Argument(help="Timeline file or bundled name (july-1914).")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Replay a stored case instead.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Case database.")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (`beliefs schema replay` prints its JSON Schema).")
    ] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per step.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw the trajectories to FILE.png.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)] = 0,
    sampler: Annotated[
        str, typer.Option("--sampler", help="nutpie (default: compile once, fast re-samples) or pymc.")
    ] = "nutpie",
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "auto",
) -> None:
    """Posterior and recommendation after every signal (step 0 = the prior)."""
    from beliefs.errors import BeliefsError

    if json_out and csv_out:
        raise BeliefsError("--json and --csv are exclusive: choose one output format")
    if plot is not None:
        _check_plot_path(plot)
    from beliefs.api.inputs import load_timeline
    from beliefs.api.run import sampler_settings
    from beliefs.cli.main import crisis_of

    target = crisis_of(timeline, case, db)
    crisis = load_timeline(target) if isinstance(target, str) else target
    settings = sampler_settings(sampler, engine)
    replayed = _run(crisis, seed, settings, machine_output=json_out or csv_out)
    result = replayed.replay
    if plot is not None:
        from beliefs.render.replay_plot import save_replay_plot

        save_replay_plot(result, plot, private=crisis.case is not None)  # beliefs.outfile
        err_console.print(safe_markup(f"plot written to {plot}"), highlight=False)
    if json_out:
        print_json(replayed.to_dict())
    elif csv_out:
        from beliefs.render.replay_table import replay_csv

        sys.stdout.write(replay_csv(result))  # cells made safe by beliefs.text.csv_cell
    else:
        from beliefs.render.replay_table import replay_view

        console.print(replay_view(result, crisis.shown_ids))
    if not result.reliable:
        err_console.print(
            f"[bold red]warning:[/] the sampler reports trouble at step(s) "
            f"{', '.join(map(str, result.unreliable_steps))}: treat those numbers as unreliable.",
            highlight=False,
        )


def _check_plot_path(plot: Path) -> None:
    """A PNG file name whose folder exists (exit 2) and may be written (exit 74): :mod:`beliefs.outfile`."""
    from beliefs.errors import BeliefsError
    from beliefs.outfile import check_target

    if plot.suffix.lower() != ".png":
        raise BeliefsError(f"--plot {plot}: the figure is written as PNG; give a file name ending in .png")
    check_target(plot)


def _run(crisis: Crisis, seed: int, settings: SamplerSettings, machine_output: bool = False) -> ReplayResult:
    """Replay with a progress bar on stderr; the engine's long waits (compiling) show in it."""
    import warnings

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from beliefs.api.run import replay as run_replay
    from beliefs.evidence.encode import encode_signals
    from beliefs.runs.engines import shared_engine
    from beliefs.text import printable

    # The prior's draws of P(exp|theta) are constant, so R-hat divides 0 by 0; the
    # diagnostics treat that as converged and numpy's warning is noise here.
    warnings.filterwarnings(
        "ignore", message="invalid value encountered in scalar divide", category=RuntimeWarning
    )
    tl = crisis.timeline
    engine = shared_engine(settings)
    inputs = encode_signals(tl.scenario, [], crisis.catalog)
    show = err_console.is_terminal and not (machine_output and not sys.stdout.isatty())
    with engine_status(engine, machine_output):
        if not engine.is_ready(inputs):  # NUTS only: compile before the bar starts
            engine.prepare(inputs)
    name = escape(printable(tl.name or tl.scenario.title))
    with Progress(
        TextColumn("replaying {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task(name, total=len(tl.signals) + 1)

        def status(message: str) -> None:  # e.g. a step falls back to NUTS and compiles
            bar.update(task, description=f"{name}: {escape(message)}")

        previous, engine.status = engine.status, (status if show else None)
        try:
            return run_replay(
                crisis,
                seed=seed,
                sampler=settings.sampler,
                engine=settings.method,
                progress=lambda done, total: bar.update(task, completed=done),
            )
        finally:
            engine.status = previous
