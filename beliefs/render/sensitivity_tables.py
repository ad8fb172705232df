"""Readable terminal rendering of a sensitivity analysis (rich).

It answers first the analyst's question -- *what would have to be different
for the recommendation to change?* -- from the break-even values, then shows
the tornado, the maps in brief, the theory lenses, the power-scaling
diagnosis, the Sobol indices and the run's provenance and warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from beliefs.decision.ties import Verdict
from beliefs.render.numbers import fixed
from beliefs.text import printable

if TYPE_CHECKING:
    from beliefs.studies.sensitivity_analysis.break_even import BreakEven


def _f(x: float) -> str:
    return f"{x:.3g}"


#: One assumption's break-even values for :func:`change_sentences`: (label, baseline, low, high,
#: crossings), each crossing (value, best option below it, best option above it).
BreakEvenRow = tuple[str, float, float, float, Sequence[tuple[float, str, str]]]


def change_sentences(best: str, rows: Iterable[BreakEvenRow]) -> list[str]:
    """One sentence per break-even value, nearest to the baseline first (in units of the assumption's range)."""
    lines: list[tuple[float, str]] = []
    for label, baseline, lo, hi, crossings in rows:
        width = (hi - lo) or 1.0
        for value, below, above in crossings:
            if below == best:
                cond, to = f">= {_f(value)}", above
            else:
                cond, to = f"<= {_f(value)}", below
            lines.append((abs(value - baseline) / width, f"{label} {cond} (now {_f(baseline)}) -> {to}"))
    lines.sort()
    return [s for _, s in lines]


def what_would_change(result: dict[str, Any]) -> list[str]:
    """:func:`change_sentences` of an analysis' JSON (``beliefs sensitivity --json``)."""
    rows = [
        (b["label"], b["baseline"], *b["range"], [(v["value"], v["below"], v["above"]) for v in b["values"]])
        for b in result["break_even"]
    ]
    return change_sentences(result["baseline"]["recommendation"], rows)


def break_even_sentences(best: str, break_evens: Iterable[BreakEven]) -> list[str]:
    """:func:`change_sentences` of typed break-even values (the quick sensitivity's)."""
    rows = [(b.label, b.baseline, b.low, b.high, [(v.value, v.below, v.above) for v in b.values]) for b in break_evens]
    return change_sentences(best, rows)


def _headline(result: dict[str, Any]) -> Text:
    base = result["baseline"]
    t = Text()
    t.append(printable(result["scenario"]["title"]) + "\n", style="bold")
    t.append("Recommendation: ")
    verdict = Verdict.from_json(base["decision"]) if "decision" in base else None
    if verdict is not None and not verdict.determinate:  # a tie said as a tie, as `beliefs assess` says it
        t.append(verdict.text, style="bold yellow")
        t.append(f"\nhighest expected utility: {base['recommendation']}; a tie is not a recommendation\n", style="dim")
    else:
        t.append(base["recommendation"], style="bold green")
    runner = sorted(base["expected_utility"].items(), key=lambda kv: -kv[1])[1][0]
    t.append(f"  P(best) {base['p_best']:.2f}, margin {base['margin']:.3f} EU over {runner}")
    t.append(f"  P(expansionist) {base['p_expansionist']:.2f}\n")
    return t


def _change_block(result: dict[str, Any]) -> Text:
    t = Text("What would have to be different for the recommendation to change?\n", style="bold underline")
    changes = what_would_change(result)
    if not changes:
        t.append("  Nothing within the documented ranges, one assumption at a time.\n")
    for line in changes:
        t.append(f"  * {line}\n")
    inert = [e["label"] for e in result["tornado"] if e["swing"] < 1e-6]
    if inert:
        t.append("  No effect at all over its range: " + ", ".join(inert) + "\n", style="dim")
    return t


def _tornado_table(result: dict[str, Any]) -> Table:
    tab = Table(
        title="Tornado: margin of the recommendation at each end of the range",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        padding=(0, 1),
    )
    tab.add_column("assumption", overflow="fold", max_width=28)
    tab.add_column("now", justify="right", no_wrap=True)
    tab.add_column("range", justify="right", no_wrap=True)
    tab.add_column("at low", justify="right", no_wrap=True)
    tab.add_column("at high", justify="right", no_wrap=True)
    tab.add_column("swing", justify="right", no_wrap=True)
    tab.add_column("", no_wrap=True)
    for e in result["tornado"]:
        tab.add_row(
            e["label"],
            _f(e["baseline"]),
            f"{_f(e['low'])}..{_f(e['high'])}",
            f"{fixed(e['margin_low'], '+.2f')}",
            f"{fixed(e['margin_high'], '+.2f')}",
            f"{e['swing']:.2f}",
            Text("FLIPS", style="bold red") if e["flips"] else "",
        )
    return tab


def _maps_text(result: dict[str, Any]) -> Text:
    t = Text("Maps (recommended option, share of grid cells)\n", style="bold")
    for grid in result["maps"].values():
        counts = Counter(b for row in grid["best"] for b in row)
        n = sum(counts.values())
        parts = ", ".join(f"{o} {c / n:.0%}" for o, c in counts.most_common())
        t.append(f"  {grid['x']['name']} x {grid['y']['name']}: {parts}\n")
    return t


def _lens_table(result: dict[str, Any]) -> Group:
    tab = Table(title="Theory lenses", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for col in ("lens", "recommendation", "P(best)", "P(exp)"):
        tab.add_column(col, no_wrap=True)
    notes = Text(style="dim")
    for lens in result["lenses"]:
        tab.add_row(lens["lens"], lens["best"], f"{lens['p_best']:.2f}", f"{lens['p_expansionist']:.2f}")
        over = ", ".join(f"{k}={_f(v)}" for k, v in lens["overrides"].items())
        notes.append(f"  {lens['lens']}: {over}\n")
    return Group(tab, notes)


def _psens_table(result: dict[str, Any]) -> Table:
    ps = result["prior_sensitivity"]
    tab = Table(
        title=f"Power-scaling sensitivity (threshold {ps['threshold']})",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for col in ("parameter", "prior", "likelihood", "diagnosis"):
        tab.add_column(col)
    for p in ps["parameters"]:
        style = "yellow" if p["diagnosis"] != "none" else ""
        tab.add_row(
            p["label"], f"{p['prior']:.3f}", f"{p['likelihood']:.3f}", Text(p["diagnosis"], style=style)
        )
    return tab


#: What the Sobol table's marks mean (its caption).
SOBOL_NOTE = (
    "± = the 95% confidence half-width of the estimate; ≈0 = within its error of zero (no effect this "
    "sample can detect). In theory 0 ≤ S1 ≤ ST; a negative S1, or S1 above ST, is estimation error "
    "(a larger Sobol sample narrows it)"
)


def sobol_cell(value: float, conf: float) -> str:
    """'0.31 ± 0.05', or '-0.01 ± 0.03 ≈0' when the index is within its error of zero."""
    return f"{value:.2f} ± {conf:.2f}" + (" ≈0" if abs(value) <= conf else "")


def _sobol_table(result: dict[str, Any]) -> Table:
    s = result["sobol"]
    tab = Table(
        title=f"Sobol indices of the margin ({s['evaluations']} evaluations, inputs independent)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption=SOBOL_NOTE,
        caption_justify="left",
    )
    for col in ("assumption", "first order S1", "total ST", ""):
        tab.add_column(col)
    for d in s["indices"][:6]:
        odd = d["S1"] < 0 or d["S1"] > d["ST"]
        tab.add_row(
            d["assumption"],
            sobol_cell(d["S1"], d["S1_conf"]),
            sobol_cell(d["ST"], d["ST_conf"]),
            Text("S1 < 0: estimation error" if d["S1"] < 0 else "S1 > ST: estimation error" if odd else "",
                 style="dim"),
        )  # fmt: skip
    return tab


def _meta(result: dict[str, Any]) -> Text:
    m = result["meta"]
    t = Text(
        f"{m['evaluations']} evaluations: {m['reuses']} reused draws, {m['reweightings']} reweighted (PSIS), "
        f"{m['resamples']} re-sampled; {m['executor']}; {m['seconds']:.1f} s; seed {m['seed']}\n",
        style="dim",
    )
    for w in m["warnings"]:
        t.append(f"warning: {w}\n", style="bold yellow")
    return t


def sensitivity_view(result: dict[str, Any]) -> RenderableType:
    """The whole analysis as a rich renderable."""
    return Group(
        _headline(result),
        _change_block(result),
        _tornado_table(result),
        _maps_text(result),
        _lens_table(result),
        _psens_table(result),
        _sobol_table(result),
        _meta(result),
    )
