"""Negative evidence: ``observed = false`` ("watched for, not seen by this date").

Checked against the exact reference (tests/reference_channels.py takes 1 - x for
an absence; tests/reference_files.py decides on its own, from the TOML, which
statements count), on the model arrays, and at the edges (bad input, the
ledger's JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pytest
from reference_files import latest_statements, load_reference_inputs, reference_from_toml
from typer.testing import CliRunner

from beliefs.catalog import bundled_catalog_path
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.evidence.attribution import attribute
from beliefs.evidence.encode import encode
from beliefs.evidence.negative import counted, statement, supersessions
from beliefs.timeline import load_timeline
from models.importance import ImportanceSampler

_load_command_modules()
runner = CliRunner()
#: Engine against the exact reference. 200,000 weighted prior draws keep the Monte Carlo
#: error of P(expansionist) near 0.001 on these logs (asserted below).
TOL = 0.005

SCENARIO = """
[scenario]
title = "absence"
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.6
distinguishability = 0.4
prior_expansionist = 0.45
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.5, beta = 2.0 }

[scenario.actors.Client]
attribution = 0.5
basis = "a client with a quarrel of its own"
"""


def timeline(rows: list[tuple]) -> str:
    """rows: (day, kind, actor, grade, channel or None, observed)."""
    out = textwrap.dedent(SCENARIO)
    for day, kind, actor, grade, channel, observed in rows:
        out += f'\n[[signals]]\ndate = 1914-07-{day:02d}\nkind = "{kind}"\nactor = "{actor}"\ngrade = "{grade}"\n'
        out += f'channel = "{channel}"\n' if channel else ""
        out += "" if observed else "observed = false\n"
    return out


# Adversary and ally absences without channels; repeated absences (the latest counts).
PLAIN = [
    (10, "ultimatum", "Them", "B2", None, True),
    (11, "mobilization", "Them", "B2", None, False),  # superseded by the absence of the 15th
    (12, "conciliatory_offer", "Them", "A2", None, False),
    (13, "ally_defaults", "Ally", "B2", None, False),
    (14, "ally_hedges", "Ally", "A3", None, False),  # superseded by the absence of the 16th
    (15, "mobilization", "Them", "B2", None, False),
    (16, "ally_hedges", "Ally", "A3", None, False),
    (17, "accepts_mediation", "Client", "B2", None, False),  # a third party's absence
]
# Channels of one kind each: a sighting supersedes an earlier absence on its channel,
# not on another; an absence after a sighting on its channel does not count.
CHANNELS = [
    (10, "territorial_demand", "Them", "A2", "embassy", False),  # superseded by the 12th
    (11, "territorial_demand", "Them", "C2", "press", False),  # another channel: counts
    (12, "territorial_demand", "Them", "A2", "embassy", True),
    (13, "coercive_threat", "Them", "B3", "agent", True),
    (14, "coercive_threat", "Them", "B3", "agent", False),  # after the sighting: superseded
    (15, "mobilization", "Us", "A1", None, True),  # context: supersedes nothing of Them's
    (16, "mobilization", "Them", "B1", None, False),
    (17, "ally_reaffirms_commitment", "Ally", "B2", "envoy", False),
]
# A channel that carries absences of several kinds (importance-sampling reference).
MIXED = [
    (10, "conciliatory_offer", "Them", "B2", "cable", False),
    (11, "accepts_mediation", "Them", "B3", "cable", False),
    (12, "offensive_deployment", "Them", "B2", "cable", True),
    (13, "conciliatory_offer", "Them", "B2", "cable", False),  # supersedes the 10th
    (14, "ultimatum", "Client", "C2", None, True),
]


def write(tmp_path: Path, rows: list[tuple], name: str = "t.toml") -> Path:
    path = tmp_path / name
    path.write_text(timeline(rows), encoding="utf-8")
    return path


def _no_doubt(path: Path) -> Path:
    """A copy of the timeline without the model-doubt branch ([scenario] model_doubt = 0)."""
    out = path.with_name(path.stem + "-no-doubt.toml")
    out.write_text(path.read_text(encoding="utf-8").replace("[scenario]\n", "[scenario]\nmodel_doubt = 0.0\n", 1))
    return out


def _engine_mean(path: Path, seed: int = 5) -> tuple[float, float, float, float]:
    tl, cat = load_timeline(path)
    post = ImportanceSampler(n_draws=200_000, max_draws=200_000).sample(encode(tl, cat), seed=seed)
    return (
        post.mean("p_expansionist"),
        post.diagnostics.mcse["p_expansionist"],
        post.mean("r"),
        post.mean("c"),
    )


@pytest.mark.parametrize("rows", [PLAIN, CHANNELS, MIXED], ids=["plain", "channels", "mixed"])
def test_posterior_matches_the_exact_reference(tmp_path: Path, rows: list[tuple]) -> None:
    path = write(tmp_path, rows)
    exact = reference_from_toml(path, bundled_catalog_path())
    p, mcse, r, c = _engine_mean(path)
    assert mcse < 0.0015
    assert p == pytest.approx(exact["p_expansionist"], abs=TOL)
    assert r == pytest.approx(exact["ally_reliability"], abs=TOL)
    assert c == pytest.approx(exact["ally_recklessness"], abs=TOL)
    # An absence is not a sighting: the same log with every absence seen is another posterior
    # (compared under the per-report model: the catalog's model doubt shrinks both towards the prior).
    flipped = write(tmp_path, [(*row[:5], True) for row in rows], "seen.toml")
    per_report = [
        reference_from_toml(_no_doubt(f), bundled_catalog_path())["p_expansionist"] for f in (path, flipped)
    ]
    assert abs(per_report[0] - per_report[1]) > 0.02
    other = reference_from_toml(flipped, bundled_catalog_path())
    if any(row[1].startswith("ally_") and not row[5] for row in rows):
        assert abs(other["ally_reliability"] - exact["ally_reliability"]) > 0.01


def test_superseded_absences_are_not_counted_twice(tmp_path: Path) -> None:
    """Counting every absence (no supersession) is another posterior: the rule matters."""
    once = write(tmp_path, [(10, "mobilization", "Them", "A1", None, False)], "once.toml")
    twice = write(tmp_path, [(10, "mobilization", "Them", "A1", None, False),
                             (12, "mobilization", "Them", "A1", None, False)], "twice.toml")  # fmt: skip
    p_once, _, _, _ = _engine_mean(once)
    p_twice, _, _, _ = _engine_mean(twice)
    assert p_twice == pytest.approx(p_once, abs=1e-12)  # the same draws, the same single statement
    inp = load_reference_inputs(twice, bundled_catalog_path())
    assert len(inp["adv_reports"]) == 1 and inp["adv_reports"][0].seen is False
    # Two independent channels' absences are two statements.
    both = write(tmp_path, [(10, "mobilization", "Them", "A1", "a", False),
                            (12, "mobilization", "Them", "A1", "b", False)], "both.toml")  # fmt: skip
    assert abs(reference_from_toml(both, bundled_catalog_path())["p_expansionist"] - p_once) > 0.01


def test_model_arrays(tmp_path: Path) -> None:
    tl, cat = load_timeline(write(tmp_path, CHANNELS))
    inputs = encode(tl, cat)
    kinds = [cat.adversary[k].id for k in inputs.adversary_kind]
    assert kinds == ["territorial_demand", "territorial_demand", "coercive_threat", "mobilization"]
    assert inputs.adversary_seen.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert inputs.ally_seen.tolist() == [0.0]
    gone = supersessions(tl.signals, cat, attribute(tl.scenario, tl.signals, cat))
    assert {i: (s.by, s.by_observed) for i, s in gone.items()} == {0: (2, True), 4: (3, True)}
    assert gone[4].describe() == "superseded by the sighting of 1914-07-13"
    assert statement(tl.signals[6]) == "not seen: mobilization by 1914-07-16"
    assert statement(tl.signals[6], "Mobilization") == "not seen: Mobilization by 1914-07-16"
    assert statement(tl.signals[5]) == "mobilization"


def _random_log(rng: random.Random) -> list[tuple]:
    kinds = ["mobilization", "ultimatum", "ally_hedges"]
    letter = {None: None, "x": "B", "y": "C"}
    rows, day = [], 1
    for _ in range(rng.randint(1, 12)):
        day += rng.choice([0, 0, 1, 2])
        channel = rng.choice([None, "x", "y"])
        grade = (letter[channel] or rng.choice("ABC")) + rng.choice("123")
        kind = rng.choice(kinds)
        actor = "Ally" if kind.startswith("ally_") else rng.choice(["Them", "Us", "Client", "Ally", "Other"])
        rows.append((day, kind, actor, grade, channel, rng.random() < 0.6, rng.random() < 0.1))
    return rows


ROLES = {
    "them": ("adversary", 1.0),
    "us": ("perspective", 1.0),
    "ally": ("ally", 1.0),
    "client": ("third_party", 0.5),
}


def test_the_rule_agrees_with_the_independent_reference_on_random_logs(tmp_path: Path) -> None:
    rng = random.Random(18)
    superseded = 0
    for n in range(60):
        rows = _random_log(rng)
        text = timeline([r[:6] for r in rows])
        text = text.replace('actor = "Other"', 'actor = "Them"')  # unknown actors are refused in files
        for i, r in enumerate(rows):  # retract some (the n-th [[signals]] table)
            if r[6]:
                parts = text.split("[[signals]]")
                parts[i + 1] = parts[i + 1].rstrip("\n") + "\nretracted = true\n\n"
                text = "[[signals]]".join(parts)
        path = tmp_path / f"r{n}.toml"
        path.write_text(text, encoding="utf-8")
        tl, cat = load_timeline(path)
        ours = counted(tl.signals, cat, attribute(tl.scenario, tl.signals, cat))
        raw = tomllib.loads(text)
        sc = raw["scenario"]
        adv = {k.id for k in cat.adversary}
        ref = latest_statements(raw["signals"], dict.fromkeys(adv), lambda s: ROLES[s["actor"].casefold()],
                                lambda s: s["actor"].casefold())  # fmt: skip
        assert ours == ref, (sc["title"], rows)
        superseded += ours.count(False)
    assert superseded > 30  # the rule was exercised, not vacuously agreed on


def test_observed_must_be_a_boolean(tmp_path: Path) -> None:
    path = write(tmp_path, PLAIN)
    path.write_text(path.read_text().replace("observed = false", 'observed = "no"', 1), encoding="utf-8")
    res = runner.invoke(app, ["assess", str(path)])
    assert res.exit_code == 2
    assert f"{path}: signals[1], observed: must be true or false" in res.output


def test_explain_shows_absences_and_superseded_ones(tmp_path: Path) -> None:
    path = write(tmp_path, CHANNELS)
    res = runner.invoke(app, ["explain", str(path), "--json"])
    assert res.exit_code == 0, res.output
    ev = json.loads(res.stdout)["evidence"]
    assert [(r["index"], r["observed"]) for r in ev["reports"]] == [
        (1, False),
        (2, True),
        (3, True),
        (6, False),
    ]
    assert [r["observed"] for r in ev["ally_reports"]] == [False]
    sup = {r["index"]: r["superseded_by"] for r in ev["superseded_reports"]}
    assert sup == {
        0: {
            "index": 2,
            "date": "1914-07-12",
            "observed": True,
            "reading": "superseded by the sighting of 1914-07-12",
        },
        4: {
            "index": 3,
            "date": "1914-07-13",
            "observed": True,
            "reading": "superseded by the sighting of 1914-07-13",
        },
    }
    text = runner.invoke(app, ["explain", str(path)])
    assert text.exit_code == 0, text.output
    assert "not seen: territorial" in text.output  # 80 columns: the kind may be cut
    assert "Superseded" in text.output and "by sighting of 1914-07-12" in text.output


def test_dates_decide_the_latest_absence(tmp_path: Path) -> None:
    """Entry order breaks ties only: the later date is the latest statement."""
    path = write(
        tmp_path, [(10, "ultimatum", "Them", "B2", None, False), (10, "ultimatum", "Them", "B2", None, False)]
    )
    tl, cat = load_timeline(path)
    gone = supersessions(tl.signals, cat, attribute(tl.scenario, tl.signals, cat))
    assert list(gone) == [0] and gone[0].by == 1
    assert gone[0].by_date == dt.date(1914, 7, 10)
    np.testing.assert_array_equal(encode(tl, cat).adversary_seen, [0.0])


def test_assess_says_how_many_absences_count(tmp_path: Path) -> None:
    path = write(tmp_path, CHANNELS)
    res = runner.invoke(app, ["assess", str(path), "--engine", "importance"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "Negative evidence: 3 absence(s) weighed as not seen (1 - p); 2 superseded" in text
    assert "seen: " in text and " · unseen: " in text  # the watch list names both outcomes
    data = json.loads(runner.invoke(app, ["assess", str(path), "--engine", "importance", "--json"]).stdout)
    assert {w["changes"] for w in data["recommendation"]["watch"]} <= {"neither", "seen", "not_seen", "both"}
    assert len(data["evidence"]["superseded_reports"]) == 2


@pytest.mark.parametrize("command", ["assess", "explain", "replay"])
def test_outputs_with_absences_validate_against_their_schemas(tmp_path: Path, command: str) -> None:
    import jsonschema

    from beliefs.schema import schema

    path = write(tmp_path, CHANNELS)
    res = runner.invoke(app, [command, str(path), "--engine", "importance", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    validator = jsonschema.Draft202012Validator(schema(command))
    assert [e.message for e in validator.iter_errors(data)] == []
    if command == "replay":
        steps = {s["index"]: s["signal"] for s in data["steps"] if s["signal"]}
        assert steps[3]["supersedes"] == [1] and steps[5]["superseded_by"]["index"] == 4
        assert [steps[i]["observed"] for i in (1, 3)] == [False, True]


def test_an_own_side_absence_is_context(tmp_path: Path) -> None:
    from beliefs.evidence.encode import evidence_record

    rows = [*CHANNELS, (18, "mobilization", "Us", "A1", None, False)]  # the own side's act not seen: context
    tl, cat = load_timeline(write(tmp_path, rows))
    assert evidence_record(tl.scenario, tl.signals, cat).absence_summary() == {"counted": 3, "superseded": 2}
    assert encode(tl, cat).adversary_seen.tolist() == [0.0, 1.0, 1.0, 0.0]
