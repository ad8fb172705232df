"""Output that fits where it goes: piped output loses no column and no cell ends in "…".

Run as a user runs it: a subprocess whose stdout is a pipe (not a terminal),
compared with the same command laid out for 200 columns (``--width 200``,
what a wide terminal shows).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


def cli(*args: str, env: dict[str, str] | None = None) -> str:
    res = subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**ENV, **(env or {})},
    )
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_piped_replay_keeps_every_column_and_marker():
    out = cli("replay", "july-1914", "--engine", "importance")
    header = next(line for line in out.splitlines() if "P(exp)" in line and "date" in line)
    for col in (
        "#",
        "date",
        "signal (actor) grade",
        "P(exp) [90%]",
        "rel.",
        "reck.",
        "best option",
        "P(best)",
    ):
        assert col in header
    assert "≈" in out  # the tie marker the footer explains
    rows = [line for line in out.splitlines() if line.strip().startswith("19 ")]
    assert rows and "treaty_violation (Germany) A1" in rows[0]  # the signal cell whole, on one line
    assert out.count("…") == cli("--width", "200", "replay", "july-1914", "--engine", "importance").count("…")
    assert "…" not in out.replace("[a=…]", "")  # the legend's own "…" only


def test_piped_catalog_and_cases_show_cut_nothing(tmp_path):
    out = cli("catalog")
    assert "…" not in out
    assert "Arms build-up" in out and "Offensive deployment of forces" in out
    db = str(tmp_path / "c.db")
    cli("cases", "new", "c1", "--from", "agadir-1911", "--db", db)
    shown = cli("cases", "show", "c1", "--db", db)
    assert "…" not in shown
    import beliefs

    for sig in beliefs.load_timeline("agadir-1911").signals:
        if sig.note:
            assert " ".join(sig.note.split()) in shown  # every note whole


@pytest.mark.parametrize("width", [60, 120])
def test_width_fixes_the_layout(width):
    out = cli("--width", str(width), "catalog")
    assert max(len(line) for line in out.splitlines()) <= width
    assert max(len(line) for line in out.splitlines()) >= width - 25  # laid out for that width, not 80
