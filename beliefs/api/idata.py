"""Posterior draws as an :class:`arviz.InferenceData` (imported only when asked for).

Groups:

``posterior``
    The draws, shaped (chain, draw[, adversary_kind]): ``p_expansionist``
    (P(adversary expansionist | θ)), ``r`` (ally reliability), ``c`` (ally
    recklessness), ``e`` and ``s`` (each adversary kind's chance under an
    expansionist and a status-quo adversary).
``sample_stats``
    What the engine reports per draw, when it does (e.g. ``diverging``).

The run's diagnostics (engine, seed, reliability, problems) are attributes of
the posterior group, as text and numbers, so ``to_netcdf`` keeps them.
An importance-sampled posterior is resampled to equal-weight draws first
(ArviZ knows nothing of weights); ``resampled_from_weighted_draws`` says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from beliefs.catalog import Catalog

if TYPE_CHECKING:
    from arviz import InferenceData

    from models.posterior import Posterior

VARIABLES: tuple[str, ...] = ("p_expansionist", "r", "c", "e", "s")
#: The posterior variables' long names (``long_name`` attribute, shown by xarray).
LONG_NAMES = {
    "p_expansionist": "P(adversary expansionist | theta)",
    "r": "ally reliability",
    "c": "ally recklessness",
    "e": "P(kind | expansionist adversary)",
    "s": "P(kind | status-quo adversary)",
}


def inference_data(posterior: Posterior, catalog: Catalog, attrs: dict[str, Any]) -> InferenceData:
    """The draws of ``posterior`` as InferenceData, with ``attrs`` (netCDF-safe values) on it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import arviz as az
        import xarray as xr

    if posterior.weights is not None:
        # Importance-sampled draws carry weights that ArviZ would ignore: hand it
        # equal-weight draws, resampled (systematically, seeded) from them.
        attrs = {**attrs, "resampled_from_weighted_draws": posterior.n_draws}
        posterior = posterior.resampled(seed=posterior.diagnostics.seed)
    kinds = [k.id for k in catalog.adversary]
    data_vars = {}
    for name in VARIABLES:
        x = np.asarray(getattr(posterior, name), dtype=float)
        dims = ["chain", "draw"] + (["adversary_kind"] if x.ndim == 3 else [])
        data_vars[name] = xr.DataArray(x, dims=dims, attrs={"long_name": LONG_NAMES[name]})
    chains, draws = data_vars["p_expansionist"].shape
    coords: dict[str, Any] = {"chain": np.arange(chains), "draw": np.arange(draws)}
    if any(v.ndim == 3 for v in data_vars.values()):
        coords["adversary_kind"] = kinds
    safe = {k: _netcdf_safe(v) for k, v in attrs.items()}
    groups: dict[str, Any] = {"posterior": xr.Dataset(data_vars, coords=coords, attrs=safe)}
    stats = _sample_stats(posterior, chains, draws)
    if stats:
        groups["sample_stats"] = xr.Dataset(
            {k: (("chain", "draw"), v) for k, v in stats.items()},
            coords={"chain": coords["chain"], "draw": coords["draw"]},
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return az.InferenceData(**groups)


def _sample_stats(posterior: Posterior, chains: int, draws: int) -> dict[str, Any]:
    """Per-draw statistics the engine kept (none today for the plain posterior)."""
    out: dict[str, Any] = {}
    for name in ("diverging", "log_weight"):
        x = getattr(posterior, name, None)
        if x is not None and np.size(x) == chains * draws:
            out[name] = np.asarray(x).reshape(chains, draws)
    return out


def _netcdf_safe(value: Any) -> Any:
    """netCDF attributes hold text and numbers: booleans become 0/1, lists joined text, None ''."""
    if isinstance(value, bool):
        return int(value)
    if value is None:
        return ""
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)
