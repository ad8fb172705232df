"""The evidence record: how the log was read, once, signal by signal.

:func:`beliefs.evidence.encode.evidence_record` reads a signal log against its
scenario and catalog once: every signal's attribution
(:mod:`beliefs.evidence.attribution`), its reaction to an own-side provocation
(:mod:`beliefs.evidence.spiral`), its reciprocation of our conciliatory move
(:mod:`beliefs.evidence.reciprocity`), whether a later statement supersedes it
(:mod:`beliefs.evidence.negative`) or it is own-side context, and which model
report (and channel) it became; the model doubt and where it came from
(:mod:`beliefs.evidence.doubt`). The assessment carries the record, and the
ledger, the replay steps, the summaries, the briefing and the TUI read it:
none of them works any of it out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beliefs.evidence.attribution import Attribution, unresolved_counts
from beliefs.evidence.negative import Supersession
from beliefs.evidence.reciprocity import Conciliation, Reciprocation
from beliefs.evidence.spiral import Provocation, Reaction
from models.spec import ModelInputs

# As in beliefs.evidence.attribution: a Signal is whatever has its fields.
Signal = Any

#: What a signal became: a report on the adversary or the ally, own-side context,
#: an absence a later statement supersedes, or nothing (retracted).
ABOUT = ("adversary", "ally", "context", "superseded", "retracted")


@dataclass(frozen=True)
class Reading:
    """How one signal of the log was read."""

    index: int  # position in the log
    signal: Signal
    attribution: Attribution
    about: str  # one of ABOUT
    reaction: Reaction | None = None  # weighed as a possible reaction, or an initiative
    reciprocation: Reciprocation | None = None  # read as the answer to our conciliatory move
    superseded: Supersession | None = None  # an absence a later statement supersedes
    report: int | None = None  # its position among the model's adversary (or ally) reports
    channel: int | None = None  # adversary reports: its channel in the model

    @property
    def blur(self) -> float:
        """The spiral-context blur beta (0 where it is not weighed as a reaction)."""
        return 0.0 if self.reaction is None else self.reaction.blur

    @property
    def recip_factor(self) -> float:
        """The factor on the expansionist rate (1 where it answers nothing)."""
        return 1.0 if self.reciprocation is None else self.reciprocation.factor


@dataclass(frozen=True)
class EvidenceRecord:
    """Every signal's reading, our provocations and conciliatory moves, the model doubt and the model inputs."""

    readings: tuple[Reading, ...]
    provocations: tuple[Provocation, ...]
    conciliations: tuple[Conciliation, ...]
    doubt_source: str  # "catalog" | "scenario" (beliefs.evidence.doubt.resolve_doubt)
    spiral_rule: str  # the rule the reactions were weighed under (beliefs.catalog.Spiral.describe)
    inputs: ModelInputs

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(r.signal for r in self.readings)

    @property
    def attributions(self) -> list[Attribution]:
        return [r.attribution for r in self.readings]

    @property
    def superseded(self) -> dict[int, Supersession]:
        """The superseded absences, by position in the log."""
        return {r.index: r.superseded for r in self.readings if r.superseded is not None}

    def positions(self, about: str) -> list[int]:
        """Positions in the log of the ``about`` ("adversary" | "ally") reports, in the model's order."""
        return [r.index for r in self.readings if r.about == about]

    def superseded_by(self, index: int) -> list[int]:
        """The positions of the absences that the signal at ``index`` supersedes."""
        return sorted(r.index for r in self.readings if r.superseded is not None and r.superseded.by == index)

    # -- summaries (assess's JSON and text) ---------------------------------------------

    def unresolved(self) -> dict[str, tuple[int, int]]:
        """Each unresolved actor of the active signals: (adversary-kind, ally-kind signals)."""
        return unresolved_counts(self.signals, self.attributions)

    def attribution_summary(self) -> dict[str, Any]:
        from beliefs.evidence.attribution import summary

        return summary(self.signals, self.attributions)

    def spiral_summary(self, catalog: Any) -> dict[str, Any]:
        from beliefs.evidence.spiral import summary

        return summary(catalog, [r.reaction for r in self.readings], len(self.provocations))

    def reciprocity_summary(self, catalog: Any) -> dict[str, Any]:
        from beliefs.evidence.reciprocity import summary

        return summary(catalog, [r.reciprocation for r in self.readings], len(self.conciliations))

    def absence_summary(self) -> dict[str, int]:
        """How many absences count and how many are superseded (retracted ones left out)."""
        from beliefs.evidence.negative import summary

        return summary(self.signals, self.attributions, self.superseded)
