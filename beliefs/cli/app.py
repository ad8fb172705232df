"""The Typer application object and what every command shares.

Commands live in modules named ``cli_*.py`` that add themselves to :data:`app`;
:mod:`beliefs.cli.main` imports them all. Front ends outside ``beliefs`` (the TUI)
register through the ``beliefs.commands`` entry-point group, so ``beliefs``
never imports them.

Exit codes (README, "Exit codes"): 0 success, 2 bad input (any :class:`BeliefsError`),
74 the disk or file system refused (an output file, or stdout/stderr: :mod:`beliefs.cli.streams`),
130 interrupted (saying what, if anything, was stored), 141 stdout's reader went away, 1 a bug.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.markup import escape

from beliefs.cli.consoles import make_console, set_width
from beliefs.cli.streams import OutputStreamError
from beliefs.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_IO, BeliefsError
from beliefs.limits import MAX_SEED as MAX_SEED  # every command's --seed (re-exported)
from beliefs.outfile import DISK_ERRNOS
from beliefs.text import data_text, printable

app = typer.Typer(
    name="beliefs",
    help="Bayesian belief updating and decision support for crisis analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    width: int | None = typer.Option(
        None,
        "--width",
        min=20,
        max=1000,
        help="Lay the output out for N columns (default: the terminal's width; not on a terminal, "
        "as wide as the tables need, nothing cut).",
    ),
) -> None:
    """Bayesian belief updating and decision support for crisis analysis."""
    set_width(width)


console = make_console()  # user text never turns into emoji either
err_console = make_console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

SEED_HELP = f"Random seed (0-{MAX_SEED}): the same seed gives the same numbers."
ENGINE_HELP = (
    "auto (importance sampling, NUTS when its Pareto k or ESS says it is unreliable), importance or nuts."
)
DB_HELP = "Case database: a SQLite file, or a postgresql:// URL (default: $BELIEFS_DB, else $XDG_DATA_HOME/beliefs/cases.db)."


def guarded(fn: F) -> F:
    """Every way a command can fail ends in a message and a documented exit code.

    0 success; 2 bad input (any :class:`BeliefsError`, and input too deep or too
    large for Python); 74 the file system refused (full, read-only, no
    permission); 130 interrupted by Ctrl-C or SIGTERM (the message says what had
    been stored, if anything: :func:`beliefs.interrupts.outcome`); 1 only
    for a bug (an exception nobody expected).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from beliefs.interrupts import Interrupted, interrupted, interruptible

        try:
            with interruptible():
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    # After Ctrl-C a sampler may fail on its truncated run ("Not enough
                    # samples"): the interrupt is the cause, report that.
                    if interrupted():
                        raise Interrupted() from None
                    raise
        except OutputStreamError:
            raise  # stdout or stderr failed: the entry point's rule (beliefs.cli.streams) decides
        except BeliefsError as exc:
            _fail(str(exc), getattr(exc, "exit_code", EXIT_BAD_INPUT))
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt as exc:
            from beliefs.interrupts import outcome

            _fail(exc.message if isinstance(exc, Interrupted) else outcome(), EXIT_INTERRUPTED, label="")
        except RecursionError:
            _fail("the input is nested too deeply to read", EXIT_BAD_INPUT)
        except OverflowError as exc:
            _fail(f"a number is too large: {exc}", EXIT_BAD_INPUT)
        except OSError as exc:
            code = EXIT_IO if exc.errno in IO_ERRNOS else EXIT_BAD_INPUT
            _fail(os_message(exc), code)
        except Exception as exc:
            if os.environ.get("BELIEFS_DEBUG"):
                traceback.print_exc()
            err_console.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {safe_markup(str(exc))}\n"
                "(set BELIEFS_DEBUG=1 for the traceback)",
                highlight=False,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


#: errno values that mean "the disk or the file system refused" (exit 74): one list, in beliefs.outfile.
IO_ERRNOS = DISK_ERRNOS


def os_message(exc: OSError) -> str:
    """``PATH: reason`` for an OSError (the path first, as for every other problem)."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENAMETOOLONG:
        reason = "the path is longer than the file system allows"
    where = exc.filename if exc.filename is not None else ""
    return f"{where}: {reason}" if where else reason


def safe_markup(text: str) -> str:
    """Untrusted ``text`` to put inside rich markup: control characters visible, ``[`` escaped."""
    return escape(printable(text, multiline=True))


def _fail(message: str, code: int, label: str = "error: ") -> None:
    err_console.print(
        (f"[bold red]{label}[/]" if label else "") + safe_markup(message), highlight=False, soft_wrap=True
    )
    raise typer.Exit(code) from None


def print_json(obj: Any) -> None:
    """Write one JSON object to stdout: strict JSON (no NaN), no raw control character."""
    try:
        text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity: JSON has no such numbers, so never print them as if it did
        raise BeliefsError(
            "the result holds a non-finite number (NaN or infinity), which JSON cannot carry; "
            "check the inputs' magnitudes"
        ) from None
    sys.stdout.write(data_text(text) + "\n")


def default_db() -> Path:
    """``$XDG_DATA_HOME/beliefs/cases.db`` (``~/.local/share`` when unset)."""
    from beliefs.cases.service import default_db as db

    return db()


@contextmanager
def engine_status(engine: Any, machine_output: bool = False) -> Iterator[None]:
    """Show the engine's long waits (compiling, sampling chains) as a transient status on stderr.

    Only when stderr is a terminal, and not when machine output (--json, --csv)
    goes down a pipe: a pipeline's stderr carries nothing but errors.
    """
    if not err_console.is_terminal or (machine_output and not sys.stdout.isatty()):
        yield
        return
    status: Any = None

    def show(message: str) -> None:
        nonlocal status
        if status is None:
            status = err_console.status(escape(message))
            status.start()
        else:
            status.update(escape(message))

    previous, engine.status = engine.status, show
    try:
        yield
    finally:
        engine.status = previous
        if status is not None:
            status.stop()


def warn_unresolved_actors(assessment: Any, case: str | None = None) -> None:
    """One warning on stderr when some actors resolve to no role (cases stored by older versions).

    ``case``: the stored case's name, put into the warning's ``map-actor`` command.
    """
    from beliefs.text import printable

    summary = assessment.attribution() if assessment is not None else None
    if summary and summary["warning"]:
        text = summary["warning"].replace("map-actor CASE ", f"map-actor {case} ") if case else summary["warning"]
        err_console.print(f"[bold yellow]warning:[/] {safe_markup(printable(text))}", highlight=False)
