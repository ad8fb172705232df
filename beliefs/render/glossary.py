"""The terms a reader meets in the tool's output, defined once.

:data:`TERMS` is the one table: ``docs/glossary.md`` is generated from it
(``python -m beliefs.render.glossary > docs/glossary.md``; a test fails when the two
differ) and ``beliefs assess --explain-terms`` / ``beliefs explain
--explain-terms`` print the entries whose marks appear in what they printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One term: its name, what it means here, and the strings that show it in the output."""

    name: str
    meaning: str
    marks: tuple[str, ...]


TERMS: tuple[Term, ...] = (
    Term("P(expansionist)",
         "The probability that the adversary is expansionist (seeks to change the status quo) rather than "
         "a status-quo power (acts from insecurity), after the signals: the posterior mean over the draws.",
         ("P(expansionist)", "P(adversary expansionist)", "P(exp)")),
    Term("HDI",
         "Highest-density interval: the narrowest interval holding 90% of the posterior draws "
         "(\"90% HDI [0.83, 0.91]\").",
         ("HDI",)),
    Term("MCSE",
         "Monte Carlo standard error: how much a printed mean would move if the sampler were run again with "
         "another seed (the error from using finitely many draws, not the uncertainty of the belief).",
         ("MCSE", "Monte Carlo error")),
    Term("ESS",
         "Effective sample size: how many independent draws the (correlated or weighted) draws are worth; "
         "the MCSE shrinks with its square root.",
         ("ESS",)),
    Term("R-hat",
         "NUTS only: the ratio of between-chain to within-chain spread; above 1.01 the chains disagree and "
         "the run is flagged unreliable.",
         ("R-hat",)),
    Term("Pareto k-hat",
         "Importance sampling only: the shape of the fitted tail of the importance weights (PSIS). Below 0.7 "
         "the reweighted draws are trusted; at or above it the engine samples from a proposal adapted to "
         "the posterior, and falls back to NUTS (or flags the row) when that is not trusted either.",
         ("Pareto k",)),
    Term("EU",
         "Expected utility of an option: its payoff averaged over the posterior draws (the payoff table of "
         "the timeline, polarity-dependent defaults otherwise).",
         ("EU", "expected utility")),
    Term("P(best)",
         "The share of posterior draws in which an option (or a posture) has the highest utility.",
         ("P(best)",)),
    Term("margin ± EU",
         "\"margin 0.08 ± 0.01 EU\": how far the best option's expected utility is ahead of the runner-up's; "
         "the ± is twice the MCSE of that paired difference, the tie rule's threshold.",
         ("margin",)),
    Term("too close to call",
         "A tie: the margin is within twice its MCSE, or P(best) is below 0.6. Judged for the composite "
         "option and for each half (toward the adversary, toward the ally); a tie is not a recommendation, "
         "and '?' marks the tied half ('firm+?'). The marker ≈ flags a tie in tables.",
         ("too close to call", "≈", "+?")),
    Term("break-even",
         "The P(expansionist) at which firmness and conciliation toward the adversary have equal expected "
         "utility; the 'why' lines build it up one part of the game at a time.",
         ("break-even",)),
    Term("EVPI",
         "Expected value of perfect information: how much expected utility knowing the truth (every "
         "parameter; 'on the type alone': only whether the adversary is expansionist) would add. An upper "
         "bound on what any intelligence is worth.",
         ("EVPI",)),
    Term("EVSI",
         "Expected value of sample information: how much expected utility one more report of a kind (graded "
         "A1) would add, averaged over whether it is seen; 'What to watch' ranks the kinds by it.",
         ("EVSI",)),
    Term("seen / unseen",
         "In 'What to watch': the best option if the kind is seen, and if it is watched for and not seen by "
         "then; '!' marks an outcome that changes the recommendation.",
         ("seen / unseen", "seen:", "unseen:")),
    Term("model doubt",
         "A small prior weight (from the catalog) on the reports being deceptive or sharing a common cause, "
         "in which they arrive at the two types' average rate: it pulls P(expansionist) towards the prior when "
         "the reports disagree and fades when they agree (under the older likelier-rate rule it bounds how far "
         "any evidence can move P); its posterior weight says how much the signals lean on it.",
         ("model doubt", "model uncertainty")),
    Term("log-odds",
         "logit P = log(P / (1 − P)). Each report's contribution adds to the prior's log-odds; ×odds is its "
         "factor on the odds.",
         ("log-odds", "×odds")),
    Term("Jensen's gap",
         "Prior + contributions is the posterior mean of the per-draw log-odds, not the logit of "
         "P(expansionist) (the mean of the per-draw probability): the two differ, most near 0 and 1.",
         ("Jensen",)),
    Term("leave-one-out (P w/o)",
         "P(expansionist) recomputed without one report (by reweighting the draws; a fresh sample when the "
         "weights are not trusted).",
         ("P w/o", "leave-one-out")),
    Term("who acted",
         "Attribution: an act counts as the adversary's only if its actor is the adversary (or an alias); "
         "a third party's act counts with its attribution weight a; the own side's acts are context, not "
         "evidence.",
         ("Who acted", "third-party", "[context]", "a=")),
    Term("spiral context",
         "The security dilemma: an adversary act that may answer an own-side provocation within the "
         "reaction window is weighed as a possible reaction (its status-quo likelihood moves towards the "
         "expansionist one by the blur ↺b); an act escalating beyond the provocation is an initiative.",
         ("Spiral context", "↺", "initiative")),
    Term("grade",
         "Admiralty grade of a report: source reliability A (reliable) to F (cannot be judged) and "
         "information credibility 1 (confirmed) to 6 (cannot be judged), e.g. B2.",
         ("grade", " gr ")),
    Term("Sobol indices",
         "Shares of the margin's variance due to one assumption alone (S1) or with its interactions (ST); "
         "≈0 marks an index within its error of zero. S1 > ST or S1 < 0 is estimation error.",
         ("Sobol",)),
)  # fmt: skip


def terms_in(text: str) -> list[Term]:
    """The terms whose marks occur in ``text`` (whole words for alphabetic marks), in table order."""

    def found(mark: str) -> bool:
        if mark[:1].isalnum():
            return re.search(rf"(?<![\w-]){re.escape(mark)}", text) is not None
        return mark in text

    return [t for t in TERMS if any(found(m) for m in t.marks)]


def glossary_markdown() -> str:
    """``docs/glossary.md``: every term of :data:`TERMS`, in order."""
    lines = [
        "# Glossary",
        "",
        "The terms the tool prints, defined once. This page is generated from the table in",
        "`beliefs/render/glossary.py` (`python -m beliefs.render.glossary > docs/glossary.md`), the same table",
        "`beliefs assess --explain-terms` and `beliefs explain --explain-terms` print from;",
        "a test fails when the two differ.",
        "",
    ]
    for t in TERMS:
        lines += [f"## {t.name}", "", t.meaning, ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - the docs generator
    print(glossary_markdown(), end="")
