"""Interrupts: Ctrl-C or SIGTERM stops the work, and nothing half-done is kept.

Samplers are allowed to swallow :class:`KeyboardInterrupt` (``pm.sample``
returns the draws it has so far, as if the run had finished). So the signal
handler installed by :func:`interruptible` also *remembers* that an interrupt
came, and :func:`check` raises :class:`Interrupted` afterwards: a truncated run
is never mistaken for a finished one. What a command has committed is
recorded at the commit (:func:`stored`, done by :func:`storing`), so the exit
message of a later interrupt says what was stored, never "nothing stored". :func:`assess_signals` calls
:func:`check` right after sampling, and the case store's recorder calls it
again before writing, inside :func:`storing`, which defers an interrupt that
arrives while the (millisecond) write transaction runs until it has committed.

Handlers can only be installed from the main thread; elsewhere (the TUI's
workers) :func:`interruptible` does nothing and :func:`check` only sees
interrupts delivered to the main thread's handler.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from beliefs.errors import EXIT_INTERRUPTED

#: The signals that stop a command: Ctrl-C from a terminal, and ``kill``.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received = threading.Event()
_deferring = threading.Event()
#: What the running command has committed or written so far (:func:`storing`, :func:`stored`);
#: kept after its block for the exit message, cleared when the next command starts.
_done: list[str] = []
_in_command = threading.Event()


class Interrupted(KeyboardInterrupt):
    """The user (or the system) asked the command to stop; :attr:`message` says what was stored."""

    def __init__(self, message: str | None = None):
        message = message or outcome()
        super().__init__(message)
        self.message = message


def stored(what: str) -> None:
    """Record that ``what`` (e.g. "the assessment", "the briefing b.html") is committed or written.

    Call it at the commit point: an interrupt after it says so instead of
    "nothing stored". :func:`storing` calls it for you.
    """
    if _in_command.is_set():  # only a command's own record (the Python API keeps none)
        _done.append(what)


def already_stored() -> list[str]:
    """What the running (or just finished) command has committed or written, in order."""
    return list(_done)


def outcome() -> str:
    """The exit message of an interrupt now: "nothing stored", or what had been stored already."""
    if not _done:
        return "interrupted, nothing stored"
    return f"interrupted; {' and '.join(_done)} had already been stored"


def _handler(signum: int, frame: FrameType | None) -> None:
    _received.set()
    if not _deferring.is_set():
        raise Interrupted()


def interrupted() -> bool:
    """Whether a stop signal has arrived since :func:`interruptible` started."""
    return _received.is_set()


def check() -> None:
    """Raise :class:`Interrupted` if a stop signal arrived (even if a sampler swallowed it)."""
    if _received.is_set():
        raise Interrupted()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` and are remembered."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    _received.clear()
    _deferring.clear()
    _done.clear()  # a new command: nothing of it stored yet (kept after the block for its message)
    _in_command.set()
    for s in STOP_SIGNALS:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        _in_command.clear()
        for s, h in previous.items():
            signal.signal(s, h)
        # Outside the block nothing is waiting for this interrupt: a later
        # computation in the same process (the Python API, a test) must not
        # see a stale one and refuse to run.
        _received.clear()


@contextlib.contextmanager
def storing(what: str = "the assessment") -> Iterator[None]:
    """A write that must not be cut in half: refuse to start it after an interrupt,
    and hold an interrupt that arrives meanwhile until the write has committed.

    An interrupt held this way is raised when the block ends, saying that the
    write was completed, so the exit message never claims "nothing stored"
    after something was.
    """
    check()
    _deferring.set()
    try:
        yield
        stored(what)  # before interrupts are let through again: no moment claims "nothing stored"
    finally:
        _deferring.clear()
    if _received.is_set():
        raise Interrupted()


def _exit_now(signum: int, frame: FrameType | None) -> None:
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        sys.stderr.write((outcome() if _done else "interrupted") + "\n")
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def exit_on_stop_signal() -> None:
    """Outside any command: a stop signal exits 130 at once (there is nothing to undo)."""
    if threading.current_thread() is threading.main_thread():
        for s in STOP_SIGNALS:
            signal.signal(s, _exit_now)


@contextlib.contextmanager
def children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore SIGINT; this one answers Ctrl-C again afterwards.

    Ctrl-C in a terminal signals the whole foreground process group: the Dask
    workers of ``sensitivity --workers`` printed ~70 lines of tracebacks as
    they died. An ignored signal stays ignored across fork and exec (and
    Python keeps it so), so workers started here leave the interrupt to this
    process, which stops them as it stops the sweep. A Ctrl-C while they start
    (a few seconds) is not seen. Only in the main thread; elsewhere it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
