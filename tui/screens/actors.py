"""Map a stored case's unresolved actors to the scenario's roles (``m``; ``beliefs cases map-actor`` in the TUI).

Cases stored by older versions hold free-text actors that no role claims;
they count as before attribution (an adversary kind as the adversary's own
act, an ally kind for the ally) until the analyst maps them. This dialog lists
them, with how their signals count now, and a role picker for each: the
adversary, the ally, the perspective state or one of the scenario's third
parties. It dismisses with the chosen (actor, role) pairs; the app commits
them in one transaction (:meth:`beliefs.cases.store.CaseStore.map_actors`),
as aliases: the signals keep their words. A new third party with its
attribution weight is made on the command line (``--attribution``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from beliefs.evidence.attribution import unresolved_reading
from beliefs.text import printable
from tui.safe import safe

#: At most this many unresolved actors get a picker (the rest: `beliefs cases actors`).
MAX_SHOWN = 30


def role_options(scenario: Any) -> list[tuple[Text, str]]:
    """(label, target) of every role an actor can be mapped to; targets are what map_actor takes."""
    out = [
        (f"adversary ({scenario.adversary})", "adversary"),
        (f"ally ({scenario.ally})", "ally"),
        (f"perspective ({scenario.perspective})", "perspective"),
    ]
    out += [(f"third party {name} (a={tp.attribution:.2f})", name) for name, tp in scenario.actors.items()]
    return [(Text(printable(label)), target) for label, target in out]


class ActorsScreen(ModalScreen[list[tuple[str, str]] | None]):
    """The unresolved actors of a case, each with a role picker; dismisses with the pairs picked (None: cancel)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, case: str, scenario: Any, counts: Mapping[str, tuple[int, int]]) -> None:
        """``counts``: each unresolved actor's (adversary-kind, ally-kind) signals (the log's evidence record)."""
        super().__init__()
        self.case = case
        self.scenario = scenario
        self.actors = list(counts.items())

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide actors") as box:
            box.border_title = f"Unresolved actors of case {safe(self.case)}"
            box.border_subtitle = "esc cancels"
            if not self.actors:
                yield Static("Every actor of this case resolves to a role: nothing to map.", id="actors-none")
            else:
                yield Static(
                    "These actors are none of the scenario's roles, aliases or third parties. Pick a role for "
                    "those you know; each becomes an alias of it (the signals keep their words; "
                    "`beliefs cases map-actor CASE ACTOR --unmap` undoes it). A new third party with its "
                    "attribution: `beliefs cases map-actor ... --attribution A`.",
                    id="actors-help",
                )
                options = role_options(self.scenario)
                with VerticalScroll(id="actors-list"):
                    for i, (name, (adv, ally)) in enumerate(self.actors[:MAX_SHOWN]):
                        with Horizontal(classes="actor-row"):
                            label = Text.assemble((printable(name), "bold"), "\n", unresolved_reading(adv, ally))
                            yield Static(label, classes="actor-label")
                            yield Select(options, prompt="leave unresolved", id=f"role-{i}", classes="actor-role")
                if len(self.actors) > MAX_SHOWN:
                    yield Static(f"… and {len(self.actors) - MAX_SHOWN} more: `beliefs cases actors {safe(self.case)}`")
            yield Static("", id="form-error")
            with Horizontal(id="buttons"):
                if self.actors:
                    yield Button("Map", variant="primary", id="ok")
                yield Button("Cancel" if self.actors else "Close", id="cancel")

    def on_mount(self) -> None:
        first = self.query(Select).first() if self.actors else self.query_one("#cancel", Button)
        first.focus()

    def picked(self) -> list[tuple[str, str]]:
        """(actor as written, target) for every actor given a role."""
        out = []
        for i, (name, _) in enumerate(self.actors[:MAX_SHOWN]):
            value = self.query_one(f"#role-{i}", Select).value
            if isinstance(value, str):
                out.append((name, value))
        return out

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        chosen = self.picked()
        if not chosen:
            error = self.query_one("#form-error", Static)
            error.update("⚠ pick a role for at least one actor, or cancel")
            error.add_class("-shown")
            return
        self.dismiss(chosen)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
