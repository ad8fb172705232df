"""The add-signal form: a kind picker that filters as you type, Admiralty grade, date, actor, note, source.

Dismisses with the new :class:`Signal`, or ``None`` when cancelled. Invalid
input is refused in the form with a message naming the field; what was typed
stays where it is.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from beliefs.catalog import CREDIBILITY_MEANING, RELIABILITY_MEANING, AdversaryKind, Catalog
from beliefs.text import printable
from beliefs.timeline import Scenario, Signal
from tui.safe import NO_CONTROL, safe

FIELD_NAMES = {
    "date": "date",
    "kind": "kind",
    "grade": "grade",
    "actor": "actor",
    "note": "note",
    "source": "source",
}


def kind_matches(catalog: Catalog, query: str) -> list[str]:
    """Kind ids whose id or label contains every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    out = []
    for kind in catalog.kinds:
        hay = f"{kind.id} {kind.label} {kind.about}".lower()
        if all(w in hay for w in words):
            out.append(kind.id)
    return out


class AddSignalScreen(ModalScreen[Signal | None]):
    """A modal form that returns a validated signal."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("ctrl+enter,ctrl+j", "submit", "add signal", priority=True),
    ]

    def __init__(self, catalog: Catalog, scenario: Scenario, default_date: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.scenario = scenario
        self.default_date = default_date
        self.kind_id: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog") as dialog:
            dialog.border_title = "Add a signal"
            with Horizontal(id="kind-row"):
                with Vertical(id="kind-picker"):
                    yield Input(placeholder="type to filter kinds (id or label)", id="kind-filter")
                    yield OptionList(id="kinds")
                with VerticalScroll(id="kind-info-box"):
                    yield Static("", id="kind-info")
            with Horizontal(classes="form-row"):
                yield Label("reliability", classes="field-label")
                yield Select(
                    [(f"{k} {v}", k) for k, v in RELIABILITY_MEANING.items()],
                    value="B",
                    allow_blank=False,
                    id="reliability",
                )
                yield Label("credibility", classes="field-label")
                yield Select(
                    [(f"{k} {v}", k) for k, v in CREDIBILITY_MEANING.items()],
                    value="2",
                    allow_blank=False,
                    id="credibility",
                )
            with Horizontal(classes="form-row"):
                yield Label("date", classes="field-label")
                yield Input(self.default_date, placeholder="YYYY-MM-DD", id="date", restrict=NO_CONTROL)
                yield Label("actor", classes="field-label")
                yield Input(placeholder=printable(f"who (e.g. {self.scenario.adversary})"), id="actor", restrict=NO_CONTROL)
            with Horizontal(classes="form-row"):
                yield Label("note", classes="field-label")
                yield Input(placeholder="what was observed", id="note", restrict=NO_CONTROL)
            with Horizontal(classes="form-row"):
                yield Label("source", classes="field-label")
                yield Input(placeholder="where it was reported (optional)", id="source", restrict=NO_CONTROL)
            yield Static("", id="form-error")
            with Horizontal(id="buttons"):
                yield Button("Add signal", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")
                yield Label("ctrl+enter adds · esc cancels", id="form-hint")

    def on_mount(self) -> None:
        self._fill_kinds("")
        self.query_one("#kind-filter", Input).focus()

    # -- kind picker -------------------------------------------------------------

    def _fill_kinds(self, query: str) -> None:
        options = self.query_one("#kinds", OptionList)
        options.clear_options()
        ids = kind_matches(self.catalog, query)
        for kid in ids:
            kind = self.catalog.by_id[kid]
            tag = "adv" if isinstance(kind, AdversaryKind) else "ally"
            options.add_option(Option(f"{safe(kind.label)} [dim]· {tag}[/]", id=kid))
        if ids:
            options.highlighted = 0
        self._show_kind(ids[0] if ids else None)

    def _show_kind(self, kid: str | None) -> None:
        self.kind_id = kid
        info = self.query_one("#kind-info", Static)
        if kid is None:
            info.update("no kind matches; clear the filter to see them all")
            return
        kind = self.catalog.by_id[kid]
        if isinstance(kind, AdversaryKind):
            ge, gs = kind.given_expansionist, kind.given_status_quo
            what = (
                f"adversary{' · military' if kind.military else ''} · "
                f"P(seen|exp) ~ {ge.mean:.2f}, P(seen|sq) ~ {gs.mean:.2f}"
            )
        else:
            sign = "raises" if kind.direction == 1 else "lowers"
            what = f"ally · {sign} {kind.axis} · diagnosticity {kind.delta:.2f}"
        info.update(f"[b]{safe(kind.label)}[/b]  ({safe(kid)})\n{what}\n\n{safe(kind.rationale, multiline=True)}")

    @on(Input.Changed, "#kind-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill_kinds(event.value)

    @on(Input.Submitted, "#kind-filter")
    def _filter_done(self) -> None:
        self.query_one("#reliability", Select).focus()

    @on(OptionList.OptionHighlighted, "#kinds")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_kind(event.option.id)

    # -- submit ----------------------------------------------------------------

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#date, #actor, #note, #source")
    def _submitted(self) -> None:
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def build(self) -> Signal | str:
        """The signal the form describes, or a message saying what is wrong."""
        if self.kind_id is None:
            return "kind: pick a kind from the list (type to filter)"
        rel = self.query_one("#reliability", Select).value
        cred = self.query_one("#credibility", Select).value
        source = self.query_one("#source", Input).value.strip()
        raw = {
            "date": self.query_one("#date", Input).value.strip(),
            "kind": self.kind_id,
            "grade": f"{rel}{cred}",
            "actor": self.query_one("#actor", Input).value.strip(),
            "note": self.query_one("#note", Input).value.strip(),
            "source": source or None,
        }
        try:
            return Signal.model_validate(raw)
        except ValidationError as exc:
            msgs = []
            for err in exc.errors():
                field = ".".join(str(x) for x in err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                msgs.append(f"{FIELD_NAMES.get(field, field)}: {msg}")
            return "; ".join(msgs)

    def action_submit(self) -> None:
        result = self.build()
        error = self.query_one("#form-error", Static)
        if isinstance(result, str):
            error.update(f"⚠ {safe(result)}")
            error.add_class("-shown")
            return
        error.remove_class("-shown")
        self.dismiss(result)
