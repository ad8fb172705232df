"""Untrusted text through the renderers that need posterior draws: replay table, CSV and plot,
the assess table. Text already stored with control characters (validated as stored data) and
legal markup, formulas and quotes are all shown literally."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hostile import CONTROL, FORMULAS, MARKUP, raw_controls, timeline_text
from rich.console import Console
from typer.testing import CliRunner

from beliefs.runs.replay_steps import replay
from beliefs.text import STORED, csv_cell
from beliefs.timeline import Timeline, load_timeline

DATA = Path(__file__).parent / "data" / "hostile"
ACTORS = [CONTROL[0], CONTROL[1], CONTROL[12], MARKUP[0], MARKUP[1], FORMULAS[4], 'a, "b"\nc']


@pytest.fixture(scope="module")
def hostile_replay(engine):
    tl, catalog = load_timeline("morocco-1905")
    raw = tl.model_dump(mode="json")
    raw["scenario"]["title"] = "\x1b]0;pwned\x07[bold red]T[/] $\\frac{1}{0}$"
    raw["signals"] = raw["signals"][: len(ACTORS)]
    for sig, actor in zip(raw["signals"], ACTORS, strict=True):
        sig["actor"], sig["note"] = actor, actor
    stored = Timeline.model_validate(raw, context=STORED)  # as an older version may have kept it
    return replay(stored, catalog, seed=1, engine=engine)


def _render(renderable) -> str:
    buf = io.StringIO()
    Console(file=buf, width=120, emoji=False).print(renderable)
    return buf.getvalue()


def test_replay_table_shows_stored_text_literally(hostile_replay):
    from beliefs.render.replay_table import replay_view

    out = _render(replay_view(hostile_replay))
    assert raw_controls(out) == [], out
    assert "\\x1b]0;pwned\\x07[bold red]T[/]" in out
    assert "[bold red]X[/]" in out and "\\x1b[31mRED" in out and "\\x9b31mC1" in out


def test_assess_table_shows_stored_text_literally(hostile_replay):
    from beliefs.render.tables import assessment_view

    out = _render(assessment_view(hostile_replay.final))
    assert raw_controls(out) == [] and "[bold red]T[/]" in out


def test_replay_csv_is_rfc4180_with_formulas_neutralised(hostile_replay):
    from beliefs.render.replay_table import replay_csv

    text = replay_csv(hostile_replay)
    assert raw_controls(text.replace("\r\n", "")) == []
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(ACTORS) + 1
    for row, actor in zip(rows[1:], ACTORS, strict=True):
        assert row["actor"] == csv_cell(actor)
    by_actor = {a: r["actor"] for a, r in zip(ACTORS, rows[1:], strict=True)}
    assert by_actor[FORMULAS[4]] == "'" + FORMULAS[4]  # =HYPERLINK(...) is text in a spreadsheet
    assert by_actor['a, "b"\nc'] == 'a, "b"\nc'  # quotes, comma and newline round-trip
    assert by_actor[CONTROL[0]] == "\\x1b[31mRED\\x1b[0m"
    assert rows[1]["p_expansionist"] and float(rows[1]["eu_firm+support"]) < 0  # numbers stay numbers


def test_replay_plot_with_mathtext_and_control_characters_in_labels(hostile_replay, tmp_path):
    from beliefs.render.replay_plot import save_replay_plot

    save_replay_plot(hostile_replay, tmp_path / "r.png")
    assert (tmp_path / "r.png").stat().st_size > 10_000


def test_replay_cli_csv_neutralises_formulas_from_a_file(engine, tmp_path):
    from beliefs.cli.app import app
    from beliefs.cli.main import _load_command_modules

    _load_command_modules()
    path = tmp_path / "f.toml"
    path.write_text(timeline_text(title="=1+2", actor="@SUM(A1:A9)", note="-2+3", n=2))
    res = CliRunner().invoke(app, ["replay", str(path), "--csv", "--seed", "1"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout, newline="")))
    assert [r["actor"] for r in rows] == ["", "'@SUM(A1:A9)", "'@SUM(A1:A9)"]
    table = CliRunner().invoke(app, ["replay", str(DATA / "ok-markup.toml"), "--seed", "1"])
    assert table.exit_code == 0 and "[bold red]T[/] $x^: replay" in table.stdout
