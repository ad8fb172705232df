"""The briefing's figures as inline SVG (matplotlib, Agg, no fonts fetched).

Every figure is drawn from the JSON of a replay or a sensitivity run, so it
shows exactly the numbers that the report's tables print. No user text goes
into a figure (titles and labels are fixed words, numbers and dates): the
captions around them are HTML, escaped by the template. Each figure gets its
own ``svg.hashsalt`` so the ids of two inline SVGs never clash and the output
is byte-for-byte reproducible.
"""

from __future__ import annotations

import io
from typing import Any

BAND = "#9ecae1"
LINE = "#08519c"
BREAK_EVEN = "#b15928"
RELIABILITY = "#1b7837"
RECKLESSNESS = "#762a83"


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _svg(fig: Any, salt: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inline


def _steps(replay: dict[str, Any]) -> list[dict[str, Any]]:
    return list(replay["steps"])


def _xticks(ax: Any, steps: list[dict[str, Any]]) -> None:
    n = len(steps)
    every = max(1, n // 10)
    ticks = list(range(0, n, every))
    ax.set_xticks(ticks)
    ax.set_xticklabels(["prior" if i == 0 else str(i) for i in ticks])
    ax.set_xlabel("signal (step 0 = the prior)")
    ax.set_xlim(-0.3, n - 0.7)


def belief_trajectory(replay: dict[str, Any], salt: str = "p") -> str:
    """P(expansionist) after every signal, its 90% band, and the decision's break-even line."""
    steps = _steps(replay)
    x = list(range(len(steps)))
    mean = [s["posterior"]["p_expansionist"]["mean"] for s in steps]
    lo = [s["posterior"]["p_expansionist"]["hdi_90"][0] for s in steps]
    hi = [s["posterior"]["p_expansionist"]["hdi_90"][1] for s in steps]
    be = [s["recommendation"].get("break_even_p_expansionist") for s in steps]
    fig = _figure(7.2, 3.0)
    ax = fig.add_subplot()
    ax.fill_between(x, lo, hi, color=BAND, alpha=0.6, linewidth=0, label="90% interval", step=None)
    ax.plot(x, mean, color=LINE, marker="o", markersize=3.5, linewidth=1.8, label="P(expansionist)")
    bx = [i for i, v in zip(x, be, strict=True) if v is not None]
    by = [v for v in be if v is not None]
    if by:
        ax.step(bx, by, where="mid", color=BREAK_EVEN, linestyle="--", linewidth=1.2, label="break-even")
    for flip in replay.get("flips", []):
        ax.axvline(flip, color="#555555", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    _xticks(ax, steps)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    return _svg(fig, salt)


def ally_trajectory(replay: dict[str, Any], salt: str = "a") -> str:
    """The ally's reliability and recklessness after every signal, with 90% bands."""
    steps = _steps(replay)
    x = list(range(len(steps)))
    fig = _figure(7.2, 2.6)
    ax = fig.add_subplot()
    for key, color, label in (
        ("ally_reliability", RELIABILITY, "reliability"),
        ("ally_recklessness", RECKLESSNESS, "recklessness"),
    ):
        mean = [s["posterior"][key]["mean"] for s in steps]
        lo = [s["posterior"][key]["hdi_90"][0] for s in steps]
        hi = [s["posterior"][key]["hdi_90"][1] for s in steps]
        ax.fill_between(x, lo, hi, color=color, alpha=0.08, linewidth=0)
        ax.plot(x, lo, color=color, linewidth=0.8, linestyle="--")
        ax.plot(x, hi, color=color, linewidth=0.8, linestyle="--")
        ax.plot(
            x,
            mean,
            color=color,
            marker="o",
            markersize=3,
            linewidth=1.6,
            label=f"{label} (dashed: 90% interval)",
        )
    ax.set_ylim(0, 1)
    ax.set_ylabel("ally")
    _xticks(ax, steps)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    return _svg(fig, salt)


def option_intervals(recommendation: dict[str, Any], salt: str = "o") -> str:
    """Each option's expected utility: mean and 90% interval (the best one filled)."""
    options = recommendation["options"]
    fig = _figure(7.2, 0.32 * len(options) + 0.8)
    ax = fig.add_subplot()
    for row, o in enumerate(reversed(options)):
        eu = o["expected_utility"]
        lo, hi = eu["hdi_90"]
        best = o["option"] == recommendation["best"]
        ax.plot([lo, hi], [row, row], color=LINE, linewidth=2.2, solid_capstyle="butt")
        ax.plot(
            [eu["mean"]],
            [row],
            marker="o",
            markersize=7,
            color=LINE,
            markerfacecolor=LINE if best else "white",
        )
    ax.set_yticks(range(len(options)))
    ax.set_yticklabels([o["option"] for o in reversed(options)])
    ax.set_xlabel("expected utility (mean, 90% interval)")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    return _svg(fig, salt)


def tornado(entries: list[dict[str, Any]], salt: str = "t", top: int = 10) -> str:
    """The decision margin at the low and high end of each assumption's range (largest swing first)."""
    rows = list(reversed(entries[:top]))
    fig = _figure(7.2, 0.32 * len(rows) + 1.1)
    ax = fig.add_subplot()
    for i, e in enumerate(rows):
        lo, hi = e["margin_low"], e["margin_high"]
        ax.plot([lo, hi], [i, i], color="#bbbbbb", linewidth=5, solid_capstyle="butt")
        ax.plot([lo], [i], marker="<", color=BREAK_EVEN, markersize=6)
        ax.plot([hi], [i], marker=">", color=LINE, markersize=6)
    ax.axvline(0, color="#333333", linewidth=0.9)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([e["assumption"] for e in rows], fontsize=8)
    ax.set_xlabel("margin of today's best option (< low end, > high end; below 0 it loses)")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    return _svg(fig, salt)
