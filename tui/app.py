"""The analyst's terminal UI: the App, its actions, and the sampling workers.

The UI thread only renders and dispatches. Compiling and sampling run in a
thread worker (``group="sample"``, exclusive: a new signal supersedes a
running update) that imports ``beliefs.runs.assessment`` (and so PyMC/nutpie/ArviZ)
lazily and posts typed messages back (:mod:`tui.messages`). Results are
cached by exact signal prefix and seed in :class:`tui.session.Session`, so the
numbers shown are ``assess_signals(timeline, catalog, signals[:step], seed=seed)``.
While a step is computed the panels keep the last numbers, dimmed, and the
status line spins. Editing, saving, quitting and following the case on disk
are the app's methods too, in its base class :class:`tui.edits.CaseEdits`.

``busy`` (what the worker is doing) and ``error`` (why the last update failed)
are reactive: setting either repaints the main screen, and ``busy`` runs the
status line's spinner while it is set.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.timer import Timer
from textual.worker import get_current_worker

from beliefs.cases import privacy
from beliefs.text import printable
from tui import compute
from tui.cases import CaseLink
from tui.commands import BeliefsCommands
from tui.edits import CaseEdits
from tui.messages import EngineBusy, SamplingDone, StepReady
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen, outcome_summary
from tui.screens.open import OpenScreen
from tui.screens.sensitivity import SensitivityScreen
from tui.screens.signal_detail import SignalDetailScreen
from tui.session import Session, StepResult
from tui.theme import DARK, LIGHT, load_theme, save_theme

if TYPE_CHECKING:
    from models.engine import Engine

COMPILING = "compiling model… (first update only, ~20-30 s)"
UPDATING = "updating…"
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class BeliefsApp(CaseEdits):
    """Enter signals, watch beliefs and the recommendation move, replay a crisis."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/app.tcss", "styles/dialogs.tcss"]
    TITLE = "beliefs"
    COMMANDS = App.COMMANDS | {BeliefsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "quit", show=False)]

    #: What the sampling worker is doing ("updating…", "compiling model…"); None: idle.
    busy: reactive[str | None] = reactive(None, init=False)
    #: Why the last update failed (shown in the status line); None: it did not.
    error: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self,
        session: Session | None,
        *,
        cases: CaseLink | None = None,
        engine: Engine | None = None,
        show_seconds: bool = True,
        play_interval: float = 1.2,
        seed: int = 0,
        config: Path | None = None,
        theme: str | None = None,
        watch_interval: float = 0.5,
    ) -> None:
        """``config``: the file remembering the theme (None: nothing remembered); ``theme`` overrides it.

        ``watch_interval``: seconds between two looks at the case database for other processes' changes.
        """
        super().__init__()
        self.config = config
        self.watch_interval = watch_interval
        chosen = theme or load_theme(config, self.available_themes)
        if chosen:
            self.theme = chosen
        #: None: start on the open screen (``beliefs tui`` without arguments)
        self._pick = session is None
        self.session: Session = session  # type: ignore[assignment]
        self.cases = cases or CaseLink()
        self.engine = engine
        self.show_seconds = show_seconds
        self.play_interval = play_interval
        self.seed = seed  # for a session opened from the open screen
        self.generation = 0
        self._player: Timer | None = None
        self._announce = False
        self._announce_outcome = False
        #: the last numbers shown (current, step before): kept, dimmed, while new ones are computed
        self._shown: tuple[StepResult | None, StepResult | None] = (None, None)
        self._spin = 0
        self._spinner: Timer | None = None

    # -- lifecycle ----------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages quote case names, paths and errors
        (untrusted), so they are never markup and never carry a control character."""
        super().notify(
            printable(message, multiline=True), title=printable(title), severity=severity, timeout=timeout,
            markup=False,
        )  # fmt: skip

    async def on_mount(self) -> None:
        # A case database that others can read is reported here, not on the stderr under the UI.
        privacy.report = lambda message: self.notify(message, severity="warning", timeout=15)
        self.set_interval(self.watch_interval, self.poll_case)
        if self._pick:
            self.push_screen(OpenScreen(self.cases, self.seed), self._opened)
        else:
            await self._start()

    def on_unmount(self) -> None:
        privacy.report = privacy.to_stderr

    def _opened(self, session: Session | None) -> None:
        if session is None:
            self.exit()
            return
        self.session = session
        self.call_later(self._start)

    async def _start(self) -> None:
        await self.push_screen(MainScreen())
        self.main.show_log(self.session)
        self.main.cursor_to_step(self.session.step)
        self.redraw()
        self.update_posterior()
        self.announce_unresolved()

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    @property
    def playing(self) -> bool:
        return self._player is not None

    def watch_busy(self, busy: str | None) -> None:
        if busy and self._spinner is None:
            self._spinner = self.set_interval(0.1, self._spin_once)
        elif not busy and self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        self.redraw()

    def watch_error(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        if not self.main_shown:
            return
        s = self.session
        now = s.result()
        if now is not None:
            self._shown = (now, s.result(s.step - 1) if s.step > 0 else None)
        self.main.show_results(
            s,
            self.busy,
            self.playing,
            seconds=self.show_seconds,
            error=self.error,
            shown=self._shown,
            spinner=SPINNER[self._spin % len(SPINNER)],
        )

    def _spin_once(self) -> None:
        self._spin += 1
        if self.busy and self.main_shown:
            self.main.spin(SPINNER[self._spin % len(SPINNER)])

    # -- sampling -------------------------------------------------------------------

    def update_posterior(self) -> None:
        """Compute every step that has no result yet (current step first) in a worker."""
        jobs = self.session.missing_steps()
        if not jobs:
            self.busy = None
            self.redraw()
            return
        self.generation += 1
        self.busy = UPDATING if self.session.key() not in self.session.cache else None
        self.redraw()
        s = self.session
        work_list = [(i, s.key(i), s.prefix(i)) for i in jobs]
        self._sample(self.generation, s.timeline, s.catalog, s.seed, work_list)

    @work(thread=True, exclusive=True, group="sample", exit_on_error=False)
    def _sample(self, generation: int, timeline, catalog, seed, work_list) -> None:  # type: ignore[no-untyped-def]
        worker = get_current_worker()

        def wait(fn):  # type: ignore[no-untyped-def]
            return compute.call_cancellable(fn, lambda: worker.is_cancelled)

        try:
            engine = self.engine or compute.default_engine()
            if compute.needs_compile(engine, timeline, catalog):
                self.post_message(EngineBusy(COMPILING))
                wait(lambda: compute.prepare(engine, timeline, catalog))
                self.post_message(EngineBusy(UPDATING))
            for step, key, signals in work_list:
                if worker.is_cancelled:
                    return
                result = wait(lambda s=signals: compute.assess_step(engine, timeline, catalog, s, seed))
                self.post_message(StepReady(key, step, result, generation))
            self.post_message(SamplingDone(generation))
        except compute.Cancelled:
            return
        except Exception as exc:  # shown in the status line, never a crash
            self.post_message(SamplingDone(generation, f"{type(exc).__name__}: {exc}"))

    def on_engine_busy(self, message: EngineBusy) -> None:
        if self.main_shown and self.session.key() not in self.session.cache:
            self.busy = message.what  # repaints (a reactive)

    def on_step_ready(self, message: StepReady) -> None:
        s = self.session
        s.cache[message.key] = message.result
        if not self.main_shown:  # shutting down: the result is kept, nothing is drawn
            return
        self.error = None
        if any(s.flip_at(i) for i in (message.step, message.step + 1) if 0 < i <= s.n):
            self.main.show_log(s)  # a new ⇄ marker
        if message.key == s.key():
            self.busy = None
            if isinstance(self.screen, SensitivityScreen):
                self.screen.posterior_changed()
            if s.case is not None and s.step == s.n and message.generation == self.generation:
                self._record(message.result)
            self._announce_flip()
        elif message.key == s.key(s.step - 1):
            self._announce_flip()
        self.redraw()

    def on_sampling_done(self, message: SamplingDone) -> None:
        if message.error is not None and self.main_shown:
            self.busy = None
            self.error = message.error  # repaints (a reactive)
            self.notify(f"sampling failed: {message.error}", severity="error", timeout=10)

    def _record(self, result: object) -> None:
        try:
            self.cases.record(self.session, getattr(result, "assessment", None))
        except Exception as exc:
            self.notify(f"could not store the assessment: {exc}", severity="warning")

    # -- replay -----------------------------------------------------------------------

    def _announce_flip(self) -> None:
        s = self.session
        if not self._announce or s.result() is None or (s.step > 0 and s.result(s.step - 1) is None):
            return
        self._announce = False
        flip = s.flip_at(s.step)
        if flip is not None:
            date = s.signals[s.step - 1].date
            self.notify(
                f"step {s.step} ({date}): the recommendation flips from {flip[0]} to {flip[1]}",
                title="Flip",
                severity="warning",
            )
        outcome = outcome_summary(s) if self._announce_outcome else None
        self._announce_outcome = False
        if outcome is not None:
            self.notify(outcome, title="What happened", timeout=12)

    def action_step(self, delta: int) -> None:
        self.action_go(self.session.step + delta)

    def action_go(self, step: int) -> None:
        s = self.session
        before = s.step
        if s.go(step) == before:
            if self.playing and s.step == s.n:
                self.action_play()
            return
        self._announce = self._announce_outcome = True
        self.main.show_log(s)
        self.main.cursor_to_step(s.step)
        self.update_posterior()
        self._announce_flip()

    def action_play(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player = None
        else:
            if self.session.step >= self.session.n:
                self.action_go(0)
            self._player = self.set_interval(self.play_interval, self._tick)
        self.redraw()

    def _tick(self) -> None:
        s = self.session
        if not self.main_shown:  # shutting down
            return
        if s.step >= s.n:
            self.action_play()
            return
        if s.result() is None:
            return  # wait for the current step before moving on
        self.action_step(1)
        if s.step >= s.n:
            self.action_play()

    # -- the log changed (tui.edits) ----------------------------------------------------------

    def log_changed(self, *, select: int | None = None, announce: bool = False) -> None:
        """Show the changed log (``select``: the signal to put the cursor on and in view) and compute what is
        missing; ``announce``: say so when the change flips the recommendation (an edit of the analyst's)."""
        if announce:
            self._announce = True
        self.main.show_log(self.session)
        if select is not None:
            self.main.select_signal(select)
        self.update_posterior()

    # -- other screens -------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_detail(self, index: int) -> None:
        """The whole signal ``index``: every field, the grade in words, what it did to the beliefs."""
        if 0 <= index < self.session.n:
            self.push_screen(SignalDetailScreen(self.session, index))

    def action_ledger(self) -> None:
        """The evidence ledger of the current step: every report's contribution, largest first."""
        from tui.screens.ledger import LedgerScreen

        now = self.session.result()
        if now is None or now.ledger is None:
            self.notify("no posterior for this step yet", severity="warning")
            return
        numbers = [self.session.number(i) for i in range(self.session.n)]
        self.push_screen(LedgerScreen(now.ledger, numbers))

    def action_go_selected(self) -> None:
        """Replay up to and including the selected signal."""
        index = self.main.selected_index
        if index is not None:
            self.action_go(index + 1)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def watch_theme(self, theme: str) -> None:
        save_theme(self.config, theme)

    def action_sensitivity(self) -> None:
        self.push_screen(SensitivityScreen(self.session, self.engine))
