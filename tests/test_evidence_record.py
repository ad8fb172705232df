"""Issue 26, item 1: the log is read once (the evidence record) and every view reads that record.

The counters wrap the actor resolver (:class:`beliefs.evidence.attribution.Actors`) and the
evidence record (:class:`beliefs.evidence.record.EvidenceRecord`, built once per encoding).
Before the record, one ``assess`` built the resolver 9 times and a 21-step replay encoded 42 times.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import beliefs
from beliefs.evidence import attribution
from beliefs.evidence.encode import evidence_record
from beliefs.evidence.record import EvidenceRecord
from beliefs.render.tables import assessment_view
from beliefs.runs.assessment import assess_signals
from beliefs.runs.briefing import report_context
from beliefs.runs.ledger import evidence
from beliefs.runs.replay_steps import replay
from beliefs.timeline import Signal, load_timeline


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many actor resolvers and evidence records are built while the test runs."""
    n = {"resolver": 0, "record": 0}
    actors_init, record_init = attribution.Actors.__init__, EvidenceRecord.__init__

    def resolver(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        n["resolver"] += 1
        actors_init(self, *args, **kwargs)

    def record(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        n["record"] += 1
        record_init(self, *args, **kwargs)

    monkeypatch.setattr(attribution.Actors, "__init__", resolver)
    monkeypatch.setattr(EvidenceRecord, "__init__", record)
    return n


def test_one_assess_resolves_the_actors_once_and_encodes_the_log_once(counts, engine) -> None:
    crisis = beliefs.load_timeline("july-1914")
    counts.update(resolver=0, record=0)
    result = beliefs.assess(crisis, seed=0, evidence=True)
    data = result.to_dict()
    a = result.assessment
    a.to_json(), evidence(a).to_json(), assessment_view(a)  # every view of the evidence, read again
    assert counts == {"resolver": 1, "record": 1}
    assert data["attribution"]["counts"] and data["spiral"]["reactions"] and data["evidence"]["reports"]


def test_a_replay_reads_each_prefix_once(counts) -> None:
    tl, cat = load_timeline("july-1914")
    counts.update(resolver=0, record=0)
    rep = replay(tl, cat, seed=0)
    rep.to_json()
    for step in rep.steps:
        step.statements(), step.reaction, step.reciprocation, step.attribution
    assert counts == {"resolver": len(tl.signals) + 1, "record": len(tl.signals) + 1} == {"resolver": 21, "record": 21}


def _with_absences(tmp_path: Path):
    """july-1914 with an absence, its sighting, and a retracted last signal."""
    tl, cat = load_timeline("july-1914")
    adversary = tl.scenario.adversary
    more = [
        Signal(date=dt.date(1914, 8, 5), kind="ultimatum", grade="B2", actor=adversary, observed=False),
        Signal(date=dt.date(1914, 8, 6), kind="ultimatum", grade="B2", actor=adversary),
        Signal(date=dt.date(1914, 8, 7), kind="mobilization", grade="B2", actor=adversary, retracted=True),
    ]
    return tl.with_signals([*tl.signals, *more]), cat


def test_the_steps_and_the_briefing_read_what_the_record_says(tmp_path: Path) -> None:
    """A replay step's reading is the record's; a retracted last step reads the whole log, so the briefing's
    signal table (every signal, the retracted one too) is the final record's."""
    tl, cat = _with_absences(tmp_path)
    rep = replay(tl, cat, seed=0)
    whole = evidence_record(tl.scenario, tl.signals, cat)
    final = rep.final
    assert final.record is not None and final.record.readings == whole.readings
    assert final.posterior is rep.steps[-2].assessment.posterior  # the retracted signal changes nothing
    n = len(tl.signals)
    absence, sighting = n - 3, n - 2
    assert whole.readings[absence].about == "superseded" and whole.readings[n - 1].about == "retracted"
    assert rep.steps[sighting + 1].statements() == (None, [absence + 1])
    own, none = rep.steps[absence + 1].statements()  # at its own step: the earlier ultimatum seen supersedes it
    assert own is not None and own.by < absence and own.by_observed and none == []
    for step in rep.steps[1:]:
        r = whole.readings[step.index - 1]
        assert (step.attribution, step.reaction, step.reciprocation) == (r.attribution, r.reaction, r.reciprocation)
    from beliefs.runs.briefing import Analysis

    side = report_context(Analysis("t", tl, cat, rep, {}))["primary"]
    assert len(side["signals"]) == n
    assert [row["attribution"]["role"] for row in side["signals"]] == [r.attribution.role for r in whole.readings]
    assert [row.get("reaction") for row in side["signals"]] == [
        None if r.reaction is None else r.reaction.to_json() for r in whole.readings
    ]


def test_the_record_is_the_encodings_bookkeeping() -> None:
    """Each adversary (ally) reading names its row of the model inputs, in the model's order."""
    tl, cat = load_timeline("nato-1979")
    record = evidence_record(tl.scenario, tl.signals, cat)
    adv = [r for r in record.readings if r.about == "adversary"]
    assert [r.report for r in adv] == list(range(len(record.inputs.adversary_kind)))
    assert [r.channel for r in adv] == list(record.inputs.adversary_channel)
    assert [r.blur for r in adv] == list(record.inputs.adversary_reaction)
    assert [r.recip_factor for r in adv] == list(record.inputs.adversary_recip)
    ally = [r for r in record.readings if r.about == "ally"]
    assert [r.report for r in ally] == list(range(len(record.inputs.ally_kind)))
    assert record.positions("adversary") == [r.index for r in adv]


def test_assess_signals_takes_a_record_read_already(counts, engine) -> None:
    tl, cat = load_timeline("july-1914")
    record = evidence_record(tl.scenario, tl.signals, cat)
    counts.update(resolver=0, record=0)
    a = assess_signals(tl, cat, list(tl.signals), seed=0, record=record)
    assert a.record is record and counts == {"resolver": 0, "record": 0}
