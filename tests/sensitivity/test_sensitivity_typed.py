"""Sensitivity's internals are typed: its draws are the decision layer's PosteriorDraws, and the lens
and Sobol results are dataclasses whose to_dict() is the JSON of `beliefs sensitivity`."""

from __future__ import annotations

import numpy as np
import pytest

from beliefs.decision.draws import PosteriorDraws
from beliefs.runs.assessment import assess_signals
from beliefs.studies.sensitivity_analysis.assumptions import assumptions
from beliefs.studies.sensitivity_analysis.evaluator import Evaluator
from beliefs.studies.sensitivity_analysis.lenses import LENSES, lens_results
from beliefs.studies.sensitivity_analysis.sobol import SobolResult, sobol_indices, sobol_points
from beliefs.timeline import load_timeline
from models.engine import Engine, SamplerSettings

SEED = 7


@pytest.fixture(scope="module")
def july():
    tl, cat = load_timeline("july-1914")
    return (
        tl,
        cat,
        assess_signals(
            tl, cat, list(tl.signals), seed=SEED, engine=Engine(SamplerSettings(method="importance"))
        ),
    )


def test_an_importance_fit_is_reweighted_from_its_whole_prior_sample(july):
    _, _, a = july
    theta = a.posterior.theta
    assert theta is not None
    draws = PosteriorDraws.for_reweighting(a.posterior)
    assert draws.reweigh_prior and draws.n == theta.n and draws.chains == 1
    assert (
        draws.r is theta.r and draws.e is theta.e
    )  # the prior draws themselves, not the kept posterior ones
    assert np.isnan(draws.p).all()
    back = PosteriorDraws.from_plain(draws.to_plain())  # what a Dask worker receives
    for name in ("p", "r", "c", "e", "s"):
        np.testing.assert_array_equal(getattr(back, name), getattr(draws, name))
    assert (back.reweigh_prior, back.chains) == (True, 1)


def test_equal_weight_draws_are_reweighted_as_they_are():
    rng = np.random.default_rng(SEED)
    draws = PosteriorDraws.of_arrays(rng.uniform(size=6), rng.uniform(size=6), rng.uniform(size=6), chains=2)
    back = PosteriorDraws.from_plain(draws.to_plain())
    assert not back.reweigh_prior and back.chains == 2
    np.testing.assert_array_equal(back.p, draws.p)


def test_lens_results_state_their_evaluations(july):
    tl, _, a = july
    ev = Evaluator(tl, a.inputs, PosteriorDraws.for_reweighting(a.posterior), seed=SEED, resample=False)
    evaluated = [ev.evaluate(point) for _, point in LENSES.values()]
    lenses = lens_results(evaluated)
    assert [lens.lens for lens in lenses] == list(LENSES)
    for lens, r, (label, overrides) in zip(lenses, evaluated, LENSES.values(), strict=True):
        assert (lens.label, lens.overrides) == (label, overrides)
        assert lens.to_dict() == {
            "lens": lens.lens,
            "label": label,
            "overrides": overrides,
            "best": r.best,
            "p_best": round(r.p_best, 4),
            "p_expansionist": round(r.p_expansionist, 4),
            "margin": round(r.margin, 5),
            "path": r.path,
            "reliable": r.reliable,
        }


def test_sobol_indices_find_the_input_the_margin_depends_on(july):
    tl, _, _ = july
    problem, points = sobol_points(assumptions(tl), n=16, seed=SEED)
    target = problem["names"][1]
    rng = np.random.default_rng(SEED)
    margins = [10.0 * p[target] + 0.01 * rng.normal() for p in points]
    indices = sobol_indices(problem, margins, SEED)
    assert indices[0].assumption == target and indices[0].st > 0.9
    result = SobolResult(tuple(problem["names"]), 16, len(points), tuple(indices))
    data = result.to_dict()
    assert (
        data["inputs_independent"] == problem["names"]
        and data["N"] == 16
        and data["evaluations"] == len(points)
    )
    assert data["indices"][0] == {
        "assumption": target,
        "S1": round(indices[0].s1, 4),
        "S1_conf": round(indices[0].s1_conf, 4),
        "ST": round(indices[0].st, 4),
        "ST_conf": round(indices[0].st_conf, 4),
    }
    assert [d["ST"] for d in data["indices"]] == sorted((d["ST"] for d in data["indices"]), reverse=True)


def test_a_flat_margin_has_zero_indices(july):
    tl, _, _ = july
    problem, points = sobol_points(assumptions(tl), n=8, seed=SEED)
    flat = sobol_indices(problem, [0.25] * len(points), SEED)
    assert [i.to_dict() for i in flat] == [
        {"assumption": n, "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0} for n in problem["names"]
    ]
