"""The main screen: signal log, trajectory, beliefs, recommendation, watch list, status.

It only renders what :class:`tui.session.Session` holds; every key is an
``app.*`` action (see :mod:`tui.app`), so the command palette offers the same.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from tui.session import Session, StepResult
from tui.widgets.panels import (
    BeliefsPanel,
    RecommendationPanel,
    StatusLine,
    StepBar,
    TitleBar,
    WatchList,
)
from tui.widgets.signal_log import SignalLog
from tui.widgets.trajectory import TrajectoryPlot


def outcome_text(session: Session) -> str | None:
    """What the decision-makers did (bundled history), shown at the last step."""
    out = session.timeline.outcome
    if out is None or session.prefix() != list(session.timeline.signals):
        return None  # only the historical record, not a log with added or retracted signals
    return (
        f"{session.timeline.scenario.perspective} was {out.adversary_posture} toward the adversary, "
        f"{out.ally_posture} toward the ally"
    )


def outcome_summary(session: Session) -> str | None:
    """The outcome with the record's summary (announced when a replay reaches the end)."""
    text = outcome_text(session)
    out = session.timeline.outcome
    if text is None or out is None:
        return None
    return text + (f". {out.summary}" if out.summary else ".")


class MainScreen(Screen[None]):
    """Everything the analyst watches, on one screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "app.add_signal", "add"),
        Binding("x", "app.retract", "retract"),
        Binding("n", "app.step(1)", "next"),
        Binding("p", "app.step(-1)", "prev"),
        Binding("right", "app.step(1)", "next", priority=True, show=False),
        Binding("left", "app.step(-1)", "prev", priority=True, show=False),
        Binding("space", "app.play", "play/pause"),
        Binding("s", "app.sensitivity", "sensitivity"),
        Binding("e", "app.export", "export"),
        Binding("ctrl+s", "app.save_case", "save case", show=False),
        Binding("question_mark", "app.help", "help"),
        Binding("q", "app.quit", "quit"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield TitleBar(id="title")
            yield StepBar(id="stepbar")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                log = SignalLog(id="signals")
                log.border_title = "Signals"
                yield log
                plot = TrajectoryPlot(id="trajectory")
                plot.border_title = "Trajectory"
                plot.border_subtitle = "[red]━ P(expansionist)[/]  [cyan]━ ally reliability[/]"
                yield plot
            with Vertical(id="right"):
                beliefs = BeliefsPanel(id="beliefs")
                beliefs.border_title = "Beliefs"
                beliefs.border_subtitle = "mean · change from the step before"
                yield beliefs
                rec = RecommendationPanel(id="recommendation")
                rec.border_title = "Recommendation"
                yield rec
                watch = WatchList(id="watch")
                watch.border_title = "What to watch"
                yield watch
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SignalLog).focus()

    def show_log(self, session: Session) -> None:
        flips = frozenset(i for i in range(1, session.n + 1) if session.flip_at(i))
        self.query_one(SignalLog).show(session.signals, session.step, flips)

    def show_results(
        self,
        session: Session,
        busy: str | None,
        playing: bool,
        *,
        seconds: bool = True,
        error: str | None = None,
    ) -> None:
        now: StepResult | None = session.result()
        before = session.result(session.step - 1) if session.step > 0 else None
        date = str(session.signals[session.step - 1].date) if session.step > 0 else ""
        self.query_one(TitleBar).show(session.title, session.case, playing)
        self.query_one(StepBar).show(session.step, session.n, date)
        self.query_one(BeliefsPanel).show(now, before, error)
        self.query_one(RecommendationPanel).show(now, outcome_text(session))
        self.query_one(WatchList).show(now)
        self.query_one(StatusLine).show(now, busy, seconds=seconds, error=error)
        self.query_one(TrajectoryPlot).show(session.trajectory(), session.step, session.n)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a signal: replay up to and including it."""
        self.app.call_later(self.app.run_action, f"go({event.cursor_row + 1})")
