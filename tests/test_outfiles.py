"""One rule for output-file permissions (beliefs.outfile): private 0600 for what comes from the
case store, the umask for the rest; every file all or nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.outfile import save_figure, write_text

_load_command_modules()
runner = CliRunner()


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(*args: str) -> None:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output


def test_the_rule_itself(tmp_path, umask_022):
    assert mode(write_text(tmp_path / "a.txt", "x", private=True)) == 0o600
    assert mode(write_text(tmp_path / "b.txt", "x", private=False)) == 0o644
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    try:
        assert mode(save_figure(fig, tmp_path / "c.png", private=False)) == 0o644
        assert mode(save_figure(fig, tmp_path / "d.png", private=True)) == 0o600
    finally:
        plt.close(fig)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.txt",
        "b.txt",
        "c.png",
        "d.png",
    ]  # no temporaries


def test_commands_follow_it(tmp_path, umask_022):
    db = str(tmp_path / "c.db")
    run("cases", "new", "c1", "--from", "agadir-1911", "--db", db)
    run("replay", "agadir-1911", "--engine", "importance", "--plot", str(tmp_path / "file.png"))
    run("replay", "--case", "c1", "--db", db, "--engine", "importance", "--plot", str(tmp_path / "case.png"))
    run("cases", "export", "c1", "--db", db, "-o", str(tmp_path / "c1.toml"))
    assert mode(tmp_path / "file.png") == 0o644  # a bundled timeline: the umask
    assert mode(tmp_path / "case.png") == 0o600  # the case store: private (replay --plot was always 0600)
    assert mode(tmp_path / "c1.toml") == 0o600


def test_the_briefing_follows_it(tmp_path, umask_022):
    db = str(tmp_path / "c.db")
    run("cases", "new", "c1", "--from", "agadir-1911", "--db", db)
    run("report", "agadir-1911", "-o", str(tmp_path / "file.html"))
    run("report", "--case", "c1", "--db", db, "-o", str(tmp_path / "case.html"))
    assert mode(tmp_path / "file.html") == 0o644
    assert mode(tmp_path / "case.html") == 0o600  # was the umask's 0644: the case's log in the open
