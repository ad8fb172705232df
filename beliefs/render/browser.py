"""Headless Chromium for the briefing: print to PDF, take a screenshot.

Uses the browser the system has (Debian's ``chromium`` package, or Google
Chrome); it is started with a fresh, throw-away profile, without network
services, GPU or sandbox helpers a container lacks (``--no-sandbox`` only
when running as root, where Chromium refuses to start otherwise).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from beliefs.errors import BeliefsError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "the PDF needs headless Chromium: install it (Debian/Ubuntu: `sudo apt-get install chromium`) "
    "or print the HTML report from any browser"
)
TIMEOUT = 120


class BrowserMissing(BeliefsError):
    """No Chromium on this machine."""


def find_chromium() -> str | None:
    """The path of a Chromium-family browser, or None."""
    override = os.environ.get("BELIEFS_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    browser = find_chromium()
    if browser is None:
        raise BrowserMissing(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="beliefs-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--no-sandbox")
        proc = subprocess.run(
            [*cmd, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    return proc


def print_pdf(html: Path, pdf: Path, *, name: Path | None = None) -> str:
    """Print ``html`` to ``pdf`` (A4/Letter from the page's CSS); returns Chromium's log.

    ``name``: the file to name in a failure (the final path when ``pdf`` is a temporary file).
    """
    proc = _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()])
    if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise BeliefsError(f"{name or pdf}: Chromium could not print the report (exit {proc.returncode})")
    return proc.stderr


def check_pdf(pdf: Path) -> None:
    """Raise :class:`OSError` (EIO) unless ``pdf`` is a whole PDF: ``%PDF`` first, ``%%EOF`` last.

    A full disk truncates a printed file without Chromium saying so: this is how it shows.
    """
    import errno

    size = pdf.stat().st_size
    with pdf.open("rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, size - 1024))
        tail = fh.read()
    if size == 0 or not head.startswith(b"%PDF") or b"%%EOF" not in tail:
        raise OSError(
            errno.EIO, f"the printed PDF is incomplete ({size:,} bytes, no %%EOF): is the disk full?"
        )


def write_pdf(html: Path, pdf: Path, *, private: bool = False) -> Path:
    """Print ``html`` to ``pdf`` whole or not at all (:func:`beliefs.outfile.write_via`); 74 if the disk refused.

    ``private`` (a stored case's briefing): 0600, else the umask (:mod:`beliefs.outfile`).
    """
    from beliefs.outfile import write_via

    return write_via(pdf, lambda tmp: print_pdf(html, tmp, name=pdf), check=check_pdf, private=private)


def screenshot(html: Path, png: Path, width: int = 1000, height: int = 1400) -> str:
    """A PNG of the top of the page; returns Chromium's log (console messages included)."""
    proc = _run(
        [
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ]
    )
    if proc.returncode != 0 or not png.exists():
        raise BeliefsError(f"{png}: Chromium could not take a screenshot (exit {proc.returncode})")
    return proc.stderr


def console_errors(log: str) -> list[str]:
    """The page's console errors and failed loads in a Chromium log."""
    bad = ("CONSOLE", "Uncaught", "net::ERR_", "Failed to load resource")
    return [line for line in log.splitlines() if any(b in line for b in bad)]
