"""The app's edits: add, retract, map actors, export, save as a case, quit without losing work, follow the case on disk.

:class:`CaseEdits` holds them as methods of the app (its ``action_*`` are the
keys' and the command palette's actions); :class:`tui.app.BeliefsApp` is one,
and owns the state they change (the session, the case link, the main screen).
The app module keeps the sampling workers and the replay.

* A session on a file counts its unsaved changes; quitting with any asks
  (save as a case / export / discard / cancel).
* A session on a stored case follows the database: :meth:`CaseEdits.poll_case`
  (every half second) notices a change made by another process and reloads
  the log with a notification; every write carries the log version the view
  was computed from, and a stale one is refused by the store, the view
  reloaded, and nothing typed is lost (the add form comes back filled in).
* Every change is committed (:class:`tui.cases.CaseLink`) before anything is
  computed: the posterior is asked for only once the store has said yes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from textual.app import App

from beliefs.cases.versions import StaleLogError
from beliefs.timeline import Signal
from tui.cases import CaseLink
from tui.screens.add_signal import AddSignalScreen
from tui.screens.dialogs import PromptScreen, QuitScreen, RetractScreen
from tui.screens.main import MainScreen
from tui.session import Session, last_date

Then = Callable[[], object] | None


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class CaseEdits(App[None]):
    """The edits of the signal log and of the case, as methods of the app that owns them."""

    session: Session
    cases: CaseLink

    # -- what the app provides (tui.app.BeliefsApp) ------------------------------------

    @property
    def main(self) -> MainScreen:
        raise NotImplementedError

    @property
    def main_shown(self) -> bool:
        """Whether the workbench is on the screen stack: not yet while a case is picked, no more
        while the app shuts down (a worker's last message or a timer may still arrive then)."""
        return self.session is not None and any(isinstance(x, MainScreen) for x in self.screen_stack)

    def redraw(self) -> None:
        raise NotImplementedError

    def log_changed(self, *, select: int | None = None, announce: bool = False) -> None:
        """Show the changed log (``select``: the signal to put the cursor on) and compute what is missing."""
        raise NotImplementedError

    # -- adding a signal -------------------------------------------------------------------

    def out_of_order(self, signal: Signal) -> str | None:
        """What to ask before adding a signal dated before the last one (None: in order)."""
        s = self.session
        if not s.signals or signal.date >= max(x.date for x in s.signals):
            return None
        pos = s.date_order_position(signal.date)
        after = f"after #{s.number(pos - 1)} ({s.signals[pos - 1].date})" if pos > 0 else "first"
        return (
            f"{signal.date} is before the last signal ({s.signals[-1].date}).\n"
            f"It is added at the end of the log and replayed last (#{s.n + 1} of {s.n + 1}); "
            f"in date order, as an export writes it, it sorts {after}.\nAdd it anyway?"
        )

    def action_add_signal(self, prefill: Signal | None = None) -> None:
        """The add-signal form (``prefill``: filled in, as after a refused write)."""
        s = self.session
        form = AddSignalScreen(
            s.catalog,
            s.timeline.scenario,
            last_date(s),
            check=self.out_of_order,
            prefill=prefill,
            existing=s.signals,
        )
        self.push_screen(form, self.commit_signal)

    def commit_signal(self, signal: Signal | None) -> None:
        """Store the signal entered (None: the form was cancelled), then, only then, compute."""
        if signal is None:
            return
        s = self.session
        write = lambda: self.cases.add(s, signal)  # noqa: E731  (committed before any sampling)
        outcome = self.store_edit(write, "your signal was not added", "the signal was not added")
        if outcome == "stale":
            self.call_later(self.action_add_signal, signal)  # nothing typed is lost
        if outcome != "stored":
            return
        self.notify(f"added #{s.number(s.n - 1)} {signal.kind} ({signal.grade}) on {signal.date}")
        self.log_changed(select=s.n - 1, announce=True)

    def store_edit(
        self, write: Callable[[], object], stale: str, failed: str
    ) -> Literal["stored", "stale", "failed"]:
        """Commit one edit of the case: a stale log version reloads the view and says ``stale``
        (nothing was written); any other error is shown as ``failed: why``, never a crash of the app."""
        try:
            write()
        except StaleLogError:
            self.reload_case(f"case '{self.session.case}' changed in another process: {stale}")
            return "stale"
        except Exception as exc:
            self.notify(f"{failed}: {exc}", severity="error", timeout=10)
            return "failed"
        return "stored"

    # -- retracting, mapping actors ----------------------------------------------------------

    def action_retract(self) -> None:
        """Retract the signal under the cursor, with a reason (asked)."""
        s = self.session
        index = self.main.selected_index
        if index is None:
            self.notify("no signal to retract", severity="warning")
            return
        if s.signals[index].retracted:
            self.notify(f"signal #{s.number(index)} is already retracted", severity="warning")
            return

        def done(reason: str | None) -> None:
            if not reason:
                return
            write = lambda: self.cases.retract(s, index, reason)  # noqa: E731
            if self.store_edit(write, "nothing was retracted", "the signal was not retracted") != "stored":
                return
            self.notify(f"retracted signal #{s.number(index)} ({s.signals[index].kind})")
            self.log_changed(announce=True)

        self.push_screen(RetractScreen(s.number(index), s.signals[index]), done)

    def announce_unresolved(self) -> None:
        """On a stored case whose actors do not all resolve (an older version's), say so once, and how to map them."""
        s = self.session
        if s.case is None:
            return
        names = list(s.record(s.n).unresolved())
        if names:
            listed = ", ".join(repr(n) for n in names[:5]) + (" …" if len(names) > 5 else "")
            self.notify(
                f"{plural(len(names), 'actor')} of case '{s.case}' resolve to no role ({listed}): they count as "
                "before attribution until mapped; press m to map them",
                title="Unresolved actors",
                severity="warning",
                timeout=12,
            )

    def action_map_actors(self) -> None:
        """The unresolved actors of a stored case, with a role picker each (:class:`ActorsScreen`)."""
        from tui.screens.actors import ActorsScreen

        s = self.session
        if s.case is None:
            self.notify(
                "only a stored case can hold unresolved actors: a timeline file's actors are checked when it loads"
            )
            return

        def done(pairs: list[tuple[str, str]] | None) -> None:
            if not pairs:
                return
            write = lambda: self.cases.map_actors(s, pairs)  # noqa: E731
            if self.store_edit(write, "nothing was mapped", "nothing was mapped") != "stored":
                return
            self.notify(
                "mapped " + "; ".join(f"'{a}' to {t}" for a, t in pairs) + ": the posterior is computed again"
            )
            self.log_changed()

        self.push_screen(ActorsScreen(s.case, s.timeline.scenario, s.record(s.n).unresolved()), done)

    # -- export, briefing, save, quit ----------------------------------------------------------

    def action_export(self, then: Then = None) -> None:
        """Ask for a file and write the timeline (.toml) or a briefing (.html) to it; then ``then``."""
        s = self.session
        default = f"./{s.case or s.timeline.name or 'timeline'}-export.toml"

        def done(path: str | None) -> None:
            if not path:
                return
            if Path(path).suffix.lower() in (".html", ".htm"):
                self.write_briefing(Path(path).expanduser())
                return
            if Path(path).expanduser().exists():
                self.notify(f"{path} exists already: choose another file name", severity="error")
                return
            try:
                written = self.cases.export(s, path)
            except Exception as exc:  # shown to the analyst, never a crash of the app
                self.notify(f"export failed: {exc}", severity="error", timeout=10)
                return
            if s.case is None:
                s.unsaved = 0
            self.notify(f"exported {plural(s.n, 'signal')} to {written.resolve()}")
            if then is not None:
                then()

        self.push_screen(
            PromptScreen(
                "Export",
                "File to write (.toml: the timeline; .html: a briefing to hand over):",
                default,
                ok="Export",
            ),
            done,
        )

    def write_briefing(self, path: Path) -> None:
        """Write the briefing (``beliefs report``) of the session on screen, in a worker thread."""
        from beliefs.errors import BeliefsError
        from beliefs.runs.briefing import log_sha256
        from beliefs.runs.briefing_files import briefing_html, check_output, write_briefing

        s = self.session
        try:
            check_output(path, path.suffix.lower(), force=False, database=self.cases.db)
        except BeliefsError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        timeline = s.timeline_now()
        if not [sig for sig in timeline.signals if not sig.retracted]:
            self.notify("no signals to report on yet", severity="warning")
            return
        label = s.case or timeline.name or "session"
        origin = {"kind": "case" if s.case else "TUI session", "name": label, "sha256": log_sha256(timeline)}
        if s.case:
            origin["case"] = s.case

        def work() -> None:
            try:
                html = briefing_html(timeline, s.catalog, label=label, origin=origin)
                write_briefing(
                    path, html, private=s.case is not None
                )  # a stored case: 0600 (beliefs.outfile)
            except Exception as exc:  # shown to the analyst, never a crash of the app
                self.call_from_thread(
                    self.notify, f"briefing failed: {exc}", severity="error", timeout=10, markup=False
                )
                return
            self.call_from_thread(self.notify, f"briefing written to {path.resolve()}", markup=False)

        self.notify("writing the briefing…")
        self.run_worker(work, thread=True, group="briefing")

    def action_save_case(self, then: Then = None) -> None:
        """Store a file session as a new case (asks its name); every later change goes there."""
        s = self.session
        if s.case is not None:
            self.notify(f"already saved: every change goes to case '{s.case}' in {self.cases.where}")
            return

        def done(name: str | None) -> None:
            if not name:
                return
            try:
                self.cases.save_as(s, name)
            except Exception as exc:  # shown to the analyst, never a crash of the app
                self.notify(f"not saved: {exc}", severity="error", timeout=10)
                return
            self.notify(f"saved as case '{name}' in {self.cases.where}; changes now go there")
            self.main.show_log(s)  # the numbers are database ids now
            self.redraw()
            if then is not None:
                then()

        self.push_screen(
            PromptScreen(
                "Save as a case",
                f"Case name (stored in {self.cases.where}):",
                s.timeline.name or "",
                ok="Save",
                required="name: letters, digits, '_', '.', '-'",
            ),
            done,
        )

    async def action_quit(self) -> None:
        """Quit, or, with unsaved changes in a file session, ask what to do with them."""
        s = self.session
        if s is None or s.case is not None or s.unsaved == 0:
            self.exit()
            return

        def choose(choice: str | None) -> None:
            if choice == "save":
                self.action_save_case(then=self.exit)
            elif choice == "export":
                self.action_export(then=self.exit)
            elif choice == "discard":
                self.exit()

        source = s.timeline.name or s.timeline.source or "this timeline"
        self.push_screen(QuitScreen(plural(s.unsaved, "unsaved change"), str(source)), choose)

    # -- the case on disk -------------------------------------------------------------------

    def poll_case(self) -> None:
        """Reload the case if another process changed it (cheap when nothing did)."""
        s = self.session
        if s is None or s.case is None or not self.main_shown:
            return
        try:
            changed = self.cases.changed(s)
        except Exception:
            return  # a busy or vanished file: try again at the next tick
        if changed:
            self.reload_case(f"case '{s.case}' was changed by another process")

    def reload_case(self, head: str) -> None:
        """Read the case again, redraw, recompute what is missing, and say what changed."""
        s = self.session
        scenario = s.timeline.scenario
        try:
            added_n, retracted_n = self.cases.reload(s)
        except Exception as exc:
            self.notify(f"could not reload case '{s.case}': {exc}", severity="error", timeout=10)
            return
        what = [plural(added_n, "signal") + " added"] if added_n else []
        if s.timeline.scenario is not scenario:  # actor mappings changed: every step is computed again
            what.append("actor mappings changed")
        if retracted_n:
            what.append(plural(retracted_n, "signal") + " retracted")
        detail = f": {', '.join(what)}" if what else ""
        self.notify(f"{head}{detail}; view reloaded", title="Case updated", severity="warning", timeout=8)
        self.log_changed(select=s.n - 1 if added_n else None)  # the newest signal, in view and selected
