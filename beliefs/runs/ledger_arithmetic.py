"""The ledger's per-draw arithmetic: each adversary report's likelihood columns, the telescoped
per-draw contributions, leave-one-out weights and the model inputs without one report.

:mod:`beliefs.runs.ledger` states what these add up to and builds the ledger from them.
"""

from __future__ import annotations

import numpy as np

from models import likelihood as lk
from models.posterior import Posterior
from models.spec import FloatArray, ModelInputs


def theta_of(posterior: Posterior) -> tuple[lk.Theta, FloatArray]:
    """The flat draws and their normalised weights (uniform for MCMC draws)."""
    theta = lk.Theta(posterior.flat("e"), posterior.flat("s"), posterior.flat("r"), posterior.flat("c"))
    weights = getattr(posterior, "weights", None)
    w = np.full(theta.n, 1.0 / theta.n) if weights is None else np.asarray(weights, dtype=float)
    return theta, w / w.sum()


def channel_reports(inputs: ModelInputs) -> list[np.ndarray]:
    """The report indices of each channel, in entry order."""
    ch = np.asarray(inputs.adversary_channel, dtype=np.int64)
    return [np.flatnonzero(ch == c) for c in range(inputs.n_channels)]


def report_columns(
    theta: lk.Theta, inputs: ModelInputs, idx: np.ndarray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    kind = np.asarray(inputs.adversary_kind, dtype=np.int64)[idx]
    q = inputs.adversary_weight[idx]
    reaction, seen = np.asarray(inputs.adversary_reaction)[idx], np.asarray(inputs.adversary_seen)[idx]
    recip = np.asarray(inputs.adversary_recip)[idx]
    la_exp, la_sq = lk.adversary_columns(theta, inputs.catalog, inputs.gamma, kind, q, reaction, seen, recip)
    return la_exp, la_sq, np.maximum(la_exp, la_sq)


def contributions(theta: lk.Theta, inputs: ModelInputs) -> FloatArray:
    """Per-draw contribution of every adversary report to the log-odds: (N, n), telescoped.

    Row sums equal ``tau * (l_exp - l_sq)`` of :func:`models.likelihood.adversary_type_logliks`.
    """
    out = np.zeros((theta.n, len(inputs.adversary_kind)))
    tau = inputs.likelihood_power
    for c, idx in enumerate(channel_reports(inputs)):
        la_exp, la_sq, lu = report_columns(theta, inputs, idx)
        rho = np.asarray(inputs.channel_rho)[c : c + 1]
        l_exp, l_sq = lk.channel_logliks(
            np.cumsum(la_exp, axis=1), np.cumsum(la_sq, axis=1), np.cumsum(lu, axis=1), rho
        )
        llr = tau * (l_exp - l_sq)
        out[:, idx] = np.diff(llr, axis=1, prepend=0.0)
    return out


def psis_weights(log_ratio: FloatArray, w: FloatArray) -> tuple[FloatArray, float]:
    """Normalised PSIS weights of the target w * exp(log_ratio), and k-hat."""
    from models.psis import psis

    log_w, khat = psis(log_ratio + np.log(np.maximum(w, 1e-300)))
    out = np.exp(log_w - log_w.max())
    return out / out.sum(), float(khat)


def without_report(inputs: ModelInputs, about: str, j: int) -> ModelInputs:
    """``inputs`` without adversary (or ally) report ``j``; an emptied channel disappears."""
    if about == "ally":
        return inputs.replace(
            ally_kind=np.delete(inputs.ally_kind, j),
            ally_q=np.delete(inputs.ally_q, j),
            ally_seen=np.delete(inputs.ally_seen, j),
        )
    ch = np.asarray(inputs.adversary_channel, dtype=np.int64)
    keep = np.delete(ch, j)
    used = np.unique(keep)
    return inputs.replace(
        adversary_kind=np.delete(inputs.adversary_kind, j),
        adversary_q=np.delete(inputs.adversary_q, j),
        adversary_attribution=np.delete(inputs.adversary_attribution, j),
        adversary_reaction=np.delete(inputs.adversary_reaction, j),
        adversary_recip=np.delete(inputs.adversary_recip, j),
        adversary_seen=np.delete(inputs.adversary_seen, j),
        adversary_channel=np.searchsorted(used, keep).astype(np.int64),
        channel_rho=np.asarray(inputs.channel_rho)[used],
    )
