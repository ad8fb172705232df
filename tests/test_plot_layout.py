"""Plots laid out so nothing overlaps or runs off the figure (checked on the drawn text boxes).

The tornado's legend stays clear of its "no effect" notes and every end label
is inside the axes; the replay's signal labels end below the "best" strip.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from beliefs.render import sensitivity_plot

#: The Agadir 1911 tornado (`beliefs sensitivity agadir-1911`, seed 0): label, baseline, low, high,
#: margin at low, at high, best at low, at high. Its notes reach the lower right, where the legend was.
AGADIR = (
    ("offense advantage", 0.7, 0.0, 1.0, 0.715519, -0.276289, "firm+restrain", "firm+support"),
    (
        "ally reliability prior mean",
        0.636364,
        0.436364,
        0.836364,
        -0.315382,
        0.35435,
        "firm+support",
        "firm+restrain",
    ),
    ("abandonment cost", 3.6, 1.8, 5.4, 0.329963, -0.286818, "firm+restrain", "firm+support"),
    ("prior P(expansionist)", 0.6, 0.35, 0.85, 0.3191, -0.187746, "firm+restrain", "firm+support"),
    ("entrapment cost", 2.4, 1.2, 3.6, -0.220792, 0.263937, "firm+support", "firm+restrain"),
    ("provocation risk", 0.5, 0.0, 1.0, -0.132052, 0.175197, "firm+support", "firm+restrain"),
    ("U(firm | status-quo)", -2.0, -3.5, -0.5, 0.136791, -0.093646, "firm+restrain", "firm+support"),
    ("offense cost slope", 1.0, 0.0, 2.0, -0.004032, 0.047177, "firm+support", "firm+restrain"),
    ("U(conciliate | expansionist)", -4.0, -5.5, -2.5, 0.021573, 0.021573, "firm+restrain", "firm+restrain"),
    ("U(conciliate | status-quo)", 3.0, 1.5, 4.5, 0.021573, 0.021573, "firm+restrain", "firm+restrain"),
    ("U(firm | expansionist)", 1.0, -0.5, 2.5, 0.021573, 0.021573, "firm+restrain", "firm+restrain"),
    # a long end label at the right end: it ran off the right edge
    ("a long-named assumption", 1.0, 0.0, 2.0, -0.2, 0.95, "conciliate+restrain", "conciliate+support"),
)


def _tornado_result():
    entries = [
        {"assumption": a, "label": a, "baseline": b, "low": lo, "high": hi, "margin_low": ml, "margin_high": mh,
         "best_low": bl, "best_high": bh, "swing": abs(mh - ml), "flips": bl != bh}
        for a, b, lo, hi, ml, mh, bl, bh in AGADIR
    ]  # fmt: skip
    return {"tornado": entries, "baseline": {"margin": 0.021573, "recommendation": "firm+restrain"},
            "scenario": {"title": "Agadir Crisis 1911 (British perspective)"}}  # fmt: skip


def test_tornado_legend_clear_of_notes_and_labels_inside(tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(plt, "close", lambda fig: figures.append(fig))
    sensitivity_plot.plot_tornado(_tornado_result(), Path(tmp_path / "t.png"))
    fig = figures[0]
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    box = ax.get_window_extent(r)
    legend = (fig.legends or [ax.get_legend()])[0].get_window_extent(r)
    for t in ax.texts:
        tb = t.get_window_extent(r)
        assert not tb.overlaps(legend), t.get_text()
        if t.get_transform() == ax.transData:
            assert box.x0 <= tb.x0 and tb.x1 <= box.x1, t.get_text()  # no label off the edge
    fb = fig.bbox
    assert fb.x0 <= legend.x0 and legend.x1 <= fb.x1 and fb.y0 <= legend.y0
    plt.close("all")


def test_replay_labels_end_below_the_best_strip():
    import beliefs
    from beliefs.render.replay_plot import draw_replay
    from beliefs.runs.replay_steps import replay

    crisis = beliefs.load_timeline("july-1914")
    long = [  # long kinds and actors, some "not seen": the tallest labels
        s.model_copy(update={"actor": "Austria-Hungary", "observed": i % 3 != 0})
        if s.actor == "Germany"
        else s
        for i, s in enumerate(crisis.timeline.signals)
    ]
    rep = replay(crisis.timeline.with_signals(long), crisis.catalog, seed=0)
    fig = draw_replay(rep)
    try:
        r = fig.canvas.get_renderer()
        band, signals = fig.axes[2], fig.axes[3]
        tops = [t.get_window_extent(r).y1 for t in signals.texts if t.get_rotation() == 90]
        assert tops and max(tops) < band.get_window_extent(r).y0
    finally:
        plt.close(fig)
