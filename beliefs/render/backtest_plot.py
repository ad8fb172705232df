"""The backtest figure (matplotlib, Agg): a reliability diagram and every case's prior and final belief.

Left: the reliability diagram. Cases are binned by final P(expansionist);
each bin is a point at (mean predicted P, share of expansionist adversaries),
its area proportional to the number of cases; the diagonal is perfect
calibration. With a dozen cases the bins are coarse, so every case is also
drawn as a tick along the bottom (expansionist) or the top (status quo).

Right: one row per case, an arrow from the scenario's prior to the final
P(expansionist); a filled circle marks an expansionist adversary in
hindsight, an open square a status-quo one (readable in black and white), so
a good arrow runs toward 1 for circles and toward 0 for squares.

Statistics come from :class:`beliefs.studies.backtesting.Backtest`; nothing is computed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beliefs.render.backtest_table import display_name
from beliefs.studies.backtesting import Backtest
from beliefs.text import plot_text, shorten

#: Figure width (inches) and resolution; the height grows with the number of cases.
WIDTH, DPI = 12.0, 100
EXP_COLOUR, SQ_COLOUR = "#D55E00", "#0072B2"  # Okabe-Ito


def figure_height(n_cases: int) -> float:
    return max(5.0, 1.6 + 0.32 * n_cases)


def save_backtest_plot(bt: Backtest, path: str | Path) -> Path:
    """Draw ``bt`` to a PNG at ``path`` (written to a temporary file, then renamed)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from beliefs.outfile import save_figure

    return save_figure(_figure(bt), Path(path), private=False, dpi=DPI)  # history, not the store: the umask


def draw_backtest(bt: Backtest) -> Any:
    """The figure (a matplotlib ``Figure``) for ``bt``; the caller closes it."""
    return _figure(bt)


def _figure(bt: Backtest) -> Any:
    import matplotlib.pyplot as plt

    n = bt.n
    fig, (rel, cases) = plt.subplots(
        1, 2, figsize=(WIDTH, figure_height(n)), gridspec_kw={"width_ratios": [1, 1.35]}
    )
    brier, brier_prior = bt.total("brier"), bt.total("brier_prior")
    fig.suptitle(
        f"Calibration backtest, {n} case{'s' if n != 1 else ''}: Brier {brier:.3f} "
        f"(priors alone {brier_prior:.3f}, a coin 0.250)",
        fontsize=12,
    )
    _reliability(rel, bt)
    _arrows(cases, bt)
    fig.subplots_adjust(left=0.07, right=0.97, top=0.84, bottom=0.1, wspace=0.45)
    return fig


def _reliability(ax: Any, bt: Backtest) -> None:
    ax.plot([0, 1], [0, 1], color="#777777", linestyle=":", linewidth=1.2)
    bins = [b for b in bt.reliability() if b.n]
    ax.scatter(
        [b.p_mean for b in bins],
        [b.observed for b in bins],
        s=[60 * b.n for b in bins],
        color="#333333",
        zorder=3,
    )
    for b in bins:
        ax.annotate(str(b.n), (b.p_mean, b.observed), xytext=(12, 10), textcoords="offset points", fontsize=8)
    for c in bt.cases:
        y, colour, marker = (-0.04, EXP_COLOUR, "|") if c.y else (1.04, SQ_COLOUR, "|")
        ax.plot([c.p_final], [y], marker=marker, markersize=12, color=colour, clip_on=False)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.08, 1.08)
    ax.set_xlabel("final P(adversary expansionist)")
    ax.set_ylabel("share expansionist in hindsight")
    ax.set_title("Reliability diagram (ticks: cases, along the bottom if expansionist, the top if not)", fontsize=9)
    ax.grid(color="#eeeeee")
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="#777777", linestyle=":", label="perfect calibration"),
        Line2D([], [], color="#333333", marker="o", linestyle="none", label="bin of final P (area: cases)"),
        Line2D([], [], color=EXP_COLOUR, marker="|", markersize=10, linestyle="none", label="a case, expansionist"),
        Line2D([], [], color=SQ_COLOUR, marker="|", markersize=10, linestyle="none", label="a case, status quo"),
    ]
    ax.legend(handles=handles, loc="center left", fontsize=8, frameon=False, bbox_to_anchor=(0.0, 0.62))


def _arrows(ax: Any, bt: Backtest) -> None:
    order = sorted(bt.cases, key=lambda c: (c.y, c.p_final))
    for i, c in enumerate(order):
        colour = EXP_COLOUR if c.y else SQ_COLOUR
        ax.annotate(
            "",
            xy=(c.p_final, i),
            xytext=(c.p_prior, i),
            arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.4},
        )
        ax.plot(
            [c.p_final],
            [i],
            marker="o" if c.y else "s",
            markersize=7,
            markerfacecolor=colour if c.y else "white",
            markeredgecolor=colour,
            linestyle="none",
        )
        ax.plot([c.p_prior], [i], marker="|", markersize=10, color="#555555")
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([plot_text(shorten(display_name(c.name), 28)) for c in order], fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.8, len(order) - 0.2)
    ax.axvline(0.5, color="#bbbbbb", linewidth=0.8)
    ax.set_xlabel("P(adversary expansionist): prior (|) -> final")
    ax.set_title("Each case: ● expansionist, □ status quo in hindsight", fontsize=9)
    ax.grid(axis="x", color="#eeeeee")
