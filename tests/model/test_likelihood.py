"""The vectorised log-likelihood (models/likelihood.py) is the PyMC model's, to 1e-9.

PyMC compiles the model's own Potentials, its ``p_expansionist`` Deterministic
and its whole log-density (priors included, no Jacobian); the numpy twin must
give the same numbers at random parameter points, on signal logs that use every
kind of the bundled catalog at every grade, with random priors, blur and
likelihood power. A change to one side without the other fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logit

from beliefs.catalog import load_catalog
from beliefs.evidence.encode import catalog_arrays
from models import likelihood as lk
from models.spec import ModelInputs

TOL = 1e-9
GRADES = [f"{a}{d}" for a in "ABCDEF" for d in "123456"]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def compiled(catalog):
    """PyMC's own functions of the model: Potentials, p_expansionist, log-density."""
    import pymc as pm
    from pytensor import function

    from models.belief_model import build_model
    from models.engine import quiet_pytensor

    quiet_pytensor()
    model = build_model(random_inputs(catalog, np.random.default_rng(0), 3, 3))
    outs = model.replace_rvs_by_values(
        [*model.potentials, model["p_expansionist"], model.logp(jacobian=False)]
    )
    fn = function(model.value_vars, outs, mode="FAST_COMPILE", on_unused_input="ignore")
    return model, fn, pm


def random_inputs(
    catalog,
    rng: np.random.Generator,
    n_adv: int,
    n_ally: int,
    every_kind: bool = False,
    channels: int = 0,
    attribution: bool = False,
) -> ModelInputs:
    """A signal log with random kinds and grades (every kind at least once if asked).

    ``channels`` > 0: the adversary reports are spread over that many reporting
    channels, each with a random letter (its weight rho), and carry their digit's
    weight; 0: the default, every report its own channel with rho = 1 and q = letter x digit.
    ``attribution``: each adversary report gets a random attribution weight (third parties'
    acts), 0 and 1 included, a random spiral-context blur (0 and 1 included), a random
    reciprocation factor on e (0.5 and 1 included), and some
    reports of either side are absences (watched for, not seen); the model-doubt weight
    is random. Otherwise every report is the adversary's own act, seen, out of the blue,
    and the doubt branch is off.
    """
    arrays = catalog_arrays(catalog)
    n_k, n_a = arrays.n_adversary, arrays.n_ally
    adv_k = rng.integers(0, n_k, n_adv)
    ally_k = rng.integers(0, n_a, n_ally)
    if every_kind:
        adv_k = np.concatenate([np.arange(n_k), adv_k])
        ally_k = np.concatenate([np.arange(n_a), ally_k])
    grades = rng.choice(GRADES, size=len(adv_k) + len(ally_k))
    q = np.array([catalog.grading.weight(g) for g in grades])
    extra = {}
    if channels and len(adv_k):
        n_ch = min(channels, len(adv_k))
        ch = np.concatenate([np.arange(n_ch), rng.integers(0, n_ch, len(adv_k) - n_ch)])
        letters = rng.choice(list("ABCDEF"), size=n_ch)
        extra = {
            "adversary_channel": rng.permutation(ch).astype(np.int64),
            "channel_rho": np.array([catalog.grading.reliability[x] for x in letters]),
        }
        q[: len(adv_k)] = [catalog.grading.credibility[g[1]] for g in grades[: len(adv_k)]]
    if attribution and len(adv_k):
        a = rng.uniform(0.0, 1.0, len(adv_k))
        a[rng.random(len(adv_k)) < 0.3] = 1.0
        a[: min(2, len(a))] = [0.0, 0.5][: min(2, len(a))]
        extra["adversary_attribution"] = a
        b = np.where(rng.random(len(adv_k)) < 0.5, 0.0, rng.uniform(0.0, 1.0, len(adv_k)))
        b[-1] = 1.0
        extra["adversary_reaction"] = b
        extra["adversary_seen"] = (rng.random(len(adv_k)) < 0.7).astype(float)
        # reciprocation factors on e (beliefs.evidence.reciprocity): 1 for most, down to 0.5 (mu c w at most 0.5)
        x = np.where(rng.random(len(adv_k)) < 0.5, 1.0, rng.uniform(0.5, 1.0, len(adv_k)))
        x[0], x[-1] = 0.5, 1.0
        extra["adversary_recip"] = x
    if attribution:
        extra["ally_seen"] = (rng.random(len(ally_k)) < 0.7).astype(float)
        extra["model_doubt"] = float(rng.uniform(0.01, 0.5))
    return ModelInputs(
        catalog=arrays,
        adversary_kind=adv_k.astype(np.int64),
        adversary_q=q[: len(adv_k)],
        ally_kind=ally_k.astype(np.int64),
        ally_q=q[len(adv_k) :],
        p0=float(rng.uniform(0.02, 0.98)),
        gamma=float(rng.uniform(0.0, 1.0)),
        reliability_prior=(float(rng.uniform(0.5, 6)), float(rng.uniform(0.5, 6))),
        recklessness_prior=(float(rng.uniform(0.5, 6)), float(rng.uniform(0.5, 6))),
        likelihood_power=float(rng.choice([1.0, rng.uniform(0.2, 2.0)])),
        **extra,
    )


def random_points(inputs: ModelInputs, rng: np.random.Generator, n: int) -> lk.Theta:
    """Half from the prior, half spread widely on the logit scale (near 0 and 1 too)."""
    prior = lk.sample_prior(inputs.catalog, inputs.reliability_prior, inputs.recklessness_prior, n // 2, 7)
    k = inputs.catalog.n_adversary
    wide = [1.0 / (1.0 + np.exp(-rng.uniform(-9, 9, size))) for size in ((n - n // 2, k), (n - n // 2, k))]
    wide += [1.0 / (1.0 + np.exp(-rng.uniform(-9, 9, n - n // 2))) for _ in range(2)]
    return lk.Theta(
        *(np.concatenate([a, b]) for a, b in zip((prior.e, prior.s, prior.r, prior.c), wide, strict=True))
    )


def pymc_values(compiled, inputs: ModelInputs, theta: lk.Theta) -> np.ndarray:
    model, fn, pm = compiled
    with model:
        pm.set_data(inputs.data())
    rows = []
    for i in range(theta.n):
        out = fn(logit(theta.e[i]), logit(theta.s[i]), logit(theta.r[i]), logit(theta.c[i]))
        rows.append([float(o) for o in out])
    return np.array(rows)


def numpy_values(inputs: ModelInputs, theta: lk.Theta) -> np.ndarray:
    pot = lk.potentials(theta, inputs)
    ll = lk.loglik(theta, inputs)
    p_exp = ll.p_expansionist(inputs.p0, inputs.likelihood_power)
    total = pot["adversary_loglik"] + pot["ally_loglik"] + lk.log_prior(theta, inputs)
    return np.stack([pot["adversary_loglik"], pot["ally_loglik"], p_exp, total], axis=1)


@pytest.mark.parametrize(
    ("n_adv", "n_ally", "every_kind", "seed", "channels"),
    [
        (0, 0, True, 1, 0),
        (6, 4, True, 2, 0),
        (40, 12, True, 3, 0),
        (150, 30, False, 4, 0),
        (0, 5, False, 5, 0),
        (9, 0, False, 6, 0),
        (6, 4, True, 7, 3),
        (40, 12, True, 8, 7),
        (150, 30, False, 9, 4),
        (9, 0, False, 10, 1),
        (0, 5, False, 11, 2),
    ],
)
@pytest.mark.parametrize("attribution", [False, True])
def test_numpy_loglik_equals_pymc_potentials(compiled, catalog, n_adv, n_ally, every_kind, seed, channels, attribution):
    """With and without channels and third parties' acts: channels and attribution are data."""
    rng = np.random.default_rng(seed)
    inputs = random_inputs(catalog, rng, n_adv, n_ally, every_kind, channels, attribution)
    if attribution and n_adv:
        assert inputs.adversary_attribution.min() == 0.0 and np.any(inputs.adversary_attribution == 1.0)
        assert inputs.adversary_reaction.max() == 1.0 and 0.0 in inputs.adversary_seen
        assert inputs.adversary_recip.min() == 0.5 and 1.0 in inputs.adversary_recip
    assert inputs.n_channels == (min(channels, inputs.adversary_kind.size) if channels else inputs.adversary_kind.size)
    theta = random_points(inputs, rng, 24)
    want = pymc_values(compiled, inputs, theta)
    got = numpy_values(inputs, theta)
    assert np.all(np.isfinite(want))
    # Columns: adversary Potential, ally Potential, p_expansionist, whole log-density.
    np.testing.assert_allclose(got, want, rtol=TOL, atol=TOL)


def test_every_grade_and_kind_is_exercised(catalog):
    """The scenarios above really contain every kind; a column per report is what PyMC sums."""
    rng = np.random.default_rng(3)
    inputs = random_inputs(catalog, rng, 40, 12, every_kind=True)
    assert set(inputs.adversary_kind) == set(range(inputs.catalog.n_adversary))
    assert set(inputs.ally_kind) == set(range(inputs.catalog.n_ally))
    theta = lk.sample_prior(inputs.catalog, (2, 2), (2, 2), 50, 0)
    a_exp, a_sq = lk.adversary_columns(
        theta, inputs.catalog, inputs.gamma, inputs.adversary_kind, inputs.adversary_q
    )
    l_exp, l_sq = lk.adversary_type_logliks(theta, inputs)
    # Summing distinct columns times counts is the per-report sum.
    np.testing.assert_allclose(l_exp, a_exp.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(l_sq, a_sq.sum(axis=1), rtol=1e-12)
    ally = lk.ally_columns(theta, inputs.catalog, inputs.ally_kind, inputs.ally_q).sum(axis=1)
    np.testing.assert_allclose(lk.ally_loglik(theta, inputs), ally, rtol=1e-12)


def test_prior_sample_is_seeded_and_in_support(catalog):
    arrays = catalog_arrays(catalog)
    a = lk.sample_prior(arrays, (2.0, 3.0), (0.3, 0.3), 1000, 11)
    b = lk.sample_prior(arrays, (2.0, 3.0), (0.3, 0.3), 1000, 11)
    c = lk.sample_prior(arrays, (2.0, 3.0), (0.3, 0.3), 1000, 12)
    assert np.array_equal(a.e, b.e) and np.array_equal(a.c, b.c)
    assert not np.array_equal(a.e, c.e)
    for x in (a.e, a.s, a.r, a.c):
        assert np.all((x > 0) & (x < 1))
    # The sample's means are the priors' (loose: 1000 draws).
    assert abs(a.r.mean() - 0.4) < 0.03
    np.testing.assert_allclose(a.e.mean(axis=0), arrays.alpha_e / (arrays.alpha_e + arrays.beta_e), atol=0.05)
