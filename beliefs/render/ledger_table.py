"""The evidence ledger as rich tables (``beliefs explain``).

Every text from a file or the case store goes in as :class:`rich.text.Text`
made printable, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from beliefs.render.numbers import fixed
from beliefs.runs.ledger import JENSEN_NOTE, Entry, Ledger
from beliefs.runs.numbering import number
from beliefs.text import printable

UNRELIABLE = "⚠"


def _signal(e: Entry) -> Text:
    s = e.signal
    text = Text(printable(s.kind if s.observed else f"not seen: {s.kind}"))
    if s.actor:
        text.append(f" ({printable(s.actor)})", style="dim")
    att = e.attribution
    if att is not None and att.role == "third_party":
        text.append(f" a={att.weight:.2f}", style="dim")
    elif att is not None and att.role == "unresolved":
        whose = "the adversary's" if att.adversary_kind else "the ally's (an ally kind)"
        text.append(f" unresolved: counted as {whose}", style="yellow")
    if e.reaction is not None:
        r = e.reaction
        text.append(" initiative" if r.initiative else f" ↺{r.blur:.2f}", style="magenta")
    if e.reciprocation is not None:
        text.append(f" ⇄{e.reciprocation.factor:.2f}", style="green")
    return text


def _loo(e: Entry, value: str) -> Text:
    """A leave-one-out figure, flagged when its weights were not trusted and nothing replaced them."""
    return Text(value) if e.reliable else Text(value + UNRELIABLE, style="bold red")


def ledger_view(ledger: Ledger, title: str, signal_ids: Sequence[int] | None = None) -> Group:
    """The adversary ledger (largest first), the identity it adds up to, and the ally reports.

    ``#`` is :func:`beliefs.runs.numbering.number`: a stored case's signal id (``signal_ids``), else the 1-based position.
    """

    def no(e: Entry) -> str:
        return str(number(e.index, signal_ids))

    w = max([2, *(len(no(e)) for e in ledger.entries)])
    table = Table(
        title=f"{printable(title)}: evidence ledger",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 0),
        expand=True,
        caption="log-odds = the report's posterior-mean contribution to logit P(expansionist); ×odds = its factor "
        "on the odds; running = prior + contributions up to this report, in entry order; "
        "P w/o = P(expansionist) without the report (leave-one-out, in the per-report model: see below); "
        "a = a third party's attribution weight "
        "(its act counts as the adversary's with that weight); ↺ = weighed as a possible reaction, with its blur "
        "(spiral context, listed below); ⇄ = read as reciprocation of our move, with its factor on the "
        "expansionist rate (listed below)",
        caption_justify="left",
    )
    _columns(table, (("#", w), ("date", 10), ("signal (actor)", 0), ("channel", 12), ("gr", 2),
                     ("log-odds", 8), ("×odds", 6), ("running", 7), ("P w/o", 6)))  # fmt: skip
    for e in ledger.by_size():
        s = e.signal
        table.add_row(
            no(e), s.date.isoformat(), _signal(e), Text(printable(s.channel or "—")), s.grade,
            "—" if e.contribution is None else fixed(e.contribution, "+.2f"), f"{e.odds_factor:.2f}",
            "—" if e.running is None else fixed(e.running, "+.2f"),
            _loo(e, "—" if e.p_without is None else f"{e.p_without:.3f}"),
        )  # fmt: skip
    total = sum(e.contribution or 0.0 for e in ledger.adversary)
    p = ledger.p_expansionist
    lines = Text()
    doubt = ledger.doubt
    model_term = "" if doubt is None else f" + model uncertainty {fixed(doubt.contribution, '+.3f')}"
    lines.append(
        f"prior log-odds {fixed(ledger.prior_logodds, '+.3f')} + contributions {fixed(total, '+.3f')}{model_term}"
        f"{chr(10) if model_term else ' '}= posterior-mean log-odds {fixed(ledger.posterior_logodds_mean, '+.3f')}\n",
        style="bold",
    )
    if doubt is not None:
        lines.append(doubt.line() + (f" (Pareto k̂ {doubt.khat:.2f})" if doubt.loo == "psis" else ""))
        lines.append("\n" if doubt.reliable else f" {UNRELIABLE}\n", style="" if doubt.reliable else "bold red")
    lines.append(ledger.how_to_read() + "\n")
    logit_p = "±∞" if p in (0.0, 1.0) else f"{fixed(float(_logit(p)), '+.3f')}"
    lines.append(f"P(expansionist) = {p:.4f} (logit {logit_p}). Note: {JENSEN_NOTE}.\n", style="dim")
    if not ledger.reliable:
        lines.append(
            f"{UNRELIABLE} leave-one-out unreliable for some reports (Pareto k̂ ≥ 0.7 and no fresh sample)\n",
            style="bold red",
        )
    parts: list[Table | Text] = [table, lines]
    spiral = [e for e in ledger.adversary if e.reaction is not None]
    if spiral:
        ctx_lines = Text("Spiral context (an act that may answer an own-side provocation: its status-quo "
                         "likelihood moves towards the expansionist one by the blur)\n", style="bold")  # fmt: skip
        if ledger.spiral_rule:
            ctx_lines.append(f"  rule: {ledger.spiral_rule}\n", style="dim")
        for e in sorted(spiral, key=lambda e: e.index):
            ctx_lines.append(f"  #{no(e)} {printable(e.signal.kind)} of {e.signal.date.isoformat()}: ")
            ctx_lines.append(printable(e.reaction.describe()) + "\n", style="magenta")  # type: ignore[union-attr]
        parts.append(ctx_lines)
    answers = [e for e in ledger.adversary if e.reciprocation is not None]
    if answers:
        rec_lines = Text("Reciprocity (a costly conciliatory answer to our own conciliatory move: its "
                         "expansionist likelihood is lowered by the factor)\n", style="bold")  # fmt: skip
        for e in sorted(answers, key=lambda e: e.index):
            rec_lines.append(f"  #{no(e)} {printable(e.signal.kind)} of {e.signal.date.isoformat()}: ")
            rec_lines.append(printable(e.reciprocation.describe()) + "\n", style="green")  # type: ignore[union-attr]
        parts.append(rec_lines)
    if ledger.ally:
        ally = _section("Ally reports: posterior mean of the axis they inform, with and without each")
        _columns(ally, (("#", w), ("date", 10), ("signal (actor)", 0), ("channel", 12), ("gr", 2),
                        ("axis", 12), ("with", 5), ("without", 8)))  # fmt: skip
        for e in ledger.ally:
            s = e.signal
            ally.add_row(
                no(e), s.date.isoformat(), _signal(e), Text(printable(s.channel or "—")), s.grade,
                str(e.axis), f"{e.mean:.3f}", _loo(e, "—" if e.mean_without is None else f"{e.mean_without:.3f}"),
            )  # fmt: skip
        parts.append(ally)
    if ledger.context:
        ctx = _section("Context: own-side acts, not evidence on the adversary's type (not weighed)")
        _columns(ctx, (("#", w), ("date", 10), ("signal (actor)", 0), ("channel", 12), ("gr", 2), ("", 12)))
        for e in ledger.context:
            s = e.signal
            who = (
                "perspective" if e.attribution is not None and e.attribution.role == "perspective" else "ally"
            )
            ctx.add_row(
                no(e), s.date.isoformat(), _signal(e), Text(printable(s.channel or "—")), s.grade, who
            )
        parts.append(ctx)
    if ledger.superseded:
        gone = _section(
            "Superseded: absences a sighting or a later absence of the same kind and channel replaces "
            "(the latest statement counts; not weighed)"
        )
        _columns(gone, (("#", w), ("date", 10), ("signal (actor)", 0), ("channel", 12), ("gr", 2), ("", 25)))
        for e in ledger.superseded:
            s = e.signal
            why = e.superseded.short() if e.superseded is not None else ""
            gone.add_row(
                no(e), s.date.isoformat(), _signal(e), Text(printable(s.channel or "—")), s.grade, why
            )
        parts.append(gone)
    return Group(*parts)


def _section(title: str) -> Table:
    """One of the ledger's secondary tables (ally reports, context, superseded): titled, full width, no padding."""
    return Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0), expand=True
    )


def _columns(table: Table, spec: tuple[tuple[str, int], ...]) -> None:
    """Fixed widths for every column but the signal's, which takes the room left (80 columns fit)."""
    left = {"date", "signal (actor)", "channel", "gr", "axis", ""}  # "" : a note column
    for name, width in spec:
        fixed = {"width": width, "min_width": width} if width else {}
        table.add_column(
            name, justify="left" if name in left else "right", no_wrap=True, overflow="ellipsis",
            ratio=1 if name == "signal (actor)" else None, **fixed,  # type: ignore[arg-type]
        )  # fmt: skip


def _logit(p: float) -> float:
    import math

    return math.log(p) - math.log1p(-p)
