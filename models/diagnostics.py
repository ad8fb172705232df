"""Convergence diagnostics from ArviZ, computed on plain arrays."""

from __future__ import annotations

import numpy as np

from models.spec import FloatArray


def _stack(variables: dict[str, FloatArray]) -> FloatArray:
    cols = []
    for x in variables.values():
        cols.append(x.reshape(x.shape[0], x.shape[1], -1))
    return np.concatenate(cols, axis=2)


def summarise(variables: dict[str, FloatArray], mcse_of: tuple[str, ...]) -> tuple[float, float, dict[str, float]]:
    """Max rank-normalised split R-hat, min bulk ESS over every variable, MCSE of some means.

    ``variables`` maps names to (chains, draws[, k]) arrays.
    """
    import arviz as az
    import xarray as xr

    stacked = _stack(variables)
    ds = xr.Dataset({"x": (("chain", "draw", "v"), stacked)})
    # Constant columns (a kind pinned at 0/1 cannot happen with Beta priors) would give NaN.
    rhat = az.rhat(ds, method="rank")["x"].values
    ess = az.ess(ds, method="bulk")["x"].values
    mcse_ds = xr.Dataset({n: (("chain", "draw"), variables[n]) for n in mcse_of})
    mcse = az.mcse(mcse_ds, method="mean")
    return (
        float(np.nanmax(rhat)) if np.isfinite(rhat).any() else float("nan"),
        float(np.nanmin(ess)) if np.isfinite(ess).any() else float("nan"),
        {n: float(mcse[n].values) for n in mcse_of},
    )
