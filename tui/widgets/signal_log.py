"""The signal log: a DataTable of every signal, retracted ones struck through.

A signal watched for and not seen shows as "not seen: KIND" (negative
evidence); one that a later statement of its kind and channel supersedes at
the current step is dimmed, its note saying what superseded it.

Rows after the replay step are dimmed (not yet "seen"); the row of the
current step carries a ▸ marker. The table cursor selects a signal (for
retraction or its detail screen) and is independent of the replay step.
The number shown is the signal's database id in a stored case (what
``beliefs signal retract CASE ID`` takes), its position in a file session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from beliefs.text import printable
from beliefs.timeline import Signal

if TYPE_CHECKING:
    from tui.session import Session

#: (label, width) of each column; the note takes what is left and scrolls.
COLUMNS = (("", 1), ("#", 2), ("date", 10), ("kind", 18), ("gr", 2), ("actor", 10), ("note", 60))


class SignalLog(DataTable[Text]):
    """Date, kind, grade, actor and note of every signal."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False
        for label, width in COLUMNS:
            self.add_column(label, width=width, key=label or "marker")

    def show(
        self,
        signals: list[Signal],
        step: int,
        flips: frozenset[int] = frozenset(),
        numbers: list[int] | None = None,
        superseded: dict[int, str] | None = None,
    ) -> None:
        """Redraw all rows, keeping the cursor where it was; ⇄ marks signals that flipped the recommendation;
        ``superseded``: index -> why, for absences a later statement supersedes."""
        superseded = superseded or {}
        numbers = numbers or list(range(1, len(signals) + 1))
        width = max(2, len(str(max(numbers, default=1))))
        column = self.columns[ColumnKey("#")]
        if column.width != width:
            column.width = width
        row = self.cursor_row
        self.clear()
        for i, sig in enumerate(signals):
            style = ""
            if sig.retracted:
                style = "strike dim"
            elif i >= step or i in superseded:
                style = "dim"
            elif not sig.observed:
                style = "italic"
            marker = "▸" if i == step - 1 else "✗" if sig.retracted else "⇄" if i + 1 in flips else ""
            kind = sig.kind if sig.observed else f"not seen: {sig.kind}"
            note = f"({superseded[i]}) {sig.note}" if i in superseded else sig.note
            cells = (str(numbers[i]), str(sig.date), kind, sig.grade, sig.actor, note)
            self.add_row(
                Text(marker, style="bold"),
                *(Text(printable(c), style=style, no_wrap=True, overflow="ellipsis") for c in cells),
                key=str(i),
            )
        if signals:
            self.move_cursor(row=min(max(row, 0), len(signals) - 1), animate=False)

    def select(self, index: int) -> None:
        """Put the cursor on signal ``index`` and scroll it into view (a new signal: from the form or another process)."""
        if not 0 <= index < self.row_count:
            return
        self.move_cursor(row=index, animate=False, scroll=True)
        # once the new rows are laid out (a redraw may still be pending), scroll again
        self.call_after_refresh(self.move_cursor, row=index, animate=False, scroll=True)

    @property
    def selected_index(self) -> int | None:
        """The signal index under the cursor, if any."""
        if self.row_count == 0:
            return None
        return self.cursor_row


def superseded_at_step(session: Session) -> dict[int, str]:
    """The absences superseded among the signals up to the session's step (what its model counts),
    from the step's evidence record (:meth:`tui.session.Session.record`)."""
    return {i: sup.describe() for i, sup in session.record().superseded.items()}
