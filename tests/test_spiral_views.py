"""Spiral context is visible where the analyst looks: explain, assess, replay (text and JSON) and the briefing."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules

_load_command_modules()
runner = CliRunner()

TIMELINE = """
[scenario]
title = "spiral views"
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.4
distinguishability = 0.5
prior_expansionist = 0.45
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 2.0 }

[[signals]]
date = 1914-07-01
kind = "coercive_threat"
actor = "Us"
grade = "A1"

[[signals]]
date = 1914-07-03
kind = "coercive_threat"
actor = "Them"
grade = "B2"

[[signals]]
date = 1914-07-04
kind = "fait_accompli"
actor = "Them"
grade = "B2"

[[signals]]
date = 1914-07-05
kind = "mobilization"
actor = "Them"
grade = "B2"

[[signals]]
date = 1914-08-30
kind = "coercive_threat"
actor = "Them"
grade = "B2"
channel = "press"
"""
READING = "weighed as a possible reaction to coercive_threat by Us of 1914-07-01"
FADED = 0.6 * 2 ** (-(60 - 14) / 30)  # 60 days after a declaratory threat: half-life 30 days


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("spiral") / "t.toml"
    p.write_text(textwrap.dedent(TIMELINE))
    return p


def run(*args: str) -> str:
    res = runner.invoke(app, [*args, "--engine", "importance"])
    assert res.exit_code == 0, res.output
    return res.stdout


def folded(text: str) -> str:
    return " ".join(text.split())


def test_explain_names_the_provocation(path: Path) -> None:
    data = json.loads(run("explain", str(path), "--json"))
    reports = {r["index"]: r for r in data["evidence"]["reports"]}
    r = reports[1]["reaction"]
    assert (r["to"], r["date"], r["kind"], r["actor"], r["role"]) == (0, "1914-07-01", "coercive_threat", "Us", "perspective")
    assert r["blur"] == pytest.approx(0.6) and not r["initiative"] and r["reading"].startswith(READING)
    assert reports[2]["reaction"]["initiative"] and reports[2]["reaction"]["blur"] == 0.0
    half = reports[3]["reaction"]  # a mobilization one rung above the threat
    assert (half["proportion"], half["blur"], half["initiative"]) == (0.5, pytest.approx(0.8 * 0.5), False)
    faded = reports[4]["reaction"]
    assert (faded["days"], faded["blur"]) == (60, pytest.approx(FADED, abs=1e-6))
    assert faded["decay"] == pytest.approx(2 ** (-46 / 30), abs=1e-6) and faded["effective_weight"] == faded["decay"]
    text = folded(run("explain", str(path)))  # numbered from 1, as every view numbers a timeline's signals
    assert f"#2 coercive_threat of 1914-07-03: {READING}" in text
    assert "#3 fait_accompli of 1914-07-04: an initiative: escalates beyond coercive_threat by Us" in text
    assert f"#4 mobilization of 1914-07-05: {READING} (half weight: one rung above it, 3 over 2;" in text
    assert f"#5 coercive_threat of 1914-08-30: {READING} (60 days before: its weight decayed to 0.35" in text


def test_assess_counts_reactions_and_initiatives(path: Path) -> None:
    data = json.loads(run("assess", str(path), "--json"))
    spiral = data["spiral"]
    assert spiral["reaction_window_days"] == 14 and spiral["provocations"] == 1
    assert spiral["rule"]["rule"] == "decay" and spiral["rule"]["horizon_days"] == 365
    assert [(r["index"], r["reaction"]["initiative"]) for r in spiral["reactions"]] == [
        (1, False), (2, True), (3, False), (4, False),
    ]  # fmt: skip
    text = folded(run("assess", str(path)))
    assert "Spiral context (graded memory: 14 days whole, then half-lives 90/30 days): 3 act(s) weighed" in text
    assert "1 initiative(s)" in text


def test_replay_marks_each_step(path: Path) -> None:
    steps = json.loads(run("replay", str(path), "--json"))["steps"]
    assert [None if s["signal"] is None else s["signal"].get("reaction", {}).get("blur") for s in steps] == [
        None, None, pytest.approx(0.6), 0.0, pytest.approx(0.4), pytest.approx(FADED, abs=1e-6),
    ]  # fmt: skip
    text = run("replay", str(path))
    assert re.search(r"\[↺0\.60\]", text) and "[initiative]" in text and "[context]" in text


def test_briefing_carries_the_reading(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    res = runner.invoke(app, ["report", str(path), "--output", str(out)])
    assert res.exit_code == 0, res.output
    html = folded(out.read_text())
    assert html.count(READING) == 6  # three reactions, in the signal log and in the evidence ledger
    assert "an initiative: escalates beyond coercive_threat by Us" in html
    assert html.count("half weight: one rung above it") == 2 and html.count("decayed to 0.35") == 2


def test_a_stored_case_names_the_provocation_by_its_id(path: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cases.db")
    res = runner.invoke(app, ["cases", "import", str(path), "--name", "c", "--db", db])
    assert res.exit_code == 0, res.output
    data = json.loads(run("explain", "--case", "c", "--db", db, "--json"))
    reports = {r["index"]: r for r in data["evidence"]["reports"]}
    ids = {r["index"]: r["signal_id"] for r in data["evidence"]["reports"] + data["evidence"]["context_reports"]}
    assert reports[1]["reaction"]["to"] == 0 and reports[1]["reaction"]["to_signal_id"] == ids[0]


def test_an_older_catalog_is_assessed_under_the_older_rule_and_says_so(path: Path, tmp_path: Path) -> None:
    """A catalog whose [spiral] table predates the graded rule loads, keeps the all-or-nothing rule, and
    every output names it (the 60-day-old threat is then forgotten; the mobilization is an initiative)."""
    import re as _re

    from beliefs.catalog import bundled_catalog_path

    catalog = bundled_catalog_path().read_text(encoding="utf-8")
    older = _re.sub(r"(?ms)^\[spiral\]\n.*?(?=^# -----)", "[spiral]\nreaction_window_days = 14\n\n", catalog)
    assert "horizon_days" not in older
    (tmp_path / "old.toml").write_text(older, encoding="utf-8")
    timeline = tmp_path / "t.toml"
    timeline.write_text(path.read_text().replace('prior_expansionist = 0.45', 'prior_expansionist = 0.45\ncatalog = "old.toml"'))
    data = json.loads(run("assess", str(timeline), "--json"))
    assert data["spiral"]["rule"]["rule"] == "window" and "all-or-nothing" in data["spiral"]["rule"]["reading"]
    assert [(r["index"], r["reaction"]["initiative"]) for r in data["spiral"]["reactions"]] == [
        (1, False), (2, True), (3, True),
    ]  # fmt: skip
    assert "Spiral context (older all-or-nothing rule, window 14 days)" in folded(run("assess", str(timeline)))
    assert "rule: all-or-nothing window of 14 days" in folded(run("explain", str(timeline)))
    out = tmp_path / "b.html"
    assert runner.invoke(app, ["report", str(timeline), "--output", str(out)]).exit_code == 0
    assert "all-or-nothing window of 14 days" in folded(out.read_text())
