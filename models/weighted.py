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
    """
    x = np.asarray(x, dtype=float).ravel()
    n = x.size
    if w is None:
        xs = np.sort(x)
        inc = int(np.floor(prob * n))
        widths = xs[inc:] - xs[: n - inc]
        i = int(np.argmin(widths))
        return float(xs[i]), float(xs[i + inc])
    order = np.argsort(x)
    xs = x[order]
    c = np.concatenate([[0.0], np.cumsum(w[order])])
    c /= c[-1]
    # For each start i the first end j with c[j + 1] - c[i] > prob.
    j = np.searchsorted(c, c[:-1] + prob + 1e-12, side="right") - 1
    ok = j <= n - 1
    if not np.any(ok):
        return float(xs[0]), float(xs[-1])
    starts = np.nonzero(ok)[0]
    widths = xs[j[ok]] - xs[starts]
    k = int(np.argmin(widths))
    return float(xs[starts[k]]), float(xs[j[ok][k]])


def systematic_resample(w: FloatArray, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` equal-weight draws resampled from weights ``w`` (systematic, seeded)."""
    u = (np.random.default_rng(seed).random() + np.arange(n)) / n
    c = np.cumsum(w)
    c /= c[-1]
    return np.minimum(np.searchsorted(c, u, side="right"), len(w) - 1)
