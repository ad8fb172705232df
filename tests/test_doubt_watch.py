"""Model doubt above the model: where epsilon comes from (catalog, scenario, bad values), the watch
list's update of each draw against actually adding the report, and sensitivity reweighting against
brute-force re-runs, all with the doubt branch on."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from beliefs.catalog import bundled_catalog_path
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.preposterior import report_outcomes
from beliefs.evidence.doubt import bound, resolve_doubt
from beliefs.runs.assessment import assess_signals
from beliefs.studies.sensitivity_analysis.assumptions import apply_point
from beliefs.studies.sensitivity_analysis.evaluator import Evaluator, point_seed
from beliefs.timeline import Signal, load_timeline
from models import likelihood as lk
from models.importance import ImportanceSampler

_load_command_modules()
runner = CliRunner()
SEED = 4


def scenario(extra: str = "") -> str:
    return textwrap.dedent(
        f"""
        [scenario]
        title = "doubt"
        perspective = "Us"
        ally = "Ally"
        adversary = "Them"
        polarity = "multipolar"
        offense_advantage = 0.3
        distinguishability = 0.7
        prior_expansionist = 0.4
        ally_reliability = {{ alpha = 2.0, beta = 2.0 }}
        ally_recklessness = {{ alpha = 2.0, beta = 2.0 }}
        {extra}
        """
    )


LOG = [("ultimatum", "B2"), ("territorial_demand", "A2"), ("conciliatory_offer", "C3"), ("fait_accompli", "B1")]


def write(tmp_path: Path, extra: str = "", name: str = "t.toml") -> Path:
    body = "".join(
        f'\n[[signals]]\ndate = 1950-01-{10 + i}\nkind = "{k}"\ngrade = "{g}"\nactor = "Them"\n'
        for i, (k, g) in enumerate(LOG)
    )
    path = tmp_path / name
    path.write_text(scenario(extra) + body)
    return path


def test_epsilon_comes_from_the_catalog_unless_the_scenario_overrides_it(tmp_path) -> None:
    tl, cat = load_timeline(write(tmp_path))
    assert cat.model.doubt == 0.1 and "Whaley" in cat.model.rationale and "Tetlock" in cat.model.rationale
    assert resolve_doubt(tl.scenario, cat) == (0.1, "catalog")
    tl, cat = load_timeline(write(tmp_path, "model_doubt = 0.25"))
    assert resolve_doubt(tl.scenario, cat) == (0.25, "scenario")
    assert bound(0.5, 0.1) == pytest.approx((1 / 11, 10 / 11))
    assert bound(0.4, 0.0) == (0.0, 1.0)
    assert bound(0.5, 0.1, rate="neutral") == (0.0, 1.0)  # the neutral rate bounds nothing


def test_a_catalog_without_doubt_rate_keeps_the_older_rule_and_says_so(tmp_path) -> None:
    """The bundled catalog runs at the neutral rate; a catalog written before the key existed loads, runs
    at the likelier rate (as its cases were assessed) and every output names the rule by its wording."""
    text = bundled_catalog_path().read_text()
    assert 'doubt_rate = "neutral"' in text
    (tmp_path / "old.toml").write_text(text.replace('doubt_rate = "neutral"\n', ""))
    old = write(tmp_path, 'catalog = "old.toml"', "old_tl.toml")
    tl, cat = load_timeline(old)
    assert cat.model.doubt_rate == "likelier"
    new_tl, new_cat = load_timeline(write(tmp_path))
    assert new_cat.model.doubt_rate == "neutral"
    a_old = assess_signals(tl, cat, list(tl.signals), seed=SEED)
    a_new = assess_signals(new_tl, new_cat, list(new_tl.signals), seed=SEED)
    assert a_old.inputs.doubt_rate == "likelier" and a_new.inputs.doubt_rate == "neutral"
    old_line, new_line = a_old.model_doubt.line(), a_new.model_doubt.line()
    assert "no evidence can move P(expansionist) beyond [0.06, 0.87]" in old_line
    assert "two types' average rate" in new_line and "beyond" not in new_line
    assert a_old.to_json()["model_doubt"]["rate"] == "likelier"
    assert a_new.to_json()["model_doubt"]["rate"] == "neutral"
    out = runner.invoke(app, ["assess", str(old)])
    assert out.exit_code == 0 and "no evidence can move" in " ".join(out.output.split())


@pytest.mark.parametrize("value", ["1.0", "-0.1", "nan", '"0.1"', "1.5"])
def test_a_bad_model_doubt_names_file_entry_and_field(tmp_path, value) -> None:
    path = write(tmp_path, f"model_doubt = {value}")
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2, out.output
    text = " ".join(out.output.split())
    assert str(path.name) in text and "[scenario]" in text and "model_doubt" in text


def test_a_bad_catalog_doubt_names_the_catalog_and_field(tmp_path) -> None:
    catalog = tmp_path / "cat.toml"
    catalog.write_text(bundled_catalog_path().read_text().replace("doubt = 0.10", "doubt = 1.2", 1))
    path = write(tmp_path, f'catalog = "{catalog.name}"')
    out = runner.invoke(app, ["validate", str(path)])
    assert out.exit_code == 2, out.output
    text = " ".join(out.output.split())
    assert "cat.toml" in text and "model" in text and "doubt" in text


def _rates(posterior, catalog, gamma):  # type: ignore[no-untyped-def]
    e, s = posterior.flat("e"), posterior.flat("s")
    military = np.array([k.military for k in catalog.adversary])
    return e, np.where(military, s + gamma * (e - s), s)


@pytest.mark.parametrize("doubt", [0.1, 0.3])
# (An absence of a kind already seen would be superseded by the sighting: beliefs.evidence.negative.)
@pytest.mark.parametrize(
    ("kind", "seen"), [("ultimatum", True), ("accepts_mediation", True), ("mobilization", False), ("treaty_violation", False)]
)
def test_the_watch_lists_update_equals_adding_the_report(tmp_path, doubt, kind, seen) -> None:
    """P(expansionist) after one more A1 report, as the watch list computes it from the current draws,
    equals the posterior after actually adding the report and re-assessing; Bayes' rule on each
    draw's P (right without doubt) is not the model's update with it."""
    tl, cat = load_timeline(write(tmp_path, f"model_doubt = {doubt}"))
    engine = ImportanceSampler(n_draws=200_000, max_draws=200_000)
    now = assess_signals(tl, cat, list(tl.signals), seed=SEED, engine=engine)  # type: ignore[arg-type]
    post, inputs = now.posterior, now.inputs
    assert now.reliable and inputs.model_doubt == doubt
    theta = lk.Theta(post.flat("e"), post.flat("s"), post.flat("r"), post.flat("c"))
    x_exp, x_sq = _rates(post, cat, inputs.gamma)
    p, w = post.flat("p_expansionist"), post.w
    outcome = report_outcomes(p, x_exp, x_sq, w, lk.loglik(theta, inputs), inputs.p0)[0 if seen else 1]
    k = [a.id for a in cat.adversary].index(kind)
    m, pe = outcome[0][:, k], outcome[1][:, k]
    predicted = float(w @ pe / (w @ m))
    new = Signal(date=dt.date(1950, 2, 1), kind=kind, grade="A1", actor="Them", observed=seen)
    after = assess_signals(tl, cat, [*tl.signals, new], seed=SEED, engine=engine)  # type: ignore[arg-type]
    assert after.reliable
    actual = after.posterior.mean("p_expansionist")
    tol = max(0.004, 4 * after.posterior.diagnostics.mcse["p_expansionist"])
    assert predicted == pytest.approx(actual, abs=tol)
    # Bayes' rule on each draw's P (the update without doubt) misses the doubt branch.
    rate = x_exp[:, k] if seen else 1.0 - x_exp[:, k]
    other = x_sq[:, k] if seen else 1.0 - x_sq[:, k]
    naive = float(w @ (p * rate) / (w @ (p * rate + (1.0 - p) * other)))
    assert abs(naive - actual) > 2 * abs(predicted - actual) + 0.003


def test_without_doubt_the_update_is_bayes_rule_and_outcomes_sum_to_one(tmp_path) -> None:
    tl, cat = load_timeline(write(tmp_path, "model_doubt = 0.0"))
    now = assess_signals(tl, cat, list(tl.signals), seed=SEED)
    post = now.posterior
    x_exp, x_sq = _rates(post, cat, now.inputs.gamma)
    p = post.flat("p_expansionist")
    theta = lk.Theta(post.flat("e"), post.flat("s"), post.flat("r"), post.flat("c"))
    ll = lk.loglik(theta, now.inputs)
    (m_s, pe_s, c_s), (m_u, _, c_u) = report_outcomes(p, x_exp, x_sq, post.w, ll, now.inputs.p0)
    np.testing.assert_allclose(m_s + m_u, 1.0, atol=1e-12)
    np.testing.assert_allclose(pe_s, p[:, None] * x_exp, atol=1e-12)
    np.testing.assert_allclose(c_s, 1.0) and np.testing.assert_allclose(c_u, 1.0)
    # With doubt the branch passes each outcome at the likelier type's rate: the two sum to more than one.
    doubted = lk.LogLik(ll.l_exp, ll.l_sq, ll.l_ally, ll.l_u, 0.3)
    p3 = doubted.p_expansionist(now.inputs.p0)
    (m_s, _, c_s), (m_u, _, c_u) = report_outcomes(p3, x_exp, x_sq, post.w, doubted, now.inputs.p0)
    assert np.all(m_s + m_u >= 1.0 - 1e-12) and np.any(m_s + m_u > 1.0 + 1e-3)
    probs = c_s * (post.w @ m_s) + c_u * (post.w @ m_u)  # P(seen) + P(not seen), per kind
    np.testing.assert_allclose(probs, 1.0, atol=1e-12)


@pytest.mark.parametrize(
    "point", [{"prior_expansionist": 0.25}, {"likelihood_strength": 1.3, "prior_expansionist": 0.55}]
)
def test_sensitivity_reweighting_with_doubt_matches_a_fresh_posterior(tmp_path, engine, point) -> None:
    """p0 and tau reweight the same draws through the doubt-mixed likelihood: a brute-force re-run at
    the point (doubt 0.3 from the scenario) gives the same P(expansionist)."""
    tl, cat = load_timeline(write(tmp_path, "model_doubt = 0.3"))
    a = assess_signals(tl, cat, list(tl.signals), seed=SEED, engine=engine)
    assert a.reliable and a.inputs.model_doubt == 0.3
    ev = Evaluator(tl, a.inputs, PosteriorDraws.for_reweighting(a.posterior), seed=SEED, engine=lambda: engine, resample=False)
    rw = ev.evaluate(point)
    assert rw.path == "reweight" and rw.reliable, rw
    _, _, inputs = apply_point(tl, a.inputs, point)
    assert inputs.model_doubt == 0.3
    fresh = engine.sample(inputs, seed=point_seed(SEED, point))
    assert fresh.diagnostics.reliable
    tol = 4 * np.hypot(fresh.diagnostics.mcse["p_expansionist"], 2 * a.posterior.diagnostics.mcse["p_expansionist"])
    assert rw.p_expansionist == pytest.approx(fresh.mean("p_expansionist"), abs=max(tol, 0.01))
    # Ignoring the doubt branch in the reweighting would land elsewhere.
    off = engine.sample(inputs.replace(model_doubt=0.0), seed=point_seed(SEED, point))
    assert abs(off.mean("p_expansionist") - rw.p_expansionist) > 0.05
