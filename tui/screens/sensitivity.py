"""The sensitivity screen: break-even P(expansionist) and a what-if for the prior.

The what-if re-runs ``assess_signals`` with another prior P(expansionist) in a
thread worker of the screen (the compiled model is reused: the prior is data). When the
sensitivity module provides a tornado (:func:`~beliefs.studies.sensitivity_analysis.quick.quick_analysis`),
it is shown too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import get_current_worker

from beliefs.catalog import Catalog
from beliefs.timeline import Signal, Timeline
from tui import compute
from tui.messages import WhatIfReady
from tui.safe import safe
from tui.session import Session, StepResult
from tui.widgets.panels import SHORT, Panel, verdict_markup

if TYPE_CHECKING:
    from beliefs.runs.assessment import Assessment
    from beliefs.studies.sensitivity_analysis.quick import QuickSensitivity
    from models.engine import Engine


def break_even_markup(session: Session, now: StepResult | None) -> str:
    if now is None:
        return "[$text-muted]waiting for the posterior…[/]"
    dec = now.decision
    be = dec.break_even_p_expansionist
    p = now.p_expansionist
    lines = [
        f"P(expansionist) now       [b]{p:.3f}[/]   (prior {session.prior:.3f})",
        f"verdict                   {verdict_markup(now.verdict)}",
    ]
    if be is None:
        lines.append(
            "break-even P(expansionist) [b]none in [0, 1][/]: the firm/conciliate choice does not flip"
        )
    else:
        side = "firm" if p > be else "conciliate"
        lines.append(
            f"break-even P(expansionist) [b]{be:.3f}[/]   the belief is {abs(p - be):.3f} "
            f"{'above' if p > be else 'below'} it: {side} is favoured"
        )
    lines.append(
        f"EVPI {dec.evpi:.3f}  (on the type alone {dec.evpi_type:.3f})   margin {dec.margin:.3f}"
    )
    return "\n".join(lines)


def whatif_markup(prior: float, base: StepResult | None, alt: StepResult) -> str:
    line = (
        f"with prior {prior:.3f}:  P(expansionist) [b]{alt.p_expansionist:.3f}[/]"
        f"\n{verdict_markup(alt.verdict)}"
    )
    if base is not None:
        same = base.best == alt.best
        line += "\n" + (
            "[$text-primary]same recommendation as the actual prior[/]"
            if same
            else f"[b $text-error]the recommendation changes[/] (actual prior: {safe(SHORT[base.best])})"
        )
    if not alt.reliable:
        line += (
            "\n[b $text-error]⚠ unreliable sample: " + safe("; ".join(alt.diagnostics.problems)) + "[/]"
        )
    return line


def tornado_markup(result: QuickSensitivity, sentences: list[str], top: int = 8) -> str:
    """The quick sensitivity: what would change the recommendation (``sentences``, nearest first), then the tornado.

    Each bar shows how the decision margin (EU of the recommendation minus the
    best alternative) moves when one assumption goes to the low / high end of
    its range; ⇄ marks assumptions whose range contains a break-even value.
    """
    lines = ["[b]what would change the recommendation[/] [$text-muted](nearest first)[/]"]
    lines += [f"  {safe(s)}" for s in sentences[:3]] or ["  [$text-primary]nothing in the documented ranges[/]"]
    entries = result.tornado[:top]
    base = result.baseline.margin
    span = max((max(abs(e.margin_low - base), abs(e.margin_high - base)) for e in entries), default=0.0)
    lines.append(f"[$text-muted]{'assumption':<32}{'low':>7} {'margin change':^27}{'high':<7}[/]")
    for e in entries:
        d_low, d_high = e.margin_low - base, e.margin_high - base
        left, right = min(d_low, d_high, 0.0), max(d_low, d_high, 0.0)
        nl = 0 if span == 0 else round(12 * abs(left) / span)
        nr = 0 if span == 0 else round(12 * right / span)
        bar = (
            " " * (12 - nl)
            + "[$text-error]"
            + "█" * nl
            + "[/]│[$text-primary]"
            + "█" * nr
            + "[/]"
            + " " * (12 - nr)
        )
        flag = " [b $text-error]⇄[/]" if e.flips else ""
        warn = "" if e.reliable else " [$text-error]k̂[/]"
        lines.append(f"{safe(e.label)[:31]:<32}{e.low:>7.3g} {bar} {e.high:<7.3g}{flag}{warn}")
    if not result.reliable:
        lines.append(
            "[b $text-error]⚠ some points rest on poor reweighting (k̂ ≥ 0.7): run `beliefs sensitivity`[/]"
        )
    lines.append(
        "[$text-muted]left: margin shrinks (toward a flip) · right: grows · ⇄ a break-even lies in the range[/]"
    )
    return "\n".join(lines)


class SensitivityScreen(ModalScreen[None]):
    """Break-even, what-if prior, and (when available) the tornado; it runs its own what-if and tornado workers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "close")]

    def __init__(self, session: Session, engine: Engine | None = None) -> None:
        """``engine``: the app's (None: the process-wide one, :func:`tui.compute.default_engine`)."""
        super().__init__()
        self.session = session
        self.engine = engine

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="wide") as box:
            box.border_title = "Sensitivity"
            yield Panel(break_even_markup(self.session, self.session.result()), id="break-even")
            with Horizontal(classes="form-row"):
                yield Label("what if the prior P(expansionist) were", classes="wide-label")
                yield Input(f"{self.session.prior:.2f}", id="prior", restrict=r"[0-9.]*")
                yield Button("Recompute", id="recompute", variant="primary")
            yield Panel("[$text-muted]enter a prior in (0, 1) and press enter[/]", id="whatif")
            tornado = Panel("[$text-muted]computing the tornado…[/]", id="tornado")
            tornado.border_title = "Tornado"
            yield tornado
            yield Static("[$text-muted]esc closes[/]")

    def on_mount(self) -> None:
        self.query_one("#prior", Input).focus()
        self.update_tornado()

    def posterior_changed(self) -> None:
        """The current step's posterior arrived or changed: the break-even block and the tornado again."""
        self.refresh_base()
        self.update_tornado()

    # -- what if the prior were... ------------------------------------------------------

    @on(Input.Submitted, "#prior")
    @on(Button.Pressed, "#recompute")
    def _recompute(self) -> None:
        text = self.query_one("#prior", Input).value.strip()
        out = self.query_one("#whatif", Panel)
        try:
            prior = float(text)
        except ValueError:
            out.set_markup(f"[b $text-error]⚠ prior: {safe(text)!s} is not a number[/]")
            return
        if not 0.0 < prior < 1.0:
            out.set_markup("[b $text-error]⚠ prior: must be strictly between 0 and 1[/]")
            return
        out.set_markup(f"[b $text-primary]⟳ updating…[/] prior {prior:.3f}")
        s = self.session
        self._whatif(compute.with_prior(s.timeline, prior), s.catalog, s.prefix(), s.seed, prior)

    @work(thread=True, exclusive=True, group="whatif", exit_on_error=False)
    def _whatif(self, timeline: Timeline, catalog: Catalog, signals: list[Signal], seed: int, prior: float) -> None:
        worker = get_current_worker()
        try:
            engine = self.engine or compute.default_engine()
            result = compute.call_cancellable(
                lambda: compute.assess_step(engine, timeline, catalog, signals, seed),
                lambda: worker.is_cancelled,
            )
            self.post_message(WhatIfReady(prior, result))
        except compute.Cancelled:
            return
        except Exception as exc:
            self.app.call_from_thread(self.app.notify, f"what-if failed: {exc}", severity="error")

    def on_what_if_ready(self, message: WhatIfReady) -> None:
        self.show_whatif(message.prior, message.result)

    def show_whatif(self, prior: float, result: StepResult) -> None:
        self.query_one("#whatif", Panel).set_markup(whatif_markup(prior, self.session.result(), result))

    # -- the tornado ----------------------------------------------------------------------

    def update_tornado(self) -> None:
        """The tornado of the current step's posterior, computed in a worker (a newer one supersedes it)."""
        now = self.session.result()
        if not compute.has_tornado():
            self.show_tornado(
                "[$text-muted]the tornado needs beliefs.studies.sensitivity_analysis.quick, not installed here[/]"
            )
        elif now is None:
            self.show_tornado("[$text-muted]waiting for the posterior…[/]")
        else:
            self._tornado(now.assessment, self.session.timeline.with_signals(self.session.prefix()))

    @work(thread=True, exclusive=True, group="tornado", exit_on_error=False)
    def _tornado(self, assessment: Assessment, timeline: Timeline) -> None:
        try:
            markup = tornado_markup(*compute.tornado(assessment, timeline))
        except Exception as exc:  # shown in the panel, never a crash
            markup = f"[b $text-error]tornado failed: {safe(type(exc).__name__)}: {safe(str(exc))}[/]"
        self.app.call_from_thread(self.show_tornado, markup)

    def refresh_base(self) -> None:
        """Redraw the break-even block (the posterior arrived or changed)."""
        self.query_one("#break-even", Panel).set_markup(break_even_markup(self.session, self.session.result()))

    def show_tornado(self, markup: str) -> None:
        if self.is_mounted:
            self.query_one("#tornado", Panel).set_markup(markup)

    def action_close(self) -> None:
        self.dismiss(None)
