"""One posterior-draws object for the decision layer: the utilities are computed once per
assessment and shared by the decision, EVPI and the watch list; the draws' log-likelihoods
(needed with model doubt) are fetched or recomputed once."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import numpy as np
import pytest

import beliefs.decision.decide as decide_module
import beliefs.decision.draws as draws_module
import beliefs.decision.evsi as evsi_module
import models.likelihood as lk
from beliefs.decision.decide import decide
from beliefs.decision.draws import PosteriorDraws, Utilities
from beliefs.decision.payoffs import PayoffTable
from beliefs.runs.assessment import assess_signals, decide_posterior
from beliefs.timeline import load_timeline
from models.importance import ImportanceSampler

SCENARIO = """
[scenario]
title = "draws"
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.3
distinguishability = 0.7
prior_expansionist = 0.4
model_doubt = 0.05
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 2.0 }
"""
LOG = [("ultimatum", "B2"), ("territorial_demand", "A2"), ("conciliatory_offer", "C3")]


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    body = "".join(
        f'\n[[signals]]\ndate = 1950-01-{10 + i}\nkind = "{k}"\ngrade = "{g}"\nactor = "Them"\n'
        for i, (k, g) in enumerate(LOG)
    )
    path: Path = tmp_path_factory.mktemp("draws") / "t.toml"
    path.write_text(textwrap.dedent(SCENARIO) + body)
    tl, cat = load_timeline(path)
    engine = ImportanceSampler(n_draws=20_000, max_draws=20_000)
    return tl, cat, assess_signals(tl, cat, list(tl.signals), seed=1, engine=engine)  # type: ignore[arg-type]


def _count(monkeypatch, modules, name):
    calls = []
    for module in modules:
        original = getattr(module, name, None)
        if original is None:
            continue

        def counted(*args, _original=original, **kwargs):
            calls.append(1)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def test_the_utilities_are_computed_once_per_prior_sample_and_payoff_table(case, monkeypatch) -> None:
    """The payoff terms depend on (r, c) alone: the importance sampler's draws are one prior sample
    shared by every update, so a second assessment on it reuses them; other payoffs compute them once."""
    tl, cat, now = case
    calls = _count(monkeypatch, (decide_module, evsi_module, draws_module), "outcome_terms")
    again = decide_posterior(tl, cat, now.record, now.posterior)
    assert len(calls) == 0
    assert again.to_json()["recommendation"] == now.to_json()["recommendation"]
    other = dataclasses.replace(now.payoffs, abandonment_cost=now.payoffs.abandonment_cost + 1.0)
    decide_posterior(tl, cat, now.record, now.posterior, payoffs=other)
    decide_posterior(tl, cat, now.record, now.posterior, payoffs=other)
    assert len(calls) == 1


def test_the_draws_loglik_is_recomputed_once_when_the_sampler_kept_none(case, monkeypatch) -> None:
    tl, cat, now = case
    bare = now.posterior.resampled(2000, seed=0)  # equal-weight draws without the sampler's log-likelihoods
    assert bare.draws_loglik() is None and now.inputs.model_doubt > 0
    calls = _count(monkeypatch, (lk,), "loglik")
    again = decide_posterior(tl, cat, now.record, bare)
    out = again.to_json()  # the model-doubt summary reads the same log-likelihoods as the watch list
    assert len(calls) == 1 and "model_doubt" in out
    # A copy of the assessment with other draws reads their own log-likelihoods, not the first ones'.
    other = dataclasses.replace(again, posterior=now.posterior.resampled(1500, seed=1))
    assert other.to_json()["model_doubt"] and len(calls) == 2


def test_the_sampler_kept_loglik_is_used_as_it_is(case, monkeypatch) -> None:
    tl, cat, now = case
    calls = _count(monkeypatch, (lk,), "loglik")
    again = decide_posterior(tl, cat, now.record, now.posterior)
    assert again.to_json()["model_doubt"] == now.to_json()["model_doubt"]
    assert len(calls) == 0


def test_decide_reads_the_utilities_it_is_given() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    draws = PosteriorDraws.of_arrays(rng.beta(2, 2, n), rng.beta(3, 2, n), rng.beta(2, 2, n))
    pay = PayoffTable(abandonment_cost=2.0, entrapment_cost=3.0)
    util = Utilities.of(draws, pay)
    d = decide(draws, pay, util=util)
    assert [o.eu_mean for o in d.options] == pytest.approx(list(util.eu), abs=0)
