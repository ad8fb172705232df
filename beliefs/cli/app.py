"""The Typer application object and what every command shares.

Commands live in modules named ``cli_*.py`` that add themselves to :data:`app`;
:mod:`beliefs.cli.main` imports them all. Front ends outside ``beliefs`` (the TUI)
register through the ``beliefs.commands`` entry-point group, so ``beliefs``
never imports them.

Exit codes: 0 success, 2 bad input (any :class:`BeliefsError`), 1 internal error.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from beliefs.errors import BeliefsError
from beliefs.text import data_text, printable

app = typer.Typer(
    name="beliefs",
    help="Bayesian belief updating and decision support for crisis analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(emoji=False)  # user text never turns into emoji either
err_console = Console(stderr=True, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])

SEED_HELP = "Random seed: the same seed gives the same numbers."
DB_HELP = "Case database (default: $XDG_DATA_HOME/beliefs/cases.db)."


def guarded(fn: F) -> F:
    """Turn user errors into a clear message + exit 2, anything else into exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BeliefsError as exc:
            err_console.print(f"[bold red]error:[/] {safe_markup(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BELIEFS_DEBUG"):
                traceback.print_exc()
            err_console.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {safe_markup(str(exc))}\n"
                "(set BELIEFS_DEBUG=1 for the traceback)",
                highlight=False,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def safe_markup(text: str) -> str:
    """Untrusted ``text`` to put inside rich markup: control characters visible, ``[`` escaped."""
    return escape(printable(text, multiline=True))


def print_json(obj: Any) -> None:
    """Write one JSON object to stdout (no raw control character, even inside strings)."""
    sys.stdout.write(data_text(json.dumps(obj, indent=2, ensure_ascii=False)) + "\n")


def default_db() -> Path:
    """``$XDG_DATA_HOME/beliefs/cases.db`` (``~/.local/share`` when unset)."""
    from beliefs.cases.service import default_db as db

    return db()
