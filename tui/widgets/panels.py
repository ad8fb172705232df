"""The main screen's text panels: beliefs, recommendation, what to watch, status, title bar.

Each panel is a :class:`Static` with a ``show(...)`` method that turns a step's
result (:class:`tui.session.StepResult`: the :class:`~beliefs.runs.assessment.Assessment`,
its :class:`~beliefs.decision.decide.Decision`, watch items and diagnostics, typed)
into Textual markup. Colours are
design tokens from :data:`tui.theme.TEXT_TOKENS` only (``$text-primary``,
``$text-muted``...), which keep 4.5:1 contrast in the dark and the light theme.
``plain`` keeps the last text without markup (tests read it).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from beliefs.decision.game import compact_reasons
from beliefs.decision.ties import MCSE_FACTOR, Verdict
from tui.safe import safe
from tui.session import StepResult

SHORT = {
    "firm+support": "firm + support",
    "firm+restrain": "firm + restrain",
    "conciliate+support": "conc + support",
    "conciliate+restrain": "conc + restrain",
}
#: (label, the posterior's name) of the quantities shown (:meth:`beliefs.runs.assessment.Assessment.estimate`)
QUANTITIES = (
    ("P(expansionist)", "p_expansionist"),
    ("ally reliability", "r"),
    ("ally recklessness", "c"),
)


def interval_bar(mean: float, lo: float, hi: float, width: int = 30) -> str:
    """A [0, 1] axis with the 90% interval drawn heavy and the mean as a dot (markup)."""
    cells = []
    mean_cell = min(width - 1, max(0, int(mean * width)))
    for i in range(width):
        x = (i + 0.5) / width
        if i == mean_cell:
            cells.append("[b $text-primary]●[/]")
        elif lo - 0.5 / width <= x <= hi + 0.5 / width:
            cells.append("[$text-primary]━[/]")
        else:
            cells.append("[$text-muted]─[/]")
    return "".join(cells)


def delta_markup(now: float, before: float | None) -> str:
    if before is None:
        return "[$text-muted]   —  [/]"
    d = now - before
    if abs(d) < 0.0005:
        return "[$text-muted] ±0.000[/]"
    return f"[b]{d:+.3f}[/]"


def short_label(label: str, width: int = 36) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


class Panel(Static):
    """A Static that remembers its plain text."""

    plain: str = ""

    def __init__(self, markup: str = "", *, id: str | None = None) -> None:
        super().__init__(Content.from_markup(markup), id=id)
        self.plain = Content.from_markup(markup).plain

    def set_markup(self, markup: str) -> None:
        self.plain = Content.from_markup(markup).plain
        self.update(Content.from_markup(markup))


class BeliefsPanel(Panel):
    """P(expansionist), ally reliability and recklessness: mean, 90% interval bar, change."""

    def show(
        self,
        now: StepResult | None,
        before: StepResult | None,
        error: str | None = None,
        selected: tuple[int, int] | None = None,
    ) -> None:
        """``selected``: (signal index, replay step): that signal's line of the evidence ledger."""
        if now is None:
            self.set_markup(
                "[b $text-error]no posterior: sampling failed (see the status line)[/]"
                if error
                else "[$text-muted]waiting for the posterior…[/]"
            )
            return
        lines = []
        for label, name in QUANTITIES:
            s = now.estimate(name)
            prev = None if before is None else before.estimate(name).mean
            lines.append(f"[b]{label:<18}[/] [b $text-primary]{s.mean:.3f}[/]  {delta_markup(s.mean, prev)}")
            lines.append(f"  90% {s.lo:.2f} {interval_bar(s.mean, s.lo, s.hi)} {s.hi:.2f}")
            if name == "p_expansionist":
                lines += doubt_lines(now)
        if selected is not None:
            from tui.screens.ledger import entry_lines

            lines += entry_lines(now.ledger, *selected)
        self.set_markup("\n".join(lines))


def doubt_lines(now: StepResult) -> list[str]:
    """The model-doubt bound under P(expansionist), with the doubt branch's posterior weight."""
    md = getattr(now.assessment, "model_doubt", None)
    if md is None or md.doubt <= 0.0:
        return []
    branch = "" if md.branch is None else f", branch {md.branch:.2f}"
    if md.rate == "neutral":
        return [f"  [$text-muted]model doubt {md.doubt:.2f} (neutral rate){branch}[/]"]
    lo, hi = md.bound
    return [f"  [$text-muted]model doubt {md.doubt:.2f}: P in [{lo:.2f}, {hi:.2f}]{branch}[/]"]


class RecommendationPanel(Panel):
    """The four options: EU with its 90% interval, P(best); the recommendation (or a tie); risks, break-even, EVPI."""

    def show(self, now: StepResult | None, outcome: str | None = None) -> None:
        if now is None:
            self.set_markup("[$text-muted]waiting for the posterior…[/]")
            return
        dec = now.decision
        lines = ["[$text-muted]  option              EU  90% interval    P(best)[/]"]
        for o in sorted(dec.options, key=lambda o: -o.eu_mean):
            lo, hi = o.eu_hdi
            best = o.option == dec.best
            mark = ("★" if dec.determinate else "≈") if best else " "
            interval = f"[{lo:.2f}, {hi:.2f}]"
            row = f"{mark} {SHORT[o.option]:<15} {o.eu_mean:>6.2f}  {interval:<16}  {o.p_best:.2f}"
            lines.append(f"[b $text-primary]{safe(row)}[/]" if best else safe(row))
        lines.append(verdict_markup(now.verdict))
        r = dec.option(dec.best).risks
        lines.append(
            f"[$text-muted]risks of the best:[/] spiral {r['spiral']:.2f} · exploitation {r['exploitation']:.2f}"
            f"\n  abandonment {r['abandonment']:.2f} · entrapment {r['entrapment']:.2f}"
        )
        be = dec.break_even_p_expansionist
        be_text = "none in [0, 1]" if be is None else f"{be:.3f}"
        lines.append(f"break-even P(exp) {safe(be_text)}   EVPI {dec.evpi:.3f}")
        if dec.break_even_reasons:  # the one game, one coupling at a time (beliefs.decision.game)
            lines.append(f"[$text-muted]why:[/] {safe(compact_reasons(dec.break_even_reasons))}")
        if outcome:
            lines.append(f"[b]history:[/] {safe(outcome)}")
        self.set_markup("\n".join(lines))


def verdict_markup(v: Verdict) -> str:
    """The recommendation, or the tie in the words every view uses (:class:`beliefs.decision.ties.Verdict`)."""
    if v.determinate:
        return (
            f"recommended [b $text-primary]{safe(SHORT[v.best])}[/]  P(best) {v.p_best:.2f}"
            f"  margin {v.margin:+.2f} ± {MCSE_FACTOR * v.margin_mcse:.2f} EU"
        )
    return f"[b]{safe(v.label)}:[/] {safe(v.text)}"


class WatchList(Panel):
    """The catalog kinds whose next report would most change the decision (EVSI)."""

    def show(self, now: StepResult | None) -> None:
        if now is None:
            self.set_markup("[$text-muted]…[/]")
            return
        dec = now.decision
        if not dec.watch_could_change:
            self.set_markup("[$text-muted]no single report could change the recommendation[/]")
            return
        if not dec.watch:
            self.set_markup("[$text-muted]no signal would change the decision[/]")
            return
        lines = []
        for w in dec.watch:
            lines.append(
                f"{safe(short_label(w.label)):<38}[$text-muted]{safe(w.about):<10}[/]EVSI [b]{w.evsi:.3f}[/]"
            )
            if w.has_outcomes:
                lines.append(f"  [$text-muted]{safe(w.compact_reading())}[/]")
        self.set_markup("\n".join(lines))


class StatusLine(Panel):
    """The sampler's diagnostics; a warning when the result is unreliable; the busy state with a spinner."""

    def show(
        self,
        now: StepResult | None,
        busy: str | None,
        *,
        seconds: bool = True,
        error: str | None = None,
        spinner: str = "⟳",
    ) -> None:
        self._last = (now, busy, seconds, error)
        parts = []
        if error:
            parts.append(f"[b $text-error]⚠ sampling failed: {safe(error)}[/]  ")
        if busy:
            parts.append(f"[b $text-primary]{spinner} {safe(busy)}[/]  ")
        self.set_class(bool(error) or (now is not None and not now.reliable), "-unreliable")
        if now is not None:
            d = now.diagnostics
            if now.reliable:
                parts.append("[b]✓ reliable[/]  ")
            else:
                parts.append("[b]⚠ UNRELIABLE: " + safe("; ".join(d.problems)) + "[/]  ")
            text = d.line()
            if seconds:
                text += f"  {d.seconds:.2f} s"
            text += f"  seed {d.seed}"
            parts.append(safe(text))
        elif not busy and not error:
            parts.append("[$text-muted]no posterior yet[/]")
        self.set_markup("".join(parts))

    def spin(self, spinner: str) -> None:
        """The next frame of the busy spinner (nothing else redrawn)."""
        now, busy, seconds, error = getattr(self, "_last", (None, None, True, None))
        if busy:
            self.show(now, busy, seconds=seconds, error=error, spinner=spinner)


class TitleBar(Panel):
    """Title and case (left of the top bar)."""

    def show(self, title: str, case: str | None, playing: bool) -> None:
        extra = f"  [$text-muted]case[/] [b]{safe(case)}[/]" if case else ""
        play = "  [b $text-primary]▶ playing[/]" if playing else ""
        self.set_markup(f"[b]beliefs[/] — {safe(title)}{extra}{play}")


class StepBar(Panel):
    """Replay step and date (right of the top bar)."""

    def show(self, step: int, n: int, date: str) -> None:
        self.set_markup(f"step [b]{step}/{n}[/]  " + (safe(date) if date else "[$text-muted]prior[/]"))


def verdict_line(now: StepResult | None) -> str:
    """One line: P(expansionist) with its 90% band, then the recommendation or 'too close to call' (markup)."""
    if now is None:
        return "[$text-muted]P(expansionist) …  waiting for the posterior[/]"
    s = now.estimate("p_expansionist")
    v = now.verdict
    words = f"[b $text-primary]{safe(v.short())}[/]" if v.determinate else f"[b]{safe(v.short())}[/]"
    return f"P(exp) [b]{s.mean:.3f}[/] [{s.lo:.2f}, {s.hi:.2f}]  {words}"


class VerdictLine(Panel):
    """P(expansionist) and the verdict on one line, on every page of the main screen and on the other screens."""

    def show(self, now: StepResult | None) -> None:
        self.set_markup(verdict_line(now))


class PageBar(Panel):
    """The compact layout's pages, the current one highlighted; a click switches."""

    def show(self, pages: list[tuple[str, str, bool]]) -> None:
        cells = []
        for i, (pid, name, current) in enumerate(pages):
            label = f" {i + 1} {name} "
            style = "b reverse" if current else "$text-muted"
            cells.append(f"[@click=screen.show_page('{pid}')][{style}]{label}[/][/]")
        self.set_markup(" ".join(cells) + "  [$text-muted]tab: next page[/]")
