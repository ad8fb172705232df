"""Spiral context against the exact reference.

The reference (tests/reference_spiral.py, through tests/reference_files.py)
finds the provocations and computes every blur from the TOML tables alone,
then integrates by quadrature; the engine's posterior mean of P(expansionist)
must equal it to 0.005 on logs with reactions and initiatives, provocations
in and out of the window, by the perspective state and by the ally.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from reference_files import load_reference_inputs, reference_from_toml
from scenario_text import signals_toml

from beliefs.catalog import bundled_catalog_path
from beliefs.runs.assessment import assess
from beliefs.timeline import load_timeline

TOL = 0.005

SCENARIO = """
[scenario]
title = "spiral"
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.4
distinguishability = 0.5
prior_expansionist = 0.45
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 2.0 }
catalog = "catalog.toml"

[scenario.actors.Client]
attribution = 0.5
basis = "a client with a quarrel of its own"
"""

# (day of July 1914, kind, actor, grade, extra TOML)
LOGS: dict[str, list[tuple[int, str, str, str, str]]] = {
    # The perspective state mobilizes; the adversary answers in kind and below (reactions).
    "perspective_reactions": [
        (1, "mobilization", "Us", "A1", ""),
        (3, "mobilization", "Them", "B2", ""),
        (5, "coercive_threat", "Them", "B2", ""),
        (6, "arms_buildup", "Client", "C2", ""),
    ],
    # A threat (rung 2) does not license a mobilization or a fait accompli (initiatives); a threat answers it.
    "initiatives": [
        (1, "coercive_threat", "Us", "B1", ""),
        (3, "mobilization", "Them", "B2", ""),
        (4, "fait_accompli", "Them", "B2", ""),
        (5, "coercive_threat", "Them", "A2", ""),
    ],
    # A third party's act in the window, an absence, two past it (20 and 21 days: decayed), a retracted
    # provocation, the same day both ways.
    "window_and_same_day": [
        (1, "mobilization", "Us", "C3", ""),
        (8, "border_exercise", "Them", "B2", "observed = false"),
        (9, "ultimatum", "Client", "C3", ""),
        (10, "offensive_deployment", "Us", "A1", "retracted = true"),
        (21, "mobilization", "Them", "B2", ""),
        (22, "mobilization", "Them", "B2", ""),
        (22, "ultimatum", "Us", "B2", ""),
        (22, "mobilization", "Them", "B3", ""),
    ],
    # The ally's own kinds and its adversary-kind acts provoke too; the weightiest one counts.
    "by_the_ally": [
        (1, "ally_unilateral_mobilization", "Ally", "C3", ""),
        (2, "offensive_deployment", "Ally", "A1", ""),
        (4, "mobilization", "Them", "B2", 'channel = "embassy"'),
        (6, "mobilization", "Them", "B3", 'channel = "embassy"'),
        (8, "ally_provocation", "Ally", "B2", ""),
        (9, "border_exercise", "Them", "B2", ""),
        (30, "mobilization", "Them", "B2", 'channel = "embassy"'),
    ],
    # Memory: a standing provocation fades over 90 days, a declaratory one over 30, a year is the horizon;
    # one rung above weighs half, two rungs nothing.
    "memory": [
        (1, "mobilization", "Us", "A1", ""),
        (61, "mobilization", "Them", "B2", ""),
        (62, "coercive_threat", "Us", "B1", ""),
        (100, "coercive_threat", "Them", "B2", 'channel = "press"'),
        (101, "offensive_deployment", "Them", "A2", ""),
        (130, "fait_accompli", "Them", "B2", ""),
        (367, "mobilization", "Them", "B2", 'channel = "embassy"'),
    ],
}

#: The graded rule's tables, and the older all-or-nothing one (a ``[spiral]`` table without the new keys).
OLD_SPIRAL = "[spiral]\nreaction_window_days = 14\n"


def old_rule(catalog: str) -> str:
    """The catalog with its ``[spiral]`` table cut back to what an older catalog held."""
    return re.sub(r"(?ms)^\[spiral\]\n.*?(?=^# -----)", OLD_SPIRAL + "\n", catalog)


def write_case(tmp_path: Path, name: str, reactive: bool = True, rule: str = "decay") -> Path:
    catalog = bundled_catalog_path().read_text(encoding="utf-8")
    if not reactive:  # the same catalog without reactivity: no act is weighed as a reaction
        catalog = re.sub(r"(?m)^reactivity = .*$", "", catalog)
    if rule == "window":
        catalog = old_rule(catalog)
        assert "horizon_days" not in catalog
    folder = tmp_path / ("spiral" if reactive else "flat") / rule
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.toml").write_text(catalog, encoding="utf-8")
    body = signals_toml(dt.date(1914, 7, 1), LOGS[name])
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(SCENARIO) + body, encoding="utf-8")
    return path


def fade(days: int, half_life: float) -> float:
    return 2.0 ** (-(days - 14) / half_life) if days > 14 else 1.0


EXPECTED_BLURS = {  # the reference's own blurs, by hand from the catalog's numbers
    "perspective_reactions": [0.8 * 1.0, 0.6 * 1.0, 0.7 * 1.0],
    "initiatives": [0.8 * 0.85 * 0.5, 0.0, 0.6 * 0.85],  # a mobilization one rung above the threat: half
    "window_and_same_day": [0.0, 0.3 * 0.49, 0.8 * 0.49 * fade(20, 90), 0.8 * 0.49 * fade(21, 90), 0.8 * 0.85 * 0.85],
    "by_the_ally": [0.8 * 1.0, 0.8 * 1.0, 0.6 * 1.0, 0.8 * fade(28, 90)],
    "memory": [
        0.8 * fade(60, 90),  # our mobilization, 60 days before: standing, 90-day half-life
        0.6 * max(fade(99, 90), 0.85 * fade(38, 30)),  # the old mobilization outweighs a 38-day-old threat
        0.4 * max(fade(100, 90), 0.85 * 0.5 * fade(39, 30)),  # deployment: in proportion to the mobilization
        0.1 * 0.5 * fade(129, 90),  # a fait accompli: half of the mobilization (one rung), none of the threat (two)
        0.8 * 0.85 * 0.5 * fade(305, 30),  # 366 days after our mobilization: past the horizon; the threat is faint
    ],
}
EXPECTED_OLD = {  # the older all-or-nothing rule: in the window and in proportion, or nothing
    "perspective_reactions": [0.8, 0.6, 0.7],
    "initiatives": [0.0, 0.0, 0.6 * 0.85],
    "window_and_same_day": [0.0, 0.3 * 0.49, 0.0, 0.0, 0.8 * 0.85 * 0.85],
    "by_the_ally": [0.8, 0.8, 0.6, 0.0],
    "memory": [0.0, 0.0, 0.0, 0.0, 0.0],
}


@pytest.mark.parametrize("name", sorted(LOGS))
def test_reference_blurs_follow_the_older_rule_for_an_older_catalog(tmp_path: Path, name: str) -> None:
    inp = load_reference_inputs(write_case(tmp_path, name, rule="window"))
    assert [r.reaction for r in inp["adv_reports"]] == pytest.approx(EXPECTED_OLD[name])


@pytest.mark.parametrize("name", sorted(LOGS))
def test_reference_blurs_follow_the_definition(tmp_path: Path, name: str) -> None:
    inp = load_reference_inputs(write_case(tmp_path, name))
    assert [r.reaction for r in inp["adv_reports"]] == pytest.approx(EXPECTED_BLURS[name])


@pytest.mark.parametrize("name", sorted(LOGS))
def test_posterior_equals_the_exact_reference(tmp_path: Path, engine, name: str) -> None:
    path = write_case(tmp_path, name)
    exact = reference_from_toml(path)["p_expansionist"]
    if any(EXPECTED_BLURS[name]):  # the spiral context matters here: the test can tell it from its absence
        flat = reference_from_toml(write_case(tmp_path, name, reactive=False))["p_expansionist"]
        assert abs(exact - flat) > 0.02, (exact, flat)
    got = assess(*load_timeline(path), seed=5, engine=engine)
    assert got.reliable, got.posterior.diagnostics.problems
    assert got.posterior.mean("p_expansionist") == pytest.approx(exact, abs=TOL)


@pytest.mark.parametrize("name", ["memory", "initiatives"])
def test_the_older_rule_equals_its_exact_reference(tmp_path: Path, engine, name: str) -> None:
    path = write_case(tmp_path, name, rule="window")
    got = assess(*load_timeline(path), seed=5, engine=engine)
    assert got.posterior.mean("p_expansionist") == pytest.approx(reference_from_toml(path)["p_expansionist"], abs=TOL)


UNPROVOKED = {"provoked": [(1, "mobilization", "Us", "A1", ""), (61, "mobilization", "Them", "B2", "")],
              "unprovoked": [(61, "mobilization", "Them", "B2", "")]}  # fmt: skip


def test_a_mobilization_60_days_after_ours_is_discounted(tmp_path: Path, engine) -> None:
    """Issue 25's criterion: P lower than with the same act unprovoked (under the older rule: equal)."""
    LOGS.update(UNPROVOKED)
    try:
        p = {(name, rule): assess(*load_timeline(write_case(tmp_path, name, rule=rule)), seed=5, engine=engine)
             .posterior.mean("p_expansionist") for name in UNPROVOKED for rule in ("decay", "window")}  # fmt: skip
        exact = {name: reference_from_toml(write_case(tmp_path, name))["p_expansionist"] for name in UNPROVOKED}
    finally:
        for name in UNPROVOKED:
            del LOGS[name]
    assert exact["provoked"] < exact["unprovoked"] - 0.02, exact
    assert p[("provoked", "decay")] < p[("unprovoked", "decay")] - 0.02, p
    assert p[("provoked", "decay")] == pytest.approx(exact["provoked"], abs=TOL)
    assert p[("provoked", "window")] == pytest.approx(p[("unprovoked", "window")], abs=1e-9)  # the old rule forgot
