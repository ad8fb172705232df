"""The Python API checks its keyword arguments by the rules files and the command line follow:
strict types (never coerced), the same bounds, and BeliefsError subclasses naming the argument.
Before, bad seeds raised numpy's raw ValueError/TypeError and `with_scenario(prior_expansionist="0.5")`
was silently read as 0.5, where a file refuses it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import beliefs
from beliefs.limits import MAX_SEED

BAD_SEEDS = [-1, MAX_SEED + 1, 2**70, "1", 1.0, 1.5, True, None, [1]]


@pytest.fixture(scope="module")
def crisis():
    return beliefs.load_timeline("agadir-1911")


@pytest.mark.parametrize("seed", BAD_SEEDS, ids=repr)
@pytest.mark.parametrize("fn", ["assess", "explain", "replay", "sensitivity", "backtest"])
def test_a_bad_seed_is_an_argument_error_naming_it(crisis, fn, seed):
    with pytest.raises(beliefs.ArgumentError, match=r"^seed: must be ") as err:
        getattr(beliefs, fn)(crisis, seed=seed)
    assert err.value.option == "seed"


@given(
    seed=st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=MAX_SEED + 1),
        st.floats(),
        st.text(max_size=5),
        st.booleans(),
    )
)
def test_no_seed_outside_the_commands_range_gets_past_the_check(seed):
    from beliefs.api.arguments import seed as check_seed

    with pytest.raises(beliefs.ArgumentError):
        check_seed(seed)


@pytest.mark.parametrize(
    ("call", "option"),
    [
        (lambda c: beliefs.sensitivity(c, workers="2"), "workers"),
        (lambda c: beliefs.sensitivity(c, workers=0), "workers"),
        (lambda c: beliefs.sensitivity(c, grid=2.5), "grid"),
        (lambda c: beliefs.sensitivity(c, sobol_n="8"), "sobol_n"),
        (lambda c: beliefs.sensitivity(c, progress="yes"), "progress"),
        (lambda c: beliefs.sensitivity(c, scheduler=8786), "scheduler"),
        (lambda c: beliefs.sensitivity(c, tls_cert=b"x.pem"), "tls_cert"),
        (lambda c: beliefs.assess(c, sampler=None), "sampler"),
        (lambda c: beliefs.assess(c, engine=1), "engine"),
        (lambda c: beliefs.assess(c, record="no"), "record"),
        (lambda c: beliefs.assess(c, evidence=0), "evidence"),
        (lambda c: beliefs.replay(c, progress=3), "progress"),
        (lambda c: beliefs.backtest(c, progress="bar"), "progress"),
        (lambda c: c.upto("2"), "upto"),
        (lambda c: c.upto(99), "upto"),
        (lambda c: c.upto(True), "upto"),
    ],
)
def test_bad_keywords_are_argument_errors_of_the_right_type(crisis, call, option):
    with pytest.raises(beliefs.ArgumentError) as err:
        call(crisis)
    assert err.value.option == option and str(err.value).startswith(f"{option}: ")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"prior_expansionist": "0.5"}, "prior_expansionist"),
        ({"offense_advantage": True}, "offense_advantage"),
        ({"title": 7}, "title"),
        ({"polarity": b"multipolar"}, "polarity"),
    ],
)
def test_scenario_variants_are_validated_strictly_as_in_a_file(crisis, change, field):
    with pytest.raises(beliefs.InputError) as err:
        crisis.with_scenario(**change)
    assert [p.field for p in err.value.problems] == [field]


def test_payoff_overrides_are_strict_too(crisis):
    with pytest.raises(beliefs.InputError) as err:
        crisis.with_payoffs(abandonment_cost="3")
    assert err.value.problems[0].field == "abandonment_cost"
    with pytest.raises(beliefs.InputError):
        beliefs.assess(crisis, payoffs={"abandonment_cost": True})


def test_numpy_whole_numbers_are_whole_numbers_and_numpy_bools_are_not():
    import numpy as np

    from beliefs.api.arguments import seed as check_seed

    assert check_seed(np.int64(3)) == 3 and type(check_seed(np.uint32(5))) is int
    for bad in (np.bool_(True), np.float64(1.0)):
        with pytest.raises(beliefs.ArgumentError, match=r"^seed: must be a whole number"):
            check_seed(bad)


def test_good_arguments_still_work(crisis):
    assert crisis.with_scenario(prior_expansionist=0.3).timeline.scenario.prior_expansionist == 0.3
    assert (
        crisis.with_payoffs(abandonment_cost=3).timeline.payoffs.abandonment_cost == 3.0
    )  # an int is a number
    assert crisis.upto(1).n_signals <= 1
    assert (
        beliefs.assess(crisis.upto(1), seed=MAX_SEED, engine="importance", evidence=False).p_expansionist
        >= 0.0
    )
