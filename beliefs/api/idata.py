"""Posterior draws as an :class:`arviz.InferenceData` (imported only when asked for).

Groups:

``posterior``
    The draws, shaped (chain, draw[, adversary_kind]): ``p_expansionist``
    (P(adversary expansionist | θ)), ``r`` (ally reliability), ``c`` (ally
    recklessness), ``e`` and ``s`` (each adversary kind's chance under an
    expansionist and a status-quo adversary).
``prior`` and ``sample_stats_prior`` (importance sampling from the prior only)
    The weighted draws as the engine drew them -- from the prior -- and their
    normalised importance weights (``importance_weight``,
    ``log_importance_weight``; Pareto k and ESS as attributes). The
    ``posterior`` group then holds equal-weight draws resampled from them.
    Draws from an adapted proposal (``diagnostics.proposal == "adapted"``) are
    not prior draws: only their equal-weight resample is kept, in ``posterior``.
``sample_stats``
    What a NUTS engine reports per draw, when it keeps it (``diverging``).

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

    safe = {k: _netcdf_safe(v) for k, v in attrs.items()}
    kinds = [k.id for k in catalog.adversary]
    groups: dict[str, Any] = {}
    d = posterior.diagnostics
    if posterior.weights is not None:
        # ArviZ knows nothing of weights: the posterior group holds equal-weight
        # draws resampled (systematically, seeded) from the weighted ones, which
        # are kept as drawn -- from the prior -- with their weights beside them
        # (draws from an adapted proposal are not prior draws, and are not kept).
        safe["resampled_from_weighted_draws"] = posterior.n_draws
        if d.proposal == "prior":
            groups["prior"] = _draws(posterior, kinds, {})
            chains, draws = posterior.p_expansionist.shape[:2]
            w = np.asarray(posterior.weights, dtype=float).reshape(chains, draws)
            groups["sample_stats_prior"] = xr.Dataset(
                {
                    "importance_weight": (("chain", "draw"), w),
                    "log_importance_weight": (("chain", "draw"), np.log(np.maximum(w, np.finfo(float).tiny))),
                },
                coords={"chain": np.arange(chains), "draw": np.arange(draws)},
                attrs={"pareto_k": _netcdf_safe(d.pareto_k), "ess": _netcdf_safe(d.ess), "normalised": 1},
            )
        posterior = posterior.resampled(seed=d.seed)
    groups["posterior"] = _draws(posterior, kinds, safe)
    stats = _sample_stats(posterior)
    if stats:
        groups["sample_stats"] = stats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return az.InferenceData(**groups)


def _draws(posterior: Posterior, kinds: list[str], attrs: dict[str, Any]) -> Any:
    """The five variables as an xarray Dataset with chain, draw (and adversary_kind) dimensions."""
    import xarray as xr

    data_vars = {}
    for name in VARIABLES:
        x = np.asarray(getattr(posterior, name), dtype=float)
        dims = ["chain", "draw"] + (["adversary_kind"] if x.ndim == 3 else [])
        data_vars[name] = xr.DataArray(x, dims=dims, attrs={"long_name": LONG_NAMES[name]})
    chains, draws = data_vars["p_expansionist"].shape
    coords: dict[str, Any] = {"chain": np.arange(chains), "draw": np.arange(draws)}
    if any(v.ndim == 3 for v in data_vars.values()):
        coords["adversary_kind"] = kinds
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _sample_stats(posterior: Posterior) -> Any:
    """Per-draw sampler statistics, when the engine kept them (NUTS ``diverging``), else None."""
    import xarray as xr

    chains, draws = posterior.p_expansionist.shape[:2]
    found = {}
    for name in ("diverging",):
        x = getattr(posterior, name, None)
        if x is not None and np.size(x) == chains * draws:
            found[name] = (("chain", "draw"), np.asarray(x).reshape(chains, draws))
    if not found:
        return None
    return xr.Dataset(found, coords={"chain": np.arange(chains), "draw": np.arange(draws)})


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
