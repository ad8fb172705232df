"""The weighted HDI sorts only its two tails (issue 26, speed): the same interval as the definition.

The definition, by brute force over every pair of sorted draws: the narrowest ``[x_(i), x_(j)]``
whose draws weigh more than ``prob`` of the total. Checked for any weights (equal, skewed, heavy
in one tail so that the partial sort must grow, zero for some draws) and sizes on both sides of
the point where the tails would meet and everything is sorted.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import weighted


def _brute_force(x: np.ndarray, w: np.ndarray, prob: float) -> tuple[float, float]:
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order] / w.sum()
    best: tuple[float, float, float] | None = None
    for i in range(len(xs)):
        inside = np.cumsum(ws[i:])  # weight of draws i..j
        ends = np.nonzero(inside > prob + 1e-12)[0]
        if ends.size:
            j = i + int(ends[0])
            if best is None or xs[j] - xs[i] < best[0]:
                best = (xs[j] - xs[i], xs[i], xs[j])
    assert best is not None
    return best[1], best[2]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([1, 3, 40, 120, 500, 2000]),
    prob=st.sampled_from([0.5, 0.8, 0.9, 0.95]),
    weights=st.sampled_from(["equal", "exponential", "heavy_low", "heavy_high", "some_zero"]),
)
def test_the_weighted_hdi_is_the_narrowest_interval_holding_prob(
    seed: int, n: int, prob: float, weights: str
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, size=n)
    w = {
        "equal": np.ones(n),
        "exponential": rng.exponential(1.0, n),
        "heavy_low": np.exp(-3.0 * x) * rng.exponential(1.0, n),  # the lower tail carries most weight
        "heavy_high": np.exp(2.0 * x) * rng.exponential(1.0, n),
        "some_zero": rng.exponential(1.0, n) * (rng.uniform(size=n) < 0.9),
    }[weights]
    if not w.any():
        w[0] = 1.0
    assert weighted.hdi(x, w, prob) == pytest.approx(_brute_force(x, w, prob), abs=0.0)


def test_the_tails_grow_until_they_weigh_enough_and_meet_as_a_full_sort() -> None:
    """The subsample that sets the thresholds (every 4th draw of 5,000) sees only the heavy low draws,
    so its first lower threshold holds too little weight: the tail must grow."""
    n = 5000
    x = np.random.default_rng(3).permutation(n).astype(float)
    w = np.ones(n)
    w[(x < 400) & (np.arange(n) % 4 == 0)] = 40.0
    for (lo_x, lo_c), (hi_x, hi_c) in (
        weighted._tails(x, w, 0.1),
        weighted._tails(x[::-1].copy(), w[::-1].copy(), 0.1),
    ):
        assert lo_c[-1] >= 0.1 * w.sum() and hi_c[-1] - hi_c[0] >= 0.1 * w.sum()
        assert np.all(np.diff(lo_x) >= 0) and np.all(np.diff(hi_x) >= 0)
        assert lo_x[-1] == np.sort(x)[len(lo_x) - 1] and hi_x[0] == np.sort(x)[-len(hi_x)]
    assert weighted.hdi(x, w, 0.9) == _brute_force(x, w, 0.9)
    (all_x, _), _ = weighted._tails(x, np.ones_like(x), 0.45)  # tails of 45% each would meet: sort all
    np.testing.assert_array_equal(all_x, np.sort(x))
