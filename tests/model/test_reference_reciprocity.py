"""Reciprocity against the exact reference.

The reference (tests/reference_reciprocity.py, through tests/reference_files.py)
finds our conciliatory moves, the answers and the provocations in between from
the TOML tables alone and integrates; the engine's posterior mean of
P(expansionist) must equal it to 0.005, and the factors must be the ones the
definition gives by hand (decay, offers, provocations spending goodwill).
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
title = "reciprocity"
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.4
distinguishability = 0.5
prior_expansionist = 0.5
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 2.0 }
catalog = "catalog.toml"

[scenario.actors.Client]
attribution = 0.5
basis = "a client with a quarrel of its own"
"""

# (day from 1 January 1962, kind, actor, grade, extra TOML)
LOGS: dict[str, list[tuple[int, str, str, str, str]]] = {
    # Our offer answered within 30 days by a withdrawal and, later, compliance (offer half-life 30 days).
    "offer_answered": [
        (1, "conciliatory_offer", "Us", "A1", ""),
        (10, "unilateral_arms_reduction", "Them", "A1", ""),
        (91, "treaty_compliance", "Them", "A1", ""),
    ],
    # Our executed concession (half-life 90 days), answered after 120 days; an answer before any move.
    "executed_and_faded": [
        (1, "accepts_mediation", "Them", "B2", ""),
        (2, "accepts_compromise", "Us", "B2", ""),
        (122, "accepts_compromise", "Them", "A1", ""),
    ],
    # Our provocations between the move and the answer spend its weight (r = rung / 4);
    # the ally's restraint is a move too; a third party's answer is read, an absence is not.
    "spent_by_provocations": [
        (1, "accepts_compromise", "Us", "A1", ""),
        (3, "coercive_threat", "Us", "A1", ""),
        (5, "ally_accepts_restraint", "Ally", "A1", ""),
        (6, "mobilization", "Us", "B2", ""),
        (8, "accepts_mediation", "Them", "A1", ""),
        (9, "de_escalation", "Client", "B2", ""),
        (10, "ends_occupation", "Them", "A1", "observed = false"),
    ],
}


def write_case(tmp_path: Path, name: str, reciprocal: bool = True) -> Path:
    catalog = bundled_catalog_path().read_text(encoding="utf-8")
    if not reciprocal:  # the same catalog with mu = 0: no report is read as reciprocation
        catalog = re.sub(r"(?m)^mu = .*$", "mu = 0.0", catalog)
    folder = tmp_path / ("recip" if reciprocal else "flat")
    folder.mkdir(exist_ok=True)
    (folder / "catalog.toml").write_text(catalog, encoding="utf-8")
    body = signals_toml(dt.date(1962, 1, 1), LOGS[name])
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(SCENARIO) + body, encoding="utf-8")
    return path


B2 = 0.85 * 0.85
EXPECTED = {  # each adversary report's factor 1 - mu c_i w_i, by hand from the catalog's numbers
    "offer_answered": [
        1 - 0.5 * 1.0 * (0.5 * 1.0),  # offer: q 1 x c 0.5, 9 days: whole
        1 - 0.5 * 1.0 * (0.5 * 2 ** (-(90 - 30) / 30)),  # 90 days: two offer half-lives past the 30 full days
    ],
    "executed_and_faded": [
        1.0,  # before any move of ours
        1 - 0.5 * 1.0 * (B2 * 1.0 * 2 ** (-(120 - 30) / 90)),  # one executed half-life past 30 days
    ],
    "spent_by_provocations": [
        # compromise (1, spent by the threat x(1 - 2/4) and the mobilization x(1 - B2 3/4)) vs the ally's
        # restraint (c 0.5, spent by the mobilization only): the weightier counts
        1 - 0.5 * 1.0 * max(1.0 * 0.5 * (1 - B2 * 0.75), 0.5 * (1 - B2 * 0.75)),
        1 - 0.5 * 1.0 * max(1.0 * 0.5 * (1 - B2 * 0.75), 0.5 * (1 - B2 * 0.75)),
        1.0,  # watched for, not seen: no answer
    ],
}


@pytest.mark.parametrize("name", sorted(LOGS))
def test_reference_factors_follow_the_definition(tmp_path: Path, name: str) -> None:
    inp = load_reference_inputs(write_case(tmp_path, name))
    assert [r.recip for r in inp["adv_reports"]] == pytest.approx(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(LOGS))
def test_engine_factors_equal_the_reference(tmp_path: Path, name: str) -> None:
    from beliefs.evidence.encode import encode

    timeline, catalog = load_timeline(write_case(tmp_path, name))
    assert list(encode(timeline, catalog).adversary_recip) == pytest.approx(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(LOGS))
def test_posterior_equals_the_exact_reference(tmp_path: Path, engine, name: str) -> None:
    path = write_case(tmp_path, name)
    exact = reference_from_toml(path)["p_expansionist"]
    flat = reference_from_toml(write_case(tmp_path, name, reciprocal=False))["p_expansionist"]
    assert exact < flat - 0.01, (exact, flat)  # reciprocation matters here, and points to the status quo
    got = assess(*load_timeline(path), seed=5, engine=engine)
    assert got.reliable, got.posterior.diagnostics.problems
    assert got.posterior.mean("p_expansionist") == pytest.approx(exact, abs=TOL)
