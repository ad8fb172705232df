"""Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry, JMLR 2024).

A small numpy implementation of the algorithm ArviZ ships as
:func:`arviz.psislw`, so that the importance-sampling engine needs neither
ArviZ nor xarray on the one-shot path (importing them costs about a second).
``tests/model/test_psis.py`` checks it against ``az.psislw``.

The largest ``M = ceil(min(S/5, 3 sqrt(S)))`` raw weights are replaced by the
expected order statistics of a generalised Pareto distribution fitted to them
(Zhang & Stephens' empirical-Bayes fit with a weak prior on the shape), then
truncated at the largest raw weight. The fitted shape ``k`` is the diagnostic:
below 0.7 the smoothed estimate is reliable at practical sample sizes, at or
above it the variance of the weights is effectively infinite.
"""

from __future__ import annotations

import numpy as np

from models.spec import FloatArray

#: Pareto k-hat at or above which importance sampling is not trusted.
KHAT_MAX = 0.7


def _gpdfit(x: FloatArray) -> tuple[float, float]:
    """Empirical-Bayes (Zhang & Stephens 2009) shape and scale of a GPD; ``x`` sorted, > 0."""
    prior_bs, prior_k = 3.0, 10.0
    n = len(x)
    m = 30 + int(n**0.5)
    b = 1.0 - np.sqrt(m / (np.arange(1, m + 1, dtype=float) - 0.5))
    b /= prior_bs * x[int(n / 4 + 0.5) - 1]
    b += 1.0 / x[-1]
    k = np.log1p(-b[:, None] * x).mean(axis=1)
    len_scale = n * (np.log(-(b / k)) - k - 1.0)
    with np.errstate(over="ignore"):  # exp -> inf gives a weight of 0, as it should
        weights = 1.0 / np.exp(len_scale - len_scale[:, None]).sum(axis=1)
    keep = weights >= 10 * np.finfo(float).eps
    weights, b = weights[keep], b[keep]
    weights /= weights.sum()
    b_post = float(np.sum(b * weights))
    k_post = float(np.log1p(-b_post * x).mean())
    sigma = -k_post / b_post
    return (n * k_post + prior_k * 0.5) / (n + prior_k), sigma


def _gpinv(probs: FloatArray, k: float, sigma: float) -> FloatArray:
    """Quantiles of a generalised Pareto distribution at ``probs`` (all in (0, 1))."""
    if sigma <= 0:
        return np.full_like(probs, np.nan)
    if abs(k) < np.finfo(float).eps:
        return np.asarray(-np.log1p(-probs) * sigma)
    return np.asarray(np.expm1(-k * np.log1p(-probs)) / k * sigma)


def psis(log_ratio: FloatArray) -> tuple[FloatArray, float]:
    """Pareto-smoothed, normalised log weights and the Pareto shape k-hat.

    ``log_ratio`` are log importance ratios (target over proposal, up to a
    constant). k-hat is ``inf`` when the tail is too short to fit (<= 4 draws),
    0 when every ratio is equal.
    """
    x = np.array(log_ratio, dtype=float)
    n = x.size
    x -= np.max(x)
    if not np.any(x):
        # Equal ratios: the draws are the target (no signal yet). There is no tail to
        # fit; k-hat is reported as 0, the value for a bounded ratio.
        return x - np.log(n), 0.0
    tail_len = int(np.ceil(min(n / 5.0, 3.0 * n**0.5)))
    cutoff_ind = n - tail_len - 1
    cutoff = max(float(np.partition(x, cutoff_ind)[cutoff_ind]), float(np.log(np.finfo(float).tiny)))
    (tail,) = np.nonzero(x > cutoff)
    k = float("inf")
    if len(tail) > 4:
        order = np.argsort(x[tail])
        exp_cut = np.exp(cutoff)
        x_tail = np.exp(x[tail][order]) - exp_cut
        k, sigma = _gpdfit(x_tail)
        if np.isfinite(k):
            probs = np.arange(0.5, len(tail)) / len(tail)
            x[tail[order]] = np.log(_gpinv(probs, k, sigma) + exp_cut)
            np.minimum(x, 0.0, out=x)
    x -= _logsumexp(x)
    return x, k


def _logsumexp(x: FloatArray) -> float:
    m = float(np.max(x))
    return m + float(np.log(np.sum(np.exp(x - m))))


def normalised_weights(log_w: FloatArray) -> FloatArray:
    """exp(log_w), normalised to sum to one.

    Weights below 1e-100 of the largest are set to 0: they change no sum, and
    their products would be subnormal numbers, on which arithmetic is ~100x slower.
    """
    z = np.asarray(log_w, dtype=float) - np.max(log_w)
    w = np.where(z > -230.0, np.exp(np.maximum(z, -230.0)), 0.0)
    out: FloatArray = w / w.sum()
    return out


def importance_ess(weights: FloatArray) -> float:
    """Kish's effective sample size 1 / sum(w^2) of normalised weights."""
    w = np.asarray(weights, dtype=float)
    return float(1.0 / np.sum((w / w.sum()) ** 2))
