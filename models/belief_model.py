r"""The PyMC belief model of the security dilemma.

Adversary type :math:`T \in \{sq, exp\}` with prior :math:`P(exp) = p_0`.
For each adversary kind *k*

.. math::

    e_k \sim \mathrm{Beta}(a^e_k, b^e_k), \quad s_k \sim \mathrm{Beta}(a^s_k, b^s_k),
    \quad s'_k = s_k + \gamma\,\mathbb{1}[\text{military}_k]\,(e_k - s_k),

with :math:`p_{exp,k} = e_k`, :math:`p_{sq,k} = s'_k` and :math:`m_k = (e_k + s'_k)/2`.

Reporting channels (the Admiralty code as it is meant)
------------------------------------------------------
An analyst rarely sees the adversary act; she reads *reports* of its acts, and
reports arrive through channels: one ambassador's telegrams, one capital's
press, one intercepted line. The Admiralty grade says two different things.
Its digit grades the *item* (is this particular report probably true?); its
letter grades the *source* (is this channel sound at all?). Ten telegrams
from one usually-reliable embassy are not ten independent confirmations: if
the embassy has been taken in -- by a planted story, by its own prejudice, by
circular reporting -- all ten are wrong together.

So report *i* of kind *k(i)* with digit weight :math:`w_i` has, *if its
channel is sound*, the likelihood

.. math::

    a_{T,i} = w_i\,p_{T,k(i)} + (1 - w_i)\,m_{k(i)},

where :math:`w_i` is the digit's weight times the report's attribution weight
:math:`a_i` (1 for the adversary's own act, less for a third party's:
:mod:`beliefs.evidence.attribution`; the perspective state's and the ally's own acts
are context and never reach the model), and an *unsound* channel passes messages on whichever type is true: each of
its messages arrives at :math:`u_i = \max(a_{exp,i}, a_{sq,i})`, the rate of
the likelier type, and so carries no evidence. A channel *c* is sound with
probability :math:`\rho_c`, the weight of its letter (A 1.0, B 0.85, C 0.7,
D 0.5, E 0.3, F 0.5 by default), once for all its reports:

.. math::

    p(R_c \mid T, \theta) = \rho_c \prod_{i \in c} a_{T,i} + (1 - \rho_c) \prod_{i \in c} u_i .

What this means for the analyst: however many reports one channel carries,
it can move the odds on the adversary's type by at most a factor
:math:`1/(1-\rho_c)` (about 6.7 for a B channel); independent channels still
multiply. A report entered without a channel is a channel of its own; one
graded A (:math:`\rho = 1`) has exactly the likelihood ratio
:math:`a_{exp}/a_{sq}` of the per-report rule. The type and each channel's
soundness are summed out (no discrete variable is sampled):

.. math::

    l_T = \sum_c \log p(R_c \mid T, \theta), \qquad
    \log p(\text{data}\mid\theta) = \operatorname{logaddexp}
        (\log p_0 + \tau l_{exp}, \log(1-p_0) + \tau l_{sq}),

where :math:`\tau` (``likelihood_power``, 1 by default) tempers the evidence
for sensitivity analysis. ``p_expansionist`` =
:math:`\sigma(\operatorname{logit} p_0 + \tau(l_{exp} - l_{sq}))` is kept per
draw (its posterior mean is the Rao-Blackwellised :math:`P(exp \mid \text{data})`).
Channel membership is data (``adversary_channel``: one channel index per
report; ``channel_rho``: one letter weight per channel), so one compiled model
serves any number of channels.

Context, absence and doubt (per-report data, all ``pm.Data``)
-------------------------------------------------------------
* **Spiral context.** Each report carries a reaction blur
  :math:`\beta_i \in [0, 1]` (``adversary_reaction``; 0 for an act out of
  the blue, set by :mod:`beliefs.evidence.spiral` from the other side's provocations).
  It composes with Jervis's blur so that neither counts twice:
  :math:`s'_{i} = s_k + b_i (e_k - s_k)` with
  :math:`b_i = 1 - (1 - \gamma\,\mathbb{1}[\text{military}_k])(1 - \beta_i)`,
  and :math:`m_i = (e_k + s'_i)/2`.
* **Reciprocity.** Each report carries a factor :math:`\chi_i \in (0, 1]`
  (``adversary_recip``; 1 except for a costly conciliatory answer to an
  own-side conciliatory act, set by :mod:`beliefs.evidence.reciprocity`) on the
  expansionist rate: :math:`e''_i = \chi_i e_k`, with
  :math:`\chi_i = 1 - \mu c_i w_i`; :math:`s'_i` and :math:`m_i` are formed
  from :math:`e''_i`. The status-quo rate is never lowered.
* **Negative evidence.** A report of an act watched for and not seen
  (``adversary_seen`` 0) has likelihood :math:`1 - x_{T,i}` where a sighting
  has :math:`x_{T,i} = w_i p_{T,i} + (1 - w_i) m_i`; the unsound rate is
  still the likelier type's.
* **Model doubt.** With weight :math:`\varepsilon` (``model_doubt``) the
  whole adversary picture was shaped by deception or a common cause, every
  report arriving at the likelier type's rate :math:`u_i`:
  :math:`l'_T = \log((1-\varepsilon) e^{l_T} + \varepsilon \prod_i u_i)`.
  Since :math:`\prod_i u_i \ge e^{l_T}`, the likelihood ratio lies in
  :math:`[\varepsilon, 1/\varepsilon]`: the odds on the type move by at most
  :math:`1/\varepsilon` however many reports arrive. :math:`\varepsilon = 0`
  is the per-report model exactly.

Ally reliability *r* and recklessness *c* have Beta priors; a report on axis
*x* with direction *d*, diagnosticity :math:`\delta` and grade weight *q*
(letter x digit: ally reports are not grouped by channel) is a Bernoulli
observation with probability :math:`1/2 + d\,q\,\delta\,(x - 1/2)` (its complement
when watched for and not seen: ``ally_seen`` 0).

The catalog's numbers are constants of the graph; every other number is
``pm.Data`` (see :mod:`models.spec`), so one compiled model serves a catalog.

:mod:`models.likelihood` is the same log-density in numpy, vectorised over
parameter draws (the importance-sampling engine uses it). The two must agree
to 1e-9 (``tests/model/test_likelihood.py``): change both together.

Example
-------
>>> from beliefs.evidence.encode import encode                       # doctest: +SKIP
>>> from beliefs.timeline import load_timeline              # doctest: +SKIP
>>> model = build_model(encode(*load_timeline("july-1914")))  # doctest: +SKIP
>>> sorted(model.free_RVs, key=str)                         # doctest: +SKIP
[c, e, r, s]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

        # Adversary reports: per-report terms, summed per channel, each channel's
        # soundness and then the type marginalised.
        # The item's weight: digit x attribution (a third party's act is the adversary's only in part).
        k, w = d["adversary_kind"], d["adversary_q"] * d["adversary_attribution"]
        # Each report's blur: Jervis's (military kinds) composed with its spiral context.
        b = 1.0 - (1.0 - d["gamma"] * pt.as_tensor_variable(cat.military)[k]) * (1.0 - d["adversary_reaction"])
        e_i = e[k] * d["adversary_recip"]  # reciprocation: the expansionist rate of this answer, e'' = e x factor
        s_eff = s[k] + b * (e_i - s[k])
        mid = 0.5 * (e_i + s_eff)
        x_exp = w * e_i + (1.0 - w) * mid
        x_sq = w * s_eff + (1.0 - w) * mid
        o = d["adversary_seen"]  # 0: watched for, not seen (likelihood 1 - x)
        la_exp = pt.log(o * x_exp + (1.0 - o) * (1.0 - x_exp))
        la_sq = pt.log(o * x_sq + (1.0 - o) * (1.0 - x_sq))
        lu = pt.maximum(la_exp, la_sq)
        ch, rho = d["adversary_channel"], d["channel_rho"]
        zeros = pt.zeros_like(rho)
        sum_u = pt.inc_subtensor(zeros[ch], lu)
        log_rho, log_unsound = pt.log(rho), pt.log1p(-rho)  # -inf for rho = 1 (or 0): handled below

        def channel_loglik(la: pt.TensorVariable) -> pt.TensorVariable:
            return _logaddexp(log_rho + pt.inc_subtensor(zeros[ch], la), log_unsound + sum_u)

        # Model doubt: with weight eps the whole picture arrived at the likelier type's rates.
        eps = d["model_doubt"]
        l_u = pt.sum(lu)

        def with_doubt(l_t: pt.TensorVariable) -> pt.TensorVariable:
            return _logaddexp(pt.log1p(-eps) + l_t, pt.log(eps) + l_u)

        l_exp = tau * with_doubt(pt.sum(channel_loglik(la_exp)))
        l_sq = tau * with_doubt(pt.sum(channel_loglik(la_sq)))
        pm.Potential(
            "adversary_loglik",
            pm.math.logaddexp(pt.log(p0) + l_exp, pt.log1p(-p0) + l_sq),
        )
        pm.Deterministic("p_expansionist", pm.math.sigmoid(pm.math.logit(p0) + l_exp - l_sq))

        # Ally reports: Bernoulli trials on reliability (axis 0) or recklessness (axis 1).
        x = (1.0 - cat.ally_axis) * r + cat.ally_axis * c
        slope = pt.as_tensor_variable(cat.ally_direction * cat.ally_delta)
        j, qa = d["ally_kind"], d["ally_q"]
        sign = 2.0 * d["ally_seen"] - 1.0  # -1: watched for, not seen (the Bernoulli failure)
        pm.Potential("ally_loglik", tau * pt.sum(pt.log(0.5 + sign * qa * slope[j] * (x[j] - 0.5))))
    return model


def _logaddexp(a: Any, b: Any) -> Any:
    """log(exp(a) + exp(b)), stable, and exact when one side is -inf (a channel of letter A)."""
    import pytensor.tensor as pt

    hi = pt.maximum(a, b)
    return hi + pt.log1p(pt.exp(pt.minimum(a, b) - hi))
