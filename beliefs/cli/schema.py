"""`beliefs schema timeline|catalog|assess|replay|explain|backtest|sensitivity`: print a JSON Schema."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from beliefs.cli.app import app, guarded


@app.command()
@guarded
def schema(
    name: Annotated[
        str,
        typer.Argument(
            help="timeline or catalog (the files), or assess, replay, explain, backtest, sensitivity (--json output)."
        ),
    ],
) -> None:
    """Print the JSON Schema of a file format or of a command's JSON output (for editors and tools)."""
    from beliefs.schema import dumps
    from beliefs.schema import schema as get

    sys.stdout.write(dumps(get(name)))
