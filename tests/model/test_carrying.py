"""The importance sampler leaves out its lightest draws (issue 26, speed: only the candidates are sorted).

Definition: sort all draws by weight (ties by position), and leave out the longest run from the
lightest whose weights add up to at most DROP_MASS; the kept draws in their order, or None when
none is left out.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from models.importance import DROP_MASS, _carrying


def _by_definition(w: np.ndarray) -> np.ndarray | None:
    order = np.argsort(w, kind="stable")
    total, light = 0.0, 0
    for i in order:
        if total + w[i] > DROP_MASS:
            break
        total += w[i]
        light += 1
    return None if light == 0 else np.sort(order[light:])


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([1, 5, 300, 5000]),
    spread=st.sampled_from([1.0, 10.0, 30.0]),
    ties=st.booleans(),
)
def test_the_left_out_draws_are_the_lightest_carrying_at_most_drop_mass(
    seed: int, n: int, spread: float, ties: bool
) -> None:
    rng = np.random.default_rng(seed)
    log_w = rng.normal(0.0, spread, n)
    if ties:
        log_w = np.round(log_w / 5.0) * 5.0  # many equal weights
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    got, want = _carrying(w), _by_definition(w)
    if want is None:
        assert got is None
    else:
        assert got is not None
        np.testing.assert_array_equal(got, want)
