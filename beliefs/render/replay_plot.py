"""The replay figure (matplotlib, Agg backend): belief trajectories and the recommendation over time.

Four panels share the step axis (one slot per step, labelled with dates, since
crisis signals bunch in a few days and then pause for months):

1. P(expansionist), posterior mean with its 90% HDI band, and the break-even
   P(expansionist) as a dotted step line; flips are numbered above it.
2. Ally reliability and recklessness, means with 90% HDI bands; each line has
   its own marker and dash pattern.
3. The recommended option as a band, one colour *and* one hatch per option
   (readable in black and white), with P(best) written in each run of steps;
   a step whose recommendation is too close to call is a grey band labelled
   with its determinate half ("firm+?"); dashed vertical lines mark the flips
   (between determinate recommendations) through every panel.
4. The signals: one tick per step, labelled with kind, actor and grade; the
   historical choice from ``[outcome]`` is written beside the final step.

Statistics come from :class:`beliefs.runs.replay_steps.Replay`; nothing is computed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beliefs.decision.payoffs import OPTION_NAMES
from beliefs.decision.ties import partial_label
from beliefs.runs.replay_steps import Replay
from beliefs.text import plot_text, printable, shorten

#: Figure size (inches) and resolution: the PNG is WIDTH*DPI x HEIGHT*DPI pixels.
WIDTH, HEIGHT, DPI = 12.0, 10.0, 100

#: Width in pixels of the plotting area (figure width x the subplots' horizontal extent).
AXES_PX = WIDTH * DPI * (0.86 - 0.07)
#: Colour (Okabe-Ito, colour-blind safe) and hatch of each option.
OPTION_STYLE: dict[str, tuple[str, str]] = {
    "firm+support": ("#D55E00", "//"),
    "firm+restrain": ("#E69F00", "xx"),
    "conciliate+support": ("#0072B2", ".."),
    "conciliate+restrain": ("#56B4E9", "oo"),
}
#: Colour and hatch of a step whose recommendation is too close to call.
TIE_STYLE = ("#DDDDDD", "")
TIE_LABEL = "too close to call"
#: (label, summary key, colour, marker, dash) of each belief trajectory.
LINES: tuple[tuple[str, str, str, str, Any], ...] = (
    ("P(expansionist)", "p_expansionist", "#000000", "o", "-"),
    ("ally reliability", "ally_reliability", "#009E73", "s", (0, (5, 2))),
    ("ally recklessness", "ally_recklessness", "#CC79A7", "^", (0, (1, 1.5))),
)


def pixel_size() -> tuple[int, int]:
    """(width, height) in pixels of the PNG :func:`save_replay_plot` writes."""
    return round(WIDTH * DPI), round(HEIGHT * DPI)


def save_replay_plot(rep: Replay, path: str | Path, *, private: bool = False) -> Path:
    """Draw ``rep`` to a PNG at ``path``, all or nothing; ``private`` (a stored case): 0600, else the umask."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from beliefs.outfile import save_figure

    return save_figure(draw_replay(rep), Path(path), private=private, dpi=DPI)


def draw_replay(rep: Replay) -> Any:
    """The figure (a matplotlib ``Figure``) for ``rep``."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    steps = rep.steps
    n = len(steps)
    xs = list(range(n))
    fig = plt.figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    grid = fig.add_gridspec(4, 1, height_ratios=[3.0, 2.0, 0.8, 2.7], hspace=0.1)
    ax = fig.add_subplot(grid[0])
    ally_ax = fig.add_subplot(grid[1], sharex=ax)
    band = fig.add_subplot(grid[2], sharex=ax)
    sig_ax = fig.add_subplot(grid[3], sharex=ax)

    tl = rep.timeline
    title = plot_text(tl.scenario.title)
    if not rep.reliable:
        title += f"   [SAMPLER TROUBLE at step(s) {', '.join(map(str, rep.unreliable_steps))}]"
    fig.suptitle(title, fontsize=14, fontweight="bold", x=0.06, ha="left", y=0.978)
    fig.text(
        0.06,
        0.946,
        plot_text(f"{tl.scenario.perspective} vs {tl.scenario.adversary}, ally {tl.scenario.ally} ")
        + f"({tl.scenario.polarity}); posterior means with 90% HDI bands; seed {rep.seed}",
        fontsize=9.5,
        color="#444444",
    )

    # -- panels 1 and 2: beliefs about the adversary, then about the ally ------
    posts = [s.assessment.posterior_json() for s in steps]
    for label, key, colour, marker, dash in LINES:
        target = ax if key == "p_expansionist" else ally_ax
        mean = [p[key]["mean"] for p in posts]
        lo = [p[key]["hdi_90"][0] for p in posts]
        hi = [p[key]["hdi_90"][1] for p in posts]
        target.fill_between(xs, lo, hi, color=colour, alpha=0.14, linewidth=0)
        for edge in (lo, hi):
            target.plot(xs, edge, color=colour, linestyle=dash, linewidth=0.7, alpha=0.7)
        target.plot(
            xs, mean, color=colour, marker=marker, linestyle=dash, linewidth=2, markersize=5, label=label
        )
    be = [s.assessment.decision.break_even_p_expansionist for s in steps]
    be_x = [x for x, v in zip(xs, be, strict=True) if v is not None]
    if be_x:
        ax.step(
            be_x,
            [v for v in be if v is not None],
            where="mid",
            color="#777777",
            linestyle=":",
            linewidth=1.8,
            label="break-even P(exp):\nfirm ties\nconciliation",
        )
    for target, ylabel in ((ax, "P(adversary\nexpansionist)"), (ally_ax, "ally")):
        target.set_ylim(-0.02, 1.02)
        target.set_ylabel(ylabel)
        target.grid(axis="y", color="#dddddd", linewidth=0.8)
        target.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        target.tick_params(labelbottom=False)
    for k, s in enumerate(rep.flips, start=1):
        for a in (ax, ally_ax, band, sig_ax):
            a.axvline(s.index - 0.5, color="#333333", linestyle=(0, (4, 3)), linewidth=1)
        ax.annotate(
            f"flip {k}",
            xy=(s.index - 0.5, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3 + 11 * ((k - 1) % 2)),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "#ffffe0", "ec": "#333333", "lw": 0.6},
            annotation_clip=False,
        )
    for s in steps:
        if not s.reliable:
            ax.annotate("!", xy=(s.index, 0.9), color="red", fontsize=14, fontweight="bold", ha="center")

    # -- panel 2: the recommendation band -------------------------------------
    runs = _runs([partial_label(s.assessment.decision) for s in steps])
    for best, start, stop in runs:
        colour, hatch = OPTION_STYLE.get(best, TIE_STYLE)
        band.axvspan(
            start - 0.5, stop - 0.5, facecolor=colour, alpha=0.55, hatch=hatch, edgecolor="#222222", lw=0
        )
        p_best = [steps[i].assessment.decision.p_best for i in range(start, stop)]
        text = f"{best}\nP(best) {min(p_best):.2f}" + (f"–{max(p_best):.2f}" if stop - start > 1 else "")
        if best not in OPTION_STYLE:
            text = f"{TIE_LABEL}:\n{best}"
        if (stop - start) * AXES_PX / n >= 95:
            band.text(
                (start + stop - 1) / 2,
                0.5,
                text,
                ha="center",
                va="center",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    band.set_ylim(0, 1)
    band.set_yticks([])
    band.set_ylabel("best", rotation=0, ha="right", va="center")
    band.tick_params(labelbottom=False)
    used = [o for o in OPTION_NAMES if any(r[0] == o for r in runs)]
    handles = [
        Patch(facecolor=OPTION_STYLE[o][0], alpha=0.55, hatch=OPTION_STYLE[o][1], edgecolor="#222222", label=o)
        for o in used
    ]
    if any(r[0] not in OPTION_STYLE for r in runs):
        handles.append(Patch(facecolor=TIE_STYLE[0], alpha=0.55, edgecolor="#222222", label=TIE_LABEL))
    band.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.05),
        fontsize=8,
        frameon=False,
    )

    # -- panel 3: signals and the historical choice ---------------------------
    _draw_signals(sig_ax, rep)
    labels = ["prior"] + [s.date.strftime("%Y-%m-%d") if s.date else "" for s in steps[1:]]
    sig_ax.set_xticks(xs)
    sig_ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
    sig_ax.set_xlim(-0.6, n - 0.4)
    fig.subplots_adjust(left=0.07, right=0.86, top=0.895, bottom=0.1)
    fit_signal_labels(sig_ax)
    return fig


#: Labels keep this many pixels below the "best" strip above them.
LABEL_GAP_PX = 4


def fit_signal_labels(ax: Any) -> None:
    """Shrink the rotated signal labels until the tallest ends below the top of its panel.

    The panel sits right under the "best" strip: a label taller than the panel
    would run into the strip (a long kind and actor, or many steps).
    """
    texts = [t for t in ax.texts if t.get_rotation() == 90]
    if not texts:
        return
    renderer = ax.figure.canvas.get_renderer()
    top = ax.get_window_extent(renderer).y1 - LABEL_GAP_PX
    for _ in range(6):
        highest = max(t.get_window_extent(renderer).y1 for t in texts)
        if highest <= top:
            return
        bottom = min(t.get_window_extent(renderer).y0 for t in texts)
        scale = max(0.5, (top - bottom) / (highest - bottom)) * 0.98
        for t in texts:
            t.set_fontsize(t.get_fontsize() * scale)


def _draw_signals(ax: Any, rep: Replay) -> None:
    """One tick per signal with a rotated label; the historical choice beside the last step."""
    steps = rep.steps
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.set_ylabel("signals", rotation=0, ha="right", va="center")
    fontsize = 8 if len(steps) <= 25 else 6
    for s in steps[1:]:
        assert s.signal is not None
        sig = s.signal
        ax.plot([s.index, s.index], [0.0, 0.07], color="#333333", linewidth=1)
        what = sig.kind.removeprefix("ally_") if sig.observed else f"not seen: {sig.kind.removeprefix('ally_')}"
        label = shorten(printable(f"{what} · {sig.actor}"), 34)
        label = plot_text(label + f" ({sig.grade})")
        ax.text(
            s.index,
            0.09,
            label,
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=fontsize,
            color="#888888" if sig.retracted else "#111111",
            style="italic" if sig.kind.startswith("ally_") else "normal",
        )
    outcome = rep.timeline.outcome
    final = rep.final.decision
    text = f"model at the end:\n{partial_label(final)}\nP(best) {final.p_best:.2f}"
    if not final.determinate:
        text += f"\n({TIE_LABEL})"
    if outcome is not None:
        text += (
            f"\n\nhistorical choice:\n{outcome.adversary_posture} toward\nthe adversary,\n"
            f"{outcome.ally_posture} toward\nthe ally"
        )
    ax.annotate(
        text,
        xy=(len(steps) - 1, 0.05),
        xycoords="data",
        xytext=(1.01, 0.98),
        textcoords="axes fraction",
        ha="left",
        va="top",
        fontsize=8.5,
        bbox={"boxstyle": "round,pad=0.4", "fc": "#f3f3f3", "ec": "#333333", "lw": 0.8},
        arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 0.8},
        annotation_clip=False,
    )
    ax.text(
        1.01,
        0.02,
        "italic: ally signal\n(Admiralty grade\nin brackets)",
        transform=ax.transAxes,
        fontsize=7.5,
        color="#555555",
    )


def _runs(values: list[str]) -> list[tuple[str, int, int]]:
    """Maximal runs of equal values: (value, start, stop)."""
    runs: list[tuple[str, int, int]] = []
    for i, v in enumerate(values):
        if runs and runs[-1][0] == v:
            runs[-1] = (v, runs[-1][1], i + 1)
        else:
            runs.append((v, i, i + 1))
    return runs
