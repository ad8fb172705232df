"""Readable terminal renderings (rich) of assessments, catalogs and timelines."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.decision.decide import Decision
from beliefs.render.numbers import fixed
from beliefs.runs.assessment import Assessment
from beliefs.text import literal, printable, shorten

PRETTY = {
    "firm+support": "firm + support",
    "firm+restrain": "firm + restrain",
    "conciliate+support": "conciliate + support",
    "conciliate+restrain": "conciliate + restrain",
}
SHORT = {
    "firm+support": "firm+support",
    "firm+restrain": "firm+restrain",
    "conciliate+support": "concil+support",
    "conciliate+restrain": "concil+restrain",
}


def fmt_interval(lo: float, hi: float, digits: int = 2) -> str:
    return f"[{fixed(lo, f'.{digits}f')}, {fixed(hi, f'.{digits}f')}]"


def diagnostics_line(a: Assessment) -> Text:
    d = a.posterior.diagnostics
    text = Text(f"{d.line()}  {a.seconds:.2f} s  seed {d.seed}  ")
    if d.reliable:
        text.append("reliable", style="green")
    else:
        text.append("UNRELIABLE: " + "; ".join(d.problems), style="bold red")
    return text


def assessment_view(a: Assessment) -> Group:
    """The `beliefs assess` table: posterior, recommendation, risks, watch list, diagnostics."""
    post = Table(title="Posterior", title_justify="left", show_edge=False)
    post.add_column("quantity")
    post.add_column("mean", justify="right")
    post.add_column("90% HDI", justify="right")
    post.add_column("MCSE", justify="right")
    for label, name in (
        ("P(adversary expansionist)", "p_expansionist"),
        ("ally reliability", "r"),
        ("ally recklessness", "c"),
    ):
        s = a.summary(name)
        post.add_row(label, f"{s['mean']:.3f}", fmt_interval(*s["hdi_90"]), f"{s['mcse']:.4f}")

    dec = a.decision
    opts = Table(
        title="Options (expected utility over posterior draws; risks are probabilities)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),
        pad_edge=False,
    )
    for col, just, width in (
        ("option", "left", 17),
        ("EU", "right", 5),
        ("90% HDI", "right", 12),
        ("P(best)", "right", 7),
        ("spiral", "right", 6),
        ("exploit", "right", 7),
        ("abandon", "right", 7),
        ("entrap", "right", 6),
    ):
        opts.add_column(col, justify=just, no_wrap=True, width=width)  # type: ignore[arg-type]
    for o in sorted(dec.options, key=lambda o: -o.eu_mean):
        star = ("★ " if dec.determinate else "≈ ") if o.option == dec.best else "  "
        style = "bold" if o.option == dec.best else ""
        r = o.risks
        opts.add_row(
            star + SHORT[o.option],
            f"{fixed(o.eu_mean, '+.2f')}",
            fmt_interval(*o.eu_hdi, digits=1),
            f"{o.p_best:.2f}",
            f"{r['spiral']:.2f}",
            f"{r['exploitation']:.2f}",
            f"{r['abandonment']:.2f}",
            f"{r['entrapment']:.2f}",
            style=style,
        )
    be = dec.break_even_p_expansionist
    rec = recommendation_text(dec)
    rec.append("\n")
    rec.append(
        f"break-even P(expansionist) {'none in [0, 1]' if be is None else f'{be:.2f}'}   "
        f"EVPI {dec.evpi:.3f} (on the type alone {dec.evpi_type:.3f})"
    )
    if dec.break_even_reasons:  # why the break-even is where it is (beliefs.decision.game), one coupling at a time
        rec.append("\nwhy the break-even is there, one part of the game at a time:", style="dim")
        for reason in dec.break_even_reasons:
            rec.append(f"\n  · {reason.text}", style="dim")
    if not a.reliable:
        rec.append("\nThe sampler reports trouble: treat these numbers as unreliable.", style="bold red")

    watch = watch_view(dec)
    head = literal(f"{a.title}  ({a.n_signals} signals)", "bold")
    return Group(
        head, post, doubt_line(a), Text(""), opts, Panel(rec, expand=False), watch, Text(""), attribution_line(a),
        *[line for line in (spiral_line(a), reciprocity_line(a), absence_line(a)) if line.plain], diagnostics_line(a),
    )


def doubt_line(a: Assessment) -> Text:
    """The model-doubt term: its weight, the bound it puts on P(expansionist), its posterior weight."""
    md = a.model_doubt
    return Text("") if md is None else Text(md.line(), style="dim")


def attribution_line(a: Assessment) -> Text:
    """Who acted: how many signals were own-side context, third parties' acts or unresolved actors."""
    summary = a.attribution()
    if not summary:
        return Text("")
    counts = summary["counts"]
    parts = [f"{counts.get('context', 0)} own-side act(s) shown as context, not weighed"]
    if counts.get("third_party"):
        parts.append(f"{counts['third_party']} third-party act(s) weighed by their attribution")
    if summary["unresolved_actors"]:
        parts.append(f"{len(summary['unresolved_actors'])} unresolved actor(s): their adversary-kind acts counted "
                     "as the adversary's, their ally-kind acts for the ally, until mapped")
    return Text("Who acted: " + "; ".join(parts) + " (`beliefs explain` lists them)", style="dim")


def absence_line(a: Assessment) -> Text:
    """Negative evidence: how many absences count, and how many a later statement superseded."""
    if a.record is None:
        return Text("")
    n = a.record.absence_summary()
    if not n["counted"] and not n["superseded"]:
        return Text("")
    parts = [f"{n['counted']} absence(s) weighed as not seen (1 - p)"]
    if n["superseded"]:
        parts.append(f"{n['superseded']} superseded by a sighting or a later absence of the kind on its channel")
    return Text("Negative evidence: " + "; ".join(parts) + " (`beliefs explain` lists them)", style="dim")


def spiral_line(a: Assessment) -> Text:
    """Spiral context: how many acts were weighed as possible reactions, and how many were initiatives."""
    summary = a.spiral()
    if not summary:
        return Text("")
    label = summary["rule"]["label"]
    if not summary["reactions"]:  # still say which rule an older catalog was assessed under
        return Text(f"Spiral context: {label}", style="dim") if summary["rule"]["rule"] == "window" else Text("")
    rx = [r["reaction"] for r in summary["reactions"]]
    answered = [r for r in rx if not r["initiative"]]
    parts = []
    if answered:
        parts.append(f"{len(answered)} act(s) weighed as possible reactions to own-side provocations "
                     f"(blur up to {max(r['blur'] for r in answered):.2f})")
    if len(answered) < len(rx):
        parts.append(f"{len(rx) - len(answered)} initiative(s) escalating beyond the provocation, not discounted")
    return Text(f"Spiral context ({label}): " + "; ".join(parts)
                + " (`beliefs explain` names the provocations)", style="dim")  # fmt: skip


def reciprocity_line(a: Assessment) -> Text:
    """Reciprocity: the rules in force and how many answers were read as reciprocation of our moves."""
    summary = a.reciprocity()
    if summary is None:
        return Text("")
    from beliefs.evidence.reciprocity import line

    more = " (`beliefs explain` names our moves)" if summary["reciprocations"] else ""
    return Text(line(summary) + more, style="dim")


def recommendation_text(dec: Decision, label: str = "Recommendation: ") -> Text:
    """The recommendation, or what is determinate and what is too close to call (no trailing newline).

    The ± after a margin is twice its Monte Carlo standard error: the tie rule's threshold.
    """
    rec = Text()
    rec.append(label, style="bold")
    if dec.determinate:
        rec.append(PRETTY[dec.best], style="bold cyan")
        rec.append(f"   P(best) {dec.p_best:.2f}   margin {fixed(dec.margin, '+.2f')} ± {2 * dec.margin_mcse:.2f} EU")
        return rec
    rec.append(dec.verdict, style="bold yellow")
    rec.append(
        f"\nhighest expected utility: {PRETTY[dec.best]} (P(best) {dec.p_best:.2f}, "
        f"margin {fixed(dec.margin, '+.2f')} ± {2 * dec.margin_mcse:.2f} EU over {PRETTY.get(dec.runner_up, dec.runner_up)}); "
        "a tie is not a recommendation",
        style="dim",
    )
    return rec


def watch_view(dec: Decision) -> Table | Text:
    """What to watch: the top EVSI, or a plain statement when every EVSI is Monte Carlo noise."""
    if not dec.watch_could_change:
        return Text(
            "What to watch: no single report could change the recommendation "
            "(every report's EVSI is within twice its Monte Carlo error)."
        )
    watch = Table(
        title="What to watch (EVSI of one A1 report; ± twice its Monte Carlo error)",
        caption="seen / unseen: the best option if the kind is seen, or watched for and not seen by then "
        "(enter it with observed = false); ! = that outcome changes the recommendation",
        caption_justify="left",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),
        pad_edge=False,
        expand=True,
    )
    watch.add_column("kind", overflow="ellipsis", no_wrap=True, ratio=1)
    watch.add_column("about", width=9, no_wrap=True)
    watch.add_column("EVSI", justify="right", width=6, no_wrap=True)
    watch.add_column("±", justify="right", width=6, no_wrap=True)
    for w in dec.watch:
        kind = literal(f"{w.kind}: {w.label}")
        if w.has_outcomes:  # which outcome of the report would change the recommendation
            kind.append(f"\n  {w.compact_reading()}", style="dim")
        watch.add_row(kind, w.about, f"{w.evsi:.3f}", f"{2 * w.evsi_mcse:.3f}")
    return watch


def catalog_view(catalog: Catalog, width: int = 80) -> Table:
    """The catalog as a table: prior means of P(seen | type), or the ally effect, per kind."""
    table = Table(
        title=Text.assemble("Signal catalog (", literal(catalog.source), ")"),
        title_justify="left",
        box=None,
        padding=(0, 1, 0, 0),
        caption="E(e), E(s): prior means of P(seen | expansionist), P(seen | status quo); "
        "LR = E(e)/E(s); mil: blurred by the security dilemma; ally: axis, direction, delta; "
        "spiral: P = provocative (by the own side), its escalation rung 0-4, κ = reactivity "
        "(how readily a threatened status-quo state takes the step in answer)",
        caption_justify="left",
    )
    widths = {"id": 28, "mil": 3, "E(e)": 4, "E(s)": 4, "LR": 4, "ally": 12, "spiral": 8}
    for col, w in widths.items():
        table.add_column(col, no_wrap=True, width=w, justify="right" if col in ("E(e)", "E(s)", "LR") else "left")
    table.add_column("label", no_wrap=True, overflow="ellipsis")
    room = max(10, width - sum(widths.values()) - len(widths) - 1)
    for k in catalog.kinds:
        label = Text(shorten(printable(k.label), room))
        if isinstance(k, AdversaryKind):
            e, q = k.given_expansionist.mean, k.given_status_quo.mean
            spiral = f"{'P' if k.provocative else ' '}{k.escalation}" + (f" κ{k.reactivity:.1f}" if k.reactivity else "")
            table.add_row(literal(k.id), "yes" if k.military else "", f"{e:.2f}", f"{q:.2f}", f"{e / q:.1f}", "", spiral, label)
        else:
            effect = f"{'rel' if k.axis == 'reliability' else 'reck'} {k.direction:+d} {k.delta:.2f}"
            table.add_row(literal(k.id), "", "", "", "", effect, f"{'P' if k.provocative else ' '}{k.escalation}", label)
    return table
