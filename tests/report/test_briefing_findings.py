"""What a briefing says (beliefs.runs.briefing.Findings) is read off the final assessment, never re-derived."""

from __future__ import annotations

import pytest

from beliefs.runs.briefing import analyse, report_context, side
from beliefs.runs.ledger import evidence
from beliefs.timeline import load_timeline


@pytest.fixture(scope="module")
def july(engine):
    tl, cat = load_timeline("july-1914")
    return analyse(tl, cat, label="July 1914", origin={"timeline": "july-1914"}, seed=0, engine=engine)


def test_the_findings_are_the_final_assessments(july):
    findings = july.findings
    final = july.replay.final
    assert findings.assessment is final
    assert findings.replay is july.replay
    assert findings.scenario is july.timeline.scenario and findings.outcome is july.timeline.outcome
    assert findings.catalog is july.catalog
    assert final.record is not None
    assert (
        findings.readings == final.record.readings
    )  # the record's readings, not a second reading of the log
    assert findings.unresolved == final.record.unresolved()
    assert findings.ledger == evidence(final)  # the ledger explain prints of the same draws
    used = {s.kind for s in july.timeline.signals}
    assert [k.id for k in findings.kinds] == [k.id for k in july.catalog.kinds if k.id in used]
    assert findings.signal_ids == ()  # a timeline file: positions are shown


def test_the_findings_plain_data_states_the_assessments_json(july):
    findings = july.findings
    final = july.replay.final
    data = findings.to_dict()
    assert data == side(july) == report_context(july)["primary"]
    assert {k: v for k, v in data["final"].items() if k != "evidence"} == final.to_json()
    assert findings.ledger is not None and data["final"]["evidence"] == findings.ledger.to_json(None)
    assert data["final"]["recommendation"]["best"] == final.decision.best
    assert data["final"]["posterior"]["p_expansionist"] == final.summary("p_expansionist")
    assert data["payoffs"] == final.payoffs.to_json()
    assert data["replay"] == july.replay.to_json()
    assert [row["index"] for row in data["signals"]] == [r.index for r in findings.readings]
    assert [row["attribution"]["role"] for row in data["signals"]] == [
        r.attribution.role for r in findings.readings
    ]
    assert july.final is findings.final  # the briefing's final numbers are one object, read once
