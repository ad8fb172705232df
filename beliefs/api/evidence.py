"""The result of :func:`beliefs.explain`: why the posterior is where it is.

The evidence ledger (:mod:`beliefs.runs.ledger`) of one assessment: each adversary
report's contribution to the posterior-mean log-odds (prior + contributions +
the model-uncertainty row = posterior-mean log-odds exactly), P(expansionist) without it in the
per-report model (what the report does to the evidence; the model-uncertainty row is what the bound
then takes away: ``Ledger.how_to_read``), and for ally reports the reliability or recklessness with
and without them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beliefs.api.display import card, clean, esc, reliability_html
from beliefs.api.results import AssessResult
from beliefs.errors import UnreliableRunError

if TYPE_CHECKING:
    import pandas as pd
    from arviz import InferenceData

    from beliefs.runs.ledger import Ledger


def explain_json(result: AssessResult) -> dict[str, Any]:
    """The ``beliefs explain --json`` object of an assessment that carries its ledger."""
    data = result.to_dict()
    return {
        "scenario": data["scenario"],
        "posterior": {"p_expansionist": data["posterior"]["p_expansionist"]},
        "evidence": data["evidence"],
        "diagnostics": data["diagnostics"],
    }


@dataclass(frozen=True, repr=False, eq=False)
class ExplainResult:
    """The evidence ledger of an assessment (``beliefs explain``).

    ``assessment`` is the full :class:`AssessResult` it explains (its
    ``.idata`` holds the draws).
    """

    assessment: AssessResult
    _json: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, assessment: AssessResult) -> ExplainResult:
        if assessment.ledger is None:
            raise ValueError("the assessment was made without its evidence ledger (evidence=False)")
        return cls(assessment, explain_json(assessment))

    @property
    def ledger(self) -> Ledger:
        """The domain ledger (entries with their signals)."""
        assert self.assessment.ledger is not None
        return self.assessment.ledger

    @property
    def title(self) -> str:
        return self.assessment.title

    @property
    def p_expansionist(self) -> float:
        return self.assessment.p_expansionist

    @property
    def prior_logodds(self) -> float:
        return float(self._json["evidence"]["prior_logodds"])

    @property
    def posterior_logodds_mean(self) -> float:
        """Prior log-odds + every contribution (not the logit of P(expansionist): Jensen's gap)."""
        return float(self._json["evidence"]["posterior_logodds_mean"])

    @property
    def reports(self) -> tuple[dict[str, Any], ...]:
        """One dict per adversary report, in timeline order (as in the JSON)."""
        return tuple(copy.deepcopy(self._json["evidence"]["reports"]))

    @property
    def model_uncertainty(self) -> dict[str, Any] | None:
        """The ledger's "model uncertainty" row (the model-doubt branch), None without model doubt.

        Its ``contribution_logodds`` completes the identity: prior + reports + it = posterior-mean log-odds.
        """
        row = self._json["evidence"].get("model_uncertainty")
        return None if row is None else copy.deepcopy(row)

    @property
    def reliable(self) -> bool:
        return bool(self._json["diagnostics"]["reliable"]) and bool(self._json["evidence"]["reliable"])

    @property
    def idata(self) -> InferenceData:
        return self.assessment.idata

    def to_dict(self) -> dict[str, Any]:
        """The ``beliefs explain --json`` object for the same call (a fresh copy)."""
        return copy.deepcopy(self._json)

    def to_dataframe(self, about: str = "adversary") -> pd.DataFrame:
        """The ledger, one row per report in timeline order: ``about="adversary"``, ``"ally"`` or
        ``"context"`` (own-side acts of adversary kinds: shown, not weighed) or ``"superseded"``
        (absences a later statement of the same kind and channel supersedes: shown, not weighed).

        Sort by ``contribution_logodds`` (absolute) for the table ``beliefs explain`` prints.
        """
        import pandas as pd

        keys = {"adversary": "reports", "ally": "ally_reports", "context": "context_reports",
                "superseded": "superseded_reports"}  # fmt: skip
        key = keys.get(about)
        if key is None:
            raise ValueError(f"about must be 'adversary', 'ally', 'context' or 'superseded', not {about!r}")
        rows = copy.deepcopy(self._json["evidence"][key])
        return pd.DataFrame(rows).set_index("index") if rows else pd.DataFrame()

    def require_reliable(self) -> ExplainResult:
        if not self.reliable:
            problems = list(self.assessment.problems) or [
                "leave-one-out estimates unreliable (high Pareto k)"
            ]
            raise UnreliableRunError(f"evidence ledger of {self.title!r}", problems)
        return self

    def __repr__(self) -> str:
        state = "reliable" if self.reliable else "UNRELIABLE"
        return (
            f"<ExplainResult {clean(self.title)!r}: prior log-odds {self.prior_logodds:+.2f} + "
            f"{len(self.reports)} report(s) = {self.posterior_logodds_mean:+.2f}; "
            f"P(expansionist) {self.p_expansionist:.3f}; {state}>"
        )

    def _repr_html_(self) -> str:
        top = sorted(self.reports, key=lambda r: -abs(r["contribution_logodds"]))[:3]
        moved = "; ".join(
            f"{esc(r['date'])} {esc(r['kind'])} {r['contribution_logodds']:+.2f}" for r in top
        )  # fmt: skip
        rows = [
            ("log-odds", f"prior {self.prior_logodds:+.2f} &rarr; <b>{self.posterior_logodds_mean:+.2f}</b>"
             " <small>(posterior mean; not the logit of P: Jensen's gap)</small>"),
            ("P(expansionist)", f"{self.p_expansionist:.3f}"),
            ("moved most", moved or "no adversary report"),
        ]  # fmt: skip
        a = self.assessment
        problems = list(a.problems) or ["leave-one-out estimates unreliable (high Pareto k)"]
        return card("evidence ledger", self.title, rows, reliability_html(self.reliable, problems, a.engine))
