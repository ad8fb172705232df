"""Errors a user can act on: every problem names the file, the entry and the field."""

from __future__ import annotations

from dataclasses import dataclass

from beliefs.text import printable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file."""

    file: str
    entry: str  # e.g. "signals[3]", "kind 'arms_buildup'", "[scenario]", "" for the whole file
    field: str  # e.g. "grade"; "" when the problem is the entry as a whole
    message: str

    def __str__(self) -> str:
        """One line, with any control character of a file name, key or value made visible."""
        where = ", ".join(part for part in (self.entry, self.field) if part)
        text = f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"
        return printable(text)


class BeliefsError(Exception):
    """Base class of the errors `beliefs` reports to its users (exit code 2)."""


class InputError(BeliefsError):
    """One or more problems in an input file, all reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        files = sorted({p.file for p in self.problems})
        head = printable(f"{len(self.problems)} problem(s) in {', '.join(files)}:")
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class NotFoundError(BeliefsError):
    """A named thing (timeline, case, kind) does not exist."""


#: Exit codes of the ``beliefs`` command (README, "Exit codes").
EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: please report it (BELIEFS_DEBUG=1 shows the traceback)
EXIT_BAD_INPUT = 2  # bad input or arguments; the message names the file, entry and field
EXIT_IO = 74  # the disk said no: full, read-only, permission denied, I/O error (sysexits EX_IOERR)
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM: stopped, nothing stored (128 + SIGINT)


class StorageError(BeliefsError):
    """The file system or the disk refused: full, read-only, no permission (exit 74)."""

    exit_code = EXIT_IO


class CaseNotFoundError(NotFoundError):
    """No stored case of that name in the case database."""


class ArgumentError(BeliefsError):
    """A bad option or keyword argument (not a file): ``option`` names it."""

    def __init__(self, option: str, message: str):
        self.option = option
        super().__init__(f"{option}: {message}")


class UnreliableRunError(BeliefsError):
    """The engine could not be trusted on this run; ``problems`` says why.

    Raised on request only (``result.require_reliable()``): by default a result
    carries ``reliable = False`` and its problems, and is shown as such.
    """

    def __init__(self, what: str, problems: tuple[str, ...] | list[str]):
        self.problems = tuple(problems)
        super().__init__(f"{what}: unreliable run: {'; '.join(self.problems) or 'no reason given'}")
