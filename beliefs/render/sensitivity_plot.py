"""PNG figures of a sensitivity analysis: the tornado chart and the two recommendation maps.

Numbers come from :func:`beliefs.studies.sensitivity_analysis.analysis.run_sensitivity`; this module
only draws them (matplotlib with the Agg backend, imported lazily).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beliefs.decision.payoffs import OPTION_NAMES
from beliefs.outfile import save_figure
from beliefs.text import plot_text

#: One colour per option (colour-blind safe, Okabe-Ito).
OPTION_COLOURS = {
    "firm+support": "#0072B2",
    "firm+restrain": "#56B4E9",
    "conciliate+support": "#D55E00",
    "conciliate+restrain": "#E69F00",
}
SHORT = {
    "firm+support": "F+S",
    "firm+restrain": "F+R",
    "conciliate+support": "C+S",
    "conciliate+restrain": "C+R",
}
AXIS_LABELS = {
    "offense_advantage": "offense advantage (0 defense dominant .. 1 offense dominant)",
    "distinguishability": "distinguishability of offensive and defensive postures",
    "prior_expansionist": "prior P(expansionist)",
    "ally_reliability_mean": "ally reliability prior mean",
}
MAP_TITLES = {
    "jervis": "Recommendation over Jervis's plane",
    "priors": "Recommendation over the priors",
}


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def plot_tornado(result: dict[str, Any], path: Path) -> Path:
    """Horizontal bars: the margin at the low and high end of each assumption."""
    plt = _plt()
    entries = result["tornado"]
    base = result["baseline"]
    m0 = base["margin"]
    n = len(entries)
    fig, ax = plt.subplots(figsize=(10, 0.45 * n + 2.2))
    span = max([abs(e[f"margin_{k}"] - m0) for e in entries for k in ("low", "high")] + [1e-9])
    for i, e in enumerate(entries):
        y = n - 1 - i
        if e["swing"] < 1e-9:
            ax.plot([m0], [y], marker="|", ms=10, color="#444444")
            ax.text(
                m0 + 0.02 * span,
                y,
                f"no effect over {_fmt(e['low'])} .. {_fmt(e['high'])}",
                va="center",
                fontsize=8,
                color="#555555",
            )
            continue
        for end, colour in (("low", "#B8B8B8"), ("high", "#505050")):
            m = e[f"margin_{end}"]
            ax.barh(y, m - m0, left=m0, color=colour, height=0.6, edgecolor="black" if e["flips"] else "none")
            note = f" {_fmt(e[end])}"
            if e[f"best_{end}"] != base["recommendation"]:
                note += f" -> {SHORT[e[f'best_{end}']]}"
            right = m >= m0
            ax.text(
                m,
                y,
                note + " " if not right else note,
                va="center",
                ha="left" if right else "right",
                fontsize=8,
            )
    labels = [f"{e['label']}  [{_fmt(e['baseline'])}]" + ("  FLIPS" if e["flips"] else "") for e in entries]
    ax.set_yticks(range(n - 1, -1, -1), labels, fontsize=9)
    for tick, e in zip(ax.get_yticklabels(), entries, strict=True):
        if e["flips"]:
            tick.set_color("#B00020")
            tick.set_fontweight("bold")
    ax.axvline(m0, color="black", lw=1)
    ax.axvline(0.0, color="#B00020", lw=1.2, ls="--")
    lo, hi = ax.get_xlim()
    lo = min(lo, 0.0)
    ax.set_xlim(lo - 0.22 * (hi - lo), hi + 0.12 * (hi - lo))  # room for the end labels
    ax.text(
        0.0,
        -0.65,
        " recommendation changes left of the dashed line",
        color="#B00020",
        fontsize=8,
        va="bottom",
    )
    from matplotlib.patches import Patch

    fig.legend(  # at the foot of the figure, below the axis label: no bar or note is there
        handles=[
            Patch(color="#B8B8B8", label="low end of range"),
            Patch(color="#505050", label="high end of range"),
        ],
        loc="lower center",
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.set_xlabel(f"margin: EU({base['recommendation']}) minus best other option's EU (baseline {m0:.3f})")
    ax.set_title(
        f"{plot_text(result['scenario']['title'])}: what moves the recommendation?\n"
        "margin at each end of an assumption's range (range end at the bar tip)",
        fontsize=11,
    )
    ax.set_ylim(-0.8, n - 0.4)
    fig.tight_layout(rect=(0.0, 0.35 / fig.get_figheight(), 1.0, 1.0))  # room for the legend at the foot
    fit_texts_inside(ax)
    return save_figure(fig, path, private=False, dpi=120)  # timelines only: the umask


def fit_texts_inside(ax: Any, pad_px: float = 6.0) -> None:
    """Widen the x range until every text drawn in data coordinates (the end labels, the notes) is inside the axes."""
    renderer = ax.figure.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_transform() == ax.transData]
    for _ in range(5):
        box = ax.get_window_extent(renderer)
        left = min(t.get_window_extent(renderer).x0 for t in texts) if texts else box.x0
        right = max(t.get_window_extent(renderer).x1 for t in texts) if texts else box.x1
        over_left, over_right = box.x0 + pad_px - left, right - (box.x1 - pad_px)
        if over_left <= 0 and over_right <= 0:
            return
        lo, hi = ax.get_xlim()
        per_px = (hi - lo) / box.width
        ax.set_xlim(lo - max(over_left, 0) * per_px * 1.05, hi + max(over_right, 0) * per_px * 1.05)


def plot_map(result: dict[str, Any], plane: str, path: Path) -> Path:
    """A labelled heat map of the recommended option over one plane."""
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    plt = _plt()
    grid = result["maps"][plane]
    xs, ys = grid["x"]["values"], grid["y"]["values"]
    codes = np.array([[OPTION_NAMES.index(b) for b in row] for row in grid["best"]])
    cmap = ListedColormap([OPTION_COLOURS[o] for o in OPTION_NAMES])
    fig, ax = plt.subplots(figsize=(8.5, 7))
    ax.imshow(codes, origin="lower", cmap=cmap, vmin=-0.5, vmax=len(OPTION_NAMES) - 0.5, aspect="auto")
    for iy, row in enumerate(grid["best"]):
        for ix, best in enumerate(row):
            dark = best in ("firm+support", "conciliate+support")
            ax.text(
                ix, iy, SHORT[best], ha="center", va="center", fontsize=7, color="white" if dark else "black"
            )
    ax.set_xticks(range(len(xs)), [f"{v:.2f}" for v in xs], rotation=45)
    ax.set_yticks(range(len(ys)), [f"{v:.2f}" for v in ys])
    bx = float(np.interp(grid["x"]["baseline"], xs, range(len(xs))))
    by = float(np.interp(grid["y"]["baseline"], ys, range(len(ys))))
    ax.plot(bx, by, marker="*", ms=20, color="white", mec="black", mew=1.5, ls="none")
    ax.set_xlabel(AXIS_LABELS.get(grid["x"]["name"], grid["x"]["name"]))
    ax.set_ylabel(AXIS_LABELS.get(grid["y"]["name"], grid["y"]["name"]))
    handles = [Patch(color=OPTION_COLOURS[o], label=o) for o in OPTION_NAMES]
    handles.append(
        plt.Line2D([], [], marker="*", ms=14, color="white", mec="black", ls="none", label="this scenario")
    )
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=5, fontsize=8, frameon=False
    )
    ax.set_title(f"{MAP_TITLES.get(plane, plane)}\n{plot_text(result['scenario']['title'])}", fontsize=11)
    fig.tight_layout()
    return save_figure(fig, path, private=False, dpi=120)  # timelines only: the umask


def write_plots(result: dict[str, Any], directory: str | Path) -> list[Path]:
    """Write ``tornado.png``, ``map_jervis.png`` and ``map_priors.png`` into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = [plot_tornado(result, out / "tornado.png")]
    paths += [plot_map(result, plane, out / f"map_{plane}.png") for plane in result["maps"]]
    return paths
