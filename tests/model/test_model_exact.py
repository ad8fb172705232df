"""The sampled posterior against the exact quadrature reference (tests/reference.py).

Each scenario is written as TOML files so that the reference parses them on
its own (it shares no code with `beliefs` or `models`). Means of
P(expansionist), ally reliability and ally recklessness must agree within 0.02.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from reference_files import reference_from_toml

from beliefs.catalog import bundled_catalog_path
from beliefs.runs.assessment import assess
from beliefs.timeline import bundled_timelines, load_timeline

TOL = 0.02


def scenario_toml(
    signals: list[tuple[str, str]],
    *,
    p0: float = 0.5,
    offense: float = 0.5,
    dist: float = 0.5,
    polarity: str = "multipolar",
    reliability: tuple[float, float] = (2.0, 2.0),
    recklessness: tuple[float, float] = (2.0, 2.0),
    catalog: str | None = None,
) -> str:
    head = f"""
    [scenario]
    title = "test"
    perspective = "Us"
    ally = "Ally"
    adversary = "Them"
    polarity = "{polarity}"
    offense_advantage = {offense}
    distinguishability = {dist}
    prior_expansionist = {p0}
    ally_reliability = {{ alpha = {reliability[0]}, beta = {reliability[1]} }}
    ally_recklessness = {{ alpha = {recklessness[0]}, beta = {recklessness[1]} }}
    """
    if catalog:
        head += f'catalog = "{catalog}"\n'
    body = "".join(
        f'\n[[signals]]\ndate = 1914-07-{10 + i:02d}\nkind = "{kind}"\ngrade = "{grade}"\n'
        for i, (kind, grade) in enumerate(signals)
    )
    return textwrap.dedent(head) + body


CUSTOM_CATALOG = """
[grading.reliability]
A = 0.9
[grading.credibility]
1 = 0.95

[[kinds]]
id = "probe"
label = "Probe"
about = "adversary"
military = true
given_expansionist = { alpha = 3.0, beta = 2.0 }
given_status_quo = { alpha = 1.5, beta = 3.5 }
rationale = "test kind"

[[kinds]]
id = "olive_branch"
label = "Olive branch"
about = "adversary"
military = false
given_expansionist = { alpha = 0.8, beta = 4.0 }
given_status_quo = { alpha = 2.5, beta = 2.5 }
rationale = "test kind, alpha < 1"

[[kinds]]
id = "steadfast"
label = "Steadfast ally"
about = "ally"
axis = "reliability"
direction = 1
delta = 0.9
rationale = "test kind"

[[kinds]]
id = "hothead"
label = "Hotheaded ally"
about = "ally"
axis = "recklessness"
direction = 1
delta = 0.7
rationale = "test kind"
"""

SCENARIOS: dict[str, dict] = {
    "no_signals": dict(signals=[], p0=0.3, reliability=(3.0, 1.5)),
    "all_F6": dict(
        signals=[("ultimatum", "F6"), ("fait_accompli", "F6"), ("mobilization", "F6"), ("ally_hedges", "F6")],
    ),
    "gamma_0": dict(
        signals=[("mobilization", "A1"), ("offensive_deployment", "B2"), ("arms_buildup", "A2")],
        offense=0.2,
        dist=1.0,
    ),
    "gamma_1": dict(
        signals=[("mobilization", "A1"), ("offensive_deployment", "A1"), ("border_exercise", "B2")],
        offense=1.0,
        dist=0.0,
        p0=0.35,
    ),
    "repeated_kind": dict(
        signals=[("ultimatum", "A1")] * 3 + [("conciliatory_offer", "B2")] * 3 + [("ultimatum", "C3")],
        p0=0.2,
    ),
    "ally_both_directions": dict(
        signals=[
            ("ally_reaffirms_commitment", "A1"),
            ("ally_hedges", "B2"),
            ("ally_joint_planning", "A2"),
            ("ally_provocation", "B1"),
            ("ally_accepts_restraint", "A1"),
            ("ally_unilateral_mobilization", "C3"),
        ],
        reliability=(1.5, 1.5),
        recklessness=(2.5, 1.5),
    ),
    "bipolar_mixed": dict(
        signals=[("territorial_demand", "B2"), ("accepts_mediation", "A1"), ("ally_defaults", "B3"),
                 ("treaty_compliance", "A2"), ("arms_buildup", "D4")],
        polarity="bipolar",
        p0=0.6,
        offense=0.8,
        dist=0.3,
    ),
    "custom_catalog": dict(
        signals=[("probe", "A1"), ("olive_branch", "A1"), ("probe", "B3"), ("steadfast", "A1"),
                 ("hothead", "C2"), ("olive_branch", "E5")],
        catalog="custom.toml",
        offense=0.9,
        dist=0.4,
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_posterior_matches_quadrature(name: str, tmp_path: Path, engine) -> None:
    spec = dict(SCENARIOS[name])
    signals = spec.pop("signals")
    (tmp_path / "custom.toml").write_text(CUSTOM_CATALOG)
    path = tmp_path / f"{name}.toml"
    path.write_text(scenario_toml(signals, **spec))
    catalog_path = tmp_path / "custom.toml" if spec.get("catalog") else bundled_catalog_path()

    exact = reference_from_toml(path, catalog_path)
    timeline, catalog = load_timeline(path)
    result = assess(timeline, catalog, seed=11, engine=engine)

    assert result.reliable, result.posterior.diagnostics.problems
    got = {k: v["mean"] for k, v in result.posterior_json().items()}
    assert got["p_expansionist"] == pytest.approx(exact["p_expansionist"], abs=TOL)
    assert got["ally_reliability"] == pytest.approx(exact["ally_reliability"], abs=TOL)
    assert got["ally_recklessness"] == pytest.approx(exact["ally_recklessness"], abs=TOL)


def test_gamma_one_military_signals_say_nothing(tmp_path: Path, engine) -> None:
    """In a doubly dangerous world every military draw has P(exp|theta) = p0 exactly."""
    path = tmp_path / "t.toml"
    path.write_text(scenario_toml([("mobilization", "A1")] * 4, offense=1.0, dist=0.0, p0=0.35))
    timeline, catalog = load_timeline(path)
    draws = assess(timeline, catalog, seed=3, engine=engine).posterior.flat("p_expansionist")
    np.testing.assert_allclose(draws, 0.35, atol=1e-9)


@pytest.mark.parametrize(("name", "upto"), [("july-1914", 4), ("munich-1938", None), ("cuba-1962", 9)])
def test_bundled_timelines_match_quadrature(name: str, upto: int | None, engine) -> None:
    path = bundled_timelines()[name]
    exact = reference_from_toml(path, bundled_catalog_path(), upto=upto)
    timeline, catalog = load_timeline(name)
    result = assess(timeline, catalog, seed=5, engine=engine, upto=upto)
    got = {k: v["mean"] for k, v in result.posterior_json().items()}
    for key in exact:
        assert got[key] == pytest.approx(exact[key], abs=TOL), key


def test_same_seed_same_numbers(july, engine) -> None:
    timeline, catalog = july
    a = assess(timeline, catalog, seed=7, engine=engine, upto=6).to_json()
    b = assess(timeline, catalog, seed=7, engine=engine, upto=6).to_json()
    a["diagnostics"].pop("seconds")
    b["diagnostics"].pop("seconds")
    assert a == b


def test_new_signal_changes_data_not_graph(july, engine) -> None:
    timeline, catalog = july
    assess(timeline, catalog, seed=1, engine=engine, upto=2)
    before = engine.compile_count
    for upto in (3, 5, 0):
        assess(timeline, catalog, seed=1, engine=engine, upto=upto)
    assert engine.compile_count == before
