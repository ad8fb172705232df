"""The evidence ledger in the TUI: one signal's line (beliefs panel, detail screen) and the full table.

The ledger is computed in the worker with the posterior (:func:`beliefs.runs.ledger.evidence`,
no fresh samples: a report whose leave-one-out weights are not trusted is marked,
not re-sampled); this module only formats it. Every text from the log is escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from beliefs.text import printable

if TYPE_CHECKING:
    from beliefs.runs.ledger import Ledger


def entry_lines(ledger: Ledger | None, index: int, step: int, label: str = "selected signal") -> list[str]:
    """Markup lines for signal ``index`` of the log, under the ledger of the first ``step`` signals."""
    if ledger is None:
        return ["[$text-muted]evidence: not computed for this step[/]"]
    if index >= step:
        return ["[$text-muted]evidence: after the replay step (not counted yet)[/]"]
    e = ledger.entry(index)
    if e is None:
        return ["[$text-muted]evidence: retracted, contributes nothing[/]"]
    if e.about == "superseded" and e.superseded is not None:
        return [f"[$text-muted]evidence: an absence {escape(e.superseded.describe())}: not counted[/]"]
    if e.about == "context" or (e.about != "adversary" and e.mean is None):
        return ["[$text-muted]evidence: an own-side act (context), not evidence on the adversary[/]"]
    warn = "" if e.reliable else f"  [b $text-error]⚠ leave-one-out not trusted (k̂ {e.khat:.2f})[/]"
    if e.about == "adversary":
        without = "—" if e.p_without is None else f"{e.p_without:.3f}"
        spiral = [] if e.reaction is None else [f"  [$text-muted]{escape(printable(e.reaction.describe()))}[/]"]
        with_all = "" if ledger.p_reports is None else f" (with it {ledger.p_reports:.3f})"
        alone = " in the per-report model" if ledger.doubt is not None else ""
        if e.reciprocation is not None:
            spiral.append(f"  [$text-muted]{escape(printable(e.reciprocation.describe()))}[/]")
        return [
            f"[b]{label}[/] {e.contribution:+.2f} log-odds (×{e.odds_factor:.2f} odds)",
            f"  P(exp) without it [b]{without}[/]{with_all}{alone}{warn}",
            *spiral,
        ]
    without = "—" if e.mean_without is None else f"{e.mean_without:.3f}"
    return [
        f"[b]{label}[/] ally {e.axis}: {e.mean:.3f}",
        f"  without it [b]{without}[/]{warn}",
    ]


class LedgerScreen(ModalScreen[None]):
    """Every report's contribution, largest first, and the identity it adds up to."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,l", "close", "close")]

    def __init__(self, ledger: Ledger, numbers: list[int]) -> None:
        super().__init__()
        self.ledger = ledger
        self.numbers = numbers

    def compose(self) -> ComposeResult:
        from beliefs.runs.ledger import JENSEN_NOTE

        led = self.ledger
        total = sum(e.contribution or 0.0 for e in led.adversary)
        with Vertical(id="dialog", classes="ledger") as box:
            box.border_title = "Evidence ledger"
            box.border_subtitle = "esc closes"
            yield DataTable(id="ledger-table", cursor_type="row", zebra_stripes=True)
            doubt = led.doubt
            model_term = "" if doubt is None else f" + model uncertainty {doubt.contribution:+.3f}"
            doubt_line = "" if doubt is None else escape(doubt.line()) + ("" if doubt.reliable else " [b red]⚠[/]") + "\n"
            with VerticalScroll(id="ledger-notes"):  # the table keeps most of a small screen; the notes scroll
                yield Static(
                    f"prior log-odds {led.prior_logodds:+.3f} + contributions {total:+.3f}{model_term} = "
                    f"posterior-mean log-odds [b]{led.posterior_logodds_mean:+.3f}[/]\n"
                    f"{doubt_line}{escape(led.how_to_read())}\n[$text-muted]{escape(JENSEN_NOTE)}[/]",
                    id="ledger-total",
                )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("#", "date", "kind", "actor", "channel", "gr", "log-odds", "×odds", "running", "P w/o", "spiral"):
            table.add_column(col, key=col)
        for e in self.ledger.by_size():
            s = e.signal
            without = "—" if e.p_without is None else f"{e.p_without:.3f}"
            table.add_row(
                Text(str(self.numbers[e.index])), Text(str(s.date)),
                Text(printable(s.kind if s.observed else f"not seen: {s.kind}")),
                Text(printable(s.actor)), Text(printable(s.channel or "—")), Text(s.grade),
                Text(f"{e.contribution:+.2f}"), Text(f"{e.odds_factor:.2f}"), Text(f"{e.running:+.2f}"),
                Text(without + ("" if e.reliable else " ⚠"), style="" if e.reliable else "bold red"),
                Text("" if e.reaction is None else "initiative" if e.reaction.initiative else f"↺{e.reaction.blur:.2f}"),
            )  # fmt: skip
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
