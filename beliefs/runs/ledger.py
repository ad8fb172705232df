r"""The evidence ledger: which reports put the posterior where it is, and by how much.

For each posterior draw :math:`\theta` the log-odds on an expansionist adversary is

.. math::

    \operatorname{logit} P(exp \mid \theta, \text{data}) = \operatorname{logit} p_0
        + \tau \sum_c [\log p(R_c \mid exp, \theta) - \log p(R_c \mid sq, \theta)] .

Within a channel the reports are taken in entry order, and report *i*'s
contribution is the channel's log-likelihood ratio with the reports up to *i*
minus that with the reports before *i*; these telescope, so per draw the
contributions of all reports add up exactly to the log-odds minus the prior
log-odds. A report's *contribution* is the posterior mean of its per-draw
contribution (in log-odds; ``exp`` of it is the factor on the odds), so

    prior log-odds + sum of contributions = posterior mean of the per-draw log-odds

exactly. That total is **not** the logit of the reported P(expansionist), the
posterior mean of the per-draw probability: the two differ by Jensen's gap,
which is large near 0 and 1.

*P(expansionist) without report i* is computed per draw from the likelihood
without *i* (not by reweighting the stored per-draw probability) and averaged
over the posterior without *i*, approximated by Pareto-smoothed leave-one-out
importance weights (PSIS-LOO, Vehtari, Gelman & Gabry 2017). Where the Pareto
shape :math:`\hat k \ge 0.7` the weights are not trusted and, if a ``refit``
function is given, the posterior without *i* is sampled afresh; otherwise the
entry is marked unreliable. Ally reports get the same for the ally axis they
inform (posterior mean of reliability or recklessness with and without them).

Model doubt (:mod:`beliefs.evidence.doubt`) is not a report: its effect is its own row,
"model uncertainty". The per-draw log-odds uses the doubt-mixed likelihood
:math:`l'_T`; the reports' contributions telescope to the per-report model's
:math:`\tau (l_{exp} - l_{sq})` and the row adds the rest,
:math:`\tau[(l'_{exp} - l'_{sq}) - (l_{exp} - l_{sq})]`, so

    prior log-odds + report contributions + model uncertainty = posterior mean of the per-draw log-odds

still holds exactly.

The reports' rows are read in the per-report model: a report's contribution
telescopes :math:`\tau (l_{exp} - l_{sq})`, and its *P(expansionist) without
it* is the per-report model's P without the report (no doubt branch), to be
read against that model's P with every report (``p_reports``, the
model-uncertainty row's "without"). That is what the report does to the
evidence. With the branch in, every report's leave-one-out P sat within a few
hundredths of the bound (July 1914: 0.861 to 0.903), which hid what mattered;
the branch's effect is the last row, what the bound then takes away
(:meth:`Ledger.how_to_read` says so in one sentence wherever the ledger is shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from beliefs.evidence.attribution import Attribution
from beliefs.evidence.doubt import DoubtRow, doubt_row
from beliefs.evidence.negative import Supersession
from beliefs.evidence.reciprocity import Reciprocation
from beliefs.evidence.record import EvidenceRecord
from beliefs.evidence.spiral import Reaction
from beliefs.runs.ledger_arithmetic import (
    channel_reports,
    psis_weights,
    report_columns,
    theta_of,
    without_report,
)
from beliefs.runs.numbering import number
from beliefs.timeline import Signal
from models import likelihood as lk
from models.posterior import Posterior
from models.spec import ModelInputs

#: Pareto k-hat at or above which leave-one-out weights are not trusted.
KHAT_MAX = 0.7
#: Said wherever the ledger's total is printed.
JENSEN_NOTE = (
    "prior log-odds + contributions (+ model uncertainty) = posterior mean of the per-draw log-odds; "
    "this is not the logit of P(expansionist), the posterior mean of the per-draw probability "
    "(they differ by Jensen's gap, large near 0 and 1)"
)

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment

Refit = Callable[[ModelInputs], Posterior]


@dataclass(frozen=True)
class Entry:
    """One report's line of the ledger."""

    index: int  # position in the timeline's signal order
    signal: Signal
    about: str  # "adversary" | "ally" | "context" (own-side act) | "superseded" (a later statement counts)
    khat: float
    loo: str  # "psis" | "refit" | "none" (k-hat too high and no refit)
    reliable: bool
    contribution: float | None = None  # adversary: posterior mean, log-odds
    running: float | None = None  # adversary: prior + contributions up to this report (entry order)
    p_without: float | None = None  # adversary: P(expansionist) without this report
    axis: str | None = None  # ally: "reliability" | "recklessness"
    mean: float | None = None  # ally: posterior mean of the axis
    mean_without: float | None = None  # ally: ... without this report
    attribution: Attribution | None = None  # who acted, and how far it counts (None: not resolved)
    superseded: Supersession | None = None  # an absence a later statement supersedes (not in the model)
    reaction: Reaction | None = None  # adversary: weighed as a possible reaction, or an initiative (beliefs.evidence.spiral)
    reciprocation: Reciprocation | None = None  # adversary: read as the answer to our move (beliefs.evidence.reciprocity)

    @property
    def odds_factor(self) -> float | None:
        return None if self.contribution is None else float(np.exp(self.contribution))


@dataclass(frozen=True)
class Ledger:
    """Every active report's contribution, and the identity they add up to."""

    prior_logodds: float
    posterior_logodds_mean: float
    p_expansionist: float  # posterior mean of the per-draw probability
    entries: tuple[Entry, ...]
    #: The "model uncertainty" row (None: no model doubt in this case).
    doubt: DoubtRow | None = None
    #: P(expansionist) in the per-report model (no doubt branch), with every report: what each
    #: report's "P without it" is to be read against (None: not computed, unreliable).
    p_reports: float | None = None
    #: The spiral rule the reactions were weighed under (:meth:`beliefs.catalog.Spiral.describe`).
    spiral_rule: str | None = None

    def how_to_read(self) -> str:
        """The one plain sentence on how to read the reports' rows and the model-uncertainty row."""
        if self.doubt is None:
            return (
                "Each report's log-odds, ×odds and P without it are what that report does to the evidence; "
                f"P(expansionist) is {self.p_expansionist:.3f} with every report."
            )
        with_all = "not computed" if self.p_reports is None else f"{self.p_reports:.3f}"
        return (
            "Each report's log-odds, ×odds and P without it are what that report does to the evidence, read in "
            f"the per-report model (P {with_all} with every report); the model-uncertainty term is what the "
            f"model-doubt {'branch' if self.doubt.rate == 'neutral' else 'bound'} then takes away, "
            f"leaving P(expansionist) at {self.p_expansionist:.3f}."
        )

    @property
    def adversary(self) -> list[Entry]:
        return [e for e in self.entries if e.about == "adversary"]

    @property
    def ally(self) -> list[Entry]:
        return [e for e in self.entries if e.about == "ally"]

    @property
    def context(self) -> list[Entry]:
        """Own-side acts of adversary kinds: shown, not weighed."""
        return [e for e in self.entries if e.about == "context"]

    @property
    def superseded(self) -> list[Entry]:
        """Absences a sighting or a later absence supersedes: shown, not weighed."""
        return [e for e in self.entries if e.about == "superseded"]

    def by_size(self) -> list[Entry]:
        """Adversary entries, largest absolute contribution first."""
        return sorted(self.adversary, key=lambda e: -abs(e.contribution or 0.0))

    def entry(self, index: int) -> Entry | None:
        """The entry of the signal at ``index`` (None: retracted, or not in the ledger)."""
        return next((e for e in self.entries if e.index == index), None)

    @property
    def total(self) -> float:
        doubt = 0.0 if self.doubt is None else self.doubt.contribution
        return self.prior_logodds + sum(e.contribution or 0.0 for e in self.adversary) + doubt

    @property
    def reliable(self) -> bool:
        return all(e.reliable for e in self.entries) and (self.doubt is None or self.doubt.reliable)

    def to_json(self, signal_ids: Sequence[int] | None = None) -> dict[str, Any]:
        """The ``evidence`` block of ``assess --json`` (``signal_ids``: a stored case's ids)."""

        def base(e: Entry) -> dict[str, Any]:
            # index: 0-based; position: 1-based; number: what every view shows (beliefs.runs.numbering)
            out: dict[str, Any] = {"index": e.index, "position": e.index + 1, "number": number(e.index, signal_ids)}
            if signal_ids is not None:
                out["signal_id"] = signal_ids[e.index]
            s = e.signal
            out.update(date=s.date.isoformat(), kind=s.kind, channel=s.channel, grade=s.grade, actor=s.actor)
            out["observed"] = s.observed
            if e.attribution is not None:
                out["attribution"] = {**e.attribution.to_json(), "reading": e.attribution.describe()}
            if e.reaction is not None:
                out["reaction"] = e.reaction.to_json(signal_ids)
            if e.reciprocation is not None:
                out["reciprocation"] = e.reciprocation.to_json(signal_ids)
            return out

        def loo(e: Entry) -> dict[str, Any]:
            return {"khat": round(e.khat, 3), "loo": e.loo, "reliable": e.reliable}

        p = min(max(self.p_expansionist, 1e-300), 1 - 1e-16)
        return {
            "prior_logodds": round(self.prior_logodds, 6),
            "posterior_logodds_mean": round(self.posterior_logodds_mean, 6),
            "logit_p_expansionist": round(float(np.log(p) - np.log1p(-p)), 6),
            "note": JENSEN_NOTE,
            "p_expansionist_per_report_model": None if self.p_reports is None else round(self.p_reports, 4),
            "how_to_read": self.how_to_read(),
            "reliable": self.reliable,
            "reports": [
                {
                    **base(e),
                    "contribution_logodds": round(float(e.contribution or 0.0), 6),
                    "p_expansionist_without": None if e.p_without is None else round(e.p_without, 4),
                    "odds_factor": round(float(e.odds_factor or 1.0), 4),
                    "running_logodds": round(float(e.running or 0.0), 6),
                    **loo(e),
                }
                for e in self.adversary
            ],
            "ally_reports": [
                {
                    **base(e),
                    "axis": e.axis,
                    "mean": None if e.mean is None else round(e.mean, 4),
                    "mean_without": None if e.mean_without is None else round(e.mean_without, 4),
                    **loo(e),
                }
                for e in self.ally
            ],
            "context_reports": [base(e) for e in self.context],
            "model_uncertainty": None if self.doubt is None else self.doubt.to_json(),
            "superseded_reports": [
                {**base(e), "superseded_by": e.superseded.to_json() if e.superseded else None} for e in self.superseded
            ],
        }


# -- the ledger ---------------------------------------------------------------------


def build_ledger(record: EvidenceRecord, posterior: Posterior, refit: Refit | None = None) -> Ledger:
    """The ledger of ``posterior``, the posterior of the model of ``record.inputs`` (the log's evidence record).

    Own-side acts (context) and absences that a later statement supersedes
    (:mod:`beliefs.evidence.negative`) are listed, not weighed.
    """
    inputs, signals, readings = record.inputs, record.signals, record.readings
    theta, w = theta_of(posterior)
    if np.any(w == 0.0):  # importance draws the weights have ruled out change no mean: drop them
        keep = np.flatnonzero(w > 0.0)
        theta, w = theta.take(keep), w[keep] / w[keep].sum()
    adv_pos, ally_pos = record.positions("adversary"), record.positions("ally")
    p0, tau = inputs.p0, inputs.likelihood_power
    logit_p0 = float(np.log(p0) - np.log1p(-p0))
    l_exp, l_sq = lk.adversary_channel_logliks(theta, inputs)  # (N, C)
    tot_exp, tot_sq = l_exp.sum(axis=1), l_sq.sum(axis=1)
    eps = float(inputs.model_doubt)
    if inputs.doubt_rate == "neutral":
        tot_u = lk.neutral_rate(l_exp, l_sq).sum(axis=1)
    else:
        tot_u = report_columns(theta, inputs, np.arange(len(inputs.adversary_kind)))[2].sum(axis=1)
    mix_exp, mix_sq = lk.doubt_mixture(tot_exp, tot_sq, tot_u, eps)  # the model's l'_T
    logodds = logit_p0 + tau * (mix_exp - mix_sq)
    marginal = lk.marginal_adversary(mix_exp, mix_sq, p0, tau)
    mean_contrib = np.zeros(len(inputs.adversary_kind))
    entries: list[Entry] = []
    for c, idx in enumerate(channel_reports(inputs)):
        la_exp, la_sq, lu = report_columns(theta, inputs, idx)
        rho = np.asarray(inputs.channel_rho)[c : c + 1]
        prefix_exp, prefix_sq = lk.channel_logliks(
            np.cumsum(la_exp, axis=1), np.cumsum(la_sq, axis=1), np.cumsum(lu, axis=1), rho
        )
        mean_contrib[idx] = w @ np.diff(tau * (prefix_exp - prefix_sq), axis=1, prepend=0.0)
        s_exp, s_sq, s_u = (x.sum(axis=1, keepdims=True) for x in (la_exp, la_sq, lu))
        without_exp, without_sq = lk.channel_logliks(s_exp - la_exp, s_sq - la_sq, s_u - lu, rho)
        for m, j in enumerate(idx):  # the per-report model without report j (no doubt branch)
            e_i, s_i = tot_exp - l_exp[:, c] + without_exp[:, m], tot_sq - l_sq[:, c] + without_sq[:, m]
            p_i = lk.p_expansionist(e_i, s_i, p0, tau)
            loo_w, khat = psis_weights(lk.marginal_adversary(e_i, s_i, p0, tau) - marginal, w)
            p_without: float | None = float(loo_w @ p_i)
            how, ok = "psis", True
            if khat >= KHAT_MAX:
                alone = without_report(inputs, "adversary", int(j)).replace(model_doubt=0.0)
                p_without, how, ok = _refit(refit, alone, "p_expansionist")
            r = readings[adv_pos[j]]
            entries.append(
                Entry(r.index, r.signal, "adversary", khat, how, ok, contribution=float(mean_contrib[j]),
                      p_without=p_without, attribution=r.attribution, reaction=r.reaction,
                      reciprocation=r.reciprocation)
            )  # fmt: skip
    running = logit_p0 + np.cumsum(mean_contrib)  # entry order: the model's report order
    entries = [replace(e, running=float(running[readings[e.index].report or 0])) for e in entries]
    cat = inputs.catalog
    for j, pos in enumerate(ally_pos):
        k = np.asarray(inputs.ally_kind)[j : j + 1]
        ll = lk.ally_columns(theta, cat, k, np.asarray(inputs.ally_q)[j : j + 1], np.asarray(inputs.ally_seen)[j : j + 1])[:, 0]
        axis = "reliability" if cat.ally_axis[k[0]] == 0.0 else "recklessness"
        x = theta.r if axis == "reliability" else theta.c
        loo_w, khat = psis_weights(-tau * ll, w)
        mean_without: float | None = float(loo_w @ x)
        how, ok = "psis", True
        if khat >= KHAT_MAX:
            mean_without, how, ok = _refit(refit, without_report(inputs, "ally", j), axis[0])
        entries.append(
            Entry(pos, signals[pos], "ally", khat, how, ok, axis=axis, mean=float(w @ x), mean_without=mean_without,
                  attribution=readings[pos].attribution)
        )  # fmt: skip
    for r in readings:
        if r.about == "context":
            entries.append(Entry(r.index, r.signal, "context", 0.0, "none", True, attribution=r.attribution))
        elif r.about == "superseded":
            entries.append(Entry(r.index, r.signal, "superseded", 0.0, "none", True, attribution=r.attribution,
                                 superseded=r.superseded))  # fmt: skip
    entries.sort(key=lambda e: e.index)
    p_with = float(w @ lk.p_expansionist(mix_exp, mix_sq, p0, tau))
    doubt = None
    p_reports: float | None = p_with
    if eps > 0.0:  # the "model uncertainty" row; without doubt: the per-report model's P, by PSIS or a refit
        both = lk.LogLik(tot_exp, tot_sq, np.zeros_like(tot_exp), tot_u, eps, inputs.doubt_rate)
        loo_w, khat = psis_weights(lk.marginal_adversary(tot_exp, tot_sq, p0, tau) - marginal, w)
        p_without, how, ok = float(loo_w @ lk.p_expansionist(tot_exp, tot_sq, p0, tau)), "psis", True
        if khat >= KHAT_MAX:
            p_without, how, ok = _refit(refit, inputs.replace(model_doubt=0.0), "p_expansionist")
        doubt = doubt_row(both, w, p0, tau, p_with, (p_without, khat, how, ok))
        p_reports = p_without
    return Ledger(logit_p0, float(w @ logodds), p_with, tuple(entries), doubt, p_reports, record.spiral_rule)


def evidence(assessment: Assessment, refit: Refit | None = None) -> Ledger:
    """The ledger of an assessment (indices into the signals it assessed, retracted ones included).

    Without ``refit`` a report whose leave-one-out weights are not trusted is
    marked unreliable instead of sampled afresh (what an interactive front end wants).
    """
    if assessment.record is None:
        raise ValueError("this assessment does not carry its evidence record")
    return build_ledger(assessment.record, assessment.posterior, refit)


def _refit(refit: Refit | None, inputs: ModelInputs, name: str) -> tuple[float | None, str, bool]:
    """The posterior mean of ``name`` from a fresh sample without the report (None if no refit)."""
    if refit is None:
        return None, "none", False
    post = refit(inputs)
    _, w = theta_of(post)
    return float(w @ post.flat(name)), "refit", post.diagnostics.reliable
