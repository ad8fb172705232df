"""The importance-sampling engine against the exact reference, its fallback to NUTS, shared draws.

Exact numbers come from tests/reference.py (quadrature, written independently
of the model code). "Within Monte Carlo error" means within 4 reported MCSEs
plus the reference's own rounding (1e-4).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from reference_files import reference_from_toml
from test_model_exact import scenario_toml

from beliefs.catalog import bundled_catalog_path, load_catalog
from beliefs.evidence.encode import encode
from beliefs.runs.assessment import assess, assess_signals
from beliefs.runs.replay_steps import replay
from beliefs.timeline import bundled_timelines, load_timeline
from models.engine import Engine, SamplerSettings
from models.importance import ImportanceSampler

GRADES = [f"{a}{d}" for a in "ABC" for d in "123"]


def within_mc_error(got: dict, exact: dict, mcse: dict) -> None:
    for key, name in (("p_expansionist", "p_expansionist"), ("ally_reliability", "r"), ("ally_recklessness", "c")):
        tol = 4 * mcse[name] + 1e-4
        assert abs(got[key] - exact[key]) <= tol, (key, got[key], exact[key], tol)


def long_scenario_toml(signals: list[tuple[str, str]], **scenario: float) -> str:
    """scenario_toml for any number of signals (one a day from 1 January 1914)."""
    body = "".join(
        f'\n[[signals]]\ndate = {dt.date(1914, 1, 1) + dt.timedelta(days=i)}\nkind = "{kind}"\ngrade = "{grade}"\n'
        for i, (kind, grade) in enumerate(signals)
    )
    return scenario_toml([], **scenario) + body  # type: ignore[arg-type]


def random_signals(seed: int, n: int, kinds: list[str]) -> list[tuple[str, str]]:
    rng = np.random.default_rng(seed)
    return [(str(rng.choice(kinds)), str(rng.choice(GRADES))) for _ in range(n)]


@pytest.fixture(scope="module")
def importance_engine() -> Engine:
    return Engine(SamplerSettings(method="importance"))


@pytest.mark.parametrize("name", sorted(bundled_timelines()))
def test_importance_matches_quadrature_on_every_bundled_timeline(name, importance_engine):
    path = bundled_timelines()[name]
    exact = reference_from_toml(path, bundled_catalog_path())
    timeline, catalog = load_timeline(name)
    a = assess(timeline, catalog, seed=1, engine=importance_engine)
    d = a.posterior.diagnostics
    assert d.method == "importance" and a.reliable, d.problems
    assert d.pareto_k is not None and d.pareto_k < 0.7 and d.ess is not None and d.ess >= 400
    post = a.posterior
    got = {"p_expansionist": post.mean("p_expansionist"), "ally_reliability": post.mean("r"),
           "ally_recklessness": post.mean("c")}  # fmt: skip
    within_mc_error(got, exact, d.mcse)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_importance_matches_quadrature_on_random_scenarios(seed, tmp_path, importance_engine):
    catalog = load_catalog()
    kinds = [k.id for k in catalog.kinds]
    rng = np.random.default_rng(seed)
    path = tmp_path / "t.toml"
    path.write_text(
        scenario_toml(random_signals(seed, 12, kinds), p0=float(rng.uniform(0.1, 0.9)),
                      offense=float(rng.uniform()), dist=float(rng.uniform()))
    )
    exact = reference_from_toml(path, bundled_catalog_path())
    timeline, catalog = load_timeline(path)
    a = assess(timeline, catalog, seed=seed, engine=importance_engine)
    assert a.reliable, a.posterior.diagnostics.problems
    post = a.posterior
    got = {"p_expansionist": post.mean("p_expansionist"), "ally_reliability": post.mean("r"),
           "ally_recklessness": post.mean("c")}  # fmt: skip
    within_mc_error(got, exact, a.posterior.diagnostics.mcse)


def test_reported_mcse_is_the_spread_across_seeds():
    """The weighted-mean MCSE helper predicts the seed-to-seed standard deviation (within 35%)."""
    timeline, catalog = load_timeline("cuba-1962")
    inputs = encode(timeline, catalog)
    sampler = ImportanceSampler(n_draws=2000, max_draws=2000)
    means, mcses = [], []
    for seed in range(60):
        post = sampler.sample(inputs, seed)
        means.append(post.mean("p_expansionist"))
        mcses.append(post.diagnostics.mcse["p_expansionist"])
    spread, predicted = float(np.std(means, ddof=1)), float(np.median(mcses))
    assert 0.65 < spread / predicted < 1.35, (spread, predicted)


def contested_signals(seed: int, n: int, frac_exp: float) -> list[tuple[str, str]]:
    """Reports pulling both ways (a share of them on the ally), so the posterior is not at 0 or 1."""
    rng = np.random.default_rng(seed)
    towards_exp = ["ultimatum", "territorial_demand", "mobilization", "coercive_threat"]
    towards_sq = ["conciliatory_offer", "accepts_mediation", "treaty_compliance", "accepts_compromise",
                  "defensive_fortification"]  # fmt: skip
    ally = ["ally_hedges", "ally_reaffirms_commitment", "ally_provocation"]
    out = []
    for _ in range(n):
        u = rng.random()
        kinds = ally if u < 0.15 else towards_exp if u < 0.15 + 0.85 * frac_exp else towards_sq
        out.append((str(rng.choice(kinds)), str(rng.choice(["B2", "C3", "D4"]))))
    return out


@pytest.fixture(scope="module")
def many_signals(tmp_path_factory) -> Path:
    """110 contested reports: far beyond where importance sampling from the prior holds."""
    path = tmp_path_factory.mktemp("many") / "many.toml"
    path.write_text(long_scenario_toml(contested_signals(0, 110, 0.37), p0=0.4, offense=0.6, dist=0.6))
    return path


def test_when_no_proposal_is_reliable_it_falls_back_to_nuts_and_says_so(many_signals, engine):
    """Neither the prior nor an adapted proposal (tests/model/test_adapted_proposal.py) can give an
    ESS of 400 with 300 draws: the engine falls back to NUTS and says why."""
    exact = reference_from_toml(many_signals, bundled_catalog_path())
    assert 0.02 < exact["p_expansionist"] < 0.98  # a contested case, not a foregone conclusion
    timeline, catalog = load_timeline(many_signals)
    only_is = Engine(SamplerSettings(method="importance"))
    only_is.importance = ImportanceSampler(n_draws=300, max_draws=300)
    tried = assess(timeline, catalog, seed=2, engine=only_is)
    assert not tried.reliable and any("importance ESS" in p for p in tried.posterior.diagnostics.problems)

    assert engine.settings.method == "auto"
    auto = Engine(SamplerSettings())
    auto.importance = ImportanceSampler(n_draws=300, max_draws=300)
    auto._compiled, auto._models = engine._compiled, engine._models  # the session's compiled model
    a = assess(timeline, catalog, seed=2, engine=auto)
    d = a.posterior.diagnostics
    assert d.method == "nuts" and "fell back to NUTS" in d.note and "importance ESS" in d.note
    js = a.to_json()["diagnostics"]
    assert js["method"] == "nuts" and "fell back to NUTS" in js["fallback"] and js["proposal"] is None
    # NUTS may itself report trouble here (the type mixture makes chains mix slowly);
    # what it reports is its Monte Carlo error, and the answer must be within it.
    got = {k: v["mean"] for k, v in a.posterior_json().items()}
    within_mc_error(got, exact, d.mcse)


def test_nuts_matches_quadrature_on_few_signals(tmp_path, engine):
    """The NUTS path stays covered now that the default engine samples by importance."""
    nuts = Engine(SamplerSettings(method="nuts"))
    nuts._compiled, nuts._models = engine._compiled, engine._models  # reuse the session's compiled model
    signals = [("ultimatum", "A1"), ("conciliatory_offer", "B2"), ("mobilization", "A2"), ("ally_hedges", "B1")]
    path = tmp_path / "few.toml"
    path.write_text(scenario_toml(signals, p0=0.3, offense=0.7, dist=0.4))
    exact = reference_from_toml(path, bundled_catalog_path())
    timeline, catalog = load_timeline(path)
    a = assess(timeline, catalog, seed=4, engine=nuts)
    assert a.posterior.diagnostics.method == "nuts" and a.posterior.weights is None
    got = {k: v["mean"] for k, v in a.posterior_json().items()}
    within_mc_error(got, exact, a.posterior.diagnostics.mcse)


def test_replay_steps_share_their_draws(july):
    timeline, catalog = july
    engine = Engine(SamplerSettings(method="importance"))
    rep = replay(timeline, catalog, seed=3, engine=engine)
    thetas = {id(s.assessment.posterior.theta) for s in rep.steps}
    assert len(thetas) == 1  # one prior sample for the whole replay
    computed = engine.importance._samples[next(iter(engine.importance._samples))].columns_computed
    assert computed <= len(timeline.signals)  # at most one new likelihood column per step
    # The last step is the one-shot assessment, to the last bit.
    one_shot = assess(timeline, catalog, seed=3, engine=Engine(SamplerSettings(method="importance")))
    assert rep.final.posterior_json() == one_shot.posterior_json()
    assert rep.final.decision.to_json() == one_shot.decision.to_json()


def test_a_retraction_returns_the_very_same_numbers(july):
    timeline, catalog = july
    engine = Engine(SamplerSettings(method="importance"))
    signals = list(timeline.signals[:8])
    before = assess_signals(timeline, catalog, signals, seed=0, engine=engine)
    added = assess_signals(timeline, catalog, [*signals, timeline.signals[10]], seed=0, engine=engine)
    retracted = timeline.signals[10].model_copy(update={"retracted": True})
    after = assess_signals(timeline, catalog, [*signals, retracted], seed=0, engine=engine)
    assert added.posterior_json() != before.posterior_json()
    assert after.posterior_json() == before.posterior_json()
    assert np.array_equal(after.posterior.weights, before.posterior.weights)


def test_one_shot_assess_imports_no_pymc_arviz_or_pytensor():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from beliefs.cli.main import _load_command_modules, app\n"
        "_load_command_modules()\n"
        "r = CliRunner().invoke(app, ['assess', 'july-1914', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(r.stdout)\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pymc', 'arviz', 'pytensor', 'xarray', 'nutpie'})\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("HEAVY="), out.stdout[-300:]
    result = json.loads(out.stdout[: out.stdout.rindex("HEAVY=")])
    assert result["diagnostics"]["method"] == "importance"
    assert result["diagnostics"]["reliable"] is True
    assert out.stderr == ""  # no library chatter


def test_unknown_engine_is_a_clear_error():
    from typer.testing import CliRunner

    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    r = CliRunner().invoke(app, ["assess", "july-1914", "--engine", "magic"])
    assert r.exit_code == 2
    assert "unknown engine 'magic'" in r.output


def test_cached_columns_and_channels_equal_the_likelihood(july):
    """The engine's caches (columns, channel contributions) compute models.likelihood.loglik exactly,
    whatever order the reports arrive and leave in, with reports grouped into channels and
    third parties' acts weighed by their attribution (July 1914: Austria-Hungary's, a = 0.5)."""
    from models import likelihood as lk
    from models.importance import PriorSample

    timeline, catalog = july
    base = encode(timeline, catalog)
    assert 0.5 in base.adversary_attribution and 1.0 in base.adversary_attribution
    assert base.adversary_reaction.any()  # the spiral context's blurs are cached too
    rng = np.random.default_rng(8)
    n = len(base.adversary_kind)
    channel = rng.integers(0, 4, n)
    channel = np.unique(channel, return_inverse=True)[1]  # channels 0..C-1, each used
    rho = np.array([1.0, 0.85, 0.7, 0.5])[: channel.max() + 1]
    recip = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.5, 1.0, n))  # reciprocation factors are cached too
    inputs = base.replace(adversary_channel=channel, channel_rho=rho, adversary_recip=recip)
    theta = lk.sample_prior(inputs.catalog, inputs.reliability_prior, inputs.recklessness_prior, 3000, 2)
    sample = PriorSample(theta)
    # Reach the full log through partial logs (as a replay and a retraction would).
    for upto in (3, n - 1, n):
        keep = np.arange(upto)
        part = inputs.replace(
            adversary_kind=inputs.adversary_kind[keep],
            adversary_q=inputs.adversary_q[keep],
            adversary_attribution=inputs.adversary_attribution[keep],
            adversary_reaction=inputs.adversary_reaction[keep],
            adversary_recip=inputs.adversary_recip[keep],
            adversary_seen=inputs.adversary_seen[keep],
            adversary_channel=np.unique(channel[keep], return_inverse=True)[1],
            channel_rho=rho[np.unique(channel[keep])],
        )
        got, want = sample.loglik(part), lk.loglik(theta, part)
        for a, b in ((got.l_exp, want.l_exp), (got.l_sq, want.l_sq), (got.l_ally, want.l_ally)):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    assert sample.columns_computed <= n + len(inputs.ally_kind)
