"""The TUI marks flips as `beliefs replay` counts them: only between determinate recommendations,
by the replay's own rule (:func:`beliefs.runs.replay_steps.flip_of`), read from the assessments."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from beliefs.evidence import attribution
from beliefs.timeline import Signal, load_timeline
from tui.session import Session, StepResult
from tui.widgets.signal_log import superseded_at_step


def _result(best: str, determinate: bool) -> StepResult:
    decision = SimpleNamespace(best=best, determinate=determinate)  # flip_at reads the decision only
    return StepResult(assessment=SimpleNamespace(decision=decision, reliable=True))  # type: ignore[arg-type]


def _scripted() -> Session:
    tl, catalog = load_timeline("bosnia-1908")
    signals = [Signal(date=f"1908-10-0{i + 1}", kind="ultimatum", grade="A1") for i in range(6)]
    session = Session(tl, catalog, signals, step=6)
    script = [
        ("firm+support", True),
        ("firm+restrain", False),  # a tie: never a flip
        ("firm+support", True),  # back to the settled choice: no flip
        ("firm+restrain", False),
        ("firm+restrain", True),  # determinate, unlike firm+support: a flip
        ("conciliate+restrain", False),
        ("conciliate+restrain", True),  # a flip from firm+restrain (step 4), across the tie
    ]
    for i, (best, det) in enumerate(script):
        session.cache[session.key(i)] = _result(best, det)
    return session


def test_flip_at_skips_ties_and_needs_every_step_in_between():
    session = _scripted()
    assert [i for i in range(7) if session.flip_at(i)] == [4, 6]
    assert session.flip_at(6) == ("firm+restrain", "conciliate+restrain")
    del session.cache[session.key(5)]  # a step in between not computed yet: no claim
    assert session.flip_at(6) is None


def test_flip_at_is_the_replays_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI has no rule of its own: change the replay's and the TUI's markers follow."""
    session = _scripted()
    monkeypatch.setattr("beliefs.runs.replay_steps.counts_as_flip", lambda settled, current: False)
    assert [i for i in range(7) if session.flip_at(i)] == []


def test_the_signal_log_reads_the_log_once_not_per_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redrawing the log at a step reads that step's evidence record; the log is read once per prefix."""
    tl, catalog = load_timeline("bosnia-1908")
    adversary = tl.scenario.adversary
    signals = [
        Signal(date="1908-10-01", kind="ultimatum", grade="A1", actor=adversary, observed=False),
        Signal(date="1908-10-02", kind="ultimatum", grade="A1", actor=adversary, observed=False),
    ]
    session = Session(tl, catalog, signals, step=2)
    built: list[int] = []
    init = attribution.Actors.__init__
    monkeypatch.setattr(attribution.Actors, "__init__", lambda self, *a: (built.append(1), init(self, *a))[1])
    shown = [superseded_at_step(session) for _ in range(5)]
    assert shown[0] == {0: "superseded by the later absence of 1908-10-02"} and all(s == shown[0] for s in shown)
    assert len(built) == 1
