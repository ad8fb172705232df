"""`beliefs backtest [TIMELINE|DIR ...] [--json] [--plot FILE.png] [--seed N]`.

Scores P(adversary expansionist) against the historians' verdict in each
timeline's ``[outcome] adversary_type`` (default: every bundled timeline).
The computation is :func:`beliefs.studies.backtesting.backtest`; this module only
prints. Every file is validated before any sampling; the progress bar goes
to stderr, so ``--json`` stdout stays clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from beliefs.cli.app import ENGINE_HELP, MAX_SEED, SEED_HELP, app, console, err_console, guarded, print_json


@app.command()
@guarded
def backtest(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Timeline files, bundled names or directories of timelines (default: all bundled)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw the reliability diagram to FILE.png.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)] = 0,
    sampler: Annotated[
        str, typer.Option("--sampler", help="nutpie (default: compile once, fast re-samples) or pymc.")
    ] = "nutpie",
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "auto",
) -> None:
    """Calibration against history: Brier and log scores of P(expansionist), against the priors and a coin."""
    import warnings

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from beliefs.api.run import backtest as run_backtest
    from beliefs.api.run import sampler_settings
    from beliefs.cli.replay import _check_plot_path

    if plot is not None:
        _check_plot_path(plot)
    sampler_settings(sampler, engine)  # an unknown sampler or engine fails before any work
    # The prior's draws of P(exp|theta) are constant, so R-hat divides 0 by 0 (as in replay).
    warnings.filterwarnings(
        "ignore", message="invalid value encountered in scalar divide", category=RuntimeWarning
    )
    with Progress(
        TextColumn("backtest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("steps", total=None)
        scored = run_backtest(
            list(targets or []),
            seed=seed,
            sampler=sampler,
            engine=engine,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    result = scored.backtest
    if plot is not None:
        from beliefs.render.backtest_plot import save_backtest_plot

        save_backtest_plot(result, plot)
        from beliefs.cli.app import safe_markup

        err_console.print(safe_markup(f"plot written to {plot}"), highlight=False)
    if json_out:
        print_json(scored.to_dict())
    else:
        from beliefs.render.backtest_table import backtest_view

        console.print(backtest_view(result))
    if not result.reliable:
        err_console.print(
            "[bold red]warning:[/] the sampler reports trouble in some replays: treat those scores as unreliable.",
            highlight=False,
        )
