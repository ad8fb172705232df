"""Small modal dialogs: retract a signal (with a reason), and a one-line prompt (path, case name)."""

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

    def __init__(self, index: int, signal: Signal) -> None:
        what = f"#{index + 1}  {signal.date}  {signal.kind}  {signal.grade}  {signal.actor}\n{signal.note}"
        super().__init__(
            "Retract a signal",
            f"{safe(what, multiline=True)}\n\nThe signal stays in the log, struck through, and no longer counts.\nReason:",
            ok="Retract",
            required="reason: say why the signal is retracted",
        )
