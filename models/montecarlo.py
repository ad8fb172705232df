"""Monte Carlo standard errors of posterior means, for many quantities at once: the one module.

Every MCSE in ``models`` and ``beliefs`` comes from here (the posterior summaries of
both engines, :meth:`models.posterior.Posterior.mcse`, the tie rule, the watch list).
Which estimate applies depends on the draws, not on the caller: importance-weighted
draws are independent, so their error is the delta method's (below), which accounts
for the weights and needs no ESS; MCMC draws are autocorrelated, so their error is
sd / sqrt(ESS of the mean). ArviZ's rank-normalised *bulk* ESS is a convergence
diagnostic of the ranks, not of the mean, and is not used for an MCSE.

The decision layer needs the MCSE of dozens of means per assessment (the
paired EU differences behind a tie, the EVSI of every catalog kind), so the
effective sample size is computed here with numpy, vectorised over columns,
rather than by one ArviZ call per quantity.

For MCMC draws (``chains`` chains stored chain after chain, as
:meth:`models.posterior.Posterior.flat` returns them) the ESS is the
split-chain estimate of Vehtari et al. (2021) without rank normalisation
(ArviZ's ``ess(method="mean")``): within-chain autocovariances by FFT,
combined with the between-chain variance, summed over Geyer's initial
monotone sequence of paired autocorrelations; MCSE = sd / sqrt(ESS), as
``arviz.mcse(method="mean")``. The tests check both against ArviZ.

For importance-weighted draws (independent draws with self-normalised
weights ``w``) the MCSE of the weighted mean is the delta-method estimate
sqrt(sum w_i^2 (x_i - xbar)^2) / sum w_i.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _autocov(x: Array) -> Array:
    """Autocovariance along axis 1 of ``x`` shaped (chains, draws, k), biased (divide by n)."""
    n = x.shape[1]
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(centred, n=size, axis=1)
    acov = np.fft.irfft(f * np.conjugate(f), n=size, axis=1)[:, :n]
    return np.asarray(acov / n, dtype=float)


def ess_mean(x: Array, chains: int = 1) -> Array:
    """Effective sample size of the mean of each column of ``x`` ((n,) or (n, k) draws).

    Columns without variance get ESS = n (their mean is exact).
    """
    x = np.asarray(x, dtype=float)
    flat = x.reshape(x.shape[0], -1)
    total, k = flat.shape
    if chains < 1 or total % chains:
        raise ValueError(f"{total} draws do not split into {chains} chains")
    n = total // chains
    out = np.full(k, float(total))
    if n < 8:
        return out.reshape(x.shape[1:])
    half = n // 2  # split chains, as ArviZ does: a drifting chain then shows as disagreement
    whole = flat.reshape(chains, n, k)
    y = np.concatenate((whole[:, :half], whole[:, n - half :]), axis=0)
    chains, n = 2 * chains, half
    acov = _autocov(y)  # (chains, n, k)
    chain_var = acov[:, 0, :] * n / (n - 1.0)
    within = chain_var.mean(axis=0)
    var_plus = within * (n - 1.0) / n
    var_plus = var_plus + y.mean(axis=1).var(axis=0, ddof=1)
    varying = var_plus > 0
    safe = np.where(varying, var_plus, 1.0)
    rho = 1.0 - (within - acov.mean(axis=0)) / safe  # (n, k); rho[0] = 1
    rho[0] = 1.0
    m = (n - 1) // 2 * 2  # pairs (rho[2t], rho[2t+1]) for t < m/2
    pairs = rho[0:m:2] + rho[1 : m + 1 : 2]  # (m/2, k)
    positive = np.cumprod(pairs > 0, axis=0).astype(bool)  # Geyer: stop at the first non-positive pair
    monotone = np.minimum.accumulate(np.where(positive, pairs, np.inf), axis=0)
    summed = np.where(positive, monotone, 0.0).sum(axis=0)
    tau = np.maximum(-1.0 + 2.0 * summed, 1.0 / np.log10(max(total, 10)))
    out = np.where(varying, total / tau, float(total))
    return out.reshape(x.shape[1:])


#: Draws per block of :func:`_weighted_columns`.
BLOCK = 4096


def _weighted_columns(x: Array, w: Array) -> Array:
    """The weighted MCSE of each column of ``x`` (draws x columns): ``sqrt(sum_i w_i^2 (x_i - mean)^2)``.

    Block by block, with matrix-vector products: no (draws x columns) temporaries, whose
    allocation cost more than the arithmetic on the watch list's 20,000 x 30 gains. Blocks of
    draws, or of columns when each column's draws are contiguous (``x`` the transpose of a
    C-ordered (columns x draws) array, as the watch list holds its gains).
    """
    w2 = np.square(w)
    if not x.flags.c_contiguous and x.T.flags.c_contiguous:
        rows = x.T  # (columns, draws)
        mean = rows @ w
        acc = np.empty(len(rows))
        step = max(1, BLOCK * 32 // max(len(w), 1))
        buf = np.empty((min(step, len(rows)), len(w)))
        for i in range(0, len(rows), step):
            blk = np.subtract(
                rows[i : i + step], mean[i : i + step, None], out=buf[: len(rows[i : i + step])]
            )
            blk *= blk
            acc[i : i + step] = blk @ w2
        return np.asarray(np.sqrt(acc), dtype=float)
    mean = w @ x
    acc = np.zeros(x.shape[1])
    buf = np.empty((min(BLOCK, len(x)), x.shape[1]))
    for i in range(0, len(x), BLOCK):
        blk = np.subtract(x[i : i + BLOCK], mean, out=buf[: len(x[i : i + BLOCK])])
        blk *= blk
        acc += w2[i : i + BLOCK] @ blk
    return np.asarray(np.sqrt(acc), dtype=float)


def mcse_mean(x: Array, chains: int = 1, weights: Array | None = None) -> Array:
    """Monte Carlo standard error of the mean of each column of ``x``.

    With ``weights`` the draws are taken as independent importance-sampling
    draws and the mean as the self-normalised weighted mean.
    """
    x = np.asarray(x, dtype=float)
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        w = w / w.sum()
        if x.ndim == 2:
            return _weighted_columns(x, w)
        shape = (-1,) + (1,) * (x.ndim - 1)
        wc = w.reshape(shape)
        mean = (wc * x).sum(axis=0)
        return np.asarray(np.sqrt((wc**2 * (x - mean) ** 2).sum(axis=0)), dtype=float)
    sd = x.std(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1:])
    return np.asarray(sd / np.sqrt(ess_mean(x, chains)), dtype=float)
