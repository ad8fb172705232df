"""Small modal dialogs: a one-line prompt (path, case name), retract a signal (with a reason),
a yes/no confirmation, and what to do with unsaved changes when quitting."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from beliefs.text import printable
from beliefs.timeline import Signal
from tui.safe import NO_CONTROL, safe


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with it (stripped), or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(
        self, title: str, question: str, value: str = "", *, ok: str = "OK", required: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.value = value
        self.ok = ok
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small") as dialog:
            dialog.border_title = self.title_text
            yield Static(self.question, id="question")
            yield Input(printable(self.value), id="answer", restrict=NO_CONTROL)
            yield Static("", id="form-error")
            with Horizontal(id="buttons"):
                yield Button(self.ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text and self.required:
            error = self.query_one("#form-error", Static)
            error.update(f"⚠ {safe(self.required)}")
            error.add_class("-shown")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RetractScreen(PromptScreen):
    """Confirm the retraction of one signal and ask why."""

    def __init__(self, number: int, signal: Signal) -> None:
        what = f"#{number}  {signal.date}  {signal.kind}  {signal.grade}  {signal.actor}\n{signal.note}"
        super().__init__(
            "Retract a signal",
            f"{safe(what, multiline=True)}\n\nThe signal stays in the log, struck through, and no longer counts.\nReason:",
            ok="Retract",
            required="reason: say why the signal is retracted",
        )


class ConfirmScreen(ModalScreen[bool]):
    """A question with two answers; dismisses with True for the first (y), False for the other (n, escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "no"),
        Binding("y", "answer(True)", "yes"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text, self.question, self.yes, self.no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small") as dialog:
            dialog.border_title = self.title_text
            yield Static(safe(self.question), id="question")
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class QuitScreen(ModalScreen[str | None]):
    """Unsaved changes: "save" (as a case), "export" (to TOML), "discard", or None (cancel, stay)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,c", "choose(None)", "cancel"),
        Binding("s", "choose('save')", "save as case"),
        Binding("e", "choose('export')", "export"),
        Binding("d", "choose('discard')", "discard"),
    ]

    def __init__(self, changes: str, source: str) -> None:
        super().__init__()
        self.changes, self.source = changes, source

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small quit") as dialog:
            dialog.border_title = "Quit beliefs"
            yield Static(
                f"{safe(self.changes)} to {safe(self.source)}, not stored anywhere yet.",
                id="question",
            )
            with Horizontal(id="buttons", classes="quit-buttons"):
                yield Button("Save as case (s)", variant="primary", id="save")
                yield Button("Export (e)", id="export")
                yield Button("Discard (d)", variant="error", id="discard")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
