"""The tutorial cannot rot: every file it shows is written and every command it shows is run.

A ```toml title="NAME"``` block is written to NAME; every line of a ```bash
block is run (in order, in one scratch folder with its own case database).
A line ending in ``# exits N`` must exit N; every other line must exit 0.
No line may print a traceback or an internal error.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.S | re.M)


def steps(text: str) -> list[tuple[str, str, str]]:
    """("file", name, body) and ("run", command, expected exit) in page order."""
    out: list[tuple[str, str, str]] = []
    for lang, info, body in BLOCK.findall(text):
        if lang == "toml" and (m := re.search(r'title="([^"]+)"', info)):
            out.append(("file", m.group(1), body))
        elif lang == "bash":
            for line in body.splitlines():
                if line.strip():
                    m = re.search(r"#\s*exits (\d+)", line)
                    out.append(("run", line.split("  #")[0].strip(), m.group(1) if m else "0"))
    return out


def test_the_tutorial_has_files_and_commands():
    found = steps(TUTORIAL.read_text(encoding="utf-8"))
    assert sum(kind == "file" for kind, _, _ in found) >= 2
    assert sum(kind == "run" for kind, _, _ in found) >= 10


def test_every_tutorial_command_runs_as_shown(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "100"}
    for kind, what, body in steps(TUTORIAL.read_text(encoding="utf-8")):
        if kind == "file":
            (tmp_path / what).write_text(body, encoding="utf-8")
            continue
        argv = shlex.split(what)
        assert argv[0] == "beliefs", what
        proc = subprocess.run(
            [sys.executable, "-m", "beliefs.cli.main", *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == int(body), f"{what}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
        if what.startswith("beliefs validate typo.toml"):
            assert (
                "prior_expansionist" in proc.stderr and "signals[0]" in proc.stderr and "grade" in proc.stderr
            )
    assert (tmp_path / "corvania.html").exists()
    assert (tmp_path / "corvania-2027-03-18.toml").exists()
