"""Summaries of weighted draws: mean, sd, quantiles, HDI.

Every posterior in ``beliefs`` is a set of draws with normalised weights
(equal for NUTS, importance weights for the importance sampler), so the
decision layer computes one thing whichever engine ran. numpy only: ArviZ
costs seconds to import and the one-shot path must not pay for it.

The Monte Carlo standard error of a mean, weighted or not, is computed in
one place, :mod:`models.montecarlo`.
"""

from __future__ import annotations

import numpy as np

from models.spec import FloatArray


def uniform(n: int) -> FloatArray:
    return np.full(n, 1.0 / n)


def mean(x: FloatArray, w: FloatArray) -> float:
    """The weighted mean of 1-D ``x`` (``w`` normalised)."""
    return float(np.dot(w, x))


def sd(x: FloatArray, w: FloatArray) -> float:
    m = np.dot(w, x)
    return float(np.sqrt(max(np.dot(w, (x - m) ** 2), 0.0)))


def quantile(x: FloatArray, w: FloatArray, q: float | FloatArray) -> FloatArray:
    """Weighted quantiles (inverse of the weighted empirical CDF, left-continuous)."""
    order = np.argsort(x)
    cdf = np.cumsum(w[order])
    idx = np.searchsorted(cdf, np.asarray(q) * cdf[-1] - 1e-12, side="left")
    out: FloatArray = np.asarray(x)[order][np.clip(idx, 0, len(x) - 1)]
    return out


def hdi(x: FloatArray, w: FloatArray | None = None, prob: float = 0.9) -> tuple[float, float]:
    """The shortest interval holding ``prob`` of the weight.

    Among sorted draws ``x_(i) <= x_(j)``, the narrowest whose draws
    ``x_(i) .. x_(j)`` weigh more than ``prob``. With equal weights this is
    exactly ArviZ's ``az.hdi`` (``j = i + floor(prob * n)``).

    With weights, such an interval starts among the lowest draws that weigh ``1 - prob`` and
    ends among the highest ones that weigh as much, so only those two tails are sorted
    (:func:`_tails`); the cumulative weight in between is their sum's complement.
    """
    x = np.asarray(x, dtype=float).ravel()
    n = x.size
    if w is None:
        xs = np.sort(x)
        inc = int(np.floor(prob * n))
        widths = xs[inc:] - xs[: n - inc]
        i = int(np.argmin(widths))
        return float(xs[i]), float(xs[i + inc])
    w = np.asarray(w, dtype=float).ravel()
    (lo_x, lo_c), (hi_x, hi_c) = _tails(x, w, 1.0 - prob)
    total = hi_c[-1]
    lo_c, hi_c = lo_c / total, hi_c / total
    # For each start i (a lower-tail draw, cumulative weight lo_c[i] below it) the first end j with
    # (cumulative weight through j) - lo_c[i] > prob: hi_c[t] is the weight below upper draw t - 1.
    t = np.searchsorted(hi_c, lo_c[:-1] + prob + 1e-12, side="right") - 1
    ok = (t >= 0) & (t <= len(hi_x) - 1)
    if not np.any(ok):
        return float(lo_x[0]), float(hi_x[-1])
    starts = np.nonzero(ok)[0]
    widths = hi_x[t[ok]] - lo_x[starts]
    k = int(np.argmin(widths))
    return float(lo_x[starts[k]]), float(hi_x[t[ok][k]])


def _tails(x: FloatArray, w: FloatArray, mass: float) -> tuple[tuple[FloatArray, FloatArray], ...]:
    """The lowest and the highest draws of ``x``, each tail weighing at least ``mass`` of the total,
    sorted, with the cumulative weight below each draw (and, last, below the tail's end): (values, cum).

    Each tail is every draw beyond a threshold read off a sorted subsample of about 1,000 draws
    (where its weight reaches 1.5 ``mass``, then 3, 6, ... times, until the tail weighs enough); when
    the two tails would cover most draws, everything is sorted, and both tails are all the draws.
    """
    n = x.size
    total = float(w.sum())
    need = mass * total * (1.0 + 1e-9) + 1e-300
    step = max(1, n // 1024)
    order = np.argsort(x[::step])
    sub = x[::step][order]
    cum = np.cumsum(w[::step][order])
    cum /= max(cum[-1], 1e-300)
    share = 1.5 * mass
    while share < 0.5:
        lo = np.flatnonzero(x <= sub[min(int(np.searchsorted(cum, share)), len(sub) - 1)])
        hi = np.flatnonzero(x >= sub[max(int(np.searchsorted(cum, 1.0 - share)), 0)])
        if len(lo) + len(hi) > 0.8 * n:
            break
        if w[lo].sum() >= need and w[hi].sum() >= need:
            lo = lo[np.argsort(x[lo])]
            hi = hi[np.argsort(x[hi])]
            lo_c = np.concatenate([[0.0], np.cumsum(w[lo])])
            hi_w = np.cumsum(w[hi])
            hi_c = np.concatenate([[0.0], hi_w]) + (total - hi_w[-1])
            return (x[lo], lo_c), (x[hi], hi_c)
        share *= 2.0
    every = np.argsort(x)
    c = np.concatenate([[0.0], np.cumsum(w[every])])
    return (x[every], c), (x[every], c)


def systematic_resample(w: FloatArray, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` equal-weight draws resampled from weights ``w`` (systematic, seeded)."""
    u = (np.random.default_rng(seed).random() + np.arange(n)) / n
    c = np.cumsum(w)
    c /= c[-1]
    return np.minimum(np.searchsorted(c, u, side="right"), len(w) - 1)
