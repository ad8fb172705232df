"""Issue 24, item 14: one output-stream rule at the entry point (beliefs.cli.streams).

Real processes with closed descriptors, /dev/full and a pipe whose reader
left: exit 74 (141 for the broken pipe), a message on the stream that still
works, never a traceback and never exit 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from beliefs.cli.streams import EXIT_BROKEN_PIPE
from beliefs.errors import EXIT_IO

FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")  # Linux has it
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "COLUMNS": "100"}


def beliefs(*args: str, **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "beliefs.cli", *args], env=ENV, timeout=180, **kwargs)


def _clean(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text and "internal error" not in text and "Exception ignored" not in text
    return text


def test_assess_json_with_stdout_closed_exits_74(tmp_path):
    proc = beliefs("assess", "munich-1938", "--json", "--engine", "importance",
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(),
                   preexec_fn=lambda: os.close(1))  # fmt: skip
    assert proc.returncode == EXIT_IO
    assert "<stdout>: closed" in _clean(proc.stderr)


@needs_full
def test_validate_bad_file_with_stderr_on_a_full_disk_exits_74(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\ntitle = 1\n")
    with FULL.open("wb") as full:
        proc = beliefs("validate", str(bad), stdout=subprocess.PIPE, stderr=full)
    assert proc.returncode == EXIT_IO
    assert proc.stdout == b""  # the message belongs on stderr; it is not moved to stdout


@needs_full
def test_json_to_a_full_disk_exits_74_naming_stdout():
    with FULL.open("wb") as full:
        proc = beliefs("catalog", "--json", stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == EXIT_IO
    assert "<stdout>: no space left on device" in _clean(proc.stderr)


def test_stderr_closed_on_bad_input_exits_74_silently(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\ntitle = 1\n")
    proc = beliefs("validate", str(bad), stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2))
    assert proc.returncode == EXIT_IO and proc.stdout == b""


def test_a_reader_that_left_the_pipe_gives_141_and_no_message():
    read, write = os.pipe()
    os.close(read)
    try:
        proc = beliefs("catalog", "--json", stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert proc.returncode == EXIT_BROKEN_PIPE
    assert _clean(proc.stderr) == ""


def test_a_closed_stdout_is_never_handed_to_a_file_the_command_opens(tmp_path):
    """With fd 1 closed, the case database would get fd 1 and any stray print would land in it."""
    db = tmp_path / "c.db"
    proc = beliefs("cases", "new", "m", "--from", "munich-1938", "--db", str(db),
                   stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))  # fmt: skip
    assert proc.returncode == EXIT_IO  # "created case m" could not be said ...
    assert "case 'm' had been stored" in _clean(proc.stderr)
    listed = beliefs("cases", "list", "--db", str(db), "--json", capture_output=True)
    assert listed.returncode == 0 and b'"name": "m"' in listed.stdout  # ... but the case is whole


def test_healthy_streams_are_untouched():
    proc = beliefs("catalog", "--json", capture_output=True)
    assert proc.returncode == 0 and proc.stdout.startswith(b"{") and _clean(proc.stderr) == ""
