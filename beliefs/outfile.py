"""Output files: one rule for every file a command writes (exports, briefings, PDFs, plots).

* **Who may read them** (``private``): what comes from the case store
  (``cases export``, ``report --case`` and its PDF, the TUI's briefing of a
  case, ``replay --case --plot``) is written **private, mode 0600**: a stored
  case holds the analyst's own signal log, which may be sensitive, and the
  store itself is private (0600, in a 0700 folder). Everything else (a report,
  plot or figure of a timeline file or a bundled crisis, the backtest and
  sensitivity plots) follows the **umask** (``0666 & ~umask``, usually 0644),
  as any file the user makes.

* **Checked before any work** (:func:`check_target`): a folder that does not
  exist, or a target that is a directory or not a regular file, is bad input
  (exit 2); a folder the user may not write to is the file system refusing
  (exit 74); the case database itself, its ``-wal``/``-shm``/``-journal``
  files, or any link to them, is never an output (exit 2, nothing touched).
* **Written whole** (:func:`write_via`): into a temporary file beside the
  target, checked, flushed to disk, then renamed over the target. A failure
  leaves the target as it was, removes the temporary file, and is reported
  naming the *target* (never the temporary file): exit 74 when the disk
  refused (full, read-only, no permission, I/O error), as
  :class:`~beliefs.errors.StorageError`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from beliefs.errors import BeliefsError, StorageError

#: errno values that mean "the disk or the file system refused" (exit 74).
DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG}
)

PRIVATE = 0o600


def ordinary_mode() -> int:
    """The mode the user's umask gives a new ordinary file (``0666 & ~umask``)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def mode_for(private: bool) -> int:
    """The rule: 0600 for what comes from the case store, the umask for the rest."""
    return PRIVATE if private else ordinary_mode()


#: The files SQLite keeps beside a database: none of them is ever an output.
DB_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_target(path: Path, *, database: Path | str | None = None) -> None:
    """Refuse, before any work, an output at ``path`` that cannot or must not be written."""
    path = Path(path)
    folder = folder_of(path)
    if not folder.is_dir():
        raise BeliefsError(f"{path}: the folder {folder} does not exist; nothing was written")
    if path.is_dir():
        raise BeliefsError(f"{path}: is a directory; nothing was written")
    if path.exists() and not path.is_file():  # /dev/null, a pipe: never replaced by a rename
        raise BeliefsError(f"{path}: not a regular file; nothing was written")
    refuse_database(path, database)
    if not os.access(folder, os.W_OK):
        raise StorageError(f"{path}: the folder {folder} is not writable; nothing was written")


def refuse_database(path: Path, database: Path | str | None) -> None:
    """Refuse ``path`` when it is the case database or one of its side files (by name or by link)."""
    if database is None:
        return
    path, db = Path(path), Path(database)
    for side in DB_SIDE_FILES:
        other = db.with_name(db.name + side)
        same = False
        with contextlib.suppress(OSError):
            same = path.exists() and other.exists() and os.path.samefile(path, other)
        if same or path.resolve() == other.resolve():
            raise BeliefsError(
                f"{path}: is the case database {db}{' (its ' + side + ' file)' if side else ''}; "
                "an output never replaces it (not even with --force); nothing was written"
            )


def disk_error(path: Path, exc: OSError) -> BeliefsError:
    """``exc`` (raised writing ``path`` or its temporary file) as an error naming ``path``."""
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno == errno.EDQUOT:
        reason = "the disk quota is exceeded"
    else:
        reason = exc.strerror or str(exc)
        reason = reason[:1].lower() + reason[1:]
    message = f"{path}: could not be written: {reason}; nothing was written"
    return StorageError(message) if exc.errno in DISK_ERRNOS else BeliefsError(message)


def write_via(
    path: Path,
    write: Callable[[Path], object],
    *,
    check: Callable[[Path], None] | None = None,
    private: bool,
) -> Path:
    """Have ``write`` write a temporary file beside ``path``, ``check`` it, then rename it to ``path``.

    ``private``: mode 0600, else as the umask says (the rule above). All or nothing:
    on any failure the temporary file is removed and ``path`` is untouched.
    An :class:`OSError` becomes :func:`disk_error`, naming ``path``.
    """
    path = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder_of(path))
        os.close(fd)
        write(Path(tmp))
        if check is not None:
            check(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode_for(private))
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise disk_error(path, exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path


def write_text(path: Path, text: str, *, private: bool) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole, or not at all (see :func:`write_via`)."""
    data = text.encode("utf-8")

    def write(tmp: Path) -> None:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def same_size(tmp: Path) -> None:
        if tmp.stat().st_size != len(data):
            raise OSError(errno.EIO, "the written file is shorter than its text")

    return write_via(path, write, check=same_size, private=private)


def save_figure(fig: Any, path: Path | str, *, private: bool, dpi: int = 100) -> Path:
    """Save a matplotlib figure as PNG at ``path`` whole or not at all (:func:`write_via`), then close it."""
    import matplotlib.pyplot as plt

    try:
        return write_via(
            Path(path), lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"), check=_png, private=private
        )
    finally:
        plt.close(fig)


def _png(tmp: Path) -> None:
    with tmp.open("rb") as fh:
        head = fh.read(8)
        fh.seek(max(0, tmp.stat().st_size - 12))
        tail = fh.read()
    if head != b"\x89PNG\r\n\x1a\n" or b"IEND" not in tail:
        raise OSError(errno.EIO, "the written PNG is incomplete")
