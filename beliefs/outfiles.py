"""Output files: all or nothing, and one rule for who may read them.

* What comes from the case store (``cases export``, ``report --case``,
  ``replay --case --plot``) is written **private, mode 0600**: a stored case
  holds the analyst's own signal log, which may be sensitive, and the store
  itself is private (0600, in a 0700 folder).
* Everything else (a report, plot or figure of a timeline file or a bundled
  crisis, the backtest and sensitivity plots) follows the **umask**
  (``0666 & ~umask``, usually 0644), as any file the user makes.

Every file is written to a temporary file in the same folder and renamed over
the target, so a reader never sees half a file and a failure leaves none.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

PRIVATE = 0o600


def ordinary_mode() -> int:
    """The mode the user's umask gives a new ordinary file (``0666 & ~umask``)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_with(path: str | Path, write: Callable[[str], None], *, private: bool, suffix: str = "") -> Path:
    """Run ``write(tmp)`` on a temporary file beside ``path``, set the mode by the rule, rename it to ``path``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=folder)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, PRIVATE if private else ordinary_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def write_text(path: str | Path, text: str, *, private: bool) -> Path:
    """Write ``text`` (UTF-8) to ``path`` all or nothing, with the mode the rule gives."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return write_with(path, write, private=private)


def save_figure(fig: Any, path: str | Path, *, private: bool, **savefig: Any) -> Path:
    """Save a matplotlib figure as ``path`` all or nothing, with the mode the rule gives."""
    suffix = Path(path).suffix or ".png"
    return write_with(path, lambda tmp: fig.savefig(tmp, **savefig), private=private, suffix=suffix)
