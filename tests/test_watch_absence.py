"""The watch list values exactly the reports the model can take in.

For one kind, EVSI's preposterior value ``sum_o P(o) max_a E[U_a | o]`` is
computed the long way: the A1 report is *added* to the log, once seen and once
entered ``observed = false`` on a channel of its own, the case is re-assessed
with the engine, and the outcomes are weighed by their predictive
probabilities, read off the model's marginal likelihoods (``Z(log + o) /
Z(log)``), not off the watch's formula. The scenario sets ``model_doubt = 0``:
only then are the model's likelihoods of "seen" and "not seen" a distribution
(they sum to one, asserted).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from scipy.special import logsumexp

from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.evsi import CHANGES, evsi_by_kind
from beliefs.decision.game import utilities
from beliefs.evidence.encode import encode_signals, evidence_record
from beliefs.runs.assessment import decide_posterior
from beliefs.timeline import Signal, load_timeline

SCENARIO = """
[scenario]
title = "evsi"
perspective = "Us"
ally = "Ally"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.4
distinguishability = 0.6
# 0.46 under the catalog of issue 25: a fait accompli changes the recommendation whether seen
# or not (a "both" entry), and a mobilization moves it.
prior_expansionist = 0.46
# Without the model-doubt branch, whose rate passes either outcome at the likelier type's and so
# is no distribution over the two outcomes (tests/test_doubt_watch.py checks the watch with it).
model_doubt = 0.0
ally_reliability = { alpha = 3.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 3.0 }

[[signals]]
date = 1914-07-10
kind = "territorial_demand"
actor = "Them"
grade = "B2"

[[signals]]
date = 1914-07-12
kind = "conciliatory_offer"
actor = "Them"
grade = "B3"
observed = false
"""
N = 100_000

#: Posterior draws from arrays.
D = PosteriorDraws.of_arrays


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("evsi")) / "t.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_timeline(path)


def _setup(case, seed: int):
    from models.importance import ImportanceSampler

    tl, cat = case
    sampler = ImportanceSampler(n_draws=N, max_draws=N)
    signals = list(tl.signals)
    record = evidence_record(tl.scenario, signals, cat)
    inputs = record.inputs
    post = sampler.sample(inputs, seed=seed)
    now = decide_posterior(tl, cat, record, post)
    return sampler, signals, inputs, post, now


def _log_z(sampler, inputs, seed: int) -> float:
    """log of the marginal likelihood of the log (prior draws; the same draws for every log)."""
    total = sampler.prior_sample(inputs, seed, N).loglik(inputs).total(inputs.p0, inputs.likelihood_power)
    return float(logsumexp(total) - np.log(len(total)))


def _brute_evsi(case, kind: str, about: str, seed: int) -> tuple[float, float]:
    """(EVSI by adding the report and re-assessing, P(seen) + P(not seen))."""
    tl, cat = case
    sampler, signals, inputs, post, now = _setup(case, seed)
    eu_now = post.weights @ utilities(post.flat("p_expansionist"), post.flat("r"), post.flat("c"), now.payoffs)
    z0 = _log_z(sampler, inputs, seed)
    value, total = 0.0, 0.0
    for observed in (True, False):
        report = Signal(date=dt.date(1914, 7, 20), kind=kind, actor="Ally" if about == "ally" else "Them",
                        grade="A1", channel="watch", observed=observed)  # fmt: skip
        grown = encode_signals(tl.scenario, [*signals, report], cat)
        after = sampler.sample(grown, seed=seed)
        p_outcome = float(np.exp(_log_z(sampler, grown, seed) - z0))
        eu = after.weights @ utilities(after.flat("p_expansionist"), after.flat("r"), after.flat("c"), now.payoffs)
        value += p_outcome * float(eu.max())
        total += p_outcome
    return value - float(eu_now.max()), total


def _watch(case, seed: int) -> dict[str, dict]:
    _, _, inputs, post, now = _setup(case, seed)
    flat = [post.flat(x) for x in ("p_expansionist", "r", "c", "e", "s")]
    return {w.kind: w for w in evsi_by_kind(case[1], D(*flat, w=post.weights), inputs.gamma, now.payoffs)}


def test_evsi_is_the_value_of_adding_the_seen_or_not_seen_report(case) -> None:
    watch = _watch(case, seed=3)
    moving = [k for k, w in watch.items() if w.evsi > 0.0]
    assert "fait_accompli" in moving and "mobilization" in moving  # a political and a military (blurred) kind
    ally = [k for k, w in watch.items() if w.about == "ally"][:2]
    still = [k for k, w in watch.items() if w.about == "adversary" and w.evsi == 0.0][:1]
    for kind in [*moving, *ally, *still]:
        w = watch[kind]
        # On the same prior draws the same equations give the same numbers, up to the Pareto
        # smoothing of each re-assessment's largest weights (far below the Monte Carlo error).
        brute, total = _brute_evsi(case, kind, w.about, seed=3)
        assert total == pytest.approx(1.0, abs=1e-9)  # "seen" and "not seen" are the two outcomes
        assert abs(brute - w.evsi) < 0.02 * w.evsi_mcse + 1e-5, kind  # 1e-5 EU: near-ties
    for kind in ("fait_accompli", "mobilization"):  # independent draws: within Monte Carlo error
        brute, _ = _brute_evsi(case, kind, watch[kind].about, seed=11)
        assert abs(brute - watch[kind].evsi) < 4.0 * watch[kind].evsi_mcse + 1e-3, kind


def test_each_entry_says_which_outcome_would_change_the_recommendation(case) -> None:
    _, _, _, _, now = _setup(case, seed=3)
    watch = _watch(case, seed=3)
    best = now.decision.best
    for w in watch.values():
        assert w.changes in CHANGES
        assert (w.if_seen != best) == (w.changes in ("seen", "both"))
        assert (w.if_not_seen != best) == (w.changes in ("not_seen", "both"))
        assert (w.evsi == 0.0) == (w.changes == "neither")
    both = watch["fait_accompli"]
    assert both.changes == "both"  # its absence matters too
    assert both.reading() == (
        f"if seen → {both.if_seen} (a change); if not seen by then → {both.if_not_seen} (a change)"
    )
