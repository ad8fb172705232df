"""The add-signal form: a kind picker that filters as you type, Admiralty grade, date, actor, note, source.

Dismisses with the new :class:`Signal`, or ``None`` when cancelled. Invalid
input is refused in the form with a message naming the field; what was typed
stays where it is.

The kind committed is the text in the kind field, when it is a kind id: the
list below it only *fills* the field (enter takes the highlighted kind), it
never overrides what was typed. Pasting a line ``KIND GRADE DATE [ACTOR [NOTE]]``
into any field fills the form. A signal dated before the last one is only
added after a confirmation that says where it will sort. The "not seen"
switch enters negative evidence: the kind was watched for and not seen by
the date (``observed = false``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from pydantic import ValidationError
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Select, Static, Switch
from textual.widgets.option_list import Option

from beliefs.catalog import CREDIBILITY_MEANING, RELIABILITY_MEANING, AdversaryKind, Catalog
from beliefs.channels import channel_names, letter_conflicts, letter_message
from beliefs.evidence.attribution import actor_problems
from beliefs.text import control_problem, printable
from beliefs.timeline import Scenario, Signal
from tui.safe import NO_CONTROL, safe
from tui.screens.dialogs import ConfirmScreen

FIELD_NAMES = {
    "date": "date",
    "kind": "kind",
    "grade": "grade",
    "actor": "actor",
    "note": "note",
    "source": "source",
    "channel": "channel",
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


GRADE_RE = re.compile(r"^[A-F][1-6]$")


def parse_line(catalog: Catalog, text: str) -> dict[str, str] | None:
    """``KIND GRADE DATE [ACTOR [NOTE...]]`` as form values, or None if the line is not one."""
    words = text.strip().split()
    if len(words) < 3 or words[0] not in catalog.by_id or not GRADE_RE.match(words[1].upper()):
        return None
    try:
        date = dt.date.fromisoformat(words[2])
    except ValueError:
        return None
    return {
        "kind": words[0],
        "grade": words[1].upper(),
        "date": date.isoformat(),
        "actor": words[3] if len(words) > 3 else "",
        "note": " ".join(words[4:]),
    }


class FormInput(Input):
    """An input of the add form: a pasted ``KIND GRADE DATE ...`` line fills the whole form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("restrict", NO_CONTROL)  # typing or pasting a control character is refused
        super().__init__(*args, **kwargs)

    def _on_paste(self, event: events.Paste) -> None:
        if control_problem(event.text.splitlines()[0] if event.text.strip() else "") is not None:
            self.restricted()  # a line with an escape sequence fills nothing
            event.stop()
            event.prevent_default()
            return
        screen = self.screen
        if isinstance(screen, AddSignalScreen) and screen.fill_from_line(event.text):
            event.stop()
            event.prevent_default()
            return
        super()._on_paste(event)


class AddSignalScreen(ModalScreen[Signal | None]):
    """A modal form that returns a validated signal."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("ctrl+enter,ctrl+j", "submit", "add signal", priority=True),
    ]

    def __init__(
        self,
        catalog: Catalog,
        scenario: Scenario,
        default_date: str,
        *,
        check: Callable[[Signal], str | None] | None = None,
        prefill: Signal | None = None,
        existing: Sequence[Signal] = (),
    ) -> None:
        """``check(signal)``: a question to confirm before adding (None: add at once); ``prefill``: start filled in;
        ``existing``: the signals already in the case (the channel field completes their channels, and a
        channel keeps its letter)."""
        super().__init__()
        self.existing = list(existing)
        self.catalog = catalog
        self.scenario = scenario
        self.default_date = default_date
        self.check = check
        self.prefill = prefill
        #: the kind highlighted in the list (what enter in the kind field fills in)
        self.highlighted_kind: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog") as dialog:
            dialog.border_title = "Add a signal"
            with Horizontal(id="kind-row"):
                with Vertical(id="kind-picker"):
                    yield FormInput(placeholder="kind id, or words to filter the list", id="kind-filter")
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
                yield FormInput(self.default_date, placeholder="YYYY-MM-DD", id="date")
                yield Label("actor", classes="field-label")
                yield FormInput(placeholder=printable(f"who (e.g. {self.scenario.adversary})"), id="actor")
            with Horizontal(classes="form-row"):
                yield Label("note", classes="field-label")
                yield FormInput(placeholder="what was observed", id="note")
            with Horizontal(classes="form-row"):
                yield Label("source", classes="field-label")
                yield FormInput(placeholder="where it was reported (optional)", id="source")
            with Horizontal(classes="form-row"):
                yield Label("channel", classes="field-label")
                used = channel_names(self.existing)
                hint = f"e.g. {printable(used[0])}" if used else "e.g. Goschen telegrams"
                yield FormInput(
                    placeholder=f"how it reached you (optional; {hint})",
                    suggester=SuggestFromList(used, case_sensitive=False) if used else None,
                    id="channel",
                )
            with Horizontal(classes="form-row"):
                yield Label("not seen", classes="field-label")
                yield Switch(False, id="not-seen")
                yield Label("watched for this kind and NOT seen by the date (negative evidence)", id="not-seen-hint")
            yield Static("", id="form-error")
            with Horizontal(id="buttons"):
                yield Button("Add signal", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")
                yield Label("ctrl+enter adds · esc cancels", id="form-hint")

    def on_mount(self) -> None:
        self._fill_kinds("")
        self.query_one("#kind-filter", Input).focus()
        p = self.prefill
        if p is not None:
            self._set_values(
                {
                    "kind": p.kind,
                    "grade": p.grade,
                    "date": p.date.isoformat(),
                    "actor": p.actor,
                    "note": p.note,
                }
            )
            self.query_one("#source", Input).value = p.source or ""
            self.query_one("#channel", Input).value = p.channel or ""
            self.query_one("#not-seen", Switch).value = not p.observed

    def _set_values(self, values: dict[str, str]) -> None:
        self.query_one("#kind-filter", Input).value = values["kind"]
        self.query_one("#reliability", Select).value = values["grade"][0]
        self.query_one("#credibility", Select).value = values["grade"][1]
        for field in ("date", "actor", "note"):
            if values.get(field):
                self.query_one(f"#{field}", Input).value = values[field]

    def fill_from_line(self, text: str) -> bool:
        """Fill the form from a pasted ``KIND GRADE DATE [ACTOR [NOTE]]`` line; False if it is not one."""
        values = parse_line(self.catalog, text.splitlines()[0] if text.strip() else "")
        if values is None:
            return False
        self._set_values(values)
        self.notify(f"filled from the pasted line: {values['kind']} {values['grade']} {values['date']}")
        return True

    @property
    def kind_id(self) -> str | None:
        """The kind the form commits: the kind field's text when it is a kind id."""
        text = self.query_one("#kind-filter", Input).value.strip()
        return text if text in self.catalog.by_id else None

    # -- kind picker -------------------------------------------------------------

    def _fill_kinds(self, query: str) -> None:
        options = self.query_one("#kinds", OptionList)
        options.clear_options()
        ids = kind_matches(self.catalog, query)
        for kid in ids:
            kind = self.catalog.by_id[kid]
            tag = "adv" if isinstance(kind, AdversaryKind) else "ally"
            options.add_option(Option(f"{safe(kind.label)} [dim]· {tag}[/]", id=kid))
        if query.strip() in ids:  # an exact id: highlight it, whatever else matches
            options.highlighted = ids.index(query.strip())
        elif ids:
            options.highlighted = 0
        self._show_kind(query.strip() if query.strip() in ids else ids[0] if ids else None)

    def _show_kind(self, kid: str | None) -> None:
        self.highlighted_kind = kid
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
        info.update(
            f"[b]{safe(kind.label)}[/b]  ({safe(kid)})\n{what}\n\n{safe(kind.rationale, multiline=True)}"
        )

    @on(Input.Changed, "#kind-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill_kinds(event.value)

    @on(Input.Submitted, "#kind-filter")
    def _filter_done(self) -> None:
        """Enter in the kind field: complete it with the highlighted kind (unless it is a kind id already)."""
        field = self.query_one("#kind-filter", Input)
        if self.kind_id is None and self.highlighted_kind is not None:
            field.value = self.highlighted_kind
        self.query_one("#reliability", Select).focus()

    @on(OptionList.OptionHighlighted, "#kinds")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_kind(event.option.id)

    @on(OptionList.OptionSelected, "#kinds")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on the list: fill the kind field with that kind."""
        if event.option.id is not None:
            self.query_one("#kind-filter", Input).value = event.option.id
            self.query_one("#reliability", Select).focus()

    # -- submit ----------------------------------------------------------------

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#date, #actor, #note, #source, #channel")
    def _submitted(self) -> None:
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def build(self) -> Signal | str:
        """The signal the form describes, or a message saying what is wrong."""
        if self.kind_id is None:
            typed = self.query_one("#kind-filter", Input).value.strip()
            if not typed:
                return "kind: type a kind id, or filter the list and press enter to take one"
            hint = (
                f" (enter takes the highlighted one, {self.highlighted_kind})"
                if self.highlighted_kind
                else ""
            )
            return f"kind: {typed!r} is not a kind id{hint}"
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
            "channel": self.query_one("#channel", Input).value.strip() or None,
            "observed": not self.query_one("#not-seen", Switch).value,
        }
        try:
            signal = Signal.model_validate(raw)
        except ValidationError as exc:
            msgs = []
            for err in exc.errors():
                field = ".".join(str(x) for x in err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                msgs.append(f"{FIELD_NAMES.get(field, field)}: {msg}")
            return "; ".join(msgs)
        who = actor_problems(self.scenario, [signal.model_dump(mode="python")], self.catalog, "the form")
        if who:
            return "actor: " + who[0].message
        conflict = [j for i, j in letter_conflicts([*self.existing, signal]) if i == len(self.existing)]
        if conflict:
            old = self.existing[conflict[0]]
            return "channel: " + letter_message(
                str(signal.channel), signal.grade, old.grade, f"the {old.kind} of {old.date}"
            )
        return signal

    def action_submit(self) -> None:
        result = self.build()
        error = self.query_one("#form-error", Static)
        if isinstance(result, str):
            error.update(Content(f"⚠ {printable(result)}"))
            error.add_class("-shown")
            return
        error.remove_class("-shown")
        question = self.check(result) if self.check is not None else None
        if question is None:
            self.dismiss(result)
            return
        signal = result

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(signal)

        self.app.push_screen(
            ConfirmScreen("Out of date order", question, yes="Add", no="Back to the form"), answered
        )
