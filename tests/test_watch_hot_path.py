"""The watch list's hot loops (issue 26, speed) compute the same numbers as the formulas they replace.

The preposterior with model doubt at likelihood power 1 has a closed form computed block by block
of draws (:func:`beliefs.decision.preposterior._untempered`); the general formula
(:func:`~beliefs.decision.preposterior._tempered`) must agree with it at tau = 1, for any draws,
kinds, prior and doubt, including fewer draws than a block and a ragged last block. The blurred
status-quo rates and the per-draw gains are checked against their column-wise definitions.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from beliefs.decision import evsi, preposterior
from beliefs.decision.preposterior import BLOCK


def _draws(seed: int, n: int, k: int, doubt: float) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    l_exp, l_sq = rng.normal(-6.0, 3.0, n), rng.normal(-6.0, 3.0, n)
    l_u = np.maximum(l_exp, l_sq) + rng.exponential(1.0, n)
    a = (1.0 - doubt) * np.exp(np.minimum(np.stack([l_exp, l_sq]) - l_u, 0.0))
    w = rng.exponential(1.0, n)
    return a, rng.uniform(0.01, 0.99, (n, k)), rng.uniform(0.01, 0.99, (n, k)), w / w.sum()


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([1, 7, BLOCK - 1, BLOCK + 3, 2 * BLOCK]),
    k=st.integers(1, 31),
    p0=st.floats(0.01, 0.99),
    doubt=st.floats(0.001, 0.5),
)
def test_closed_form_preposterior_equals_the_general_formula(
    seed: int, n: int, k: int, p0: float, doubt: float
) -> None:
    a, x_exp, x_sq, w = _draws(seed, n, k, doubt)
    fast = preposterior._untempered(p0, doubt, a, x_exp, x_sq, w)
    general = preposterior._tempered(p0, doubt, a, x_exp, x_sq, w, 1.0)
    for got, want in zip(fast, general, strict=True):
        for g, x in zip(got, want, strict=True):
            np.testing.assert_allclose(g, x, rtol=1e-12, atol=1e-13)


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([1, 7, BLOCK + 3]),
    k=st.integers(1, 31),
    p0=st.floats(0.01, 0.99),
    doubt=st.floats(0.001, 0.5),
)
def test_closed_form_preposterior_at_the_neutral_rate_equals_the_general_formula(
    seed: int, n: int, k: int, p0: float, doubt: float
) -> None:
    """At the neutral rate the branch's l_u may lie above or below the types' (per-draw weight B), and
    the two outcomes of every draw and kind are a distribution: m(seen) + m(unseen) = 1, scale 1."""
    rng = np.random.default_rng(seed)
    types = rng.normal(-6.0, 3.0, (2, n))
    l_u = rng.normal(-6.0, 3.0, n)
    top = np.maximum(types.max(axis=0), l_u)
    a, b = (1.0 - doubt) * np.exp(types - top), doubt * np.exp(l_u - top)
    x_exp, x_sq = rng.uniform(0.01, 0.99, (n, k)), rng.uniform(0.01, 0.99, (n, k))
    w = rng.exponential(1.0, n)
    w /= w.sum()
    fast = preposterior._untempered(p0, b, a, x_exp, x_sq, w, neutral=True)
    general = preposterior._tempered(p0, b, a, x_exp, x_sq, w, 1.0, neutral=True)
    for got, want in zip(fast, general, strict=True):
        for g, x in zip(got, want, strict=True):
            np.testing.assert_allclose(g, x, rtol=1e-12, atol=1e-13)
    (m_s, _, c_s), (m_u, _, c_u) = fast
    np.testing.assert_allclose(m_s + m_u, 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.concatenate([c_s, c_u]), 1.0, rtol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([5, BLOCK + 11]), k=st.integers(1, 12))
def test_blurred_rates_and_gains_equal_their_column_wise_definitions(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    e, s = rng.uniform(0.01, 0.99, (n, k)), rng.uniform(0.01, 0.99, (n, k))
    military = sorted(rng.choice(k, size=rng.integers(1, k + 1), replace=False).tolist())
    want = s.copy()
    want[:, military] += 0.4 * (e[:, military] - s[:, military])
    np.testing.assert_array_equal(evsi._blurred(e, s, 0.4, military), want)

    a, x_exp_k, x_sq_k, w = _draws(seed, n, k, 0.1)
    per_outcome = preposterior._untempered(0.3, 0.1, a, x_exp_k, x_sq_k, w)
    x_exp, x_sq = rng.normal(size=(n, 4)), rng.normal(size=(n, 4))
    bests = (rng.integers(0, 4, k), rng.integers(0, 4, k))
    act = np.nonzero(rng.uniform(size=k) < 0.7)[0]
    want = np.zeros((n, k))
    for (m, pe, scale), best in zip(per_outcome, bests, strict=True):
        for j in act:
            b = best[j]
            want[:, j] += scale[j] * (
                pe[:, j] * (x_exp[:, b] - x_exp[:, 1]) + (m[:, j] - pe[:, j]) * (x_sq[:, b] - x_sq[:, 1])
            )
    np.testing.assert_allclose(
        evsi._adversary_gains(per_outcome, bests, act, x_exp, x_sq, 1), want, rtol=1e-12, atol=1e-14
    )


@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([2, 9, 4099]), k=st.integers(1, 9))
def test_weighted_mcse_of_columns_equals_the_mcse_of_each_column(seed: int, n: int, k: int) -> None:
    """models.montecarlo.mcse_mean on a (draws x columns) array, block by block, against each column alone."""
    from models.montecarlo import mcse_mean

    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(n, k)) * rng.uniform(0.0, 3.0, k), rng.exponential(1.0, n)
    x[:, 0] = 0.0
    want = [float(mcse_mean(x[:, j], weights=w)) for j in range(k)]
    np.testing.assert_allclose(mcse_mean(x, weights=w), want, rtol=1e-10, atol=1e-15)
