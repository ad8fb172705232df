"""Replay of crisis timelines: bundled cases, exactness, compile-once, flips, JSON/CSV/PNG outputs.

Every bundled timeline is replayed once (module fixture, the session engine,
seed 0); the other tests read those replays, so the suite pays for ~100
re-samples and no extra compilation.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from reference_files import reference_from_toml
from typer.testing import CliRunner

from beliefs.catalog import load_catalog
from beliefs.errors import InputError
from beliefs.evidence.encode import encode_signals
from beliefs.render.replay_table import CSV_COLUMNS, replay_csv
from beliefs.runs.assessment import assess_signals
from beliefs.runs.replay_steps import Replay, Step, replay
from beliefs.timeline import bundled_timelines, load_timeline, validate_timeline
from beliefs.tomlfile import read_toml

CATALOG_PATH = Path(__file__).resolve().parents[1] / "beliefs" / "data" / "catalog.toml"
SEED = 0


@pytest.fixture(scope="module")
def replays(engine) -> dict[str, Replay]:
    """Every bundled timeline replayed with the session engine; compile count checked around it."""
    names = list(bundled_timelines())
    tl0, cat0 = load_timeline(names[0])
    was_ready = engine.nuts_ready(encode_signals(tl0.scenario, [], cat0))
    before = engine.compile_count
    out = {}
    for name in names:
        tl, cat = load_timeline(name)
        out[name] = replay(tl, cat, seed=SEED, engine=engine)
    # One catalog for all the bundled files: at most one compilation (only if a step falls
    # back to NUTS), and none if already warm.
    assert engine.compile_count - before <= (0 if was_ready else 1)
    return out


# -- validation ---------------------------------------------------------------------------


BUNDLED_TYPES = {
    "morocco-1905": "expansionist",
    "bosnia-1908": "status_quo",
    "agadir-1911": "expansionist",
    "balkans-1912": "status_quo",
    "july-1914": "expansionist",
    "munich-1938": "expansionist",
    "taiwan-1954": "expansionist",
    "suez-1956": "status_quo",
    "cuba-1962": "status_quo",
    "six-day-1967": "status_quo",
    "sino-soviet-1969": "status_quo",
    "nato-1979": "status_quo",
    "georgia-2008": "expansionist",
    "crimea-2014": "expansionist",
}


def test_the_bundled_cases_carry_the_historians_verdict():
    """Fourteen crises, seven of each type in hindsight, each verdict with a cited basis."""
    assert set(bundled_timelines()) >= set(BUNDLED_TYPES)
    for name, truth in BUNDLED_TYPES.items():
        outcome = load_timeline(name)[0].outcome
        assert outcome is not None and outcome.adversary_type == truth, name
        assert outcome.adversary_type_basis and "(" in outcome.adversary_type_basis, name
    assert sorted(BUNDLED_TYPES.values()).count("status_quo") == 7


@pytest.mark.parametrize("name", sorted(bundled_timelines()))
def test_bundled_timeline_is_valid_sourced_ordered_and_has_an_outcome(name):
    tl, catalog = load_timeline(name)  # raises on any problem, strict for bundled files
    assert len(tl.signals) >= 8
    assert all(s.source and len(s.source) > 5 for s in tl.signals)
    assert all(s.kind in catalog.by_id for s in tl.signals)
    dates = [s.date for s in tl.signals]
    assert dates == sorted(dates)
    assert tl.outcome is not None and tl.outcome.summary


def test_bundled_timelines_must_name_the_adversary_type(tmp_path):
    """Strict (bundled) validation refuses an [outcome] without adversary_type; user files may omit it."""
    raw = read_toml(bundled_timelines()["july-1914"])
    del raw["outcome"]["adversary_type"]
    del raw["outcome"]["adversary_type_basis"]
    with pytest.raises(InputError) as err:
        validate_timeline(raw, "july.toml", strict=True)
    assert [(p.entry, p.field) for p in err.value.problems] == [("[outcome]", "adversary_type")]
    tl, _ = validate_timeline(raw, "july.toml", strict=False)
    assert tl.outcome is not None and tl.outcome.adversary_type is None


def test_validation_catches_disorder_unknown_kinds_and_missing_sources():
    """The three faults the issue names, injected into a bundled file, are each reported."""
    path = bundled_timelines()["july-1914"]
    raw = read_toml(path)
    sigs = raw["signals"]
    sigs[5]["date"] = sigs[0]["date"].replace(month=6)  # 1914-06-05 after 07-27: out of order
    sigs[6]["kind"] = "ally_mobilisation"  # misspelt
    del sigs[8]["source"]
    from beliefs.errors import InputError

    with pytest.raises(InputError) as info:
        validate_timeline(raw, str(path), strict=True)
    problems = {(p.entry, p.field) for p in info.value.problems}
    assert problems == {("signals[5]", "date"), ("signals[6]", "kind"), ("signals[8]", "source")}
    assert "ally_unilateral_mobilization" in str(info.value)  # the hint names the right kind


# -- every bundled case replays ----------------------------------------------------------


def test_every_bundled_timeline_replays_step_by_step(replays):
    for name, rep in replays.items():
        tl = rep.timeline
        assert len(rep.steps) == len(tl.signals) + 1, name
        assert rep.steps[0].signal is None and rep.steps[0].date is None and not rep.steps[0].flip
        assert [s.signal for s in rep.steps[1:]] == list(tl.signals)
        assert [s.index for s in rep.steps] == list(range(len(rep.steps)))
        settled = None  # a flip is a determinate recommendation unlike the last determinate one
        for step in rep.steps:
            assert step.flip == (step.determinate and settled is not None and step.best != settled)
            if step.determinate:
                settled = step.best
            assert step.assessment.n_signals == step.index
        # Diagnostics on bundled data (docs/inference.md): the sampler is trustworthy at every step.
        assert rep.reliable, (name, rep.unreliable_steps)


@pytest.mark.parametrize("name", ["july-1914", "cuba-1962"])
def test_final_step_equals_assess_on_the_same_file_and_seed(replays, engine, name):
    rep = replays[name]
    tl, cat = load_timeline(name)
    one_shot = assess_signals(tl, cat, list(tl.signals), seed=SEED, engine=engine)
    final = rep.final
    np.testing.assert_array_equal(final.posterior.p_expansionist, one_shot.posterior.p_expansionist)
    np.testing.assert_array_equal(final.posterior.r, one_shot.posterior.r)
    assert final.decision.to_json() == one_shot.decision.to_json()
    assert final.posterior_json() == one_shot.posterior_json()


def test_final_step_equals_beliefs_assess_json(replays):
    """The `beliefs assess --json` command (same process, same sampler and seed) agrees with the replay."""
    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    res = CliRunner().invoke(
        app, ["assess", "munich-1938", "--json", "--sampler", "nutpie", "--seed", str(SEED)]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    last = replays["munich-1938"].to_json()["steps"][-1]
    assert out["posterior"] == last["posterior"]
    assert out["recommendation"]["best"] == last["recommendation"]["best"]
    assert out["recommendation"]["p_best"] == last["recommendation"]["p_best"]


@pytest.mark.parametrize("name", ["july-1914", "munich-1938", "cuba-1962", "nato-1979", "agadir-1911"])
def test_steps_match_the_exact_quadrature_reference(replays, name):
    rep = replays[name]
    n = len(rep.steps) - 1
    path = bundled_timelines()[name]
    for k in sorted({0, 1, n // 3, (2 * n) // 3, n}):
        exact = reference_from_toml(path, CATALOG_PATH, upto=k)
        post = rep.steps[k].assessment.posterior_json()
        for key in ("p_expansionist", "ally_reliability", "ally_recklessness"):
            assert abs(post[key]["mean"] - exact[key]) < 0.02, (name, k, key, post[key]["mean"], exact[key])


# -- flips --------------------------------------------------------------------------------

FLIP_TIMELINE = """
[scenario]
title = "Constructed flip"
perspective = "Us"
ally = "Friend"
adversary = "Them"
polarity = "bipolar"
offense_advantage = 0.5
distinguishability = 1.0
prior_expansionist = 0.1
# The closed form below is the per-report model's: no model-doubt branch.
model_doubt = 0.0
# Tight ally priors: the posterior means of r and c are 1/2 to within sampling noise.
ally_reliability = { alpha = 60.0, beta = 60.0 }
ally_recklessness = { alpha = 60.0, beta = 60.0 }

[payoffs]
firm_vs_status_quo = -1
conciliate_vs_status_quo = 2
firm_vs_expansionist = 1
conciliate_vs_expansionist = -4
abandonment_cost = 1
entrapment_cost = 2
"""
FLIP_SIGNALS = ["conciliatory_offer", "territorial_demand", "ultimatum", "fait_accompli", "fait_accompli"]


def _flip_file(tmp_path: Path) -> Path:
    text = FLIP_TIMELINE
    for i, kind in enumerate(FLIP_SIGNALS):
        text += f'\n[[signals]]\ndate = 2000-01-0{i + 1}\nkind = "{kind}"\nactor = "Them"\ngrade = "A1"\n'
    path = tmp_path / "flip.toml"
    path.write_text(text)
    return path


def test_flip_where_the_exact_posterior_crosses_the_closed_form_break_even(tmp_path, engine):
    path = _flip_file(tmp_path)
    tl, cat = load_timeline(path)
    # Closed form (the one game, docs/decision.md, at o = 1/2 so m = 1). With r = c = 1/2,
    # A = 1, E = 2: abandonment (1/2) wA; entrapment E c wE = wE, x0.5 against an
    # expansionist and x1.5 against a status-quo state; provocation 0.5 * S * c * wP with
    # S = 1 (= -firm_vs_status_quo), i.e. 0.25 for firm+support, 0.1875 for conc+support.
    #   X_exp: fs 1 - .125 - .5 = .375, fr 1 - .375 - .25 = .375, cs -4 - .25 - .375, cr -4 - .5 - .125
    #   X_sq:  fs -1 - .125 - 1.5 - .25, fr -1 - .375 - .75 = -2.125, cs 2 - .25 - 1.125 - .1875, cr 2 - .5 - .375 = 1.125
    # so restraining the ally is better for either posture, and firm+restrain ties conc+restrain where
    #   .375 p - 2.125 (1-p) = -4.625 p + 1.125 (1-p)   <=>   p* = 3.25 / 8.25.
    p_star = 3.25 / 8.25
    exact = [
        reference_from_toml(path, CATALOG_PATH, upto=k)["p_expansionist"]
        for k in range(len(FLIP_SIGNALS) + 1)
    ]
    crossing = next(k for k, p in enumerate(exact) if p > p_star)
    # The construction is sharp: 0.05 on either side is five times the engine's accuracy target
    # (0.01). (No wider: the catalog keeps each coercive kind's likelihood ratio at 2.5 or less, so
    # no single report carries P from 0.1 below p* to 0.1 above it.)
    assert crossing == 4 and exact[3] < p_star - 0.05 and exact[4] > p_star + 0.05

    rep = replay(tl, cat, seed=SEED, engine=engine)
    assert [s.index for s in rep.flips] == [crossing]
    assert [s.best for s in rep.steps] == ["conciliate+restrain"] * crossing + ["firm+restrain"] * (
        len(rep.steps) - crossing
    )
    for s in rep.steps:
        assert s.assessment.decision.break_even_p_expansionist == pytest.approx(p_star, abs=0.02)


# -- outputs ------------------------------------------------------------------------------


def test_json_contract(replays):
    rep = replays["july-1914"]
    obj = json.loads(json.dumps(rep.to_json()))
    assert {"scenario", "steps"} <= set(obj)
    assert obj["scenario"]["title"] == rep.timeline.scenario.title
    assert obj["scenario"]["n_signals"] == len(rep.timeline.signals)
    assert obj["scenario"]["outcome"]["adversary_posture"] == rep.timeline.outcome.adversary_posture
    assert len(obj["steps"]) == len(rep.timeline.signals) + 1
    first, second = obj["steps"][0], obj["steps"][1]
    assert first["signal"] is None and first["date"] is None and first["flip"] is False
    assert second["date"] == second["signal"]["date"] == rep.timeline.signals[0].date.isoformat()
    assert second["signal"]["kind"] == rep.timeline.signals[0].kind
    for i, step in enumerate(obj["steps"]):
        assert {
            "index",
            "date",
            "signal",
            "posterior",
            "recommendation",
            "flip",
            "determinate",
            "reliable",
            "diagnostics",
        } <= set(step)
        rec = step["recommendation"]
        assert step["determinate"] is rec["determinate"]
        assert rec["determinate"] == (rec["determinate_adversary"] and rec["determinate_ally"] and rec["determinate"])
        assert rec["margin_mcse"] >= 0
        assert step["index"] == i
        assert set(step["posterior"]) == {"p_expansionist", "ally_reliability", "ally_recklessness"}
        for summ in step["posterior"].values():
            lo, hi = summ["hdi_90"]
            assert 0.0 <= lo <= summ["mean"] <= hi <= 1.0
        assert step["recommendation"]["best"] in {o["option"] for o in step["recommendation"]["options"]}
        assert 0.0 < step["recommendation"]["p_best"] <= 1.0
    assert [s["index"] for s in obj["steps"] if s["flip"]] == obj["flips"] == [s.index for s in rep.flips]
    assert [s["index"] for s in obj["steps"] if not s["determinate"]] == obj["indeterminate_steps"]
    assert not set(obj["flips"]) & set(obj["indeterminate_steps"])


def test_csv_has_one_row_per_step(replays):
    rep = replays["cuba-1962"]
    rows = list(csv.DictReader(io.StringIO(replay_csv(rep))))
    assert len(rows) == len(rep.steps)
    assert tuple(rows[0]) == CSV_COLUMNS
    for row, step in zip(rows, rep.steps, strict=True):
        assert int(row["index"]) == step.index
        assert float(row["p_expansionist"]) == step.assessment.summary("p_expansionist")["mean"]
        assert row["best"] == step.best
        assert row["flip"] == str(step.flip).lower()
        assert row["determinate"] == str(step.determinate).lower()
        assert float(row["margin_mcse"]) == round(step.assessment.decision.margin_mcse, 5)
        assert row["kind"] == ("" if step.signal is None else step.signal.kind)


def test_png_is_written_with_the_expected_size(replays, tmp_path):
    import matplotlib.image as mpimg

    from beliefs.render.replay_plot import pixel_size, save_replay_plot

    out = save_replay_plot(replays["munich-1938"], tmp_path / "munich.png")
    assert out.stat().st_size > 20_000
    height, width = mpimg.imread(out).shape[:2]
    assert (width, height) == pixel_size() == (1200, 1000)
    assert [p.name for p in tmp_path.iterdir()] == ["munich.png"]  # no temporary left behind


def _unreliable(step: Step) -> Step:
    post = step.assessment.posterior
    bad = replace(post.diagnostics, problems=("R-hat 1.200 > 1.01",))
    return replace(step, assessment=replace(step.assessment, posterior=replace(post, diagnostics=bad)))


def test_sampler_trouble_shows_in_every_output(replays, tmp_path):
    from rich.console import Console

    from beliefs.render.replay_table import replay_view

    rep = replays["morocco-1905"]
    steps = list(rep.steps)
    steps[2] = _unreliable(steps[2])
    bad = replace(rep, steps=tuple(steps))
    assert not bad.reliable and bad.unreliable_steps == [2]
    obj = bad.to_json()
    assert obj["reliable"] is False and obj["steps"][2]["reliable"] is False and obj["steps"][1]["reliable"]
    rows = list(csv.DictReader(io.StringIO(replay_csv(bad))))
    assert [r["reliable"] for r in rows].count("false") == 1 and rows[2]["reliable"] == "false"
    console = Console(width=160, record=True)
    console.print(replay_view(bad))
    text = console.export_text()
    assert "sampler trouble at step(s) 2" in text
    console = Console(width=160, record=True)
    console.print(replay_view(rep))
    assert "sampler trouble at step" not in console.export_text()


# -- the command line ---------------------------------------------------------------------

TINY = """
[scenario]
title = "Tiny"
perspective = "Us"
ally = "Friend"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.6
distinguishability = 0.5
prior_expansionist = 0.4
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 2.0 }

[[signals]]
date = 1999-03-01
kind = "ultimatum"
actor = "Them"
grade = "B2"

[[signals]]
date = 1999-03-02
kind = "fait_accompli"
actor = "Them"
grade = "A1"
retracted = true

[[signals]]
date = 1999-03-03
kind = "ally_hedges"
actor = "Friend"
grade = "A2"

[outcome]
adversary_posture = "firm"
ally_posture = "support"
summary = "Stood firm."
"""


@pytest.fixture()
def cli():
    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    return lambda *args: CliRunner().invoke(app, list(args))


def test_cli_json_and_csv_stdout_are_clean_and_retraction_changes_nothing(cli, tmp_path, engine):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    res = cli("replay", str(path), "--json")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)  # nothing but the JSON object on stdout
    steps = obj["steps"]
    assert [s["index"] for s in steps] == [0, 1, 2, 3]
    assert steps[2]["signal"]["retracted"] is True
    assert steps[2]["posterior"] == steps[1]["posterior"] and steps[2]["flip"] is False
    assert steps[3]["posterior"] != steps[1]["posterior"]

    png = tmp_path / "tiny.png"
    res = cli("replay", str(path), "--csv", "--plot", str(png))
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 4 and rows[2]["retracted"] == "true"
    assert png.stat().st_size > 10_000

    res = cli("replay", str(path))
    assert res.exit_code == 0
    assert "[outcome]" in res.stdout and "Stood firm." in res.stdout


def test_cli_bad_arguments_exit_2_before_any_work(cli, tmp_path):
    res = cli("replay", "july-1914", "--json", "--csv")
    assert res.exit_code == 2 and "exclusive" in res.stderr
    res = cli("replay", "july-1914", "--plot", str(tmp_path / "no" / "such" / "dir.png"))
    assert res.exit_code == 2 and "does not exist" in res.stderr
    res = cli("replay", "july-1914", "--plot", str(tmp_path / "figure.svg"))
    assert res.exit_code == 2 and ".png" in res.stderr
    res = cli("replay", "july-1915")
    assert res.exit_code == 2 and "july-1914" in res.stderr  # the did-you-mean hint
    assert list(tmp_path.iterdir()) == []


def test_catalog_fixture_is_the_bundled_one():
    # The reference reads the catalog file itself; make sure it is the one the code uses.
    assert load_catalog().digest == load_catalog(CATALOG_PATH).digest
