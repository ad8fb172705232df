"""The main screen: signal log, trajectory, beliefs, recommendation, watch list, status.

It only renders what :class:`tui.session.Session` holds; every key is an
``app.*`` action (see :mod:`tui.app`), so the command palette offers the same.

Below :data:`WIDE` columns or :data:`TALL` rows (80×24, an ssh session) the
screen is *compact*: one page at a time (signals, beliefs and recommendation,
trajectory, watch list), switched with 1-4 or tab, named in a one-line page
bar. From 110×32 up the whole dashboard is on one screen.

While a new posterior is computed the panels keep the last numbers, dimmed,
and the status line spins; the new numbers replace them when they arrive.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from tui.session import Session, StepResult
from tui.widgets.panels import (
    BeliefsPanel,
    PageBar,
    RecommendationPanel,
    StatusLine,
    StepBar,
    TitleBar,
    VerdictLine,
    WatchList,
)
from tui.widgets.signal_log import SignalLog, superseded_at_step
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


#: The full dashboard needs this many columns and rows; below either, the compact pages.
WIDE, TALL = 110, 32
#: (id, name) of the compact pages; key 1-4 shows one.
PAGES = (("signals", "Signals"), ("beliefs", "Beliefs"), ("trajectory", "Trajectory"), ("watch", "Watch"))


class MainScreen(Screen[None]):
    """Everything the analyst watches, on one screen (or on four pages, when the terminal is small)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "quit"),
        Binding("question_mark", "app.help", "help"),
        Binding("a", "app.add_signal", "add"),
        Binding("x", "app.retract", "retract"),
        Binding("n", "app.step(1)", "next"),
        Binding("p", "app.step(-1)", "prev"),
        Binding("right", "app.step(1)", "next", priority=True, show=False),
        Binding("left", "app.step(-1)", "prev", priority=True, show=False),
        Binding("space", "app.play", "play"),
        Binding("g", "app.go_selected", "replay to", show=False),
        Binding("s", "app.sensitivity", "sensitivity"),
        Binding("e", "app.export", "export"),
        Binding("l", "app.ledger", "ledger"),
        Binding("m", "app.map_actors", "map actors", show=False),
        Binding("ctrl+s", "app.save_case", "save case", show=False),
        Binding("ctrl+t", "app.toggle_theme", "theme", show=False),
        Binding("tab", "page(+1)", "page", show=False),
        Binding("shift+tab", "page(-1)", "page", show=False),
        *(
            Binding(str(i + 1), f"show_page('{pid}')", name, show=False)
            for i, (pid, name) in enumerate(PAGES)
        ),
    ]

    #: The compact layout's page on show (a reactive: setting it shows the page; the full layout shows them all).
    page: reactive[str] = reactive("signals", init=False, always_update=True)

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield TitleBar(id="title")
            yield StepBar(id="stepbar")
        yield VerdictLine(id="verdict")
        yield PageBar(id="pages")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                log = SignalLog(id="signals")
                log.border_title = "Signals"
                yield log
                plot = TrajectoryPlot(id="trajectory")
                plot.border_title = "Trajectory"
                plot.border_subtitle = (
                    "[$text-error]━ P(expansionist)[/]  [$text-primary]━ ally reliability[/]"
                )
                yield plot
            with VerticalScroll(id="right"):
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
        self._layout(self.app.size.width, self.app.size.height)

    # -- layout ---------------------------------------------------------------

    @property
    def compact(self) -> bool:
        return self.has_class("-compact")

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        self.set_class(width < WIDE or height < TALL, "-compact")
        self.page = self.page  # the page again, in the new layout

    def action_show_page(self, page: str) -> None:
        """Compact layout: show one page (the full layout shows them all)."""
        self.page = page

    def watch_page(self, page: str) -> None:
        body = self.query_one("#body")
        for pid, _ in PAGES:
            body.set_class(pid == page, f"-page-{pid}")
        self.query_one(PageBar).show([(pid, name, pid == page) for pid, name in PAGES])
        if self.compact:  # the page's panels get the keys (↑ ↓ scroll a page taller than the screen)
            self.query_one(SignalLog if page in ("signals", "trajectory") else "#right").focus()

    def action_page(self, delta: int) -> None:
        if not self.compact:
            self.focus_next() if delta > 0 else self.focus_previous()
            return
        ids = [pid for pid, _ in PAGES]
        self.action_show_page(ids[(ids.index(self.page) + delta) % len(ids)])

    # -- the signal log's cursor ------------------------------------------------

    @property
    def selected_index(self) -> int | None:
        """The signal under the log's cursor (what retract, detail and replay-to act on), if any."""
        return self.query_one(SignalLog).selected_index

    def select_signal(self, index: int) -> None:
        """Put the cursor on signal ``index`` and scroll it into view (a new signal)."""
        self.query_one(SignalLog).select(index)

    def cursor_to_step(self, step: int) -> None:
        """Put the cursor on the last signal the replay ``step`` includes (none at the prior)."""
        if step > 0:
            self.query_one(SignalLog).move_cursor(row=step - 1, animate=False)

    # -- content ----------------------------------------------------------------

    def show_log(self, session: Session) -> None:
        flips = frozenset(i for i in range(1, session.n + 1) if session.flip_at(i))
        numbers = [session.number(i) for i in range(session.n)]
        self.query_one(SignalLog).show(session.signals, session.step, flips, numbers, superseded_at_step(session))

    def show_results(
        self,
        session: Session,
        busy: str | None,
        playing: bool,
        *,
        seconds: bool = True,
        error: str | None = None,
        shown: tuple[StepResult | None, StepResult | None] = (None, None),
        spinner: str = "⟳",
    ) -> None:
        """Show the current step's numbers, or, while they are computed, ``shown`` (the last ones) dimmed."""
        now: StepResult | None = session.result()
        before = session.result(session.step - 1) if session.step > 0 else None
        stale = now is None and shown[0] is not None and error is None
        if stale:
            now, before = shown
        date = str(session.signals[session.step - 1].date) if session.step > 0 else ""
        self.query_one(TitleBar).show(session.title, session.case, playing)
        self.query_one(StepBar).show(session.step, session.n, date)
        self.query_one(VerdictLine).show(now)
        self._beliefs = (now, before, error, session.step)
        self._show_beliefs()
        self.query_one(RecommendationPanel).show(now, None if stale else outcome_text(session))
        self.query_one(WatchList).show(now)
        self.query_one(StatusLine).show(now, busy, seconds=seconds, error=error, spinner=spinner)
        for panel in self.query("#beliefs, #recommendation, #watch"):
            panel.set_class(stale, "-stale")
        self.query_one(TrajectoryPlot).show(session.trajectory(), session.step, session.n)

    def spin(self, frame: str) -> None:
        """The next frame of the status line's busy spinner (nothing else redrawn)."""
        self.query_one(StatusLine).spin(frame)

    def _show_beliefs(self) -> None:
        """The beliefs panel, with the evidence ledger's line for the signal under the cursor."""
        now, before, error, step = getattr(self, "_beliefs", (None, None, None, 0))
        index = self.query_one(SignalLog).selected_index
        self.query_one(BeliefsPanel).show(now, before, error, None if index is None else (index, step))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "signals":
            self._show_beliefs()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a signal: its detail screen."""
        self.app.call_later(self.app.run_action, f"detail({event.cursor_row})")
