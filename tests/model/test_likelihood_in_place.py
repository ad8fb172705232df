"""The engine's faster paths give the very same floating-point numbers as the plain formulas.

``adversary_columns`` works in place, ``channel_logliks`` skips the unsound branch of a
channel sound for certain, and ``_carrying`` sorts only the lightest draws: each is
checked here, bit for bit, against the formula it replaces, so the importance
sampler's shared draws and cached columns are unchanged.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models import likelihood as lk
from models.importance import DROP_MASS, _carrying
from models.spec import CatalogArrays


def plain_columns(theta, catalog, gamma, kind, q, reaction, seen, recip):
    """The report columns as the model's equations read (docs/model.md), without shortcuts."""
    e = theta.e[:, kind] * (1.0 if recip is None else recip)
    s = theta.s[:, kind]
    b = 1.0 - (1.0 - gamma * catalog.military[kind]) * (1.0 - reaction)
    s_eff = s + b * (e - s)
    mid = 0.5 * (e + s_eff)
    x_exp = q * e + (1.0 - q) * mid
    x_sq = q * s_eff + (1.0 - q) * mid
    return np.log(seen * x_exp + (1.0 - seen) * (1.0 - x_exp)), np.log(
        seen * x_sq + (1.0 - seen) * (1.0 - x_sq)
    )


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 9), with_recip=st.booleans(), all_seen=st.booleans())
def test_adversary_columns_in_place_equal_the_plain_formula(seed, n, with_recip, all_seen):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 6))
    catalog = CatalogArrays(*(rng.uniform(0.3, 8.0, k) for _ in range(4)), (rng.random(k) < 0.5).astype(float),
                            np.zeros(1), np.ones(1), np.ones(1))  # fmt: skip
    theta = lk.sample_prior(catalog, (2.0, 2.0), (2.0, 3.0), int(rng.integers(1, 200)), seed)
    e0, s0 = theta.e.copy(), theta.s.copy()
    kind = rng.integers(0, k, n)
    q, gamma = rng.random(n), float(rng.random())
    reaction = np.where(rng.random(n) < 0.5, 0.0, rng.random(n))
    seen = np.ones(n) if all_seen else (rng.random(n) < 0.6).astype(float)
    recip = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.2, 1.0, n)) if with_recip else None
    got = lk.adversary_columns(theta, catalog, gamma, kind, q, reaction, seen, recip)
    want = plain_columns(theta, catalog, gamma, kind, q, reaction, seen, recip)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert np.array_equal(theta.e, e0) and np.array_equal(theta.s, s0)  # the draws are left alone


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sound=st.booleans())
def test_channel_logliks_of_sound_channels_equal_the_mixture(seed, sound):
    rng = np.random.default_rng(seed)
    sum_exp, sum_sq = -rng.exponential(5.0, (50, 3)), -rng.exponential(5.0, (50, 3))
    sum_u = np.maximum(sum_exp, sum_sq) + rng.exponential(1.0, (50, 3))
    rho = np.ones(3) if sound else np.array([1.0, 0.7, 0.4])
    got = lk.channel_logliks(sum_exp, sum_sq, sum_u, rho)
    with np.errstate(divide="ignore"):
        unsound = np.log1p(-rho) + sum_u
        want = np.logaddexp(np.log(rho) + sum_exp, unsound), np.logaddexp(np.log(rho) + sum_sq, unsound)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def carrying_by_full_sort(w):
    order = np.argsort(w, kind="stable")
    light = int(np.searchsorted(np.cumsum(w[order]), DROP_MASS, side="right"))
    return None if light == 0 else np.sort(order[light:])


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 3000),
    shape=st.sampled_from(["power", "exp", "ties", "flat"]),
)
def test_carrying_equals_the_full_sort(seed, n, shape):
    rng = np.random.default_rng(seed)
    raw = {
        "power": lambda: rng.random(n) ** rng.uniform(1.0, 200.0),
        "exp": lambda: np.exp(-rng.exponential(rng.uniform(1.0, 40.0), n)),
        "ties": lambda: np.round(rng.random(n) * 3.0) + 1e-9,
        "flat": lambda: np.ones(n),
    }[shape]()
    w = raw / raw.sum()
    got, want = _carrying(w), carrying_by_full_sort(w)
    assert (got is None and want is None) or np.array_equal(got, want)
