"""Our PSIS and weighted summaries (numpy only) against ArviZ's, and their basic properties."""

from __future__ import annotations

import numpy as np
import pytest

from models import weighted
from models.montecarlo import mcse_mean
from models.psis import importance_ess, normalised_weights, psis


@pytest.mark.parametrize(
    ("seed", "n", "tail"),
    [(0, 2000, "light"), (1, 20000, "light"), (2, 5000, "heavy"), (3, 20000, "heavy"), (4, 300, "heavy")],
)
def test_psis_equals_arviz_psislw(seed, n, tail):
    import arviz as az

    rng = np.random.default_rng(seed)
    # light: a normal log ratio (k-hat < 0.5); heavy: Student-t / Cauchy-like ratios (k-hat > 0.7)
    lr = rng.normal(0, 1.0, n) if tail == "light" else np.log(np.abs(rng.standard_cauchy(n))) * 2.5
    ours, k = psis(lr)
    theirs, k_az = az.psislw(lr.copy())
    assert k == pytest.approx(float(k_az), abs=1e-10)
    np.testing.assert_allclose(ours, np.asarray(theirs), atol=1e-9)
    assert (k < 0.7) == (tail == "light")


def test_psis_too_short_a_tail_is_infinite_k():
    lw, k = psis(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]))
    assert k == np.inf
    assert np.exp(lw).sum() == pytest.approx(1.0)


def test_ess_of_equal_and_degenerate_weights():
    assert importance_ess(np.full(100, 0.01)) == pytest.approx(100)
    w = normalised_weights(np.array([0.0, -1000.0, -1000.0]))
    assert importance_ess(w) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equal_weight_hdi_is_arviz_hdi(seed):
    import arviz as az

    x = np.random.default_rng(seed).gamma(2.0, size=4001)
    lo, hi = az.hdi(x, hdi_prob=0.9)
    assert weighted.hdi(x, None, 0.9) == (lo, hi)
    ours = weighted.hdi(x, np.full(x.size, 1 / x.size), 0.9)
    assert ours == (lo, hi)


def test_integer_weights_are_repeated_draws():
    rng = np.random.default_rng(5)
    x = rng.normal(size=500)
    counts = rng.integers(1, 4, size=500)
    w = counts / counts.sum()
    rep = np.repeat(x, counts)
    assert weighted.mean(x, w) == pytest.approx(rep.mean())
    assert weighted.hdi(x, w, 0.8) == pytest.approx(weighted.hdi(rep, None, 0.8), abs=1e-12)
    np.testing.assert_allclose(weighted.quantile(x, w, np.array([0.1, 0.5, 0.9])),
                               np.quantile(rep, [0.1, 0.5, 0.9], method="inverted_cdf"))  # fmt: skip


def test_weighted_mcse_with_equal_weights_is_sd_over_root_n():
    rng = np.random.default_rng(6)
    x = rng.normal(size=10000)
    w = np.full(x.size, 1 / x.size)
    # Equal weights: the delta-method MCSE is sd / sqrt(n).
    assert float(mcse_mean(x, weights=w)) == pytest.approx(x.std() / 100, rel=1e-6)


def test_systematic_resampling_follows_the_weights():
    w = np.array([0.5, 0.25, 0.25, 0.0])
    idx = weighted.systematic_resample(w, 4000, seed=1)
    assert np.bincount(idx, minlength=4).tolist() == [2000, 1000, 1000, 0]
