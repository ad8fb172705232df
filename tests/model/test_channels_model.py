"""Reporting channels in the sampled model: the posterior against the independent
references (quadrature where each channel carries one kind, importance sampling where
channels mix kinds), one compiled graph for any number of channels, and the marginal
bound of one channel."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from reference_channels import channel_groups
from reference_files import reference_from_toml

from beliefs.catalog import bundled_catalog_path
from beliefs.runs.assessment import assess
from beliefs.runs.engines import shared_engine
from beliefs.timeline import load_timeline
from models.engine import SamplerSettings

TOL = 0.02


@pytest.fixture(scope="module", params=["auto", "nuts"])
def any_engine(request, engine):
    """The session's default engine (importance sampling, NUTS as fallback) and nutpie's NUTS."""
    return engine if request.param == "auto" else shared_engine(SamplerSettings(method="nuts"))


def channel_toml(signals: list[tuple[str, str, str | None]], *, p0: float = 0.5, offense: float = 0.5,
                 dist: float = 0.5) -> str:  # fmt: skip
    head = f"""
    [scenario]
    title = "channels"
    perspective = "Us"
    ally = "Ally"
    adversary = "Them"
    polarity = "multipolar"
    offense_advantage = {offense}
    distinguishability = {dist}
    prior_expansionist = {p0}
    ally_reliability = {{ alpha = 2.0, beta = 2.0 }}
    ally_recklessness = {{ alpha = 2.0, beta = 2.0 }}
    """
    body = ""
    for i, (kind, grade, channel) in enumerate(signals):
        body += f'\n[[signals]]\ndate = 1914-07-{1 + i // 3:02d}\nkind = "{kind}"\ngrade = "{grade}"\n'
        if channel is not None:
            body += f'channel = "{channel}"\n'
    return textwrap.dedent(head) + body


SCENARIOS: dict[str, dict] = {
    # Channels that each carry one kind: the reference is exact quadrature.
    "one_kind_channels": dict(
        signals=[("ultimatum", "B1", "embassy"), ("ultimatum", "B2", "Embassy"), ("ultimatum", "B1", "embassy"),
                 ("mobilization", "C3", "press"), ("mobilization", "C1", "press"), ("conciliatory_offer", "D4", None),
                 ("ally_hedges", "B2", "embassy")],
        p0=0.3,
    ),
    "no_channels_mixed_letters": dict(
        signals=[("fait_accompli", "B2", None), ("accepts_mediation", "C3", None), ("ultimatum", "E1", None),
                 ("arms_buildup", "F6", None), ("treaty_violation", "A2", None)],
        offense=0.8,
        dist=0.3,
    ),
    # Channels that mix kinds: the reference is importance sampling (ESS and s.e. checked).
    "mixed_kind_channels": dict(
        signals=[("ultimatum", "B2", "embassy"), ("mobilization", "B1", "embassy"), ("arms_buildup", "B3", "embassy"),
                 ("conciliatory_offer", "C2", "press"), ("ultimatum", "C1", "press"), ("treaty_violation", "A2", None),
                 ("accepts_mediation", "D3", "intercepts"), ("fait_accompli", "D1", "intercepts")],
        p0=0.4,
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_channel_posterior_matches_the_references(name: str, tmp_path: Path, any_engine) -> None:
    engine = any_engine
    spec = dict(SCENARIOS[name])
    path = tmp_path / f"{name}.toml"
    path.write_text(channel_toml(spec.pop("signals"), **spec))
    timeline, catalog = load_timeline(path)
    before = engine.compile_count
    result = assess(timeline, catalog, seed=13, engine=engine)
    exact = reference_from_toml(path, bundled_catalog_path())
    assert engine.compile_count <= max(before, 1)  # the graph is the catalog's; channels are data
    assert result.reliable, result.posterior.diagnostics.problems
    got = {k: v["mean"] for k, v in result.posterior_json().items()}
    for key in exact:
        assert got[key] == pytest.approx(exact[key], abs=TOL), key


def test_the_scenarios_exercise_both_references(tmp_path: Path) -> None:
    from reference_files import load_reference_inputs

    mixed = {}
    for name, spec in SCENARIOS.items():
        spec = dict(spec)
        path = tmp_path / f"{name}.toml"
        path.write_text(channel_toml(spec.pop("signals"), **spec))
        groups = channel_groups(load_reference_inputs(path, bundled_catalog_path())["adv_reports"])
        mixed[name] = any(len({r.kind for r in g}) > 1 for g in groups)
    assert mixed == {"one_kind_channels": False, "no_channels_mixed_letters": False, "mixed_kind_channels": True}


def test_one_compiled_model_for_any_number_of_channels(tmp_path: Path) -> None:
    """nutpie's with_data takes a new channel count: 0, 1, 3 and 6 channels, one compilation."""
    engine = shared_engine(SamplerSettings(method="nuts"))
    logs = [
        [],
        [("ultimatum", "B1", "a")] * 4,
        [("ultimatum", "B1", "a"), ("mobilization", "C2", "b"), ("arms_buildup", "A3", "c"), ("ultimatum", "B2", "a")],
        [("ultimatum", "B1", None)] * 6,
    ]
    seen = []
    for i, log in enumerate(logs):
        path = tmp_path / f"log{i}.toml"
        path.write_text(channel_toml(log))
        timeline, catalog = load_timeline(path)
        if i == 1:
            count = engine.compile_count
        result = assess(timeline, catalog, seed=2, engine=engine)
        seen.append(result.inputs.n_channels)
        assert result.reliable and result.posterior.diagnostics.method == "nuts"
    assert seen == [0, 1, 3, 6]
    assert engine.compile_count == count


def test_thirty_b1_reports_on_one_channel_stay_within_its_bound(tmp_path: Path, any_engine) -> None:
    engine = any_engine
    """From 0.5, one B channel can at most multiply the odds by 1 / (1 - 0.85): P <= 0.8696."""
    path = tmp_path / "one.toml"
    path.write_text(channel_toml([("fait_accompli", "B1", "embassy")] * 30))
    timeline, catalog = load_timeline(path)
    result = assess(timeline, catalog, seed=4, engine=engine)
    draws = result.posterior.flat("p_expansionist")
    bound = 1.0 / (1.0 + 0.15)
    assert np.all(draws <= bound + 1e-12)
    assert result.summary("p_expansionist")["mean"] <= 0.87
    exact = reference_from_toml(path, bundled_catalog_path())["p_expansionist"]
    assert exact <= bound and result.summary("p_expansionist")["mean"] == pytest.approx(exact, abs=TOL)
    # The same reports through 30 channels of their own are 30 confirmations: certainty under the
    # per-report model (model doubt 0) and, at the catalog's neutral doubt rate, past the older rule's
    # bound 1 / (1 + 0.1): the branch fades when the reports agree.
    independent = channel_toml([("fait_accompli", "B1", None)] * 30)
    path.write_text(independent.replace("prior_expansionist = 0.5", "prior_expansionist = 0.5\nmodel_doubt = 0.0"))
    timeline, catalog = load_timeline(path)
    assert assess(timeline, catalog, seed=4, engine=engine).summary("p_expansionist")["mean"] > 0.99
    path.write_text(independent)
    timeline, catalog = load_timeline(path)
    doubted = assess(timeline, catalog, seed=4, engine=engine).summary("p_expansionist")["mean"]
    assert doubted > 1.0 / 1.1 + 0.03
