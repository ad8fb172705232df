"""The app's edits: add, retract, export, save as a case, quit without losing work, follow the case on disk.

Functions of the running :class:`tui.app.BeliefsApp` (its ``action_*`` methods
call them), kept here so that the app module holds the sampling workers.

* A session on a file counts its unsaved changes; quitting with any asks
  (save as a case / export / discard / cancel).
* A session on a stored case follows the database: :func:`poll` (every half
  second) notices a change made by another process and reloads the log with
  a notification; every write carries the log version the view was computed
  from, and a stale one is refused by the store, the view reloaded, and
  nothing typed is lost (the add form comes back filled in).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App

from beliefs.cases.versions import StaleLogError
from beliefs.timeline import Signal
from tui.cases import CaseLink
from tui.screens.add_signal import AddSignalScreen
from tui.screens.dialogs import PromptScreen, QuitScreen, RetractScreen
from tui.screens.main import MainScreen
from tui.session import Session, last_date

Then = Callable[[], object] | None


class Workbench(App[None]):
    """What these functions need of the app; :class:`tui.app.BeliefsApp` is one."""

    session: Session
    cases: CaseLink
    _announce: bool

    @property
    def main(self) -> MainScreen:
        raise NotImplementedError

    def update_posterior(self) -> None:
        raise NotImplementedError

    def redraw(self) -> None:
        raise NotImplementedError


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def out_of_order(app: Workbench, signal: Signal) -> str | None:
    """What to ask before adding a signal dated before the last one (None: in order)."""
    s = app.session
    if not s.signals or signal.date >= max(x.date for x in s.signals):
        return None
    pos = s.date_order_position(signal.date)
    after = f"after #{s.number(pos - 1)} ({s.signals[pos - 1].date})" if pos > 0 else "first"
    return (
        f"{signal.date} is before the last signal ({s.signals[-1].date}).\n"
        f"It is added at the end of the log and replayed last (#{s.n + 1} of {s.n + 1}); "
        f"in date order, as an export writes it, it sorts {after}.\nAdd it anyway?"
    )


def add_signal(app: Workbench, prefill: Signal | None = None) -> None:
    s = app.session
    form = AddSignalScreen(
        s.catalog,
        s.timeline.scenario,
        last_date(s),
        check=lambda sig: out_of_order(app, sig),
        prefill=prefill,
        existing=s.signals,
    )
    app.push_screen(form, lambda sig: added(app, sig))


def added(app: Workbench, signal: Signal | None) -> None:
    if signal is None:
        return
    try:
        app.cases.add(app.session, signal)  # committed before any sampling
    except StaleLogError:
        reload(app, f"case '{app.session.case}' changed in another process: your signal was not added")
        app.call_later(add_signal, app, signal)  # nothing typed is lost
        return
    except Exception as exc:
        app.notify(f"the signal was not added: {exc}", severity="error", timeout=10)
        return
    s = app.session
    app._announce = True
    app.main.show_log(s)
    app.main.query_one("#signals").select(s.n - 1)  # type: ignore[attr-defined]
    app.notify(f"added #{s.number(s.n - 1)} {signal.kind} ({signal.grade}) on {signal.date}")
    app.update_posterior()


def retract(app: Workbench) -> None:
    s = app.session
    index = app.main.query_one("#signals").selected_index  # type: ignore[attr-defined]
    if index is None:
        app.notify("no signal to retract", severity="warning")
        return
    if s.signals[index].retracted:
        app.notify(f"signal #{s.number(index)} is already retracted", severity="warning")
        return

    def done(reason: str | None) -> None:
        if not reason:
            return
        try:
            app.cases.retract(s, index, reason)
        except StaleLogError:
            reload(app, f"case '{s.case}' changed in another process: nothing was retracted")
            return
        except Exception as exc:  # shown to the analyst, never a crash of the app
            app.notify(f"the signal was not retracted: {exc}", severity="error", timeout=10)
            return
        app._announce = True
        app.main.show_log(s)
        app.notify(f"retracted signal #{s.number(index)} ({s.signals[index].kind})")
        app.update_posterior()

    app.push_screen(RetractScreen(s.number(index), s.signals[index]), done)


def announce_unresolved(app: Workbench) -> None:
    """On a stored case whose actors do not all resolve (an older version's), say so once, and how to map them."""
    s = app.session
    if s.case is None:
        return
    names = list(s.record(s.n).unresolved())
    if names:
        listed = ", ".join(repr(n) for n in names[:5]) + (" …" if len(names) > 5 else "")
        app.notify(
            f"{_plural(len(names), 'actor')} of case '{s.case}' resolve to no role ({listed}): they count as "
            "before attribution until mapped; press m to map them",
            title="Unresolved actors",
            severity="warning",
            timeout=12,
        )


def map_actors(app: Workbench) -> None:
    """The unresolved actors of a stored case, with a role picker each (:class:`ActorsScreen`)."""
    from tui.screens.actors import ActorsScreen

    s = app.session
    if s.case is None:
        app.notify("only a stored case can hold unresolved actors: a timeline file's actors are checked when it loads")
        return

    def done(pairs: list[tuple[str, str]] | None) -> None:
        if not pairs:
            return
        try:
            app.cases.map_actors(s, pairs)
        except StaleLogError:
            reload(app, f"case '{s.case}' changed in another process: nothing was mapped")
            return
        except Exception as exc:  # shown to the analyst, never a crash of the app
            app.notify(f"nothing was mapped: {exc}", severity="error", timeout=10)
            return
        app.notify("mapped " + "; ".join(f"'{a}' to {t}" for a, t in pairs) + ": the posterior is computed again")
        app.main.show_log(s)
        app.update_posterior()

    app.push_screen(ActorsScreen(s.case, s.timeline.scenario, s.record(s.n).unresolved()), done)


def export(app: Workbench, then: Then = None) -> None:
    s = app.session
    default = f"./{s.case or s.timeline.name or 'timeline'}-export.toml"

    def done(path: str | None) -> None:
        if not path:
            return
        if Path(path).suffix.lower() in (".html", ".htm"):
            briefing(app, Path(path).expanduser())
            return
        if Path(path).expanduser().exists():
            app.notify(f"{path} exists already: choose another file name", severity="error")
            return
        try:
            written = app.cases.export(s, path)
        except Exception as exc:  # shown to the analyst, never a crash of the app
            app.notify(f"export failed: {exc}", severity="error", timeout=10)
            return
        if s.case is None:
            s.unsaved = 0
        app.notify(f"exported {_plural(s.n, 'signal')} to {written.resolve()}")
        if then is not None:
            then()

    app.push_screen(
        PromptScreen("Export", "File to write (.toml: the timeline; .html: a briefing to hand over):", default, ok="Export"),
        done,
    )


def briefing(app: Workbench, path: Path) -> None:
    """Write the briefing (``beliefs report``) of the session on screen, in a worker thread."""
    from beliefs.errors import BeliefsError
    from beliefs.runs.briefing import log_sha256
    from beliefs.runs.briefing_files import briefing_html, check_output, write_briefing

    s = app.session
    try:
        check_output(path, path.suffix.lower(), force=False, database=app.cases.db)
    except BeliefsError as exc:
        app.notify(str(exc), severity="error", timeout=10, markup=False)
        return
    timeline = s.timeline_now()
    if not [sig for sig in timeline.signals if not sig.retracted]:
        app.notify("no signals to report on yet", severity="warning")
        return
    label = s.case or timeline.name or "session"
    origin = {"kind": "case" if s.case else "TUI session", "name": label, "sha256": log_sha256(timeline)}
    if s.case:
        origin["case"] = s.case

    def work() -> None:
        try:
            html = briefing_html(timeline, s.catalog, label=label, origin=origin)
            write_briefing(path, html, private=s.case is not None)  # a stored case: 0600 (beliefs.outfile)
        except Exception as exc:  # shown to the analyst, never a crash of the app
            app.call_from_thread(app.notify, f"briefing failed: {exc}", severity="error", timeout=10, markup=False)
            return
        app.call_from_thread(app.notify, f"briefing written to {path.resolve()}", markup=False)

    app.notify("writing the briefing…")
    app.run_worker(work, thread=True, group="briefing")


def save_case(app: Workbench, then: Then = None) -> None:
    s = app.session
    if s.case is not None:
        app.notify(f"already saved: every change goes to case '{s.case}' in {app.cases.where}")
        return

    def done(name: str | None) -> None:
        if not name:
            return
        try:
            app.cases.save_as(s, name)
        except Exception as exc:  # shown to the analyst, never a crash of the app
            app.notify(f"not saved: {exc}", severity="error", timeout=10)
            return
        app.notify(f"saved as case '{name}' in {app.cases.where}; changes now go there")
        app.main.show_log(s)  # the numbers are database ids now
        app.redraw()
        if then is not None:
            then()

    app.push_screen(
        PromptScreen(
            "Save as a case",
            f"Case name (stored in {app.cases.where}):",
            s.timeline.name or "",
            ok="Save",
            required="name: letters, digits, '_', '.', '-'",
        ),
        done,
    )


def quit_app(app: Workbench) -> None:
    """Quit, or, with unsaved changes in a file session, ask what to do with them."""
    s = app.session
    if s is None or s.case is not None or s.unsaved == 0:
        app.exit()
        return

    def choose(choice: str | None) -> None:
        if choice == "save":
            save_case(app, then=app.exit)
        elif choice == "export":
            export(app, then=app.exit)
        elif choice == "discard":
            app.exit()

    source = s.timeline.name or s.timeline.source or "this timeline"
    app.push_screen(QuitScreen(_plural(s.unsaved, "unsaved change"), str(source)), choose)


# -- the case on disk -------------------------------------------------------------------


def poll(app: Workbench) -> None:
    """Reload the case if another process changed it (cheap when nothing did)."""
    s = app.session
    if s is None or s.case is None:
        return
    try:
        changed = app.cases.changed(s)
    except Exception:
        return  # a busy or vanished file: try again at the next tick
    if changed:
        reload(app, f"case '{s.case}' was changed by another process")


def reload(app: Workbench, head: str) -> None:
    """Read the case again, redraw, recompute what is missing, and say what changed."""
    s = app.session
    scenario = s.timeline.scenario
    try:
        added_n, retracted_n = app.cases.reload(s)
    except Exception as exc:
        app.notify(f"could not reload case '{s.case}': {exc}", severity="error", timeout=10)
        return
    what = [_plural(added_n, "signal") + " added"] if added_n else []
    if s.timeline.scenario is not scenario:  # actor mappings changed: every step is computed again
        what.append("actor mappings changed")
    if retracted_n:
        what.append(_plural(retracted_n, "signal") + " retracted")
    detail = f": {', '.join(what)}" if what else ""
    app.notify(f"{head}{detail}; view reloaded", title="Case updated", severity="warning", timeout=8)
    app.main.show_log(s)
    if added_n:  # the newest signal, in view and selected
        app.main.query_one("#signals").select(s.n - 1)  # type: ignore[attr-defined]
    app.update_posterior()
