r"""Model doubt: what the per-report model leaves out, and the bound that puts on P(expansionist).

The per-report model reads every report as evidence drawn independently, given
the adversary's type, from its kind's rates (channels aside). Two failures of a
whole intelligence picture break that reading for *all* reports at once:

* **Deception.** The adversary shapes what the other side sees (Whaley 1969,
  republished 2007 as *Stratagem: Deception and Surprise in War*: deception was
  present in most of the strategic surprises he studied, and it was rarely
  detected in time). A deceived analyst's reports fit the portrayed type, not
  the true one.
* **Common cause.** One shared assumption, source or mindset colours every
  report (Heuer 1999, *Psychology of Intelligence Analysis*: ch. 8 asks the
  analyst to keep a deception hypothesis among the competing ones; ch. 10 on
  evidence of uncertain accuracy and on impressions that persist after their
  basis is discredited). Betts (1978, "Analysis, War, and Decision: Why
  Intelligence Failures Are Inevitable") argues such failures cannot be
  designed away.

The model therefore carries a case-level branch of weight :math:`\varepsilon`
in which the picture says nothing about the type (:mod:`models.belief_model`):

.. math::

    l'_T = \log\big((1-\varepsilon)\,e^{l_T} + \varepsilon\, U\big).

**The neutral rate** (``[model] doubt_rate = "neutral"``, the bundled catalog's):
:math:`U = \prod_c \tfrac12\big(p(R_c \mid exp) + p(R_c \mid sq)\big)`, every
channel at the two types' average. :math:`U` is a probability distribution over
what could have been seen, as a mixture component must be, so the branch gains
weight only when the reports fit neither type's reading better than a coin
between them: when they disagree it pulls P(expansionist) towards the prior,
and when they agree it fades, so a clear case can become confident. A report
that favours one type at every parameter value still moves P only towards it
(the branch's factor lies between the types'). There is no hard bound.

**The likelier rate** (``"likelier"``, the rule of catalogs without the key, kept
so that older cases read as they were assessed): :math:`U = \prod_i u_i`, every
report at the likelier type's rate :math:`u_i = \max(a_{exp,i}, a_{sq,i})`.
Since :math:`U \ge e^{l_T}` for both types, the likelihood ratio lies
in :math:`[\varepsilon, 1/\varepsilon]`, so with prior :math:`p_0` (and the
likelihood power :math:`\tau`, 1 unless tempered) no evidence can move
P(expansionist) outside

.. math::

    \Big[\frac{p_0\varepsilon^\tau}{p_0\varepsilon^\tau + 1 - p_0},\;
          \frac{p_0}{p_0 + (1-p_0)\varepsilon^\tau}\Big].

It is monotone too. But it is not a distribution (a report's seen and unseen
rates sum to :math:`1 + |a_{exp} - a_{sq}|`), so the branch gains weight from
every report whatever it says, and a timeline of reports that disagree drifts
back to the prior (the neutral rate is the repair). Where :math:`\varepsilon` comes from (the bundled catalog's
``[model] doubt``, argued there from the base rates above and Tetlock's 2005
finding that outcomes experts called impossible or nearly so happened about
15% of the time) is the catalog's business; a timeline may override it with
``[scenario] model_doubt``.

This module resolves :math:`\varepsilon` for a case, states the bound, and
computes the posterior probability of the doubt branch and the leave-it-out
comparison that the evidence ledger shows as its "model uncertainty" row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from beliefs.catalog import Catalog
    from beliefs.timeline import Scenario
    from models.likelihood import LogLik
    from models.spec import FloatArray

#: What the branch stands for, in every line that states it.
WHAT = "deception / common cause"
#: What the branch does at the neutral rate, in the lines that state it.
NEUTRAL = (
    "every report at the two types' average rate; it pulls P(expansionist) towards the prior when the "
    "reports disagree and fades as consistent evidence accumulates"
)


def resolve_doubt(scenario: Scenario, catalog: Catalog) -> tuple[float, str]:
    """The case's epsilon and where it came from: ``"scenario"`` (override) or ``"catalog"``."""
    if scenario.model_doubt is not None:
        return float(scenario.model_doubt), "scenario"
    return float(catalog.model.doubt), "catalog"


def bound(p0: float, doubt: float, tau: float = 1.0, rate: str = "likelier") -> tuple[float, float]:
    """The interval no evidence can move P(expansionist) out of ([0, 1] without doubt, and at the
    neutral rate, which bounds nothing: consistent evidence outgrows the branch)."""
    if doubt <= 0.0 or rate == "neutral":
        return 0.0, 1.0
    f = doubt**tau
    return p0 * f / (p0 * f + 1.0 - p0), p0 / (p0 + (1.0 - p0) * f)


def branch_probability(ll: LogLik, p0: float, tau: float = 1.0) -> FloatArray:
    """P(doubt branch | theta, data) per draw (0 without doubt).

    Within type T the branch has weight ``eps prod u / ((1 - eps) prod a_T + eps prod u)``;
    the type's posterior given theta weighs the two (exact for tau = 1).
    """
    if ll.l_u is None or ll.doubt <= 0.0:
        return np.zeros_like(ll.l_exp)
    from models.likelihood import p_expansionist

    m_exp, m_sq = ll.types()
    log_eps = math.log(ll.doubt)
    in_exp = np.exp(np.minimum(log_eps + ll.l_u - m_exp, 0.0))
    in_sq = np.exp(np.minimum(log_eps + ll.l_u - m_sq, 0.0))
    p = p_expansionist(m_exp, m_sq, p0, tau)
    out: FloatArray = p * in_exp + (1.0 - p) * in_sq
    return out


@dataclass(frozen=True)
class ModelDoubt:
    """A case's model doubt, the bound it implies and (after evidence) the branch's posterior weight."""

    doubt: float
    source: str  # "catalog" | "scenario"
    p0: float
    tau: float = 1.0
    #: Posterior probability that the doubt branch holds (None: not computed).
    branch: float | None = None
    #: The branch's rate (``[model] doubt_rate``): "neutral" or "likelier".
    rate: str = "likelier"

    @property
    def bound(self) -> tuple[float, float]:
        return bound(self.p0, self.doubt, self.tau, self.rate)

    def line(self) -> str:
        """One sentence for tables, the TUI and the briefing."""
        if self.doubt <= 0.0:
            return "model doubt off (0): the per-report model alone; nothing bounds how far evidence moves P(expansionist)"
        head = f"model doubt {self.doubt:.2f} ({WHAT}, from the {self.source}): "
        if self.rate == "neutral":
            text = head + NEUTRAL
        else:
            lo, hi = self.bound
            text = head + f"no evidence can move P(expansionist) beyond [{lo:.2f}, {hi:.2f}]"
        if self.branch is not None:
            text += f"; posterior weight of the doubt branch {self.branch:.2f}"
        return text

    def to_json(self) -> dict[str, Any]:
        lo, hi = self.bound
        return {
            "doubt": round(self.doubt, 6),
            "source": self.source,
            "meaning": WHAT,
            "rate": self.rate,
            "bound": [round(lo, 4), round(hi, 4)],
            "branch_probability": None if self.branch is None else round(self.branch, 4),
            "line": self.line(),
        }


def model_doubt(scenario: Scenario, catalog: Catalog, tau: float = 1.0, branch: float | None = None) -> ModelDoubt:
    """The case's :class:`ModelDoubt` (``branch``: its posterior weight, when known)."""
    eps, source = resolve_doubt(scenario, catalog)
    return ModelDoubt(eps, source, float(scenario.prior_expansionist), tau, branch, catalog.model.doubt_rate)


def posterior_branch(ll: LogLik, w: FloatArray, p0: float, tau: float = 1.0) -> float:
    """The posterior probability of the doubt branch: the weighted mean of :func:`branch_probability`."""
    return float(np.asarray(w) @ branch_probability(ll, p0, tau))


@dataclass(frozen=True)
class DoubtRow:
    """The evidence ledger's "model uncertainty" row: what the doubt branch does to this posterior.

    ``contribution`` is the posterior mean of what the branch adds to the per-draw log-odds
    (``tau (l'_exp - l'_sq) - tau (l_exp - l_sq)``; negative when the reports point to
    expansionism), so prior + report contributions + this = the posterior-mean log-odds.
    ``p_without`` is P(expansionist) with the branch removed (epsilon = 0), reweighted from the
    same draws with Pareto-smoothed importance weights (``khat``) or, where those are not
    trusted, from a fresh sample (``loo`` "refit") or not at all ("none", unreliable).
    """

    doubt: float
    contribution: float
    p_with: float
    p_without: float | None
    branch: float
    khat: float
    loo: str
    reliable: bool
    #: The interval no evidence can move P(expansionist) out of (:func:`bound`).
    bound: tuple[float, float] = (0.0, 1.0)
    #: The branch's rate: "neutral" or "likelier".
    rate: str = "likelier"

    def to_json(self) -> dict[str, Any]:
        return {
            "doubt": round(self.doubt, 6),
            "rate": self.rate,
            "bound": [round(self.bound[0], 4), round(self.bound[1], 4)],
            "contribution_logodds": round(self.contribution, 6),
            "p_expansionist": round(self.p_with, 4),
            "p_expansionist_without_doubt": None if self.p_without is None else round(self.p_without, 4),
            "branch_probability": round(self.branch, 4),
            "khat": round(self.khat, 3) if np.isfinite(self.khat) else None,
            "loo": self.loo,
            "reliable": self.reliable,
        }

    def line(self) -> str:
        without = "not computed (unreliable)" if self.p_without is None else f"{self.p_without:.3f}"
        lo, hi = self.bound
        what = (
            "reports at the two types' average rate"
            if self.rate == "neutral"
            else f"no evidence can move P(expansionist) beyond [{lo:.2f}, {hi:.2f}]"
        )
        return (
            f"model uncertainty ({WHAT}, weight {self.doubt:.2f}; {what}): {self.contribution:+.2f} log-odds; "
            f"P(expansionist) {self.p_with:.3f} with it, {without} without it; "
            f"posterior weight of the doubt branch {self.branch:.2f}"
        )


def doubt_row(
    ll: LogLik, w: FloatArray, p0: float, tau: float, p_with: float, without: tuple[float | None, float, str, bool]
) -> DoubtRow:
    """The ledger's row from the draws' log-likelihoods (``ll.doubt`` > 0) and weights ``w``.

    ``without`` is P(expansionist) without the branch as the ledger estimated it (value, k-hat,
    "psis" | "refit" | "none", reliable): its leave-one-out machinery, reused for the branch.
    """
    mix_exp, mix_sq = ll.types()
    share = float(np.asarray(w) @ (tau * ((mix_exp - mix_sq) - (ll.l_exp - ll.l_sq))))
    p_without, khat, how, ok = without
    branch = posterior_branch(ll, w, p0, tau)
    return DoubtRow(ll.doubt, share, p_with, p_without, branch, khat, how, ok, bound(p0, ll.doubt, tau, ll.rate), ll.rate)
