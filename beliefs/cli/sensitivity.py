"""``beliefs sensitivity``: how much does the recommendation depend on what we assumed?"""

from __future__ import annotations

from typing import Annotated

import typer

from beliefs.cli.app import (
    ENGINE_HELP,
    MAX_SEED,
    SEED_HELP,
    app,
    console,
    err_console,
    guarded,
    print_json,
    safe_markup,
)


@app.command()
@guarded
def sensitivity(
    timeline: Annotated[str, typer.Argument(help="Timeline file or bundled name (july-1914).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[str | None, typer.Option("--plot", help="Write tornado and map PNGs into DIR.")] = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run the sweep on a local Dask cluster of N processes.")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Run the sweep on an existing Dask cluster: tcp://HOST:PORT, or tls://HOST:PORT."
        ),
    ] = None,
    tls_ca_file: Annotated[
        str | None, typer.Option("--tls-ca-file", help="tls:// scheduler: the CA that signed its certificate.")
    ] = None,
    tls_cert: Annotated[
        str | None, typer.Option("--tls-cert", help="tls:// scheduler: this client's certificate (PEM).")
    ] = None,
    tls_key: Annotated[
        str | None, typer.Option("--tls-key", help="tls:// scheduler: this client's private key (PEM).")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "auto",
    sampler: Annotated[str, typer.Option("--sampler", help="NUTS sampler: nutpie or pymc.")] = "nutpie",
) -> None:
    """Tornado, break-even values, maps, prior sensitivity, Sobol indices and theory lenses."""
    from beliefs.errors import BeliefsError

    if workers is not None and scheduler is not None:
        raise BeliefsError("give --workers N or --scheduler ADDRESS, not both")
    if scheduler is not None:
        from beliefs.studies.sensitivity_analysis.remote import split_address

        split_address(scheduler)  # a bad address fails before the timeline is read
    elif tls_ca_file or tls_cert or tls_key:
        raise BeliefsError("--tls-ca-file/--tls-cert/--tls-key go with --scheduler tls://HOST:PORT")
    if workers is not None:
        from beliefs.studies.sensitivity_analysis.analysis import max_workers

        cap = max_workers()
        if not 1 <= workers <= cap:
            raise BeliefsError(
                f"--workers {workers}: give 1 to {cap} (the number of cores this process may use); "
                "more processes than cores only add memory and start-up time"
            )
    if plot is not None:
        import os
        from pathlib import Path

        target = Path(plot)
        if target.exists() and not target.is_dir():
            raise BeliefsError(f"--plot {plot}: exists and is not a directory")
        if not target.exists() and not target.parent.is_dir():
            raise BeliefsError(f"--plot {plot}: parent directory {target.parent} does not exist")
        if not os.access(target if target.exists() else target.parent, os.W_OK):
            from beliefs.errors import StorageError

            raise StorageError(f"--plot {plot}: the folder is not writable; nothing was written")
    from beliefs.api.run import sensitivity as run_sensitivity

    result = run_sensitivity(
        timeline, seed=seed, workers=workers, scheduler=scheduler, progress=True, engine=engine, sampler=sampler,
        tls_ca_file=tls_ca_file, tls_cert=tls_cert, tls_key=tls_key,
    ).to_dict()  # fmt: skip
    if plot is not None:
        from beliefs.render.sensitivity_plot import write_plots

        for path in write_plots(result, plot):
            err_console.print(safe_markup(f"wrote {path}"), highlight=False)
    if json_out:
        print_json(result)
    else:
        from beliefs.render.sensitivity_tables import sensitivity_view

        console.print(sensitivity_view(result))
