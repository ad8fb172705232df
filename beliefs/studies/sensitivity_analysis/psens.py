"""Prior and likelihood sensitivity by power-scaling (Kallioinen et al. 2023; ArviZ ``psens``).

The prior (or the likelihood) is raised to a power alpha close to 1 and the
change of each posterior quantity is measured by the derivative of the
cumulative Jensen-Shannon distance, estimated by Pareto-smoothed importance
sampling from the existing draws. We build the InferenceData ourselves:

* ``posterior``: ``p_expansionist``, ``r``, ``c``, ``e``, ``s``;
* ``log_prior``: the Beta log densities of ``e`` and ``s`` (catalog
  parameters) and of ``r`` and ``c`` (scenario parameters);
* ``log_likelihood``: the marginalised adversary term
  ``logaddexp(log p0 + tau l_exp, log(1-p0) + tau l_sq)`` and the tempered
  ally term, per draw (the adversary type is marginalised, so the adversary
  reports do not factorise into per-observation terms).

Diagnosis (priorsense's rule, threshold 0.05): prior and likelihood both
sensitive -> "prior-data conflict"; only the prior -> "strong prior / weak
likelihood"; otherwise none. The importance weights' Pareto k-hat at
alpha = 1/(1+delta) and 1+delta is reported and a warning given when it is
>= 0.7 (then the sensitivity values are not to be trusted).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from beliefs.decision.draws import PosteriorDraws
from beliefs.studies.sensitivity_analysis.evaluator import (
    adversary_loglik,
    adversary_term,
    ally_loglik,
    log_beta_pdf,
)
from models.spec import ModelInputs

#: Sensitivity above which a component is said to matter (priorsense default).
THRESHOLD = 0.05
#: Power-scaling step.
DELTA = 0.01
KHAT_WARN = 0.7

REPORTED = {
    "p_expansionist": "P(expansionist | theta, data)",
    "r": "ally reliability",
    "c": "ally recklessness",
}


def inference_data(draws: PosteriorDraws, inputs: ModelInputs) -> Any:
    """InferenceData with ``posterior``, ``log_prior`` and ``log_likelihood`` groups."""
    import arviz as az

    ch = draws.chains
    n = draws.p.shape[0] // ch

    def shape(x: np.ndarray) -> np.ndarray:
        return np.asarray(x).reshape((ch, n, *np.asarray(x).shape[1:]))

    cat = inputs.catalog
    lp_e = np.stack(
        [log_beta_pdf(draws.e[:, k], (cat.alpha_e[k], cat.beta_e[k])) for k in range(cat.n_adversary)], 1
    )
    lp_s = np.stack(
        [log_beta_pdf(draws.s[:, k], (cat.alpha_s[k], cat.beta_s[k])) for k in range(cat.n_adversary)], 1
    )
    l_exp, l_sq = adversary_loglik(draws.e, draws.s, inputs)
    dims = {"e": ["kind"], "s": ["kind"]}
    posterior = {
        "p_expansionist": shape(draws.p),
        "r": shape(draws.r),
        "c": shape(draws.c),
        "e": shape(draws.e),
        "s": shape(draws.s),
    }
    log_prior = {
        "e": shape(lp_e),
        "s": shape(lp_s),
        "r": shape(log_beta_pdf(draws.r, inputs.reliability_prior)),
        "c": shape(log_beta_pdf(draws.c, inputs.recklessness_prior)),
    }
    idata = az.from_dict(
        posterior=posterior,
        log_likelihood={
            "adversary": shape(adversary_term(l_exp, l_sq, inputs)),
            "ally": shape(inputs.likelihood_power * ally_loglik(draws.r, draws.c, inputs)),
        },
        dims=dims,
    )
    prior_ds = az.dict_to_dataset(log_prior, dims=dims, coords={"kind": np.arange(cat.n_adversary)})
    idata.add_groups({"log_prior": prior_ds})
    return idata


def _khat(component: np.ndarray) -> float:
    import arviz as az

    if np.ptp(component) == 0.0:
        return 0.0  # uniform weights: exact
    ks = []
    for alpha in (1.0 / (1.0 + DELTA), 1.0 + DELTA):
        _, k = az.psislw((alpha - 1.0) * component)
        ks.append(float(k))
    return max(ks)


def _finite(values: np.ndarray) -> np.ndarray:
    """ArviZ returns NaN (0/0) for a quantity that is constant over the draws: it cannot move, so 0."""
    return np.where(np.isfinite(values), values, 0.0)


def _total(group: Any, n: int) -> np.ndarray:
    """The sum over variables and observations of a log-density group, per draw."""
    return np.concatenate([np.asarray(v).reshape(n, -1) for v in group.data_vars.values()], axis=1).sum(
        axis=1
    )


def diagnosis(prior: float, likelihood: float) -> str:
    if prior >= THRESHOLD and likelihood >= THRESHOLD:
        return "prior-data conflict"
    if prior >= THRESHOLD:
        return "strong prior / weak likelihood"
    return "none"


def prior_sensitivity(draws: PosteriorDraws, inputs: ModelInputs) -> dict[str, Any]:
    """Per-parameter prior and likelihood power-scaling sensitivity, diagnosis and k-hat warnings."""
    import arviz as az

    idata = inference_data(draws, inputs)
    n = draws.p.shape[0]
    totals = {
        "prior": _total(idata.log_prior, n),
        "likelihood": _total(idata.log_likelihood, n),
    }
    sens: dict[str, dict[str, np.ndarray]] = {}
    for comp, total in totals.items():
        if np.ptp(total) == 0.0:
            # A constant component (e.g. no signals): power-scaling it changes nothing.
            sens[comp] = {
                name: np.zeros(np.asarray(idata.posterior[name]).shape[2:]) for name in idata.posterior
            }
        else:
            with warnings.catch_warnings():  # 0/0 for constant quantities, handled by _finite
                warnings.simplefilter("ignore", RuntimeWarning)
                result = az.psens(idata, component=comp, delta=DELTA)
            sens[comp] = {name: _finite(np.asarray(v)) for name, v in result.items()}
    params: list[dict[str, Any]] = []
    for name, label in REPORTED.items():
        ps, ls = float(sens["prior"][name]), float(sens["likelihood"][name])
        params.append(
            {
                "parameter": name,
                "label": label,
                "prior": round(ps, 4),
                "likelihood": round(ls, 4),
                "diagnosis": diagnosis(ps, ls),
            }
        )
    for name in ("e", "s"):
        ps_all = np.asarray(sens["prior"][name]).ravel()
        ls_all = np.asarray(sens["likelihood"][name]).ravel()
        k = int(np.argmax(ps_all))
        params.append(
            {
                "parameter": f"{name}[{k}]",
                "label": f"{name} (most prior-sensitive kind)",
                "prior": round(float(ps_all[k]), 4),
                "likelihood": round(float(ls_all[k]), 4),
                "diagnosis": diagnosis(float(ps_all[k]), float(ls_all[k])),
            }
        )
    stacked_prior, stacked_lik = totals["prior"], totals["likelihood"]
    khat = {"prior": round(_khat(stacked_prior), 3), "likelihood": round(_khat(stacked_lik), 3)}
    alerts = [
        f"Pareto k-hat {v:.2f} >= {KHAT_WARN} when power-scaling the {c}: sensitivities unreliable"
        for c, v in khat.items()
        if v >= KHAT_WARN
    ]
    return {"parameters": params, "khat": khat, "warnings": alerts, "threshold": THRESHOLD, "delta": DELTA}
