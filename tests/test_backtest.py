"""The calibration backtest: scores on known probabilities, replay-based scoring, skipped cases, the CLI.

Replays here run on small timelines written in the test (one to three
signals), with the session's compiled engine.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from reference_files import reference_from_toml
from typer.testing import CliRunner

from beliefs.errors import BeliefsError, InputError
from beliefs.studies.backtesting import Backtest, CaseScore, Skipped, backtest, brier, load_cases, log_score

CATALOG_PATH = Path(__file__).resolve().parents[1] / "beliefs" / "data" / "catalog.toml"

SCENARIO = """
[scenario]
title = "{title}"
perspective = "Us"
ally = "Friend"
adversary = "Them"
polarity = "bipolar"
offense_advantage = 0.5
distinguishability = 0.8
prior_expansionist = {prior}
ally_reliability = {{ alpha = 4.0, beta = 2.0 }}
ally_recklessness = {{ alpha = 2.0, beta = 4.0 }}
"""
OUTCOME = """
[outcome]
adversary_posture = "firm"
ally_posture = "support"
"""
TRUTH = 'adversary_type = "{truth}"\nadversary_type_basis = "Constructed for a test (Nobody 2000, p. 1)."\n'


def signal(day: int, kind: str, grade: str = "A1") -> str:
    return f'\n[[signals]]\ndate = 2000-01-{day:02d}\nkind = "{kind}"\nactor = "Them"\ngrade = "{grade}"\n'


def timeline(title: str, prior: float, kinds: list[str], truth: str | None) -> str:
    text = SCENARIO.format(title=title, prior=prior) + "".join(signal(i + 1, k) for i, k in enumerate(kinds))
    return text + OUTCOME + (TRUTH.format(truth=truth) if truth else "")


def _case(name: str, truth: str, prior: float, steps: tuple[float, ...]) -> CaseScore:
    return CaseScore(name=name, title=name, truth=truth, basis="b", p_prior=prior, p_steps=steps, reliable=True)


# -- scores on known probabilities -------------------------------------------------------


def test_brier_and_log_scores_by_hand():
    assert brier(0.8, 1) == pytest.approx(0.04)
    assert brier(0.8, 0) == pytest.approx(0.64)
    assert log_score(0.8, 1) == pytest.approx(math.log(0.8))
    assert log_score(0.8, 0) == pytest.approx(math.log(0.2))
    assert log_score(0.5, 0) == log_score(0.5, 1) == pytest.approx(-0.693147, abs=1e-6)
    # A certain miss is clipped, not minus infinity.
    assert log_score(1.0, 0) == pytest.approx(math.log(1e-6))
    assert log_score(0.0, 0) == pytest.approx(math.log(1 - 1e-6))


def test_case_and_total_scores_by_hand():
    a = _case("a", "expansionist", 0.5, (0.6, 0.7, 0.9))
    b = _case("b", "status_quo", 0.4, (0.5, 0.2))
    assert a.p_final == 0.9 and a.y == 1
    assert a.brier == pytest.approx(0.01)
    assert a.log_score == pytest.approx(math.log(0.9))
    assert a.brier_mean_steps == pytest.approx((0.16 + 0.09 + 0.01) / 3)
    assert a.brier_prior == pytest.approx(0.25) and a.log_score_prior == pytest.approx(math.log(0.5))
    assert b.brier == pytest.approx(0.04) and b.log_score == pytest.approx(math.log(0.8))
    assert b.brier_mean_steps == pytest.approx((0.25 + 0.04) / 2)
    assert b.brier_prior == pytest.approx(0.16) and b.log_score_prior == pytest.approx(math.log(0.6))
    none = _case("c", "status_quo", 0.3, ())  # no signals: the prior is the final belief
    assert none.p_final == 0.3 and none.brier == none.brier_mean_steps == none.brier_prior == pytest.approx(0.09)

    bt = Backtest(cases=(a, b), skipped=(Skipped("x", "why"),), seed=0, seconds=1.0)
    js = bt.to_json()
    assert js["n"] == 2
    assert js["brier"] == pytest.approx(round((0.01 + 0.04) / 2, 4), abs=1e-4)  # 4 decimals of computed floats: one unit of rounding
    assert js["log_score"] == pytest.approx(round((math.log(0.9) + math.log(0.8)) / 2, 4), abs=1e-4)  # 4 decimals of computed floats: one unit of rounding
    assert js["brier_prior"] == pytest.approx(round((0.25 + 0.16) / 2, 4), abs=1e-4)  # 4 decimals of computed floats: one unit of rounding
    assert js["log_score_prior"] == pytest.approx(round((math.log(0.5) + math.log(0.6)) / 2, 4), abs=1e-4)  # 4 decimals of computed floats: one unit of rounding
    assert js["skipped"] == [{"name": "x", "reason": "why"}]
    assert [c["name"] for c in js["cases"]] == ["a", "b"]
    for c in js["cases"]:
        assert {"name", "truth", "p_final", "brier", "log_score", "brier_mean_steps", "brier_prior"} <= set(c)
    assert js["cases"][0]["truth"] == "expansionist" and js["cases"][1]["p_final"] == 0.2


def test_reliability_bins():
    cases = (
        _case("a", "expansionist", 0.5, (0.95,)),
        _case("b", "expansionist", 0.5, (1.0,)),
        _case("c", "status_quo", 0.5, (0.85,)),
        _case("d", "status_quo", 0.5, (0.1,)),
    )
    bins = Backtest(cases=cases, skipped=(), seed=0, seconds=0.0).reliability()
    assert [(b.lo, b.hi, b.n) for b in bins] == [(0.0, 0.2, 1), (0.2, 0.4, 0), (0.4, 0.6, 0), (0.6, 0.8, 0), (0.8, 1.0, 3)]
    assert bins[0].observed == 0.0 and bins[1].observed is None
    assert bins[4].p_mean == pytest.approx((0.95 + 1.0 + 0.85) / 3)
    assert bins[4].observed == pytest.approx(2 / 3)


def test_posture_hits_by_hand():
    """The recommendation against what was done (mixed: not scored) and against the hindsight type."""

    def case(truth: str, rec: str, prior_rec: str, did_adv: str, did_ally: str) -> CaseScore:
        return CaseScore(
            name=rec, title=rec, truth=truth, basis="b", p_prior=0.5, p_steps=(), reliable=True,
            recommended=rec, recommended_prior=prior_rec, did_adversary=did_adv, did_ally=did_ally,
        )  # fmt: skip

    cases = (
        case("expansionist", "firm+support", "conciliate+restrain", "firm", "support"),  # adv hit, ally hit
        case("status_quo", "firm+restrain", "conciliate+restrain", "conciliate", "mixed"),  # adv miss, ally unscored
        case("expansionist", "conciliate+restrain", "firm+restrain", "mixed", "support"),  # adv unscored, ally miss
    )
    assert [c.posture_hit("adversary") for c in cases] == [True, False, None]
    assert [c.posture_hit("ally") for c in cases] == [True, None, False]
    assert [c.type_hit() for c in cases] == [True, False, False]
    assert [c.type_hit(c.recommended_prior) for c in cases] == [False, True, True]
    bt = Backtest(cases=cases, skipped=(), seed=0, seconds=0.0)
    assert bt.hits("adversary") == (1, 2) and bt.hits("ally") == (1, 2)
    assert bt.hits("type") == (1, 3) and bt.hits("type_prior") == (2, 3)
    js = bt.to_json()
    assert js["postures"]["ally"] == {"hits": 1, "scored": 2}
    assert js["cases"][1]["ally_posture_hit"] is None and js["cases"][2]["adversary_type_hit_prior"] is True


# -- replay-based scoring ------------------------------------------------------------------


@pytest.fixture()
def crisis_dir(tmp_path: Path) -> Path:
    d = tmp_path / "crises"
    d.mkdir()
    (d / "a-exp.toml").write_text(timeline("A", 0.4, ["ultimatum", "territorial_demand"], "expansionist"))
    (d / "b-sq.toml").write_text(timeline("B", 0.6, ["conciliatory_offer"], "status_quo"))
    (d / "c-none.toml").write_text(timeline("C", 0.5, ["ultimatum"], None))
    (d / "catalog.toml").write_text((CATALOG_PATH).read_text())
    return d


def test_backtest_scores_replays_against_the_exact_posterior(crisis_dir, engine):
    bt = backtest([crisis_dir], seed=3, engine=engine)
    assert [c.title for c in bt.cases] == ["A", "B"]
    assert {s.name: s.reason for s in bt.skipped} == {
        str(crisis_dir / "catalog.toml"): "not a timeline (no [scenario] table)",
        str(crisis_dir / "c-none.toml"): "its [outcome] has no adversary_type",
    }
    a, b = bt.cases
    for case, file, n in ((a, "a-exp.toml", 2), (b, "b-sq.toml", 1)):
        assert len(case.p_steps) == n
        for k, p in enumerate(case.p_steps, start=1):
            exact = reference_from_toml(crisis_dir / file, CATALOG_PATH, upto=k)["p_expansionist"]
            assert p == pytest.approx(exact, abs=0.02)
        assert case.reliable
    assert a.y == 1 and b.y == 0
    assert a.p_prior == 0.4 and b.p_prior == 0.6
    assert a.brier == pytest.approx((a.p_final - 1) ** 2) and b.brier == pytest.approx(b.p_final**2)
    # Threats raise, an offer lowers P(expansionist): here the evidence beats the prior.
    assert a.p_final > 0.4 and b.p_final < 0.6
    assert bt.total("brier") < bt.total("brier_prior")
    assert bt.total("log_score") > bt.total("log_score_prior")


def test_a_timeline_without_signals_scores_its_prior_exactly(tmp_path, engine):
    path = tmp_path / "quiet.toml"
    path.write_text(timeline("Quiet", 0.3, [], "expansionist"))
    (case,) = backtest([path], engine=engine).cases
    assert case.p_final == 0.3 and case.p_steps == ()
    assert case.brier == pytest.approx(0.49) and case.log_score == pytest.approx(math.log(0.3))


def test_no_scorable_case_and_bad_files_are_input_errors(tmp_path):
    none = tmp_path / "none.toml"
    none.write_text(timeline("N", 0.5, ["ultimatum"], None))
    with pytest.raises(BeliefsError, match="nothing to score"):
        backtest([none])
    bad = tmp_path / "bad.toml"
    bad.write_text(timeline("B", 0.5, ["ultimatum"], "revisionist"))
    worse = tmp_path / "worse.toml"
    worse.write_text(timeline("W", 1.5, ["ultimatum"], "status_quo"))
    with pytest.raises(InputError) as err:
        load_cases([tmp_path])  # every problem of every file, before any sampling
    message = str(err.value)
    assert "bad.toml: [outcome], adversary_type" in message and "revisionist" in message
    assert "worse.toml: [scenario], prior_expansionist" in message
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no \.toml"):
        load_cases([empty])


def test_bundled_timelines_are_the_default(monkeypatch):
    cases, skipped = load_cases([])
    from beliefs.timeline import bundled_timelines

    assert sorted([tl.name for tl, _ in cases] + [s.name for s in skipped]) == sorted(bundled_timelines())


# -- the command line ---------------------------------------------------------------------


@pytest.fixture()
def cli():
    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    return lambda *args: CliRunner().invoke(app, list(args))


def test_cli_json_table_and_plot(cli, crisis_dir, engine, tmp_path):
    png = tmp_path / "reliability.png"
    res = cli("backtest", str(crisis_dir), "--json", "--plot", str(png), "--seed", "3")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert {"cases", "n", "brier", "log_score", "brier_prior", "log_score_prior"} <= set(obj)
    assert obj["n"] == 2 and len(obj["cases"]) == 2
    assert len(obj["skipped"]) == 2
    for c in obj["cases"]:
        assert {"name", "truth", "p_final", "brier", "log_score", "brier_mean_steps", "brier_prior"} <= set(c)
        assert c["brier"] == pytest.approx(
            (c["p_final"] - (c["truth"] == "expansionist")) ** 2, abs=2e-4
        )
    assert obj["brier"] == pytest.approx(sum(c["brier"] for c in obj["cases"]) / 2, abs=2e-4)
    assert png.stat().st_size > 10_000

    res = cli("backtest", str(crisis_dir / "a-exp.toml"), str(crisis_dir / "b-sq.toml"))
    assert res.exit_code == 0, res.output
    assert "mean of 2" in res.stdout and "coin (0.5)" in res.stdout


def test_cli_exit_codes(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(timeline("B", 0.5, ["ultimatum"], "revisionist"))
    res = cli("backtest", str(bad), "--json")
    assert res.exit_code == 2 and res.stdout == ""
    message = " ".join(res.stderr.split())
    assert "bad.toml" in message and "[outcome]" in message and "adversary_type" in message
    none = tmp_path / "none.toml"
    none.write_text(timeline("N", 0.5, ["ultimatum"], None))
    res = cli("backtest", str(none))
    assert res.exit_code == 2 and "nothing to score" in res.stderr
    res = cli("backtest", str(none), "--plot", str(tmp_path / "figure.svg"))
    assert res.exit_code == 2 and "PNG" in res.stderr
    res = cli("backtest", "no-such-crisis")
    assert res.exit_code == 2 and "no timeline" in res.stderr
