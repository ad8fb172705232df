"""The public API gives the command line's answers as Python objects.

``to_dict()`` equals the ``--json`` of the same command, seed and engine for
every bundled crisis (wall-clock ``seconds`` aside: two runs never take the
same time); the draws round-trip through netCDF; results are immutable.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import beliefs
from beliefs.timeline import bundled_timelines

SEED = 3
#: The NUTS implementation where NUTS runs (the default engine, auto, samples by importance).
SAMPLER = "nutpie"


def without_seconds(obj: Any) -> Any:
    """``obj`` with every wall-clock ``seconds`` / ``sweep_seconds`` entry removed."""
    if isinstance(obj, dict):
        return {k: without_seconds(v) for k, v in obj.items() if k not in ("seconds", "sweep_seconds")}
    if isinstance(obj, list):
        return [without_seconds(v) for v in obj]
    return obj


def cli_json(*args: str) -> Any:
    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def agadir(engine):
    return beliefs.assess("agadir-1911", seed=SEED, sampler=SAMPLER)


@pytest.mark.parametrize("name", sorted(bundled_timelines()))
def test_assess_to_dict_equals_the_cli_json(engine, name):
    api = beliefs.assess(name, seed=SEED, sampler=SAMPLER).to_dict()
    cli = cli_json("assess", name, "--json", "--seed", str(SEED), "--sampler", SAMPLER)
    assert without_seconds(api) == without_seconds(cli)
    assert set(api) == set(cli)


def test_attributes_are_the_json_numbers(agadir):
    d = agadir.to_dict()
    assert agadir.p_expansionist == d["posterior"]["p_expansionist"]["mean"]
    assert list(agadir.p_expansionist_hdi) == d["posterior"]["p_expansionist"]["hdi_90"]
    assert agadir.ally_reliability == d["posterior"]["ally_reliability"]["mean"]
    assert agadir.ally_recklessness == d["posterior"]["ally_recklessness"]["mean"]
    assert agadir.recommendation == d["recommendation"]["best"]
    assert agadir.p_best == d["recommendation"]["p_best"]
    assert agadir.margin == d["recommendation"]["margin"]
    assert list(agadir.break_even_reasons) == d["recommendation"]["break_even_reasons"]
    assert agadir.break_even_reasons[-1]["break_even"] == d["recommendation"]["break_even_p_expansionist"]
    assert agadir.reliable is d["diagnostics"]["reliable"] is True
    assert agadir.n_signals == beliefs.load_timeline("agadir-1911").n_signals
    # the mean of the draws is the number shown
    assert agadir.p_expansionist == pytest.approx(
        agadir.assessment.posterior.mean("p_expansionist"), abs=6e-5
    )


def test_results_are_immutable(agadir):
    with pytest.raises(dataclasses.FrozenInstanceError):
        agadir.crisis = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        agadir.p_expansionist = 0.5  # type: ignore[misc]
    d = agadir.to_dict()
    d["recommendation"]["best"] = "tampered"
    agadir.watch[0]["kind"] = "tampered" if agadir.watch else None
    assert agadir.to_dict()["recommendation"]["best"] != "tampered"
    assert all(w.get("kind") != "tampered" for w in agadir.watch)


def test_options_dataframe(agadir):
    df = agadir.to_dataframe()
    assert list(df.index) == ["firm+support", "firm+restrain", "conciliate+support", "conciliate+restrain"]
    assert df["p_best"].sum() == pytest.approx(1.0, abs=2e-4)
    assert df["eu_mean"].idxmax() == agadir.recommendation
    assert (df["eu_lo"] <= df["eu_mean"]).all() and (df["eu_mean"] <= df["eu_hi"]).all()


def test_idata_works_with_arviz_and_round_trips_through_netcdf(agadir, tmp_path):
    import arviz as az

    idata = agadir.idata
    post = agadir.assessment.posterior
    assert agadir.engine == "importance" and post.weights is not None
    # the weighted draws are kept as drawn (from the prior), with their weights
    np.testing.assert_array_equal(idata.prior["p_expansionist"].values, post.p_expansionist)
    w = idata.sample_stats_prior["importance_weight"].values
    np.testing.assert_allclose(w.ravel(), post.weights)
    assert w.sum() == pytest.approx(1.0)
    assert idata.sample_stats_prior.attrs["pareto_k"] == pytest.approx(post.diagnostics.pareto_k)
    # the posterior group holds equal-weight draws resampled from them: same mean within MC error
    resampled = idata.posterior["p_expansionist"].values
    assert resampled.ndim == 2 and resampled.size >= 1000
    mcse = agadir.to_dict()["posterior"]["p_expansionist"]["mcse"]
    assert resampled.mean() == pytest.approx(post.mean("p_expansionist"), abs=4 * mcse + 1e-3)
    assert idata.posterior.attrs["resampled_from_weighted_draws"] == post.n_draws
    assert idata.posterior["e"].dims == ("chain", "draw", "adversary_kind")
    assert list(idata.posterior["adversary_kind"].values) == [k.id for k in agadir.crisis.catalog.adversary]
    summary = az.summary(idata, var_names=["p_expansionist", "r", "c"])
    assert summary.loc["p_expansionist", "mean"] == pytest.approx(agadir.p_expansionist, abs=5e-3)
    path = tmp_path / "agadir.nc"
    idata.to_netcdf(str(path))
    back = az.from_netcdf(str(path))
    assert az.summary(back).equals(az.summary(idata))
    assert set(back.groups()) == set(idata.groups())
    assert back.posterior.attrs["recommendation"] == agadir.recommendation
    assert back.posterior.attrs["reliable"] == 1


def test_idata_of_an_equal_weight_posterior_holds_the_draws_themselves(agadir):
    """NUTS draws (no weights) go into the posterior group as they are, with no prior group.

    An equal-weight posterior is made by resampling the importance draws, so
    no NUTS model has to be compiled for this test.
    """
    post = agadir.assessment.posterior.resampled(seed=SEED)
    assert post.weights is None
    equal = beliefs.AssessResult.of(agadir.crisis, dataclasses.replace(agadir.assessment, posterior=post))
    np.testing.assert_array_equal(equal.idata.posterior["p_expansionist"].values, post.p_expansionist)
    np.testing.assert_array_equal(equal.idata.posterior["e"].values, post.e)
    assert "prior" not in equal.idata.groups() and "sample_stats_prior" not in equal.idata.groups()
    assert "resampled_from_weighted_draws" not in equal.idata.posterior.attrs


def test_plot_posterior_draws(agadir):
    import arviz as az
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = az.plot_posterior(agadir.idata, var_names=["p_expansionist"])
    assert "p_expansionist" in np.atleast_1d(axes)[0].get_title()
    plt.close("all")


def test_scenario_and_payoff_variants_change_the_answer_and_record_nothing(engine, tmp_path):
    base = beliefs.load_timeline("munich-1938")
    low = base.with_scenario(prior_expansionist=0.05)
    assert (
        low.timeline.scenario.prior_expansionist == 0.05 and base.timeline.scenario.prior_expansionist != 0.05
    )
    a = beliefs.assess(base, seed=SEED, sampler=SAMPLER)
    b = beliefs.assess(low, seed=SEED, sampler=SAMPLER)
    assert b.p_expansionist < a.p_expansionist
    # a payoff override reaches the decision (and only it: same draws, same posterior)
    costly = beliefs.assess(base, seed=SEED, sampler=SAMPLER, payoffs={"entrapment_cost": 50.0})
    assert costly.to_dict()["posterior"] == a.to_dict()["posterior"]
    assert costly.recommendation.endswith("+restrain")
    upto = base.upto(2)
    assert len(upto.signals) == 2 and upto.case is None


def test_catalog_keyword_replaces_the_catalog(tmp_path):
    from beliefs.catalog import bundled_catalog_path

    text = bundled_catalog_path().read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    crisis = beliefs.load_timeline("agadir-1911", catalog=mine)
    assert crisis.catalog.source == str(mine)
    assert crisis.catalog.digest == beliefs.load_timeline("agadir-1911").catalog.digest


def test_replay_result(engine):
    rep = beliefs.replay("bosnia-1908", seed=SEED, sampler=SAMPLER)
    cli = cli_json("replay", "bosnia-1908", "--json", "--seed", str(SEED), "--sampler", SAMPLER)
    assert without_seconds(rep.to_dict()) == without_seconds(cli)
    df = rep.to_dataframe()
    assert len(df) == rep.n_steps == len(rep.crisis.signals) + 1
    assert df["flip"].dtype == bool and df["reliable"].all() == rep.reliable
    assert list(df.index[df["flip"]]) == list(rep.flips)
    assert tuple(df["best"]) == rep.recommendations
    assert rep.final.to_dict()["posterior"] == cli["steps"][-1]["posterior"]
    assert rep.step(0).n_signals == 0
    assert rep.idata.posterior["p_expansionist"].shape == rep.final.idata.posterior["p_expansionist"].shape


def test_errors_are_the_projects_types(tmp_path):
    with pytest.raises(beliefs.NotFoundError, match="no timeline file or bundled timeline"):
        beliefs.load_timeline("no-such-crisis")
    bad = tmp_path / "bad.toml"
    source = beliefs.load_timeline("agadir-1911").timeline.source
    with open(source, encoding="utf-8") as fh:
        bad.write_text(fh.read().replace('grade = "', 'grade = "Z', 1), encoding="utf-8")
    with pytest.raises(beliefs.InputError) as err:
        beliefs.load_timeline(bad)
    (problem,) = err.value.problems
    assert (problem.file, problem.entry, problem.field) == (str(bad), "signals[0]", "grade")
    with pytest.raises(beliefs.InputError) as err:
        beliefs.load_timeline("agadir-1911").with_payoffs(entrapment_cost=-1.0)
    assert err.value.problems[0].field == "entrapment_cost"
    with pytest.raises(beliefs.InputError):
        beliefs.assess("agadir-1911", payoffs={"no_such_payoff": 1.0})
    with pytest.raises(beliefs.CaseNotFoundError, match="no case called 'nope'"):
        beliefs.open_case("nope", tmp_path / "cases.db")
    with pytest.raises(beliefs.ArgumentError, match="unknown sampler"):
        beliefs.assess("agadir-1911", sampler="gibbs")
    with pytest.raises(beliefs.ArgumentError, match="first argument"):
        beliefs.assess(42)  # type: ignore[arg-type]
    assert issubclass(beliefs.CaseNotFoundError, beliefs.BeliefsError)
    assert issubclass(beliefs.UnreliableRunError, beliefs.BeliefsError)


def test_require_reliable_raises_on_engine_trouble(agadir):
    from beliefs.runs.assessment import Assessment

    post = agadir.assessment.posterior
    troubled = dataclasses.replace(
        post, diagnostics=dataclasses.replace(post.diagnostics, problems=("R-hat 1.2",))
    )
    a: Assessment = dataclasses.replace(agadir.assessment, posterior=troubled)
    bad = beliefs.AssessResult.of(agadir.crisis, a)
    assert bad.reliable is False and agadir.require_reliable() is agadir
    with pytest.raises(beliefs.UnreliableRunError, match=r"R-hat 1\.2") as err:
        bad.require_reliable()
    assert err.value.problems == ("R-hat 1.2",)


def test_a_stored_case_is_assessed_and_recorded(engine, tmp_path):
    from beliefs.cases.store import CaseStore

    db = tmp_path / "cases.db"
    crisis = beliefs.load_timeline("agadir-1911")
    with CaseStore(db) as store:
        store.create_case("agadir", crisis.timeline, crisis.catalog)
    case = beliefs.open_case("agadir", db)
    assert case.case == "agadir" and len(case.signal_ids) == len(case.signals)
    result = beliefs.assess(case, seed=SEED, sampler=SAMPLER)
    assert beliefs.open_case("agadir", db).timeline == case.timeline
    with CaseStore(db) as store:
        history = store.assessments("agadir")
    assert len(history) == 1 and history[0]["summary"] == result.to_dict()  # what was shown is what is kept
    assert [r["signal_id"] for r in history[0]["summary"]["evidence"]["reports"]]
    beliefs.assess(case, seed=SEED, sampler=SAMPLER, record=False)
    beliefs.assess(case.with_scenario(prior_expansionist=0.3), seed=SEED, sampler=SAMPLER)
    with CaseStore(db) as store:
        assert len(store.assessments("agadir")) == 1


def with_truth(name: str, truth: str, folder) -> str:  # type: ignore[no-untyped-def]
    """A copy of a bundled timeline whose [outcome] names adversary_type (if it does not already)."""
    with open(beliefs.load_timeline(name).timeline.source, encoding="utf-8") as fh:
        text = fh.read()
    if "adversary_type" not in text:
        basis = 'adversary_type_basis = "Set for a test."\n'
        text = text.replace("[outcome]\n", f'[outcome]\nadversary_type = "{truth}"\n{basis}', 1)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_backtest_result_equals_the_cli_json_and_takes_crises(engine, tmp_path):
    names = [
        with_truth("agadir-1911", "expansionist", tmp_path),
        with_truth("cuba-1962", "status_quo", tmp_path),
    ]
    bt = beliefs.backtest(names, seed=SEED, sampler=SAMPLER)
    cli = cli_json("backtest", *names, "--json", "--seed", str(SEED), "--sampler", SAMPLER)
    assert without_seconds(bt.to_dict()) == without_seconds(cli)
    assert bt.n == 2 and bt.brier == cli["brier"] and bt.log_score == cli["log_score"]
    df = bt.to_dataframe()
    assert list(df.index) == names and df.loc[names[1], "brier"] == cli["cases"][1]["brier"]
    # crises in memory: a variant without adversary_type is skipped, not scored
    agadir = beliefs.load_timeline(names[0])
    no_truth = agadir.timeline.model_copy(update={"outcome": None})
    mixed = beliefs.backtest(
        [dataclasses.replace(agadir, timeline=no_truth), beliefs.load_timeline(names[1])],
        seed=SEED,
        sampler=SAMPLER,
    )
    assert mixed.n == 1 and mixed.skipped[0]["reason"] == "no [outcome]"
    assert mixed.to_dict()["cases"][0] == cli["cases"][1]
    with pytest.raises(beliefs.BeliefsError, match="nothing to score"):
        beliefs.backtest(dataclasses.replace(agadir, timeline=no_truth), sampler=SAMPLER)
    assert "Brier" in bt._repr_html_() and repr(bt).startswith("<BacktestResult 2 case(s)")
