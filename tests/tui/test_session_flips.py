"""The TUI marks flips as `beliefs replay` counts them: only between determinate recommendations."""

from __future__ import annotations

from beliefs.timeline import Signal, load_timeline
from tui.session import Session, StepResult


def _result(best: str, determinate: bool) -> StepResult:
    return StepResult(
        assessment=None,  # type: ignore[arg-type]  # flip_at reads the recommendation only
        posterior={},
        recommendation={"best": best, "determinate": determinate},
        diagnostics={"reliable": True},
    )


def test_flip_at_skips_ties_and_needs_every_step_in_between():
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
    assert [i for i in range(7) if session.flip_at(i)] == [4, 6]
    assert session.flip_at(6) == ("firm+restrain", "conciliate+restrain")
    del session.cache[session.key(5)]  # a step in between not computed yet: no claim
    assert session.flip_at(6) is None
