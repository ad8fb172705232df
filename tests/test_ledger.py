"""The evidence ledger (beliefs/runs/ledger.py): contributions that add up exactly, and
leave-one-out figures against the exact reference run on the log without the report."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from reference import exact_ally_mean
from reference_files import reference_from_toml

from beliefs.catalog import bundled_catalog_path
from beliefs.runs import ledger as ledger_mod
from beliefs.runs.assessment import assess_signals
from beliefs.runs.ledger import build_ledger
from beliefs.runs.ledger_arithmetic import contributions, theta_of, without_report
from beliefs.timeline import Signal, load_timeline
from models import likelihood as lk

SIGNALS = [
    ("ultimatum", "B1", "embassy", "Them"),
    ("ally_reaffirms_commitment", "B2", "embassy", "Ally"),
    ("ultimatum", "B2", "embassy", "Them"),
    ("conciliatory_offer", "C2", "press", "Them"),
    ("mobilization", "A3", None, "Them"),
    ("conciliatory_offer", "C1", "press", "Them"),
    ("ally_hedges", "B2", None, "Ally"),
    ("fait_accompli", "D2", None, "Them", True),
]


def timeline_text(rows, doubt: float | None = None) -> str:
    head = textwrap.dedent(
        """
        [scenario]
        title = "ledger"
        perspective = "Us"
        ally = "Ally"
        adversary = "Them"
        polarity = "multipolar"
        offense_advantage = 0.4
        distinguishability = 0.6
        prior_expansionist = 0.3
        ally_reliability = { alpha = 2.0, beta = 2.0 }
        ally_recklessness = { alpha = 2.0, beta = 3.0 }
        """
    )
    head += "" if doubt is None else f"model_doubt = {doubt}\n"
    body = ""
    for i, (kind, grade, channel, actor, *rest) in enumerate(rows):
        body += f'\n[[signals]]\ndate = 1914-07-{10 + i}\nkind = "{kind}"\ngrade = "{grade}"\nactor = "{actor}"\n'
        body += f'channel = "{channel}"\n' if channel else ""
        body += "retracted = true\n" if rest else ""
    return head + body


@pytest.fixture(scope="module")
def case(engine, tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "tl.toml"
    path.write_text(timeline_text(SIGNALS))
    tl, catalog = load_timeline(path)
    a = assess_signals(tl, catalog, list(tl.signals), seed=3, engine=engine)
    assert a.reliable
    return path, tl, catalog, a, build_ledger(a.record, a.posterior)


def test_contributions_telescope_exactly_per_draw(case):
    _, _, _, a, led = case
    theta, w = theta_of(a.posterior)
    per_draw = contributions(theta, a.inputs)
    l_exp, l_sq = lk.adversary_type_logliks(theta, a.inputs)
    np.testing.assert_allclose(per_draw.sum(axis=1), l_exp - l_sq, atol=1e-10)
    # The model-doubt branch adds the rest of the per-draw log-odds (its own ledger row).
    assert a.inputs.model_doubt == 0.1  # the bundled catalog's [model] doubt
    ll = lk.loglik(theta, a.inputs)
    mix_exp, mix_sq = ll.types()
    share = (mix_exp - mix_sq) - (l_exp - l_sq)
    assert led.doubt is not None
    assert led.doubt.contribution == pytest.approx(float(w @ share), abs=1e-9)
    # The per-draw log-odds is the model's own p_expansionist, and the identity holds in the mean.
    logodds = led.prior_logodds + per_draw.sum(axis=1) + share
    p = a.posterior.flat("p_expansionist")
    np.testing.assert_allclose(1 / (1 + np.exp(-logodds)), p, atol=1e-9)
    assert led.total == pytest.approx(led.posterior_logodds_mean, abs=1e-9)
    assert led.posterior_logodds_mean == pytest.approx(float(w @ logodds), abs=1e-9)
    # The running totals telescope: the last report's running total plus the row is the posterior mean.
    last = max(led.adversary, key=lambda e: e.index)
    assert last.running + led.doubt.contribution == pytest.approx(led.posterior_logodds_mean, abs=1e-9)


def test_within_a_channel_the_first_report_carries_the_channel_alone(case):
    """The embassy's first ultimatum contributes the LLR of a one-report channel; the
    second the LLR of both minus that; a channel of its own is its single-report LLR."""
    _, _, _, a, _ = case
    theta, _ = theta_of(a.posterior)
    per_draw = contributions(theta, a.inputs)
    first = a.inputs.replace(
        adversary_kind=a.inputs.adversary_kind[:1], adversary_q=a.inputs.adversary_q[:1],
        adversary_channel=np.array([0]), channel_rho=a.inputs.channel_rho[:1],
    )  # fmt: skip
    e1, s1 = lk.adversary_type_logliks(theta, first)
    np.testing.assert_allclose(per_draw[:, 0], e1 - s1, atol=1e-12)
    both = first.replace(
        adversary_kind=a.inputs.adversary_kind[:2], adversary_q=a.inputs.adversary_q[:2],
        adversary_channel=np.array([0, 0]),
    )  # fmt: skip
    e2, s2 = lk.adversary_type_logliks(theta, both)
    np.testing.assert_allclose(per_draw[:, 1], (e2 - s2) - (e1 - s1), atol=1e-12)
    assert float(a.inputs.channel_rho[0]) == 0.85  # B: the contributions are bounded together
    assert np.all(np.abs(per_draw[:, :2].sum(axis=1)) <= -np.log(0.15) + 1e-9)


def test_p_without_each_report_matches_the_exact_posterior_without_it(case, tmp_path):
    """Each report's P without it is the per-report model's (no doubt branch): what the report does to the
    evidence; the model with the branch would give other figures (by more than the tolerance for some)."""
    path, *_, led = case
    assert [e.index for e in led.adversary] == [0, 2, 3, 4, 5]  # retracted 7 is not in the ledger
    moved_by_doubt = 0.0
    for e in led.adversary:
        rows = [r for i, r in enumerate(SIGNALS) if i != e.index]
        other = tmp_path / f"without{e.index}.toml"
        other.write_text(timeline_text(rows, doubt=0.0))
        exact = reference_from_toml(other, bundled_catalog_path())["p_expansionist"]
        assert e.loo == "psis" and e.reliable and e.khat < 0.7
        assert e.p_without == pytest.approx(exact, abs=0.02), e.index
        other.write_text(timeline_text(rows))
        moved_by_doubt = max(moved_by_doubt, abs(exact - reference_from_toml(other, bundled_catalog_path())["p_expansionist"]))
    assert moved_by_doubt > 0.02  # by more than the tolerance: the test tells the per-report figure from the model's
    full = reference_from_toml(path, bundled_catalog_path())["p_expansionist"]
    assert led.p_expansionist == pytest.approx(full, abs=0.02)
    alone = tmp_path / "alone.toml"
    alone.write_text(timeline_text(SIGNALS, doubt=0.0))
    assert led.p_reports == pytest.approx(reference_from_toml(alone, bundled_catalog_path())["p_expansionist"], abs=0.02)
    assert led.doubt is not None and led.p_reports == led.doubt.p_without
    assert "what that report does to the evidence" in led.how_to_read() and f"{led.p_reports:.3f}" in led.how_to_read()


def test_ally_reports_say_what_the_axis_would_be_without_them(case):
    _, _, _, _, led = case
    rel, hedge = led.ally
    assert (rel.index, rel.axis, hedge.index, hedge.axis) == (1, "reliability", 6, "reliability")
    # Without the reaffirmation only the hedge (delta 0.5, direction -1, q = B2) informs reliability.
    without_rel = exact_ally_mean(2.0, 2.0, [(0.5, -1, 0.85 * 0.85)])
    assert rel.mean_without == pytest.approx(without_rel, abs=0.02)
    assert rel.mean > rel.mean_without  # a reaffirmation raised the reliability estimate


def test_high_khat_refits_or_says_unreliable(case, engine, monkeypatch):
    *_, a, led = case
    monkeypatch.setattr(ledger_mod, "KHAT_MAX", -np.inf)  # every report "needs" a fresh sample
    calls = []

    def refit(inputs):
        calls.append(inputs.n_signals)
        return engine.sample(inputs, seed=9)

    fresh = build_ledger(a.record, a.posterior, refit=refit)
    # One fresh sample per report without it, and one without the model-doubt branch (all reports).
    assert calls == [a.inputs.n_signals - 1] * len(fresh.entries) + [a.inputs.n_signals]
    for e, f in zip(led.entries, fresh.entries, strict=True):
        assert f.loo == "refit" and f.reliable
        assert (f.p_without if e.about == "adversary" else f.mean_without) == pytest.approx(
            e.p_without if e.about == "adversary" else e.mean_without, abs=0.02
        )
    assert led.doubt is not None and fresh.doubt is not None and fresh.doubt.loo == "refit"
    assert fresh.doubt.p_without == pytest.approx(led.doubt.p_without, abs=0.02)
    blind = build_ledger(a.record, a.posterior)
    assert not blind.reliable and all(e.loo == "none" and e.p_without is None for e in blind.adversary)
    assert blind.doubt is not None and blind.doubt.loo == "none" and blind.doubt.p_without is None


def test_without_report_drops_an_emptied_channel():
    from beliefs.evidence.encode import encode_signals

    tl, catalog = load_timeline("agadir-1911")
    day = dt.date(1911, 7, 1)
    sigs = [Signal(date=day, kind="ultimatum", grade="B2", channel="x"),
            Signal(date=day, kind="mobilization", grade="C2", channel="y"),
            Signal(date=day, kind="ultimatum", grade="B3", channel="x")]  # fmt: skip
    inputs = encode_signals(tl.scenario, sigs, catalog)
    assert list(inputs.adversary_channel) == [0, 1, 0] and list(inputs.channel_rho) == [0.85, 0.7]
    out = without_report(inputs, "adversary", 1)
    assert list(out.adversary_channel) == [0, 0] and list(out.channel_rho) == [0.85]
    out = without_report(inputs, "adversary", 0)
    assert list(out.adversary_channel) == [1, 0] and list(out.channel_rho) == [0.85, 0.7]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "beliefs.cli.main", *args], capture_output=True, text=True,
                          timeout=600)  # fmt: skip


def test_explain_and_assess_json_from_the_command_line(case, tmp_path):
    path = case[0]
    db = str(tmp_path / "cases.db")
    assert _run("cases", "import", str(path), "--name", "c", "--db", db).returncode == 0
    out = _run("explain", "--case", "c", "--db", db, "--json", "--seed", "3")
    assert out.returncode == 0, out.stderr
    ev = json.loads(out.stdout)["evidence"]
    assert [r["index"] for r in ev["reports"]] == [0, 2, 3, 4, 5]
    assert [r["signal_id"] for r in ev["reports"]] == [1, 3, 4, 5, 6]
    assert {"index", "date", "kind", "channel", "grade", "contribution_logodds", "p_expansionist_without"} <= set(
        ev["reports"][0]
    )
    total = ev["prior_logodds"] + sum(r["contribution_logodds"] for r in ev["reports"])
    total += ev["model_uncertainty"]["contribution_logodds"]  # the model-doubt row completes the identity
    assert total == pytest.approx(ev["posterior_logodds_mean"], abs=1e-5)
    mu = ev["model_uncertainty"]
    assert mu["doubt"] == 0.1 and mu["rate"] == "neutral" and mu["bound"] == [0.0, 1.0]  # no hard bound at this rate
    assert 0.0 < mu["branch_probability"] < 1.0 and mu["loo"] == "psis"
    assert "Jensen" in ev["note"] and ev["reports"][0]["channel"] == "embassy"
    table = _run("explain", str(path), "--seed", "3")
    assert table.returncode == 0, table.stderr
    assert "evidence ledger" in table.stdout and "= posterior-mean log-odds" in table.stdout
    assert "Jensen" in table.stdout
    words = " ".join(table.stdout.split())  # the terminal wraps the lines
    assert "+ model uncertainty" in words and "reports at the two types' average rate" in words
    assert "no evidence can move" not in words  # no hard bound at the neutral rate
    assess = json.loads(_run("assess", str(path), "--json", "--seed", "3").stdout)
    assert assess["evidence"]["reports"] == [{k: v for k, v in r.items() if k != "signal_id"} for r in ev["reports"]]


def test_july_1914_shows_what_mattered_and_still_adds_up(july, engine):
    """Issue 25: across the adversary's reports "P without it" spans at least 1.0 in log-odds (it was 0.41,
    0.861 to 0.903, while each report's P without it was taken with the doubt branch in), and
    prior + reports + model uncertainty = the posterior-mean log-odds."""
    tl, catalog = july
    a = assess_signals(tl, catalog, list(tl.signals), seed=0, engine=engine)
    led = build_ledger(a.record, a.posterior)
    assert led.reliable and led.doubt is not None
    logits = [float(np.log(e.p_without) - np.log1p(-e.p_without)) for e in led.adversary if e.p_without is not None]
    assert len(logits) == len(led.adversary) >= 8
    assert max(logits) - min(logits) >= 1.0, sorted(logits)
    assert led.total == pytest.approx(led.posterior_logodds_mean, abs=1e-9)
    assert led.p_reports is not None and led.p_reports > led.p_expansionist  # the bound takes some away
