r"""The PyMC belief model of the security dilemma (DESIGN.md, "The model").

Adversary type :math:`T \in \{sq, exp\}` with prior :math:`P(exp) = p_0`.
For each adversary kind *k*

.. math::

    e_k \sim \mathrm{Beta}(a^e_k, b^e_k), \quad s_k \sim \mathrm{Beta}(a^s_k, b^s_k),
    \quad s'_k = s_k + \gamma\,\mathbb{1}[\text{military}_k]\,(e_k - s_k),

and a report of grade weight *q* has likelihood
:math:`L_{exp} = q e_k + (1-q) m_k`, :math:`L_{sq} = q s'_k + (1-q) m_k` with
:math:`m_k = (e_k + s'_k)/2`. The type is marginalised out:

.. math::

    \log p(\text{data}\mid\theta) = \operatorname{logaddexp}
        (\log p_0 + \tau l_{exp}, \log(1-p_0) + \tau l_{sq}),

where :math:`l_T` sums the log-likelihoods of the reports and :math:`\tau`
(``likelihood_power``, 1 by default) tempers them for sensitivity analysis.
``p_expansionist`` = :math:`\sigma(\operatorname{logit} p_0 + \tau(l_{exp} - l_{sq}))`
is kept per draw (its posterior mean is the Rao-Blackwellised
:math:`P(exp \mid \text{data})`).

Ally reliability *r* and recklessness *c* have Beta priors; a report on axis
*x* with direction *d*, diagnosticity :math:`\delta` and grade weight *q* is a
Bernoulli observation with probability :math:`1/2 + d\,q\,\delta\,(x - 1/2)`.

The catalog's numbers are constants of the graph; every other number is
``pm.Data`` (see :mod:`models.spec`), so one compiled model serves a catalog.

:mod:`models.likelihood` is the same log-density in numpy, vectorised over
parameter draws (the importance-sampling engine uses it). The two must agree
to 1e-9 (``tests/model/test_likelihood.py``): change both together.

Example
-------
>>> from beliefs.encode import encode                       # doctest: +SKIP
>>> from beliefs.timeline import load_timeline              # doctest: +SKIP
>>> model = build_model(encode(*load_timeline("july-1914")))  # doctest: +SKIP
>>> sorted(model.free_RVs, key=str)                         # doctest: +SKIP
[c, e, r, s]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.spec import ModelInputs

if TYPE_CHECKING:
    import pymc as pm

#: Names of the free random variables, in a fixed order.
FREE_VARS = ("e", "s", "r", "c")


def build_model(inputs: ModelInputs) -> pm.Model:
    """Build the marginalised belief model; ``inputs.catalog`` fixes the graph."""
    import pymc as pm
    import pytensor.tensor as pt

    cat = inputs.catalog
    coords = {"adversary_kind": list(range(cat.n_adversary))}
    # Every parameter is validated on input (pydantic), so the logp need not
    # re-check bounds at every gradient: ~20% faster sampling.
    with pm.Model(coords=coords, check_bounds=False) as model:
        d = {name: pm.Data(name, value) for name, value in inputs.data().items()}

        e = pm.Beta("e", alpha=cat.alpha_e, beta=cat.beta_e, dims="adversary_kind")
        s = pm.Beta("s", alpha=cat.alpha_s, beta=cat.beta_s, dims="adversary_kind")
        r = pm.Beta("r", alpha=d["reliability_prior"][0], beta=d["reliability_prior"][1])
        c = pm.Beta("c", alpha=d["recklessness_prior"][0], beta=d["recklessness_prior"][1])

        tau = d["likelihood_power"]
        p0 = d["p0"]

        # Adversary reports, marginalising the type.
        s_eff = s + d["gamma"] * cat.military * (e - s)
        mid = 0.5 * (e + s_eff)
        k, q = d["adversary_kind"], d["adversary_q"]
        l_exp = tau * pt.sum(pt.log(q * e[k] + (1.0 - q) * mid[k]))
        l_sq = tau * pt.sum(pt.log(q * s_eff[k] + (1.0 - q) * mid[k]))
        pm.Potential(
            "adversary_loglik",
            pm.math.logaddexp(pt.log(p0) + l_exp, pt.log1p(-p0) + l_sq),
        )
        pm.Deterministic("p_expansionist", pm.math.sigmoid(pm.math.logit(p0) + l_exp - l_sq))

        # Ally reports: Bernoulli trials on reliability (axis 0) or recklessness (axis 1).
        x = (1.0 - cat.ally_axis) * r + cat.ally_axis * c
        slope = pt.as_tensor_variable(cat.ally_direction * cat.ally_delta)
        j, qa = d["ally_kind"], d["ally_q"]
        pm.Potential("ally_loglik", tau * pt.sum(pt.log(0.5 + qa * slope[j] * (x[j] - 0.5))))
    return model
