"""The start screen of ``beliefs tui`` without arguments: pick a bundled timeline or a stored case."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.cases import CaseLink
from tui.safe import safe
from tui.session import Session


class OpenScreen(Screen[Session | None]):
    """Bundled timelines and the cases in the database; enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "quit", "quit")]

    def __init__(self, cases: CaseLink, seed: int = 0) -> None:
        super().__init__()
        self.cases = cases
        self.seed = seed

    def compose(self) -> ComposeResult:
        with Vertical(id="open"):
            yield Static("[b]beliefs[/] — open a crisis timeline or a stored case", id="open-title")
            options = OptionList(id="choices")
            options.border_title = "Open"
            yield options
            yield Static(
                f"[$text-muted]cases are stored in {safe(self.cases.where)}; "
                "a timeline can be saved as a case with ctrl+s[/]",
                id="open-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        from beliefs.timeline import bundled_timelines, load_timeline

        options = self.query_one(OptionList)
        try:
            summaries = self.cases.summaries()
        except Exception as exc:  # a damaged or foreign database: still offer the timelines
            summaries = []
            self.notify(f"cannot read {self.cases.where}: {exc}", severity="error")
        if summaries:
            options.add_option(Option("[b]Stored cases[/]", disabled=True))
            for c in summaries:
                options.add_option(
                    Option(
                        f"  {safe(c.name):<20} {safe(c.title)}  [dim]{c.n_signals} signals[/]",
                        id=f"case:{c.name}",
                    )
                )
        options.add_option(Option("[b]Bundled timelines[/] [dim](replay)[/]", disabled=True))
        for name in bundled_timelines():
            tl, _ = load_timeline(name)
            options.add_option(
                Option(
                    f"  {name:<20} {safe(tl.scenario.title)}  [dim]{len(tl.signals)} signals[/]",
                    id=f"timeline:{name}",
                )
            )
        options.highlighted = 1
        options.focus()

    @on(OptionList.OptionSelected, "#choices")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from beliefs.timeline import load_timeline

        what, _, name = (event.option.id or "").partition(":")
        try:
            if what == "case":
                session = self.cases.open(name, seed=self.seed)
            else:
                tl, catalog = load_timeline(name)
                session = Session.from_timeline(tl, catalog, seed=self.seed)
        except Exception as exc:
            self.notify(f"cannot open {name}: {exc}", severity="error", timeout=10)
            return
        self.dismiss(session)

    def action_quit(self) -> None:
        self.dismiss(None)
