"""The one output-stream rule of the ``beliefs`` command (its entry point runs every command inside it).

Standard output and standard error are files like any other: the disk can
refuse them (``>/dev/full``), the shell can close them (``>&-``), a reader
can go away (``| head -1``). Whatever the command, a stream that fails ends
it with a documented code and never with a traceback:

* **74** -- the stream refused the output (full disk, I/O error, quota) or is
  closed (``>&-``, EBADF): what the command had to say was not delivered.
  The message goes to the other stream when it still works.
* **141** -- the reader of a pipe went away (EPIPE): what a shell reports for a
  process killed by SIGPIPE (128 + 13), so ``set -o pipefail`` sees the cut;
  nothing is printed (there is nobody to read it).

A stream failure overrides the command's own code: its result (or its error
message) did not reach the user. A standard descriptor that was closed at
start is reopened on ``/dev/null`` first, so no file the command opens
(the case database) can take its number and receive output meant for it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

from beliefs.errors import EXIT_IO

#: The exit code when the reader of a pipe went away (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


class OutputStreamError(Exception):
    """Writing to ``<stdout>`` or ``<stderr>`` failed; :attr:`code` is the exit code it means."""

    def __init__(self, name: str, exc: OSError):
        self.name = name
        self.errno = exc.errno
        self.code = EXIT_BROKEN_PIPE if exc.errno == errno.EPIPE else EXIT_IO
        reason = "closed" if exc.errno == errno.EBADF else (exc.strerror or str(exc)).lower()
        super().__init__(f"{name}: {reason}; the output was not delivered")


class GuardedStream:
    """A text stream whose write and flush failures are :class:`OutputStreamError` naming it."""

    def __init__(self, stream: TextIO | io.TextIOBase, name: str):
        self._stream = stream
        self.name = name

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputStreamError(self.name, exc) from None

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputStreamError(self.name, exc) from None

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._stream, attr)


class ClosedStream(io.TextIOBase):
    """Stands for a standard stream that was closed when the process started: every write fails (EBADF)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        if not text:
            return 0
        raise OSError(errno.EBADF, "Bad file descriptor")

    def isatty(self) -> bool:
        return False


def _reserve(fd: int) -> bool:
    """Reopen standard descriptor ``fd`` on /dev/null if it is closed; whether it was."""
    try:
        os.fstat(fd)
        return False
    except OSError:
        pass
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)
    return True


def _silence(fd: int) -> None:
    """Point ``fd`` at /dev/null: the interpreter's own flush at exit then cannot fail again."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


def _tell(exc: OutputStreamError) -> None:
    """Say what failed on the other stream, if that one still works (never on a broken pipe)."""
    if exc.code == EXIT_BROKEN_PIPE or exc.name == "<stderr>":
        return
    from beliefs.interrupts import already_stored

    done = already_stored()
    stored = f" ({' and '.join(done)} had been stored)" if done else ""
    with contextlib.suppress(Exception):
        sys.stderr.write(f"error: {exc}{stored}\n")
        sys.stderr.flush()


def run_guarded(command: Callable[[], object]) -> NoReturn:
    """Run ``command`` (the Typer app) under the output-stream rule, then exit with its code."""
    closed = {fd for fd in (0, 1, 2) if _reserve(fd)}
    out: Any = ClosedStream() if 1 in closed or sys.stdout is None else sys.stdout
    err: Any = ClosedStream() if 2 in closed or sys.stderr is None else sys.stderr
    sys.stdout = GuardedStream(out, "<stdout>")  # type: ignore[assignment]
    sys.stderr = GuardedStream(err, "<stderr>")  # type: ignore[assignment]
    code: Any = 0
    failed: OutputStreamError | None = None
    try:
        command()
    except SystemExit as exc:
        code = exc.code
    except OutputStreamError as exc:
        failed = exc
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OutputStreamError as exc:
            failed = failed or exc
    if failed is not None:
        _tell(failed)
        code = failed.code
        for fd in (1, 2):
            _silence(fd)
    if code is None:
        code = 0
    sys.exit(code)
