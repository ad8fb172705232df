"""The whole of one signal (enter on the log): every field, the grade in words, what it did to the beliefs.

"When it arrived" is the change of the replay step that added it (the
posterior with the signals up to it, minus the one before), taken from the
results computed so far. The evidence ledger's contribution (its share of the
posterior log-odds, and P(expansionist) without it) is shown once the whole
log has a posterior.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from beliefs.catalog import CREDIBILITY_MEANING, RELIABILITY_MEANING, AdversaryKind
from tui.safe import safe
from tui.screens.ledger import entry_lines
from tui.session import Session
from tui.widgets.panels import QUANTITIES, Panel
from tui.widgets.signal_log import superseded_at_step


def grade_words(grade: str) -> str:
    """ "B2" -> "usually reliable source; probably true"."""
    letter, digit = grade[0], grade[1]
    return f"{RELIABILITY_MEANING.get(letter, '?')} source; {CREDIBILITY_MEANING.get(digit, '?')}"


def _row(label: str, value: str) -> str:
    return f"[b]{label:<13}[/] {value}"


def detail_markup(session: Session, index: int) -> str:
    """Markup for signal ``index`` of ``session`` (every untrusted text escaped)."""
    sig = session.signals[index]
    kind = session.catalog.by_id.get(sig.kind)
    if kind is None:
        kind_text = safe(sig.kind)
    elif isinstance(kind, AdversaryKind):
        kind_text = (
            f"{safe(sig.kind)} · {safe(kind.label)} · adversary{' · military' if kind.military else ''}"
        )
    else:
        kind_text = f"{safe(sig.kind)} · {safe(kind.label)} · ally ({safe(kind.axis)})"
    lines = [
        _row("number", f"#{session.number(index)}" + (" (database id)" if session.case else " (position)")),
        _row("replay", f"step {index + 1} of {session.n}"),
        _row("date", safe(str(sig.date))),
        _row("kind", kind_text),
        _row("grade", f"{safe(sig.grade)} · {safe(grade_words(sig.grade))}"),
        _row("actor", safe(sig.actor) or "[$text-muted]—[/]"),
    ]
    channel = getattr(sig, "channel", None)
    if channel:
        lines.append(_row("channel", safe(str(channel))))
    lines.append(_row("source", safe(sig.source) if sig.source else "[$text-muted]—[/]"))
    lines.append(_row("note", safe(sig.note, multiline=True) or "[$text-muted]—[/]"))
    if sig.retracted:
        reason = session.reasons.get(index)
        lines.append(_row("status", "[b $text-error]retracted[/]" + (f": {safe(reason)}" if reason else "")))
    elif index < session.step and index in (gone := superseded_at_step(session)):
        lines.append(_row("status", f"not seen by {sig.date} · {safe(gone[index])}: not counted"))
    elif not sig.observed:
        lines.append(_row("status", f"[b]not seen[/] by {sig.date}: watched for and absent (counts as 1 - p)"))
    else:
        lines.append(_row("status", "counts"))
    entry = session.entries.get(index)
    if entry:
        at, by, origin = entry
        lines.append(_row("entered", safe(f"{at} by {by}" + (f" from {origin}" if origin else ""))))
    elif session.case is None and index >= len(session.timeline.signals):
        lines.append(_row("entered", "in this session (not stored yet)"))
    lines += ["", *_effect(session, index), "", *_ledger(session, index)]
    if kind is not None:
        lines += ["", f"[$text-muted]{safe(kind.rationale, multiline=True)}[/]"]
        if kind.spiral_rationale:
            lines.append(f"[$text-muted]spiral context: {safe(kind.spiral_rationale, multiline=True)}[/]")
    return "\n".join(lines)


def _effect(session: Session, index: int) -> list[str]:
    after, before = session.result(index + 1), session.result(index)
    if after is None or before is None:
        return ["[b]when it arrived[/]  [$text-muted]not computed yet (replay to it, or wait)[/]"]
    out = [f"[b]when it arrived[/] (step {index} → {index + 1})"]
    for label, name in QUANTITIES:
        a, b = before.estimate(name).mean, after.estimate(name).mean
        out.append(f"  {label:<18} {a:.3f} → {b:.3f}  ({b - a:+.3f})")
    if before.best != after.best:
        out.append(f"  the recommendation changed: {safe(before.best)} → {safe(after.best)}")
    return out


def _ledger(session: Session, index: int) -> list[str]:
    """The evidence ledger's line for this signal, under the posterior of the current replay step."""
    now = session.result()
    head = f"[b]evidence ledger[/] (replay step {session.step})"
    ledger = now.ledger if now else None
    lines = [head, *("  " + line for line in entry_lines(ledger, index, session.step, "contribution"))]
    e = None if ledger is None or index >= session.step else ledger.entry(index)
    if ledger is not None and e is not None and e.about == "adversary":  # how to read it against the bound
        lines.append(f"  [$text-muted]{safe(ledger.how_to_read())}[/]")
    return lines


class SignalDetailScreen(ModalScreen[None]):
    """One signal, all of it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "close")]

    def __init__(self, session: Session, index: int) -> None:
        super().__init__()
        self.session = session
        self.index = index

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="detail") as box:
            box.border_title = f"Signal #{self.session.number(self.index)}"
            box.border_subtitle = "esc closes"
            yield Panel(detail_markup(self.session, self.index), id="detail-body")

    def refresh_detail(self) -> None:
        self.query_one("#detail-body", Panel).set_markup(detail_markup(self.session, self.index))

    def action_close(self) -> None:
        self.dismiss(None)
