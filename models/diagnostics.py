"""Convergence diagnostics (R-hat and bulk ESS from ArviZ), computed on plain arrays."""

from __future__ import annotations

import numpy as np

from models.montecarlo import mcse_mean
from models.spec import FloatArray


def _stack(variables: dict[str, FloatArray]) -> FloatArray:
    cols = []
    for x in variables.values():
        cols.append(x.reshape(x.shape[0], x.shape[1], -1))
    return np.concatenate(cols, axis=2)


def summarise(variables: dict[str, FloatArray], mcse_of: tuple[str, ...]) -> tuple[float, float, dict[str, float]]:
    """Max rank-normalised split R-hat, min bulk ESS over every variable, MCSE of some means
    (:func:`models.montecarlo.mcse_mean`, the one rule for every Monte Carlo error).

    ``variables`` maps names to (chains, draws[, k]) arrays.
    """
    import arviz as az
    import xarray as xr

    stacked = _stack(variables)
    # A constant column (P(exp|theta) = p0 with no adversary signals, or when
    # the blur makes every signal uninformative) has no R-hat or ESS: skip it.
    stacked = stacked[:, :, np.ptp(stacked, axis=(0, 1)) > 0]
    ds = xr.Dataset({"x": (("chain", "draw", "v"), stacked)})
    rhat = az.rhat(ds, method="rank")["x"].values
    ess = az.ess(ds, method="bulk")["x"].values
    mcse = {n: float(mcse_mean(variables[n].reshape(-1), variables[n].shape[0])) for n in mcse_of}
    return (
        float(np.max(rhat)) if rhat.size else float("nan"),
        float(np.min(ess)) if ess.size else float("nan"),
        mcse,
    )
